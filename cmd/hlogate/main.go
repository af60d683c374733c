// Command hlogate checks, runs and serves StableHLO programs that may come
// from people you do not trust.
//
// Exit codes, shared by every subcommand: 0 ok; 1 internal error (a bug);
// 2 usage or I/O error; 3 rejected before execution (parse, verify, policy,
// static cost, invalid inputs); 4 stopped at run time by a limit; 5 the
// program failed at run time.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/hlogate/hlogate/internal/sandbox"
)

type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{"check", "parse, verify and policy-check programs", runCheck},
		{"run", "run a program on inputs", runRun},
		{"conformance", "run the upstream StableHLO conformance corpus", runConformance},
		{"bench", "time the fixed benchmark suite (MLP, CNN, transformer, ...) on this machine", runBench},
		{"load", "drive a running server with valid and malicious tenants; report latency and errors", runLoad},
		{"serve", "serve models over the Open Inference Protocol (REST, gRPC) to tenants", runServe},
		{"version", "print the version", runVersion},
	}
}

const version = "0.1.0-dev"

func main() {
	sandbox.MaybeRunWorker() // a sandboxed execution worker never returns from here
	os.Exit(dispatch(os.Args[1:], os.Stdout, os.Stderr))
}

func dispatch(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		if len(args) > 1 {
			return dispatch([]string{args[1], "--help"}, stdout, stderr)
		}
		usage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "hlogate: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprint(w, `hlogate runs StableHLO programs safely: parse under caps, verify, enforce a
policy, bound the cost, and execute under run-time meters.

Usage:
  hlogate <command> [flags] [arguments]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Run 'hlogate <command> --help' for a command's flags and examples.

Exit codes: 0 ok, 1 internal error, 2 usage or I/O error, 3 rejected before
execution, 4 stopped by a run-time limit, 5 failed at run time.
`)
}

func runVersion(_ []string, stdout, _ io.Writer) int {
	fmt.Fprintln(stdout, "hlogate", version)
	return 0
}
