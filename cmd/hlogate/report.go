package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/internal/policy"
)

// jsonError is the machine form of an error.
type jsonError struct {
	Kind    string `json:"kind"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
	Hint    string `json:"hint,omitempty"`
	Op      string `json:"op,omitempty"`
	File    string `json:"file,omitempty"`
	Line    int32  `json:"line,omitempty"`
	Col     int32  `json:"col,omitempty"`
}

func toJSONError(err error) *jsonError {
	d := diag.As(err)
	return &jsonError{Kind: d.Kind.String(), Rule: d.Rule, Message: d.Msg, Hint: d.Hint, Op: d.Op, File: d.File, Line: d.Pos.Line, Col: d.Pos.Col}
}

func writeJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// fail prints err (as JSON when asked) and returns its exit code.
func fail(stdout, stderr io.Writer, asJSON bool, err error) int {
	if asJSON {
		writeJSON(stdout, map[string]any{"error": toJSONError(err)})
	} else {
		fmt.Fprintln(stderr, "hlogate:", err)
	}
	return diag.KindOf(err).ExitCode()
}

func usageError(format string, args ...any) error {
	return diag.New(diag.Usage, "usage", diag.Pos{}, format, args...)
}

func ioError(err error) error {
	return diag.New(diag.Usage, "io", diag.Pos{}, "%v", err)
}

// readSource reads a program file ("-" for standard input).
func readSource(path string, maxBytes int64) (string, error) {
	var r io.Reader
	if path == "-" {
		r = os.Stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return "", ioError(err)
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return "", ioError(err)
	}
	if int64(len(b)) > maxBytes {
		return "", diag.New(diag.Rejected, "limit.source_bytes", diag.Pos{}, "%s is larger than the limit of %d bytes", path, maxBytes).
			WithHint("raise --max-source")
	}
	return string(b), nil
}

// loadPolicy resolves --policy: a built-in name or a JSON file.
func loadPolicy(spec string) (*policy.Policy, error) {
	switch spec {
	case "", "default":
		return policy.Default(), nil
	case "conformance":
		return policy.Conformance(), nil
	}
	p, err := policy.Load(spec)
	if err != nil {
		d := diag.As(err)
		if d.Kind == diag.Internal {
			return nil, ioError(err)
		}
		return nil, d
	}
	return p, nil
}

// opHistogram counts ops by name, nested regions included.
func opHistogram(m *ir.Module) (map[string]int, int) {
	h := map[string]int{}
	total := 0
	m.Walk(func(_ *ir.Func, o *ir.Op) bool {
		h[o.Name]++
		total++
		return true
	})
	return h, total
}

func formatHistogram(h map[string]int) string {
	names := make([]string, 0, len(h))
	for n := range h {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		if h[names[i]] != h[names[j]] {
			return h[names[i]] > h[names[j]]
		}
		return names[i] < names[j]
	})
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s %d", n, h[n])
	}
	return strings.Join(parts, ", ")
}

func typeStrings(ts []ir.Type) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.String()
	}
	return out
}
