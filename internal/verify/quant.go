package verify

import (
	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
)

// Quantization ops. The constraints on quantized types themselves (storage
// range, scales, zero points, quantization dimension) are checked for every
// value in types.go.

var _ = register(map[string]func(*ctx) *diag.Error{
	"stablehlo.uniform_quantize":   checkUniformQuantize,
	"stablehlo.uniform_dequantize": checkUniformDequantize,
})

func checkUniformQuantize(c *ctx) *diag.Error {
	x, r, err := unaryTypes(c)
	if err != nil {
		return err
	}
	if err := c.elemIn(x, cFloat|cQuant, "operand"); err != nil {
		return err
	}
	if err := c.elemIn(r, cQuant, "result"); err != nil {
		return err
	}
	if want := expressed(x.Elem); r.Elem.Quant.Expressed != want {
		return c.errf("types", "quantize to a type whose expressed type is "+want.String(),
			"result expressed type %s differs from the operand's %s", r.Elem.Quant.Expressed, want)
	}
	return c.sameShape(x, r, "operand", "result")
}

func checkUniformDequantize(c *ctx) *diag.Error {
	x, r, err := unaryTypes(c)
	if err != nil {
		return err
	}
	if err := c.elemIn(x, cQuant, "operand"); err != nil {
		return err
	}
	want := ir.Element{DType: x.Elem.Quant.Expressed}
	if !r.Elem.Equal(want) {
		return c.errf("types", "declare the result element type as "+want.String(),
			"dequantizing %s yields %s, result is declared %s", x.Elem, want, r.Elem)
	}
	return c.sameShape(x, r, "operand", "result")
}
