package verify

import (
	"math"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// Element-wise ops: unary and binary arithmetic, logic, comparisons,
// select, clamp, complex/real/imag, convert, bitcast_convert and
// reduce_precision.

var _ = register(map[string]func(*ctx) *diag.Error{
	// unary, baseline_type(operand) = baseline_type(result)
	"stablehlo.cbrt":                  unary(cFloat | cComplex | cQuantPT),
	"stablehlo.cosine":                unary(cFloat | cComplex | cQuantPT),
	"stablehlo.sine":                  unary(cFloat | cComplex | cQuantPT),
	"stablehlo.tan":                   unary(cFloat | cComplex | cQuantPT),
	"stablehlo.tanh":                  unary(cFloat | cComplex | cQuantPT),
	"stablehlo.exponential":           unary(cFloat | cComplex | cQuantPT),
	"stablehlo.exponential_minus_one": unary(cFloat | cComplex | cQuantPT),
	"stablehlo.log":                   unary(cFloat | cComplex | cQuantPT),
	"stablehlo.log_plus_one":          unary(cFloat | cComplex | cQuantPT),
	"stablehlo.logistic":              unary(cFloat | cComplex | cQuantPT),
	"stablehlo.rsqrt":                 unary(cFloat | cComplex | cQuantPT),
	"stablehlo.sqrt":                  unary(cFloat | cComplex | cQuantPT),
	"stablehlo.ceil":                  unary(cFloat | cQuantPT),
	"stablehlo.floor":                 unary(cFloat | cQuantPT),
	"stablehlo.round_nearest_afz":     unary(cFloat | cQuantPT),
	"stablehlo.round_nearest_even":    unary(cFloat | cQuantPT),
	"stablehlo.negate":                unary(cInt | cFloat | cComplex | cQuantPT),
	"stablehlo.sign":                  unary(cSInt | cFloat | cComplex | cQuantPT),
	// unary, type(operand) = type(result)
	"stablehlo.not":                 unaryExact(cBool | cInt),
	"stablehlo.popcnt":              unaryExact(cInt),
	"stablehlo.count_leading_zeros": unaryExact(cInt),
	"stablehlo.abs":                 checkAbs,
	"stablehlo.real":                checkRealImag,
	"stablehlo.imag":                checkRealImag,
	"stablehlo.is_finite":           checkIsFinite,
	"stablehlo.convert":             checkConvert,
	"stablehlo.bitcast_convert":     checkBitcastConvert,
	"stablehlo.reduce_precision":    checkReducePrecision,

	// binary, baseline_type(lhs) = baseline_type(rhs) = baseline_type(result)
	"stablehlo.subtract":  binary(cInt | cFloat | cComplex | cQuantPT),
	"stablehlo.multiply":  binary(cAnyNQ | cQuantPT),
	"stablehlo.divide":    binary(cInt | cFloat | cComplex | cQuantPT),
	"stablehlo.remainder": binary(cInt | cFloat | cComplex | cQuantPT),
	"stablehlo.power":     binary(cInt | cFloat | cComplex | cQuantPT),
	"stablehlo.maximum":   binary(cAnyNQ | cQuantPT),
	"stablehlo.minimum":   binary(cAnyNQ | cQuantPT),
	"stablehlo.atan2":     binary(cFloat | cComplex | cQuantPT),
	// binary, type(lhs) = type(rhs) = type(result)
	"stablehlo.and":                    binaryExact(cBool | cInt),
	"stablehlo.or":                     binaryExact(cBool | cInt),
	"stablehlo.xor":                    binaryExact(cBool | cInt),
	"stablehlo.shift_left":             binaryExact(cInt),
	"stablehlo.shift_right_arithmetic": binaryExact(cInt),
	"stablehlo.shift_right_logical":    binaryExact(cInt),
	"stablehlo.add":                    checkAdd,
	"stablehlo.complex":                checkComplex,
	"stablehlo.compare":                checkCompare,
	"stablehlo.select":                 checkSelect,
	"stablehlo.clamp":                  checkClamp,
})

// unaryTypes returns the operand and result of a 1->1 op.
func unaryTypes(c *ctx) (*ir.TensorType, *ir.TensorType, *diag.Error) {
	if err := c.arity(1, 1); err != nil {
		return nil, nil, err
	}
	if err := c.noRegions(); err != nil {
		return nil, nil, err
	}
	x, err := c.operandT(0)
	if err != nil {
		return nil, nil, err
	}
	r, err := c.resultT(0)
	if err != nil {
		return nil, nil, err
	}
	return x, r, nil
}

func unary(allowed eclass) func(*ctx) *diag.Error {
	return func(c *ctx) *diag.Error {
		x, r, err := unaryTypes(c)
		if err != nil {
			return err
		}
		if err := c.elemIn(x, allowed, "operand"); err != nil {
			return err
		}
		return c.sameBaseType(x, r, "operand", "result")
	}
}

func unaryExact(allowed eclass) func(*ctx) *diag.Error {
	return func(c *ctx) *diag.Error {
		x, r, err := unaryTypes(c)
		if err != nil {
			return err
		}
		if err := c.elemIn(x, allowed, "operand"); err != nil {
			return err
		}
		return c.sameType(x, r, "operand", "result")
	}
}

func checkAbs(c *ctx) *diag.Error {
	x, r, err := unaryTypes(c)
	if err != nil {
		return err
	}
	if err := c.elemIn(x, cSInt|cFloat|cComplex|cQuantPT, "operand"); err != nil {
		return err
	}
	if x.Elem.DType.IsComplex() && x.Elem.Quant == nil {
		want := ir.Element{DType: x.Elem.DType.ComplexPart()}
		if !r.Elem.Equal(want) {
			return c.errf("types", "declare the result as "+want.String(),
				"abs of %s yields %s, result is declared %s", x.Elem, want, r.Elem)
		}
		return c.sameShape(x, r, "operand", "result")
	}
	return c.sameBaseType(x, r, "operand", "result")
}

func checkRealImag(c *ctx) *diag.Error {
	x, r, err := unaryTypes(c)
	if err != nil {
		return err
	}
	if err := c.elemIn(x, cFloat|cComplex, "operand"); err != nil {
		return err
	}
	want := x.Elem
	if x.Elem.DType.IsComplex() {
		want = ir.Element{DType: x.Elem.DType.ComplexPart()}
	}
	if !r.Elem.Equal(want) {
		return c.errf("types", "declare the result element type as "+want.String(),
			"%s of %s yields %s, result is declared %s", c.short, x.Elem, want, r.Elem)
	}
	return c.sameShape(x, r, "operand", "result")
}

func checkIsFinite(c *ctx) *diag.Error {
	x, r, err := unaryTypes(c)
	if err != nil {
		return err
	}
	if err := c.elemIn(x, cFloat|cQuantPT, "operand"); err != nil {
		return err
	}
	if r.Elem.Quant != nil || !r.Elem.DType.IsBool() {
		return c.errf("types", "declare the result as a tensor of i1", "result of is_finite must have element type i1, got %s", r.Elem)
	}
	return c.sameShape(x, r, "operand", "result")
}

func checkConvert(c *ctx) *diag.Error {
	x, r, err := unaryTypes(c)
	if err != nil {
		return err
	}
	if err := c.elemIn(x, cAnyNQ, "operand"); err != nil {
		return err
	}
	if err := c.elemIn(r, cAnyNQ, "result"); err != nil {
		return err
	}
	return c.sameShape(x, r, "operand", "result")
}

func checkBitcastConvert(c *ctx) *diag.Error {
	x, r, err := unaryTypes(c)
	if err != nil {
		return err
	}
	ex, er := x.Elem.StorageDType(), r.Elem.StorageDType()
	if (ex.IsComplex() || er.IsComplex()) && !(ex.IsComplex() && er.IsComplex()) {
		return c.errf("types", "bitcast complex only to complex",
			"bitcast_convert between %s and %s: complex types convert only to complex types", x.Elem, r.Elem)
	}
	bx, br := int64(ex.Bits()), int64(er.Bits())
	rank := len(x.Shape)
	switch {
	case bx == br:
		return c.sameShape(x, r, "operand", "result")
	case br < bx:
		want := append(append([]int64{}, x.Shape...), bx/br)
		if bx%br != 0 {
			return c.errf("shape", "use element types whose widths divide each other",
				"cannot bitcast %s (%d bits) to %s (%d bits)", x.Elem, bx, r.Elem, br)
		}
		return c.expectShape(r, want, "result")
	default:
		if rank == 0 || br%bx != 0 {
			return c.errf("shape", "bitcast to a wider type from a tensor whose last dimension packs it exactly",
				"cannot bitcast %s of rank %d to the wider %s", x.Elem, rank, r.Elem)
		}
		if last := x.Shape[rank-1]; last >= 0 && last*bx != br {
			return c.errf("shape", "the last dimension must hold exactly one result element",
				"last dimension %d of %s bits does not make one %d-bit element", last, c.op.Name, br)
		}
		return c.expectShape(r, x.Shape[:rank-1], "result")
	}
}

func checkReducePrecision(c *ctx) *diag.Error {
	x, r, err := unaryTypes(c)
	if err != nil {
		return err
	}
	if err := c.elemIn(x, cFloat|cQuantPT, "operand"); err != nil {
		return err
	}
	e, err := c.intAttr("exponent_bits", 0, true)
	if err != nil {
		return err
	}
	m, err := c.intAttr("mantissa_bits", 0, true)
	if err != nil {
		return err
	}
	if e < 1 || e > math.MaxInt32 {
		return c.errf("exponent_bits", "use exponent_bits >= 1", "exponent_bits is %d; it must be at least 1", e)
	}
	if m < 0 || m > math.MaxInt32 {
		return c.errf("mantissa_bits", "use mantissa_bits >= 0", "mantissa_bits is %d; it must be at least 0", m)
	}
	return c.sameBaseType(x, r, "operand", "result")
}

// binaryTypes returns lhs, rhs and result of a 2->1 op.
func binaryTypes(c *ctx) (l, r, res *ir.TensorType, err *diag.Error) {
	if err = c.arity(2, 1); err != nil {
		return
	}
	if err = c.noRegions(); err != nil {
		return
	}
	if l, err = c.operandT(0); err != nil {
		return
	}
	if r, err = c.operandT(1); err != nil {
		return
	}
	res, err = c.resultT(0)
	return
}

func binary(allowed eclass) func(*ctx) *diag.Error {
	return func(c *ctx) *diag.Error {
		l, r, res, err := binaryTypes(c)
		if err != nil {
			return err
		}
		if err := c.elemIn(l, allowed, "lhs"); err != nil {
			return err
		}
		if err := c.sameBaseType(l, r, "lhs", "rhs"); err != nil {
			return err
		}
		return c.sameBaseType(l, res, "lhs", "result")
	}
}

func binaryExact(allowed eclass) func(*ctx) *diag.Error {
	return func(c *ctx) *diag.Error {
		l, r, res, err := binaryTypes(c)
		if err != nil {
			return err
		}
		if err := c.elemIn(l, allowed, "lhs"); err != nil {
			return err
		}
		if err := c.sameType(l, r, "lhs", "rhs"); err != nil {
			return err
		}
		return c.sameType(l, res, "lhs", "result")
	}
}

func checkAdd(c *ctx) *diag.Error {
	l, r, res, err := binaryTypes(c)
	if err != nil {
		return err
	}
	ql, qr, qs := isQuant(l.Elem), isQuant(r.Elem), isQuant(res.Elem)
	if !ql && !qr && !qs {
		if err := c.elemIn(l, cAnyNQ, "lhs"); err != nil {
			return err
		}
		if err := c.sameType(l, r, "lhs", "rhs"); err != nil {
			return err
		}
		return c.sameType(l, res, "lhs", "result")
	}
	// C2-C7.
	if !(ql && qr && qs) {
		return c.errf("types", "quantize lhs, rhs and result, or none of them",
			"add mixes quantized and non-quantized types: %s, %s -> %s", l.Elem, r.Elem, res.Elem)
	}
	a, b, s := l.Elem.Quant, r.Elem.Quant, res.Elem.Quant
	if a.Storage != b.Storage || a.Storage != s.Storage || a.Expressed != b.Expressed || a.Expressed != s.Expressed {
		return c.errf("types", "use the same storage and expressed types",
			"add of %s and %s -> %s: storage and expressed types must agree", l.Elem, r.Elem, res.Elem)
	}
	if (a.Axis >= 0 || b.Axis >= 0) != (s.Axis >= 0) {
		return c.errf("quant", "quantize the result per axis exactly when an operand is",
			"add of %s and %s -> %s: per-axis quantization of the result must match the operands", l.Elem, r.Elem, res.Elem)
	}
	if (a.Axis >= 0 && a.Axis != s.Axis) || (b.Axis >= 0 && b.Axis != s.Axis) {
		return c.errf("quant", "use the same quantization dimension",
			"add: quantization dimensions of operands and result differ")
	}
	if err := c.sameShape(l, r, "lhs", "rhs"); err != nil {
		return err
	}
	return c.sameShape(l, res, "lhs", "result")
}

func checkComplex(c *ctx) *diag.Error {
	l, r, res, err := binaryTypes(c)
	if err != nil {
		return err
	}
	if l.Elem.Quant != nil || (l.Elem.DType != tensor.F32 && l.Elem.DType != tensor.F64) {
		return c.errf("element_type", "use f32 or f64 parts", "complex takes f32 or f64 parts, got %s", l.Elem)
	}
	if err := c.sameType(l, r, "lhs", "rhs"); err != nil {
		return err
	}
	want := ir.Element{DType: tensor.ComplexOf(l.Elem.DType)}
	if !res.Elem.Equal(want) {
		return c.errf("types", "declare the result as "+want.String(), "complex of %s parts yields %s, result is declared %s", l.Elem, want, res.Elem)
	}
	return c.sameShape(l, res, "lhs", "result")
}

var compareDirections = []string{"EQ", "NE", "GE", "GT", "LE", "LT"}
var compareTypes = []string{"NOTYPE", "FLOAT", "TOTALORDER", "SIGNED", "UNSIGNED"}

func checkCompare(c *ctx) *diag.Error {
	l, r, res, err := binaryTypes(c)
	if err != nil {
		return err
	}
	if _, err := c.enumAttr("comparison_direction", compareDirections, "", true); err != nil {
		return err
	}
	ct, err := c.enumAttr("compare_type", compareTypes, "", false)
	if err != nil {
		return err
	}
	if err := c.elemIn(l, cAnyNQ|cQuantPT, "lhs"); err != nil {
		return err
	}
	if err := c.sameBaseElem(l, r, "lhs", "rhs"); err != nil {
		return err
	}
	if err := c.sameShape(l, r, "lhs", "rhs"); err != nil {
		return err
	}
	if res.Elem.Quant != nil || !res.Elem.DType.IsBool() {
		return c.errf("types", "declare the result as a tensor of i1", "result of compare must have element type i1, got %s", res.Elem)
	}
	if err := c.sameShape(l, res, "lhs", "result"); err != nil {
		return err
	}
	// C3.
	if ct != "" && ct != "NOTYPE" && l.Elem.Quant == nil {
		d := l.Elem.DType
		var ok bool
		var want string
		switch {
		case d.IsSigned():
			ok, want = ct == "SIGNED", "SIGNED"
		case d.IsUnsigned() || d.IsBool():
			ok, want = ct == "UNSIGNED", "UNSIGNED"
		case d.IsFloat():
			ok, want = ct == "FLOAT" || ct == "TOTALORDER", "FLOAT or TOTALORDER"
		case d.IsComplex():
			ok, want = ct == "FLOAT", "FLOAT"
		}
		if !ok {
			return c.errf("compare_type", "use compare_type "+want, "compare_type %s does not fit element type %s; expected %s", ct, d, want)
		}
	}
	return nil
}

func checkSelect(c *ctx) *diag.Error {
	if err := c.arity(3, 1); err != nil {
		return err
	}
	if err := c.noRegions(); err != nil {
		return err
	}
	ts, err := c.operandTs()
	if err != nil {
		return err
	}
	res, err := c.resultT(0)
	if err != nil {
		return err
	}
	pred, t, f := ts[0], ts[1], ts[2]
	if pred.Elem.Quant != nil || !pred.Elem.DType.IsBool() {
		return c.errf("element_type", "pass an i1 predicate", "pred of select must have element type i1, got %s", pred.Elem)
	}
	if err := c.elemIn(t, cAnyNQ|cQuantPT, "on_true"); err != nil {
		return err
	}
	if err := c.sameBaseType(t, f, "on_true", "on_false"); err != nil {
		return err
	}
	if err := c.sameBaseType(t, res, "on_true", "result"); err != nil {
		return err
	}
	if !isScalar(pred) {
		return c.sameShape(t, pred, "on_true", "pred")
	}
	return nil
}

func checkClamp(c *ctx) *diag.Error {
	if err := c.arity(3, 1); err != nil {
		return err
	}
	if err := c.noRegions(); err != nil {
		return err
	}
	ts, err := c.operandTs()
	if err != nil {
		return err
	}
	res, err := c.resultT(0)
	if err != nil {
		return err
	}
	mn, x, mx := ts[0], ts[1], ts[2]
	if err := c.elemIn(x, cAnyNQ|cQuantPT, "operand"); err != nil {
		return err
	}
	if err := c.sameBaseElem(x, mn, "operand", "min"); err != nil {
		return err
	}
	if err := c.sameBaseElem(x, mx, "operand", "max"); err != nil {
		return err
	}
	if !isScalar(mn) {
		if err := c.sameShape(x, mn, "operand", "min"); err != nil {
			return err
		}
	}
	if !isScalar(mx) {
		if err := c.sameShape(x, mx, "operand", "max"); err != nil {
			return err
		}
	}
	return c.sameBaseType(x, res, "operand", "result")
}
