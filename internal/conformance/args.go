package conformance

import (
	"regexp"
	"strings"

	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/internal/mlir"
	"github.com/hlogate/hlogate/tensor"
)

// spec is what a file's RUN and CHECK lines add to a test: arguments for
// @main (`--args="[dense<...> : tensor<...>, ...]"`) and the one printed
// result the CHECK lines expect.
type spec struct {
	args []*tensor.Tensor
	want *tensor.Tensor
}

var (
	argsRE  = regexp.MustCompile(`(?m)^// RUN: stablehlo-translate [^\n]*--args="(\[[^"]*\])"`)
	checkRE = regexp.MustCompile(`(?m)^// CHECK:\s+(tensor<[^>]*>) \{\n// CHECK-NEXT:\s+(.*)\n// CHECK-NEXT: \}`)
)

// runSpec reads the --args of the first RUN line that has them (RUN lines
// that expect an error, `not stablehlo-translate`, are ignored) and the
// expected output of the CHECK lines.
func runSpec(src string) spec {
	var s spec
	if m := argsRE.FindStringSubmatch(src); m != nil {
		attr := parseAttr(m[1])
		if arr, ok := attr.(ir.ArrayAttr); ok {
			for _, a := range arr {
				if t := literalTensor(a); t != nil {
					s.args = append(s.args, t)
				}
			}
		}
	}
	if m := checkRE.FindStringSubmatch(src); m != nil {
		s.want = literalTensor(parseAttr("dense<" + strings.TrimSpace(m[2]) + "> : " + m[1]))
	}
	return s
}

// parseAttr parses an attribute by wrapping it in a function attribute.
func parseAttr(text string) ir.Attr {
	m, err := mlir.ParseModule("func.func @args() attributes {a = "+text+"} {\n  func.return\n}\n", mlir.Limits{})
	if err != nil || len(m.Funcs) != 1 {
		return nil
	}
	return m.Funcs[0].Attrs.Get("a")
}

func literalTensor(a ir.Attr) *tensor.Tensor {
	e, ok := a.(*ir.ElementsAttr)
	if !ok {
		return nil
	}
	d := e.Type.Elem.StorageDType()
	n, ok := e.NumElements()
	if !ok {
		return nil
	}
	data := e.Data
	if e.Splat {
		data = make([]byte, 0, int(n)*d.Size())
		for range n {
			data = append(data, e.Data...)
		}
	}
	t, err := tensor.FromData(d, e.Type.Shape, data)
	if err != nil {
		return nil
	}
	return t
}
