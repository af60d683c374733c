package exec

import (
	"math"
	"math/bits"
	"math/cmplx"
	"strings"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// Elementwise StableHLO ops: unary, binary and ternary maps over tensors of
// one shape (select and clamp also take rank-0 operands, which broadcast).
//
// Arithmetic is done in one wide type and rounded once into the result type:
//
//   - Integers are read sign-extended (signed types) or zero-extended
//     (unsigned types) into 64 bits, computed with 64-bit wraparound and
//     stored back keeping the low bits of the type's width, which is exact
//     modular arithmetic for every width from i2 to i64. Cases where Go
//     would panic or where StableHLO leaves the result open are written out:
//     x/0 = -1 (all bits set, so the maximum for unsigned types), x%0 = x,
//     MIN/-1 = MIN, MIN%-1 = 0; shifts by an amount < 0 or >= the bit width
//     give 0 (shift_left, shift_right_logical) or the sign fill
//     (shift_right_arithmetic); power with a negative exponent gives 1 for
//     base 1, ±1 for base -1 and 0 otherwise, and is computed by squaring
//     with wraparound.
//   - Real floats are read exactly into float64, computed there and rounded
//     once to the result type (round to nearest even). For +, -, *, /, sqrt
//     and fmod of f32 and narrower types this equals the correctly rounded
//     operation in the narrow type (53 >= 2p+2).
//   - complex<f32> is computed in complex128 and each part is rounded once.
//   - NaN results: a NaN operand is propagated (made quiet); a NaN produced
//     from non-NaN operands is the positive quiet NaN. Complex results have
//     every NaN part replaced by the positive quiet NaN. This keeps the
//     reference deterministic across platforms.
//
// Quantized operands: the ops whose spec semantics is
// dequantize_op_quantize reach these kernels already dequantized (runOp
// wraps them with quantWrap, quant.go). The kernels here refuse quantized
// types otherwise, except is_finite (always true for quantized operands,
// per the spec).

func init() {
	// Unary.
	register("stablehlo.abs", ewAbsKernel)
	ewRegUnary("stablehlo.cbrt", ewUnaryFns{f: math.Cbrt, c: ewCbrtC})
	ewRegUnary("stablehlo.ceil", ewUnaryFns{f: math.Ceil})
	ewRegUnary("stablehlo.floor", ewUnaryFns{f: math.Floor})
	ewRegUnary("stablehlo.cosine", ewUnaryFns{f: math.Cos, c: cmplx.Cos})
	ewRegUnary("stablehlo.sine", ewUnaryFns{f: math.Sin, c: cmplx.Sin})
	ewRegUnary("stablehlo.tan", ewUnaryFns{f: ewTan, c: ewTanC})
	ewRegUnary("stablehlo.tanh", ewUnaryFns{f: math.Tanh, c: ewTanhC})
	ewRegUnary("stablehlo.exponential", ewUnaryFns{f: math.Exp, c: cmplx.Exp})
	ewRegUnary("stablehlo.exponential_minus_one", ewUnaryFns{f: math.Expm1, c: ewExpm1C})
	ewRegUnary("stablehlo.log", ewUnaryFns{f: math.Log, c: ewLogC})
	ewRegUnary("stablehlo.log_plus_one", ewUnaryFns{f: math.Log1p, c: ewLog1pC})
	ewRegUnary("stablehlo.logistic", ewUnaryFns{f: ewLogistic, c: ewLogisticC})
	ewRegUnary("stablehlo.sqrt", ewUnaryFns{f: math.Sqrt, c: cmplx.Sqrt})
	ewRegUnary("stablehlo.rsqrt", ewUnaryFns{f: ewRsqrt, c: ewRsqrtC})
	ewRegUnary("stablehlo.round_nearest_afz", ewUnaryFns{f: math.Round})
	ewRegUnary("stablehlo.round_nearest_even", ewUnaryFns{f: math.RoundToEven})
	ewRegUnary("stablehlo.negate", ewUnaryFns{
		i: func(x int64, _ int) int64 { return -x },
		u: func(x uint64, _ int) uint64 { return -x },
		f: func(x float64) float64 { return -x }, keepNaN: true,
		c: func(z complex128) complex128 { return complex(-real(z), -imag(z)) },
	})
	ewRegUnary("stablehlo.not", ewUnaryFns{
		b: func(x bool) bool { return !x },
		i: func(x int64, _ int) int64 { return ^x },
		u: func(x uint64, _ int) uint64 { return ^x },
	})
	ewRegUnary("stablehlo.sign", ewUnaryFns{
		i: func(x int64, _ int) int64 {
			switch {
			case x < 0:
				return -1
			case x > 0:
				return 1
			}
			return 0
		},
		// Unsigned: 0 or 1 (XLA's semantics; the spec's formula compares
		// with SIGNED, which is only defined for signed types).
		u: func(x uint64, _ int) uint64 {
			if x != 0 {
				return 1
			}
			return 0
		},
		f: ewSignF, c: ewSignC,
	})
	ewRegUnary("stablehlo.popcnt", ewUnaryFns{
		i: func(x int64, w int) int64 { return int64(bits.OnesCount64(uint64(x) & ewMask(w))) },
		u: func(x uint64, w int) uint64 { return uint64(bits.OnesCount64(x & ewMask(w))) },
	})
	ewRegUnary("stablehlo.count_leading_zeros", ewUnaryFns{
		i: func(x int64, w int) int64 { return int64(ewClz(uint64(x), w)) },
		u: func(x uint64, w int) uint64 { return uint64(ewClz(x, w)) },
	})
	register("stablehlo.is_finite", ewIsFiniteKernel)
	register("stablehlo.real", ewRealImagKernel(false))
	register("stablehlo.imag", ewRealImagKernel(true))

	// Binary.
	ewRegBinary("stablehlo.add", ewBinaryFns{
		b: func(x, y bool) bool { return x || y },
		i: func(x, y int64, _ int) int64 { return x + y },
		u: func(x, y uint64, _ int) uint64 { return x + y },
		f: func(x, y float64) float64 { return x + y },
		c: func(x, y complex128) complex128 { return complex(real(x)+real(y), imag(x)+imag(y)) },
	})
	ewRegBinary("stablehlo.subtract", ewBinaryFns{
		i: func(x, y int64, _ int) int64 { return x - y },
		u: func(x, y uint64, _ int) uint64 { return x - y },
		f: func(x, y float64) float64 { return x - y },
		c: func(x, y complex128) complex128 { return complex(real(x)-real(y), imag(x)-imag(y)) },
	})
	ewRegBinary("stablehlo.multiply", ewBinaryFns{
		b: func(x, y bool) bool { return x && y },
		i: func(x, y int64, _ int) int64 { return x * y },
		u: func(x, y uint64, _ int) uint64 { return x * y },
		f: func(x, y float64) float64 { return x * y },
		c: ewMulC,
	})
	ewRegBinary("stablehlo.divide", ewBinaryFns{i: ewDivS, u: ewDivU, f: func(x, y float64) float64 { return x / y }, c: ewDivC})
	ewRegBinary("stablehlo.remainder", ewBinaryFns{i: ewRemS, u: ewRemU, f: math.Mod})
	ewRegBinary("stablehlo.maximum", ewBinaryFns{
		b: func(x, y bool) bool { return x || y },
		i: func(x, y int64, _ int) int64 { return max(x, y) },
		u: func(x, y uint64, _ int) uint64 { return max(x, y) },
		f: ewMaxF, c: ewMaxC,
	})
	ewRegBinary("stablehlo.minimum", ewBinaryFns{
		b: func(x, y bool) bool { return x && y },
		i: func(x, y int64, _ int) int64 { return min(x, y) },
		u: func(x, y uint64, _ int) uint64 { return min(x, y) },
		f: ewMinF, c: ewMinC,
	})
	ewRegBinary("stablehlo.power", ewBinaryFns{i: ewPowS, u: ewPowU, f: ewPow, c: ewPowC})
	ewRegBinary("stablehlo.atan2", ewBinaryFns{f: math.Atan2, c: ewAtan2C})
	ewRegBinary("stablehlo.and", ewBinaryFns{
		b: func(x, y bool) bool { return x && y },
		i: func(x, y int64, _ int) int64 { return x & y },
		u: func(x, y uint64, _ int) uint64 { return x & y },
	})
	ewRegBinary("stablehlo.or", ewBinaryFns{
		b: func(x, y bool) bool { return x || y },
		i: func(x, y int64, _ int) int64 { return x | y },
		u: func(x, y uint64, _ int) uint64 { return x | y },
	})
	ewRegBinary("stablehlo.xor", ewBinaryFns{
		b: func(x, y bool) bool { return x != y },
		i: func(x, y int64, _ int) int64 { return x ^ y },
		u: func(x, y uint64, _ int) uint64 { return x ^ y },
	})
	ewRegBinary("stablehlo.shift_left", ewBinaryFns{i: ewShlS, u: ewShlU})
	ewRegBinary("stablehlo.shift_right_logical", ewBinaryFns{i: ewShrLS, u: ewShrLU})
	ewRegBinary("stablehlo.shift_right_arithmetic", ewBinaryFns{i: ewShrAS, u: ewShrAU})
	register("stablehlo.compare", ewPlan{arity: 2, compute: ewCompare}.kernel())
	register("stablehlo.complex", ewPlan{arity: 2, compute: ewComplexCompute}.kernel())

	// Ternary.
	register("stablehlo.select", ewPlan{arity: 3, scalarOK: []bool{true, false, false}, compute: ewSelect}.kernel())
	register("stablehlo.clamp", ewPlan{arity: 3, scalarOK: []bool{true, false, true}, compute: ewClamp}.kernel())
}

// ---------------------------------------------------------------------------
// Element type classes and small helpers.

type ewClass uint8

const (
	ewNone ewClass = iota
	ewBool
	ewSigned
	ewUnsigned
	ewFloat
	ewComplex
)

func ewClassOf(d tensor.DType) ewClass {
	switch {
	case d.IsBool():
		return ewBool
	case d.IsSigned():
		return ewSigned
	case d.IsUnsigned():
		return ewUnsigned
	case d.IsFloat():
		return ewFloat
	case d.IsComplex():
		return ewComplex
	}
	return ewNone
}

// ewMask is the mask of the low w bits (w in 1..64).
func ewMask(w int) uint64 {
	if w >= 64 {
		return math.MaxUint64
	}
	return 1<<uint(w) - 1
}

// ewSext sign-extends the low w bits of v.
func ewSext(v uint64, w int) int64 {
	if w >= 64 {
		return int64(v)
	}
	sh := uint(64 - w)
	return int64(v<<sh) >> sh
}

func ewClz(x uint64, w int) int {
	return bits.LeadingZeros64(x&ewMask(w)) - (64 - w)
}

func ewB2U(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// ewRule is the diagnostic rule of op: "exec.add", "exec.chlo.acosh".
func ewRule(op *ir.Op) string {
	return "exec." + strings.TrimPrefix(op.Name, "stablehlo.")
}

// ewReject reports a malformed op (one verification should have refused).
func ewReject(op *ir.Op, format string, args ...any) error {
	return diag.New(diag.Rejected, ewRule(op), op.Pos, format, args...).WithOp(op.Name)
}

func ewBadType(op *ir.Op, d tensor.DType) error {
	return ewReject(op, "%s does not support element type %s", op.Name, d)
}

func ewSameDims(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// ewQuant returns the quantization of a value's element type, or nil.
func ewQuant(t ir.Type) *ir.Quant {
	if tt, ok := t.(*ir.TensorType); ok {
		return tt.Elem.Quant
	}
	return nil
}

var ewQNaN = math.Float64frombits(0x7FF8000000000000)

// ewQuiet makes a NaN quiet, keeping its sign and payload.
func ewQuiet(x float64) float64 { return math.Float64frombits(math.Float64bits(x) | 1<<51) }

// ewNaN1 fixes the NaN of a unary float result r computed from x.
func ewNaN1(x, r float64) float64 {
	if r == r {
		return r
	}
	if x != x {
		return ewQuiet(x)
	}
	return ewQNaN
}

// ewNaN2 fixes the NaN of a binary float result r computed from x and y.
func ewNaN2(x, y, r float64) float64 {
	if r == r {
		return r
	}
	if x != x {
		return ewQuiet(x)
	}
	if y != y {
		return ewQuiet(y)
	}
	return ewQNaN
}

// ewNaNC replaces every NaN part of z by the positive quiet NaN.
func ewNaNC(z complex128) complex128 {
	re, im := real(z), imag(z)
	if re != re {
		re = ewQNaN
	}
	if im != im {
		im = ewQNaN
	}
	return complex(re, im)
}

// ---------------------------------------------------------------------------
// The driver: operand checks and result allocation.

// ewPlan describes one elementwise op. compute gets the operand
// tensors and a zeroed result tensor of the computed shape.
type ewPlan struct {
	arity    int
	scalarOK []bool // operands that may be rank-0 and broadcast
	compute  func(c *Ctx, op *ir.Op, ins []*tensor.Tensor, out *tensor.Tensor) error
}

func (p ewPlan) kernel() Kernel {
	return func(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
		t, err := p.run(c, op, in)
		if err != nil {
			return nil, err
		}
		return []Val{{T: t}}, nil
	}
}

// ewOperands returns the operand tensors of op, checking their number.
func ewOperands(op *ir.Op, in []Val, n int) ([]*tensor.Tensor, error) {
	if len(in) != n || len(op.Results) != 1 {
		return nil, ewReject(op, "%s takes %d operands and has one result, got %d and %d", op.Name, n, len(in), len(op.Results))
	}
	ts := make([]*tensor.Tensor, n)
	for i, v := range in {
		if v.T == nil {
			return nil, ewReject(op, "operand %d of %s is not a tensor", i, op.Name)
		}
		ts[i] = v.T
	}
	return ts, nil
}

// ewResult returns op's single result type.
func ewResult(op *ir.Op) (*ir.TensorType, error) {
	if len(op.Results) != 1 {
		return nil, ewReject(op, "%s must have one result", op.Name)
	}
	rt, ok := op.Results[0].Type.(*ir.TensorType)
	if !ok {
		return nil, ewReject(op, "the result of %s is not a tensor", op.Name)
	}
	return rt, nil
}

// ewShape is the common shape of the operands; operands marked in scalarOK
// may instead be rank 0.
func ewShape(op *ir.Op, ts []*tensor.Tensor, scalarOK []bool) ([]int64, error) {
	var shape []int64
	found := false
	for i, t := range ts {
		if i < len(scalarOK) && scalarOK[i] && len(t.Shape) == 0 {
			continue
		}
		if !found {
			shape, found = t.Shape, true
			continue
		}
		if !ewSameDims(shape, t.Shape) {
			return nil, ewReject(op, "operands of %s have different shapes %v and %v", op.Name, shape, t.Shape)
		}
	}
	if !found {
		shape = []int64{}
	}
	return shape, nil
}

// ewCheckShape checks a computed result shape against the result type
// (dynamic dimensions match anything).
func ewCheckShape(op *ir.Op, rt *ir.TensorType, shape []int64) error {
	ok := len(rt.Shape) == len(shape)
	for i := 0; ok && i < len(shape); i++ {
		ok = rt.Shape[i] < 0 || rt.Shape[i] == shape[i]
	}
	if !ok {
		return ewReject(op, "%s of operands of shape %v cannot have result type %s", op.Name, shape, rt)
	}
	return nil
}

func (p ewPlan) run(c *Ctx, op *ir.Op, in []Val) (*tensor.Tensor, error) {
	ts, err := ewOperands(op, in, p.arity)
	if err != nil {
		return nil, err
	}
	rt, err := ewResult(op)
	if err != nil {
		return nil, err
	}
	shape, err := ewShape(op, ts, p.scalarOK)
	if err != nil {
		return nil, err
	}
	if err := ewCheckShape(op, rt, shape); err != nil {
		return nil, err
	}
	if rt.Elem.Quant != nil {
		return nil, ewReject(op, "%s does not take quantized operands or results", op.Name)
	}
	for i := range ts {
		if i < len(op.Operands) && ewQuant(op.Operands[i].Type) != nil {
			return nil, ewReject(op, "%s does not take quantized operands or results", op.Name)
		}
	}
	out, err := c.NewTensor(rt.Elem.StorageDType(), shape)
	if err != nil {
		return nil, err
	}
	return out, p.compute(c, op, ts, out)
}

// ---------------------------------------------------------------------------
// Unary maps.

// ewUnaryFns holds an op's element function for each class; nil means the
// class is not supported. Signed integers arrive sign-extended, unsigned
// zero-extended; w is the bit width. keepNaN skips NaN normalisation for
// ops that only move the sign bit.
var (
	ewUnaryTable  = map[string]ewUnaryFns{}
	ewBinaryTable = map[string]ewBinaryFns{}
)

// ScalarFns is the reference's per-element semantics of one elementwise op,
// for the fast engine's kernels that run an op element by element: the
// float functions include the NaN rules of this file (compute in float64,
// round once into the element type), the integer ones the rules for /0,
// MIN/-1, shifts and powers, on values sign-extended from width w.
type ScalarFns struct {
	F1 func(x float64) float64
	F2 func(x, y float64) float64
	I1 func(x int64, w int) int64
	I2 func(x, y int64, w int) int64
}

// Scalar returns op's per-element functions for element type d (a real
// float or signed integer type); false when the reference has none.
func Scalar(op string, d tensor.DType) (ScalarFns, bool) {
	var out ScalarFns
	if u, ok := ewUnaryTable[op]; ok {
		switch {
		case d.IsFloat() && u.fd != nil:
			fd := u.fd
			out.F1 = func(x float64) float64 { return ewNaN1(x, fd(x, d)) }
		case d.IsFloat() && u.f != nil && u.keepNaN:
			out.F1 = u.f
		case d.IsFloat() && u.f != nil:
			f := u.f
			out.F1 = func(x float64) float64 { return ewNaN1(x, f(x)) }
		case d.IsSigned() && u.i != nil:
			out.I1 = u.i
		default:
			return out, false
		}
		return out, true
	}
	if b, ok := ewBinaryTable[op]; ok {
		switch {
		case d.IsFloat() && b.f != nil:
			f := b.f
			out.F2 = func(x, y float64) float64 { return ewNaN2(x, y, f(x, y)) }
		case d.IsSigned() && b.i != nil:
			out.I2 = b.i
		default:
			return out, false
		}
		return out, true
	}
	return out, false
}

type ewUnaryFns struct {
	b       func(bool) bool
	i       func(x int64, w int) int64
	u       func(x uint64, w int) uint64
	f       func(float64) float64
	fd      func(x float64, d tensor.DType) float64 // used instead of f when set
	c       func(complex128) complex128
	keepNaN bool
}

func ewRegUnary(name string, fns ewUnaryFns) {
	ewUnaryTable[name] = fns
	register(name, ewPlan{arity: 1, compute: func(c *Ctx, op *ir.Op, ins []*tensor.Tensor, out *tensor.Tensor) error {
		return ewMapUnary(c, op, ins[0], out, fns)
	}}.kernel())
}

// ewMapUnary writes fns applied to every element of x into out (same type).
func ewMapUnary(c *Ctx, op *ir.Op, x, out *tensor.Tensor, fns ewUnaryFns) error {
	d := x.DType
	if out.DType != d {
		return ewReject(op, "%s: result type %s differs from operand type %s", op.Name, out.DType, d)
	}
	n := out.NumElements()
	switch ewClassOf(d) {
	case ewBool:
		if fns.b != nil {
			return c.Loop(n, func(i int64) { out.Data[i] = ewB2U(fns.b(x.Data[i] != 0)) })
		}
	case ewSigned:
		if fns.i != nil {
			w := d.Bits()
			return c.Loop(n, func(i int64) { out.SetInt64(i, fns.i(x.Int64(i), w)) })
		}
	case ewUnsigned:
		if fns.u != nil {
			w := d.Bits()
			return c.Loop(n, func(i int64) { out.SetUint64(i, fns.u(x.Uint64(i), w)) })
		}
	case ewFloat:
		if fns.fd != nil {
			return c.Loop(n, func(i int64) {
				v := x.Float64(i)
				out.SetFloat64(i, ewNaN1(v, fns.fd(v, d)))
			})
		}
		if fns.f != nil {
			if fns.keepNaN {
				return c.Loop(n, func(i int64) { out.SetFloat64(i, fns.f(x.Float64(i))) })
			}
			return c.Loop(n, func(i int64) {
				v := x.Float64(i)
				out.SetFloat64(i, ewNaN1(v, fns.f(v)))
			})
		}
	case ewComplex:
		if fns.c != nil {
			return c.Loop(n, func(i int64) { out.SetComplex128(i, ewNaNC(fns.c(x.Complex128(i)))) })
		}
	}
	return ewBadType(op, d)
}

// abs: complex operands give their modulus in the part type.
func ewAbsKernel(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	p := ewPlan{arity: 1, compute: func(c *Ctx, op *ir.Op, ins []*tensor.Tensor, out *tensor.Tensor) error {
		x := ins[0]
		if x.DType.IsComplex() {
			if out.DType != x.DType.ComplexPart() {
				return ewReject(op, "abs of %s must give %s, not %s", x.DType, x.DType.ComplexPart(), out.DType)
			}
			return c.Loop(out.NumElements(), func(i int64) { out.SetFloat64(i, cmplx.Abs(x.Complex128(i))) })
		}
		return ewMapUnary(c, op, x, out, ewUnaryFns{
			i: func(x int64, _ int) int64 {
				if x < 0 {
					return -x // MIN stays MIN after wrapping
				}
				return x
			},
			u:       func(x uint64, _ int) uint64 { return x },
			f:       math.Abs,
			keepNaN: true,
		})
	}}
	return p.kernel()(c, op, in)
}

func ewIsFiniteKernel(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	if len(op.Operands) == 1 && ewQuant(op.Operands[0].Type) != nil && len(in) == 1 && in[0].T != nil {
		// Dequantized values are always finite (spec).
		out, err := c.NewTensor(tensor.Bool, in[0].T.Shape)
		if err != nil {
			return nil, err
		}
		return []Val{{T: out}}, c.Loop(out.NumElements(), func(i int64) { out.Data[i] = 1 })
	}
	p := ewPlan{arity: 1, compute: func(c *Ctx, op *ir.Op, ins []*tensor.Tensor, out *tensor.Tensor) error {
		x := ins[0]
		if !x.DType.IsFloat() || !out.DType.IsBool() {
			return ewBadType(op, x.DType)
		}
		return c.Loop(out.NumElements(), func(i int64) {
			v := x.Float64(i)
			out.Data[i] = ewB2U(!math.IsNaN(v) && !math.IsInf(v, 0))
		})
	}}
	return p.kernel()(c, op, in)
}

// real / imag: complex gives a part; a real float gives itself (real) or
// zero (imag).
func ewRealImagKernel(imagPart bool) Kernel {
	return ewPlan{arity: 1, compute: func(c *Ctx, op *ir.Op, ins []*tensor.Tensor, out *tensor.Tensor) error {
		x := ins[0]
		n := out.NumElements()
		switch {
		case x.DType.IsComplex() && out.DType == x.DType.ComplexPart():
			return c.Loop(n, func(i int64) {
				z := x.Complex128(i)
				if imagPart {
					out.SetFloat64(i, imag(z))
				} else {
					out.SetFloat64(i, real(z))
				}
			})
		case x.DType.IsFloat() && out.DType == x.DType:
			if imagPart {
				return c.Work(n) // already zero
			}
			copy(out.Data, x.Data)
			return c.Work(n)
		}
		return ewBadType(op, x.DType)
	}}.kernel()
}

func ewSignF(x float64) float64 {
	switch {
	case x != x:
		return x
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return x // ±0
}

func ewSignC(z complex128) complex128 {
	re, im := real(z), imag(z)
	if re != re || im != im {
		return complex(ewQNaN, ewQNaN)
	}
	if re == 0 && im == 0 {
		return 0
	}
	a := cmplx.Abs(z)
	return complex(re/a, im/a)
}

// ewTan is sin(x)/cos(x) (within ~3 ULP); math.Tan drops the cubic term
// for reduced arguments below 1e-7 and is off by up to ~20 ULP there.
func ewTan(x float64) float64 {
	s, c := math.Sincos(x)
	return s / c
}

func ewLogistic(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func ewLogisticC(z complex128) complex128 {
	return ewDivC(1, complex(1, 0)+cmplx.Exp(complex(-real(z), -imag(z))))
}

func ewRsqrt(x float64) float64 { return 1 / math.Sqrt(x) }

func ewRsqrtC(z complex128) complex128 { return ewDivC(1, cmplx.Sqrt(z)) }

// ewCbrtC is the principal cube root: cbrt(|z|) · e^(i·arg(z)/3).
func ewCbrtC(z complex128) complex128 {
	r := math.Cbrt(cmplx.Abs(z))
	t := math.Atan2(imag(z), real(z)) / 3
	s, c := math.Sincos(t)
	return complex(r*c, r*s)
}

// ewLogC is the principal complex logarithm. Near the unit circle the real
// part log|z| = ½·log1p(|z|² - 1) takes |z|² - 1 = (a-1)(a+1) + b² in
// double-double arithmetic (a >= b the magnitudes of the parts; a-1 is
// exact there), avoiding the cancellation of log(hypot(x, y)).
func ewLogC(z complex128) complex128 {
	x, y := real(z), imag(z)
	a, b := math.Abs(x), math.Abs(y)
	if b > a {
		a, b = b, a
	}
	if a >= 0.5 && a <= 2 {
		s := ewDD{a - 1, 0}.mul(ewTwoSum(a, 1)).add(ewTwoProd(b, b))
		return complex(0.5*math.Log1p(s.hi+s.lo), math.Atan2(y, x))
	}
	return cmplx.Log(z)
}

// ewExpm1C is e^z - 1 without cancellation for small z:
// re = expm1(x)·cos(y) - 2·sin²(y/2), im = e^x·sin(y).
func ewExpm1C(z complex128) complex128 {
	x, y := real(z), imag(z)
	if math.IsInf(x, 0) || math.IsInf(y, 0) || x != x || y != y {
		return cmplx.Exp(z) - 1
	}
	s, c := math.Sincos(y)
	h := math.Sin(y / 2)
	re := float64(math.Expm1(x)*c) - float64(2*h*h)
	return complex(re, math.Exp(x)*s)
}

// ewLog1pC is log(1 + z) with log|1+z| = log1p(2x + x² + y²)/2 for small z.
func ewLog1pC(z complex128) complex128 {
	x, y := real(z), imag(z)
	im := math.Atan2(y, 1+x)
	if math.Abs(x) < 0.5 && math.Abs(y) < 0.5 {
		return complex(0.5*math.Log1p(float64(x*(2+x))+float64(y*y)), im)
	}
	return complex(math.Log(math.Hypot(1+x, y)), im)
}

// ewTanhC is Kahan's tanh: with t = tan(y), s = sinh(x), β = 1 + t²,
// ρ = sqrt(1 + s²): tanh(z) = (β·ρ·s + i·t) / (1 + β·s²).
func ewTanhC(z complex128) complex128 {
	x, y := real(z), imag(z)
	if x != x || y != y || math.IsInf(x, 0) || math.IsInf(y, 0) {
		if math.IsInf(x, 0) && (y == y) && !math.IsInf(y, 0) {
			return complex(math.Copysign(1, x), math.Copysign(0, math.Sin(2*y)))
		}
		return cmplx.Tanh(z)
	}
	if math.Abs(x) > 22 {
		// e^-2|x| is below the f64 rounding of 1.
		e := math.Exp(-2 * math.Abs(x))
		return complex(math.Copysign(1, x), 4*math.Sin(y)*math.Cos(y)*e)
	}
	t := ewTan(y)
	b := 1 + t*t
	s := math.Sinh(x)
	r := math.Sqrt(1 + s*s)
	d := 1 + b*s*s
	if math.IsInf(t, 0) { // y at a pole of tan: tanh(x + iπ/2) = 1/tanh(x)
		return complex(r/s, 1/t)
	}
	return complex(b*r*s/d, t/d)
}

// ewTanC is tan(z) = -i·tanh(i·z).
func ewTanC(z complex128) complex128 {
	w := ewTanhC(complex(-imag(z), real(z)))
	return complex(imag(w), -real(w))
}

// ---------------------------------------------------------------------------
// Binary maps.

type ewBinaryFns struct {
	b func(x, y bool) bool
	i func(x, y int64, w int) int64
	u func(x, y uint64, w int) uint64
	f func(x, y float64) float64
	c func(x, y complex128) complex128
}

func ewRegBinary(name string, fns ewBinaryFns) {
	ewBinaryTable[name] = fns
	register(name, ewPlan{arity: 2, compute: func(c *Ctx, op *ir.Op, ins []*tensor.Tensor, out *tensor.Tensor) error {
		return ewMapBinary(c, op, ins[0], ins[1], out, fns)
	}}.kernel())
}

// ewMapBinary writes fns applied to the element pairs of x and y into out;
// all three have the same type.
func ewMapBinary(c *Ctx, op *ir.Op, x, y, out *tensor.Tensor, fns ewBinaryFns) error {
	d := x.DType
	if y.DType != d || out.DType != d {
		return ewReject(op, "%s: operand and result types %s, %s and %s differ", op.Name, d, y.DType, out.DType)
	}
	n := out.NumElements()
	switch ewClassOf(d) {
	case ewBool:
		if fns.b != nil {
			return c.Loop(n, func(i int64) { out.Data[i] = ewB2U(fns.b(x.Data[i] != 0, y.Data[i] != 0)) })
		}
	case ewSigned:
		if fns.i != nil {
			w := d.Bits()
			return c.Loop(n, func(i int64) { out.SetInt64(i, fns.i(x.Int64(i), y.Int64(i), w)) })
		}
	case ewUnsigned:
		if fns.u != nil {
			w := d.Bits()
			return c.Loop(n, func(i int64) { out.SetUint64(i, fns.u(x.Uint64(i), y.Uint64(i), w)) })
		}
	case ewFloat:
		if fns.f != nil {
			return c.Loop(n, func(i int64) {
				a, b := x.Float64(i), y.Float64(i)
				out.SetFloat64(i, ewNaN2(a, b, fns.f(a, b)))
			})
		}
	case ewComplex:
		if fns.c != nil {
			return c.Loop(n, func(i int64) { out.SetComplex128(i, ewNaNC(fns.c(x.Complex128(i), y.Complex128(i)))) })
		}
	}
	return ewBadType(op, d)
}

// Integer division and remainder (see the file comment for /0 and MIN/-1).
func ewDivS(x, y int64, _ int) int64 {
	switch y {
	case 0:
		return -1
	case -1:
		return -x // wraps MIN to MIN
	}
	return x / y
}

func ewRemS(x, y int64, _ int) int64 {
	switch y {
	case 0:
		return x
	case -1:
		return 0
	}
	return x % y
}

func ewDivU(x, y uint64, w int) uint64 {
	if y == 0 {
		return ewMask(w)
	}
	return x / y
}

func ewRemU(x, y uint64, _ int) uint64 {
	if y == 0 {
		return x
	}
	return x % y
}

// Shifts. The amount is out of range when it is negative or >= w.
func ewShlS(x, y int64, w int) int64 {
	if y < 0 || y >= int64(w) {
		return 0
	}
	return x << uint(y)
}

func ewShlU(x, y uint64, w int) uint64 {
	if y >= uint64(w) {
		return 0
	}
	return x << uint(y)
}

func ewShrLS(x, y int64, w int) int64 {
	if y < 0 || y >= int64(w) {
		return 0
	}
	return int64((uint64(x) & ewMask(w)) >> uint(y))
}

func ewShrLU(x, y uint64, w int) uint64 {
	if y >= uint64(w) {
		return 0
	}
	return x >> uint(y)
}

func ewShrAS(x, y int64, w int) int64 {
	if y < 0 || y >= int64(w) {
		if x < 0 {
			return -1
		}
		return 0
	}
	return x >> uint(y)
}

// ewShrAU shifts the bits of an unsigned value arithmetically (the top bit
// of the type's width fills), as APInt::ashr does.
func ewShrAU(x, y uint64, w int) uint64 {
	s := ewSext(x, w)
	if y >= uint64(w) {
		if s < 0 {
			return math.MaxUint64
		}
		return 0
	}
	return uint64(s >> uint(y))
}

// ewPowS is integer power by squaring with wraparound. A negative
// exponent gives 1 for base 1, ±1 for base -1 and 0 otherwise.
func ewPowS(base, exp int64, _ int) int64 {
	if exp < 0 {
		switch base {
		case 1:
			return 1
		case -1:
			if exp&1 != 0 {
				return -1
			}
			return 1
		}
		return 0
	}
	return int64(ewPowU(uint64(base), uint64(exp), 64))
}

func ewPowU(base, exp uint64, _ int) uint64 {
	r := uint64(1)
	for exp != 0 {
		if exp&1 != 0 {
			r *= base
		}
		base *= base
		exp >>= 1
	}
	return r
}

// ewMaxF is IEEE maximum: NaN propagates and +0 > -0.
func ewMaxF(x, y float64) float64 {
	switch {
	case x != x:
		return x
	case y != y:
		return y
	case x == y:
		if math.Signbit(x) {
			return y
		}
		return x
	case x > y:
		return x
	}
	return y
}

// ewMinF is IEEE minimum: NaN propagates and -0 < +0.
func ewMinF(x, y float64) float64 {
	switch {
	case x != x:
		return x
	case y != y:
		return y
	case x == y:
		if math.Signbit(x) {
			return x
		}
		return y
	case x < y:
		return x
	}
	return y
}

// Complex maximum/minimum: lexicographic on (real, imag), as the reference
// interpreter does: the imaginary parts decide when the real parts compare
// equal; otherwise the real parts do.
func ewMaxC(x, y complex128) complex128 {
	var gt bool
	if real(x) == real(y) {
		gt = imag(x) > imag(y)
	} else {
		gt = real(x) > real(y)
	}
	if gt {
		return x
	}
	return y
}

func ewMinC(x, y complex128) complex128 {
	var lt bool
	if real(x) == real(y) {
		lt = imag(x) < imag(y)
	} else {
		lt = real(x) < real(y)
	}
	if lt {
		return x
	}
	return y
}

// ewMulC multiplies with each product rounded on its own (no fused
// multiply-add, whatever the platform).
func ewMulC(x, y complex128) complex128 {
	a, b, c, d := real(x), imag(x), real(y), imag(y)
	ac, bd, ad, bc := float64(a*c), float64(b*d), float64(a*d), float64(b*c)
	re, im := ac-bd, ad+bc
	if re != re && im != im {
		// C99 Annex G: recover infinities hidden behind NaN.
		return ewMulCInf(a, b, c, d, re, im)
	}
	return complex(re, im)
}

func ewMulCInf(a, b, c, d, re, im float64) complex128 {
	recalc := false
	box := func(v float64) float64 {
		if math.IsInf(v, 0) {
			return math.Copysign(1, v)
		}
		return math.Copysign(0, v)
	}
	nan0 := func(v float64) float64 {
		if v != v {
			return math.Copysign(0, v)
		}
		return v
	}
	if math.IsInf(a, 0) || math.IsInf(b, 0) {
		a, b = box(a), box(b)
		c, d = nan0(c), nan0(d)
		recalc = true
	}
	if math.IsInf(c, 0) || math.IsInf(d, 0) {
		c, d = box(c), box(d)
		a, b = nan0(a), nan0(b)
		recalc = true
	}
	if recalc {
		inf := math.Inf(1)
		return complex(inf*(float64(a*c)-float64(b*d)), inf*(float64(a*d)+float64(b*c)))
	}
	return complex(re, im)
}

// ewDivC divides as C99 Annex G's reference implementation does (scaling
// the divisor by a power of two, which is exact), each product rounded on
// its own.
func ewDivC(x, y complex128) complex128 {
	a, b, c, d := real(x), imag(x), real(y), imag(y)
	ilogbw := 0
	logbw := math.Logb(math.Max(math.Abs(c), math.Abs(d)))
	if !math.IsInf(logbw, 0) && logbw == logbw {
		ilogbw = int(logbw)
		c = math.Ldexp(c, -ilogbw)
		d = math.Ldexp(d, -ilogbw)
	}
	denom := float64(c*c) + float64(d*d)
	re := math.Ldexp((float64(a*c)+float64(b*d))/denom, -ilogbw)
	im := math.Ldexp((float64(b*c)-float64(a*d))/denom, -ilogbw)
	if re != re && im != im {
		switch {
		case denom == 0 && (a == a || b == b):
			inf := math.Copysign(math.Inf(1), c)
			re, im = inf*a, inf*b
		case (math.IsInf(a, 0) || math.IsInf(b, 0)) && !math.IsInf(c, 0) && !math.IsNaN(c) && !math.IsInf(d, 0) && !math.IsNaN(d):
			a, b = ewBox(a), ewBox(b)
			re = math.Inf(1) * (float64(a*c) + float64(b*d))
			im = math.Inf(1) * (float64(b*c) - float64(a*d))
		case logbw == math.Inf(1) && !math.IsInf(a, 0) && a == a && !math.IsInf(b, 0) && b == b:
			c, d = ewBox(c), ewBox(d)
			re = 0 * (float64(a*c) + float64(b*d))
			im = 0 * (float64(b*c) - float64(a*d))
		}
	}
	return complex(re, im)
}

// ewBox maps ±Inf to ±1 and finite values to ±0.
func ewBox(v float64) float64 {
	if math.IsInf(v, 0) {
		return math.Copysign(1, v)
	}
	return math.Copysign(0, v)
}

// ewPowC is x^y = e^(y·log x) for x != 0, written as
// |x|^Re(y)·e^(-Im(y)·arg x) · e^(i·(Re(y)·arg x + Im(y)·log|x|)) with the
// accurate real power; 0^y is 1 for y = 0, 0 for Re(y) > 0, ∞ for
// Re(y) < 0 and NaN otherwise. (cmplx.Pow panics for 0^(NaN + i∞).)
func ewPowC(x, y complex128) complex128 {
	if x == 0 {
		switch r := real(y); {
		case y == 0:
			return 1
		case r > 0:
			return 0
		case r < 0:
			if imag(y) == 0 {
				return complex(math.Inf(1), 0)
			}
			return complex(math.Inf(1), math.Inf(1))
		}
		return complex(ewQNaN, ewQNaN)
	}
	m, arg := cmplx.Abs(x), cmplx.Phase(x)
	r := ewPow(m, real(y))
	theta := real(y) * arg
	if imag(y) != 0 {
		r *= math.Exp(-imag(y) * arg)
		theta += imag(y) * math.Log(m)
	}
	s, c := math.Sincos(theta)
	return complex(r*c, r*s)
}

// ewAtan2C is the spec's complex atan2(y, x) = -i·log((x + i·y)/sqrt(x² + y²)).
func ewAtan2C(y, x complex128) complex128 {
	iy := complex(-imag(y), real(y))
	num := x + iy
	den := cmplx.Sqrt(ewMulC(x, x) + ewMulC(y, y))
	l := ewLogC(ewDivC(num, den))
	return complex(imag(l), -real(l))
}

// ---------------------------------------------------------------------------
// compare, complex, select, clamp.

// ewTotalKey orders float bit patterns as IEEE totalOrder does:
// -NaN < -Inf < ... < -0 < +0 < ... < +Inf < +NaN.
func ewTotalKey(t *tensor.Tensor, i int64) int64 {
	d := t.DType
	w := d.Bits()
	raw := ewRawBits(t, i)
	if d == tensor.F8E8M0FNU { // unsigned format
		return int64(raw)
	}
	mag := int64(raw & ewMask(w-1))
	if raw>>(uint(w)-1)&1 != 0 {
		return -mag - 1
	}
	return mag
}

// ewRawBits reads the storage bits of element i (the low d.Bits() bits;
// types of at most 64 bits).
func ewRawBits(t *tensor.Tensor, i int64) uint64 {
	d := t.DType
	sz := int64(d.Size())
	b := t.Data[i*sz : i*sz+sz]
	var v uint64
	for k := len(b) - 1; k >= 0; k-- {
		v = v<<8 | uint64(b[k])
	}
	return v & ewMask(d.Bits())
}

// ewCompare compares element pairs. Integers compare as signed or unsigned
// by their element type (i1 as unsigned): the spec requires compare_type to
// agree with it (SIGNED / UNSIGNED), so the attribute only matters for
// floats, where TOTALORDER orders bit patterns (ewTotalKey) and FLOAT (or
// no compare_type) uses IEEE quiet comparisons.
func ewCompare(c *Ctx, op *ir.Op, ins []*tensor.Tensor, out *tensor.Tensor) error {
	x, y := ins[0], ins[1]
	dir, _ := ir.Enum(op.Attr("comparison_direction"))
	ctype, _ := ir.Enum(op.Attr("compare_type"))
	d := x.DType
	if y.DType != d || !out.DType.IsBool() {
		return ewReject(op, "compare: operand types %s and %s, result %s", d, y.DType, out.DType)
	}
	var lt, eq bool
	var test func() bool
	switch dir {
	case "EQ":
		test = func() bool { return eq }
	case "NE":
		test = func() bool { return !eq }
	case "LT":
		test = func() bool { return lt }
	case "LE":
		test = func() bool { return lt || eq }
	case "GT":
		test = func() bool { return !lt && !eq }
	case "GE":
		test = func() bool { return !lt }
	default:
		return ewReject(op, "compare has no valid comparison_direction (got %q)", dir)
	}
	n := out.NumElements()
	switch ewClassOf(d) {
	case ewBool, ewUnsigned:
		return c.Loop(n, func(i int64) {
			a, b := x.Uint64(i), y.Uint64(i)
			lt, eq = a < b, a == b
			out.Data[i] = ewB2U(test())
		})
	case ewSigned:
		return c.Loop(n, func(i int64) {
			a, b := x.Int64(i), y.Int64(i)
			lt, eq = a < b, a == b
			out.Data[i] = ewB2U(test())
		})
	case ewFloat:
		if ctype == "TOTALORDER" {
			return c.Loop(n, func(i int64) {
				a, b := ewTotalKey(x, i), ewTotalKey(y, i)
				lt, eq = a < b, a == b
				out.Data[i] = ewB2U(test())
			})
		}
		// IEEE quiet comparisons: with a NaN every ordered test and EQ is
		// false, NE is true.
		return c.Loop(n, func(i int64) {
			a, b := x.Float64(i), y.Float64(i)
			if a != a || b != b {
				out.Data[i] = ewB2U(dir == "NE")
				return
			}
			lt, eq = a < b, a == b
			out.Data[i] = ewB2U(test())
		})
	case ewComplex:
		// EQ/NE compare both parts; the ordered directions are
		// lexicographic on (real, imag) (spec), with IEEE comparisons.
		return c.Loop(n, func(i int64) {
			a, b := x.Complex128(i), y.Complex128(i)
			if a != a || b != b { // a NaN part
				out.Data[i] = ewB2U(dir == "NE")
				return
			}
			eq = a == b
			if real(a) == real(b) {
				lt = imag(a) < imag(b)
			} else {
				lt = real(a) < real(b)
			}
			out.Data[i] = ewB2U(test())
		})
	}
	return ewBadType(op, d)
}

func ewComplexCompute(c *Ctx, op *ir.Op, ins []*tensor.Tensor, out *tensor.Tensor) error {
	x, y := ins[0], ins[1]
	if y.DType != x.DType || out.DType.ComplexPart() != x.DType {
		return ewReject(op, "complex: operands %s and %s cannot make %s", x.DType, y.DType, out.DType)
	}
	return c.Loop(out.NumElements(), func(i int64) { out.SetComplex128(i, complex(x.Float64(i), y.Float64(i))) })
}

// ewSelect copies each element's bytes from on_true or on_false.
func ewSelect(c *Ctx, op *ir.Op, ins []*tensor.Tensor, out *tensor.Tensor) error {
	pred, t, f := ins[0], ins[1], ins[2]
	if !pred.DType.IsBool() || t.DType != out.DType || f.DType != out.DType {
		return ewReject(op, "select: predicate %s, operands %s and %s, result %s", pred.DType, t.DType, f.DType, out.DType)
	}
	scalar := len(pred.Shape) == 0
	sz := int64(out.DType.Size())
	return c.Loop(out.NumElements(), func(i int64) {
		p := int64(0)
		if !scalar {
			p = i
		}
		src := f
		if pred.Data[p] != 0 {
			src = t
		}
		copy(out.Data[i*sz:(i+1)*sz], src.Data[i*sz:(i+1)*sz])
	})
}

// ewClamp is minimum(maximum(operand, min), max); min and max may be rank 0.
func ewClamp(c *Ctx, op *ir.Op, ins []*tensor.Tensor, out *tensor.Tensor) error {
	lo, x, hi := ins[0], ins[1], ins[2]
	d := x.DType
	if lo.DType != d || hi.DType != d || out.DType != d {
		return ewReject(op, "clamp: min %s, operand %s, max %s, result %s", lo.DType, d, hi.DType, out.DType)
	}
	at := func(t *tensor.Tensor, i int64) int64 {
		if len(t.Shape) == 0 {
			return 0
		}
		return i
	}
	n := out.NumElements()
	switch ewClassOf(d) {
	case ewBool:
		return c.Loop(n, func(i int64) {
			v := (x.Data[i] != 0 || lo.Data[at(lo, i)] != 0) && hi.Data[at(hi, i)] != 0
			out.Data[i] = ewB2U(v)
		})
	case ewSigned:
		return c.Loop(n, func(i int64) {
			out.SetInt64(i, min(max(x.Int64(i), lo.Int64(at(lo, i))), hi.Int64(at(hi, i))))
		})
	case ewUnsigned:
		return c.Loop(n, func(i int64) {
			out.SetUint64(i, min(max(x.Uint64(i), lo.Uint64(at(lo, i))), hi.Uint64(at(hi, i))))
		})
	case ewFloat:
		return c.Loop(n, func(i int64) {
			out.SetFloat64(i, ewMinF(ewMaxF(x.Float64(i), lo.Float64(at(lo, i))), hi.Float64(at(hi, i))))
		})
	case ewComplex:
		return c.Loop(n, func(i int64) {
			out.SetComplex128(i, ewMinC(ewMaxC(x.Complex128(i), lo.Complex128(at(lo, i))), hi.Complex128(at(hi, i))))
		})
	}
	return ewBadType(op, d)
}

// ---------------------------------------------------------------------------
// Real power, correctly rounded but for rare halfway cases.
//
// Go's math.Pow is off by up to ~10 ULP for ordinary arguments, too much for
// a reference. ewPow computes exp(y·ln x) in double-double arithmetic
// (about 106 bits), so the one final rounding to float64 is almost always
// the correctly rounded result. Special values follow C99 / IEEE pow (via
// math.Pow, which implements that table).

// ewDD is an unevaluated sum hi + lo with |lo| <= ulp(hi)/2.
type ewDD struct{ hi, lo float64 }

func ewTwoSum(a, b float64) ewDD {
	s := a + b
	bb := s - a
	e := (a - (s - bb)) + (b - bb)
	return ewDD{s, e}
}

func ewQuickTwoSum(a, b float64) ewDD {
	s := a + b
	return ewDD{s, b - (s - a)}
}

// ewTwoProd is the exact product a·b as hi + lo (FMA computes the error).
func ewTwoProd(a, b float64) ewDD {
	p := a * b
	return ewDD{p, math.FMA(a, b, -p)}
}

func (a ewDD) add(b ewDD) ewDD {
	s := ewTwoSum(a.hi, b.hi)
	t := ewTwoSum(a.lo, b.lo)
	s = ewQuickTwoSum(s.hi, s.lo+t.hi)
	return ewQuickTwoSum(s.hi, s.lo+t.lo)
}

func (a ewDD) neg() ewDD { return ewDD{-a.hi, -a.lo} }

func (a ewDD) mul(b ewDD) ewDD {
	p := ewTwoProd(a.hi, b.hi)
	lo := p.lo + (float64(a.hi*b.lo) + float64(a.lo*b.hi))
	return ewQuickTwoSum(p.hi, lo)
}

func (a ewDD) mulF(b float64) ewDD {
	p := ewTwoProd(a.hi, b)
	return ewQuickTwoSum(p.hi, p.lo+float64(a.lo*b))
}

func (a ewDD) div(b ewDD) ewDD {
	q1 := a.hi / b.hi
	r := a.add(b.mulF(q1).neg())
	q2 := r.hi / b.hi
	r = r.add(b.mulF(q2).neg())
	q3 := r.hi / b.hi
	q := ewQuickTwoSum(q1, q2)
	return q.add(ewDD{q3, 0})
}

var (
	ewLn2DD = ewDD{6.93147180559945286227e-01, 2.31904681384629955842e-17}
	// ewInvOdd[k] = 1/(2k+1); ewInvFact[n] = 1/n!.
	ewInvOdd  [24]ewDD
	ewInvFact [28]ewDD
)

func init() {
	one := ewDD{1, 0}
	for k := range ewInvOdd {
		ewInvOdd[k] = one.div(ewDD{float64(2*k + 1), 0})
	}
	ewInvFact[0] = one
	for n := 1; n < len(ewInvFact); n++ {
		ewInvFact[n] = ewInvFact[n-1].div(ewDD{float64(n), 0})
	}
}

// ewLogDD is ln(x) for finite x > 0: x = m·2^e with m in [√½, √2),
// ln m = 2·atanh(s) with s = (m-1)/(m+1), |s| < 0.172.
func ewLogDD(x float64) ewDD {
	m, e := math.Frexp(x)
	if m < math.Sqrt2/2 {
		m *= 2
		e--
	}
	s := ewDD{m - 1, 0}.div(ewTwoSum(m, 1)) // m-1 is exact
	s2 := s.mul(s)
	t := ewInvOdd[len(ewInvOdd)-1]
	for k := len(ewInvOdd) - 2; k >= 0; k-- {
		t = t.mul(s2).add(ewInvOdd[k])
	}
	lnm := s.mul(t).mulF(2)
	return ewLn2DD.mulF(float64(e)).add(lnm)
}

// ewExpDD is e^t rounded to float64: t = k·ln2 + r, |r| <= ln2/2, and
// e^r by its Taylor series.
func ewExpDD(t ewDD) float64 {
	switch {
	case t.hi > 710:
		return math.Inf(1)
	case t.hi < -746:
		return 0
	}
	k := math.Round(t.hi / ewLn2DD.hi)
	r := t.add(ewLn2DD.mulF(k).neg())
	p := ewInvFact[len(ewInvFact)-1]
	for n := len(ewInvFact) - 2; n >= 0; n-- {
		p = p.mul(r).add(ewInvFact[n])
	}
	return math.Ldexp(p.hi+p.lo, int(k))
}

func ewPow(x, y float64) float64 {
	switch {
	case y == 0 || x == 1:
		return 1
	case x != x || y != y:
		return ewQNaN
	case x == 0 || math.IsInf(x, 0) || math.IsInf(y, 0):
		return math.Pow(x, y)
	}
	neg := false
	if x < 0 {
		if y != math.Trunc(y) {
			return ewQNaN
		}
		neg = math.Abs(y) < 1<<53 && int64(y)&1 == 1
		x = -x
	}
	r := ewExpDD(ewLogDD(x).mulF(y))
	if neg {
		r = -r
	}
	return r
}
