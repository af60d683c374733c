// Command cgoworker is a sandbox worker that links cgo (through Go's net
// resolver, as the hlogate binary does when a C compiler is present), for
// the tests of Landlock applied by re-execution. Its probes exit 10 when
// the forbidden action is refused and 11 when it succeeds, like the
// package's own test probes.
package main

import (
	_ "net" // links cgo where a C compiler is present
	"os"
	"syscall"

	"github.com/hlogate/hlogate/internal/sandbox"
)

func main() {
	sandbox.RunTestWorkerWithProbes(probe)
	os.Stderr.WriteString("cgoworker: not started as a sandbox worker\n")
	os.Exit(2)
}

func probe(name string) {
	var err error
	switch name {
	case "open":
		var f *os.File
		if f, err = os.Open("/etc/passwd"); err == nil {
			f.Close()
		}
	case "write":
		err = os.WriteFile("/tmp/hlogate-cgo-probe", []byte("x"), 0o644)
	case "execve":
		err = syscall.Exec("/bin/sh", []string{"sh", "-c", "true"}, nil)
	default:
		os.Exit(3)
	}
	if err != nil {
		os.Stderr.WriteString("refused: " + err.Error() + "\n")
		os.Exit(10)
	}
	os.Stderr.WriteString("succeeded\n")
	os.Exit(11)
}
