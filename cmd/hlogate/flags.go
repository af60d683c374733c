package main

import (
	"flag"

	"github.com/hlogate/hlogate/internal/units"

	"fmt"
	"io"
	"strconv"
	"strings"
)

// byteSize is a flag value that accepts sizes like 512MiB, 2GB, 1048576.
type byteSize int64

func (b *byteSize) String() string { return units.FormatBytes(int64(*b)) }

func (b *byteSize) Set(s string) error {
	v, err := parseByteSize(s)
	if err != nil {
		return err
	}
	*b = byteSize(v)
	return nil
}

func parseByteSize(s string) (int64, error) { return units.ParseBytes(s) }

// count is a flag value that accepts 1e8 as well as 100000000.
type count int64

func (c *count) String() string { return strconv.FormatInt(int64(*c), 10) }

func (c *count) Set(s string) error {
	n, err := units.ParseCount(s)
	if err != nil {
		return err
	}
	*c = count(n)
	return nil
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

// newFlagSet builds a flag set whose --help prints the usage line, the
// flags and examples.
func newFlagSet(name, usageLine, examples string, w io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(w)
	fs.Usage = func() {
		fmt.Fprintf(w, "Usage: %s\n\nFlags:\n", usageLine)
		fs.PrintDefaults()
		if examples != "" {
			fmt.Fprintf(w, "\nExamples:\n%s", examples)
		}
	}
	return fs
}

// parseFlags parses flags that may be mixed with positional arguments
// (`hlogate run model.mlir --input x.npy`). It returns the positional
// arguments, or a non-negative exit code to return at once.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, int) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if err == flag.ErrHelp {
				return nil, 0
			}
			return nil, 2
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, -1
		}
		if rest[0] == "--" {
			return append(pos, rest[1:]...), -1
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}
