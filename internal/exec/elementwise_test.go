package exec

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/mlir"
	"github.com/hlogate/hlogate/tensor"
)

// Tests of the elementwise, convert and CHLO kernels (elementwise.go,
// convert.go, chlo.go): the semantics this package writes out explicitly
// (integer division by zero, shifts out of range, saturating conversions,
// total order, NaN and signed zeros, sub-byte bit casts, ...), and an edge
// sweep that runs every op on every element type it accepts with zeros,
// NaN, ±Inf, -0, integer extremes (all bit patterns for types of at most 8
// bits), empty tensors and rank-0 tensors, checking that nothing panics,
// nothing fails with an Internal error, results are well-formed tensors of
// the right type and shape, and the memory budget ends balanced.

// ewType spells a tensor type.
func ewType(d tensor.DType, shape []int64) string {
	var b strings.Builder
	b.WriteString("tensor<")
	for _, s := range shape {
		fmt.Fprintf(&b, "%dx", s)
	}
	b.WriteString(d.String())
	b.WriteString(">")
	return b.String()
}

// ewProg is a @main that applies one op (generic syntax) to its arguments.
func ewProg(op, attrs string, args []*tensor.Tensor, res string) string {
	var params, types, names []string
	for i, a := range args {
		ty := ewType(a.DType, a.Shape)
		params = append(params, fmt.Sprintf("%%a%d: %s", i, ty))
		types = append(types, ty)
		names = append(names, fmt.Sprintf("%%a%d", i))
	}
	if attrs != "" {
		attrs = " {" + attrs + "}"
	}
	return fmt.Sprintf("func.func @main(%s) -> %s {\n  %%0 = \"%s\"(%s)%s : (%s) -> %s\n  return %%0 : %s\n}\n",
		strings.Join(params, ", "), res, op, strings.Join(names, ", "), attrs, strings.Join(types, ", "), res, res)
}

// ewRun runs @main of src on the inputs, turning a panic into a test
// failure and checking that the budget holds exactly the results.
func ewRun(t *testing.T, src string, inputs ...*tensor.Tensor) (outs []*tensor.Tensor, err error) {
	t.Helper()
	m, perr := mlir.ParseModule(src, mlir.Limits{})
	if perr != nil {
		t.Fatalf("parse: %v\n%s", perr, src)
	}
	fn := m.Entry("")
	c := newCtx(context.Background(), m, Limits{})
	args := make([]Val, len(inputs))
	for i, in := range inputs {
		if e := checkInput(fn, i, in); e != nil {
			t.Fatalf("input %d: %v\n%s", i, e, src)
		}
		if _, held := c.refs[in]; !held {
			if e := c.budget.Reserve(int64(len(in.Data))); e != nil {
				t.Fatal(e)
			}
		}
		c.refs[in]++
		args[i] = Val{T: in}
	}
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("panic: %v\n%s", r, src)
		}
	}()
	vals, err := c.CallFunc(fn, args)
	c.releaseAll(args)
	if err != nil {
		if diag.KindOf(err) == diag.Internal {
			t.Fatalf("internal error: %v\n%s", err, src)
		}
		if c.budget.Used() != 0 || len(c.pending) != 0 {
			t.Fatalf("after error %v: %d bytes, %d pending tensors held", err, c.budget.Used(), len(c.pending))
		}
		return nil, err
	}
	held := int64(0)
	seen := map[*tensor.Tensor]bool{}
	for _, v := range vals {
		if v.T == nil {
			t.Fatalf("result is not a tensor")
		}
		if !seen[v.T] {
			seen[v.T] = true
			held += int64(len(v.T.Data))
		}
		outs = append(outs, v.T)
	}
	if c.budget.Used() != held {
		t.Fatalf("budget holds %d bytes, results take %d\n%s", c.budget.Used(), held, src)
	}
	c.releaseAll(vals)
	if c.budget.Used() != 0 {
		t.Fatalf("budget holds %d bytes after releasing the results", c.budget.Used())
	}
	return outs, nil
}

// ewMust runs one op and returns its result.
func ewMust(t *testing.T, op, attrs string, res string, args ...*tensor.Tensor) *tensor.Tensor {
	t.Helper()
	outs, err := ewRun(t, ewProg(op, attrs, args, res), args...)
	if err != nil {
		t.Fatalf("%s: %v", op, err)
	}
	return outs[0]
}

func ewNew(d tensor.DType, shape ...int64) *tensor.Tensor {
	t, err := tensor.New(d, shape, 1<<30)
	if err != nil {
		panic(err)
	}
	return t
}

// ewI builds a 1-D tensor from integers (SetInt64: wraps to the width).
func ewI(d tensor.DType, vals ...int64) *tensor.Tensor {
	t := ewNew(d, int64(len(vals)))
	for i, v := range vals {
		t.SetInt64(int64(i), v)
	}
	return t
}

func ewU(d tensor.DType, vals ...uint64) *tensor.Tensor {
	t := ewNew(d, int64(len(vals)))
	for i, v := range vals {
		t.SetUint64(int64(i), v)
	}
	return t
}

func ewF(d tensor.DType, vals ...float64) *tensor.Tensor {
	t := ewNew(d, int64(len(vals)))
	for i, v := range vals {
		t.SetFloat64(int64(i), v)
	}
	return t
}

func ewC(d tensor.DType, vals ...complex128) *tensor.Tensor {
	t := ewNew(d, int64(len(vals)))
	for i, v := range vals {
		t.SetComplex128(int64(i), v)
	}
	return t
}

func ewWantI(t *testing.T, name string, got *tensor.Tensor, want ...int64) {
	t.Helper()
	if got.NumElements() != int64(len(want)) {
		t.Fatalf("%s: %d elements, want %d", name, got.NumElements(), len(want))
	}
	for i, w := range want {
		if g := got.Int64(int64(i)); g != w {
			t.Errorf("%s[%d] = %d, want %d", name, i, g, w)
		}
	}
}

func ewWantU(t *testing.T, name string, got *tensor.Tensor, want ...uint64) {
	t.Helper()
	for i, w := range want {
		if g := got.Uint64(int64(i)); g != w {
			t.Errorf("%s[%d] = %d, want %d", name, i, g, w)
		}
	}
}

// ewWantF compares floats bit for bit after rounding want to the type
// (so -0 and NaN are checked too; any NaN matches any NaN).
func ewWantF(t *testing.T, name string, got *tensor.Tensor, want ...float64) {
	t.Helper()
	if got.NumElements() != int64(len(want)) {
		t.Fatalf("%s: %d elements, want %d", name, got.NumElements(), len(want))
	}
	for i, w := range want {
		g := got.Float64(int64(i))
		w = tensor.BitsFloat(got.DType, tensor.FloatBits(got.DType, w))
		if math.IsNaN(g) && math.IsNaN(w) {
			continue
		}
		if math.Float64bits(g) != math.Float64bits(w) {
			t.Errorf("%s[%d] = %v (%#x), want %v", name, i, g, math.Float64bits(g), w)
		}
	}
}

func ewWantClose(t *testing.T, name string, got, want float64, rel float64) {
	t.Helper()
	if math.Abs(got-want) > rel*math.Abs(want) {
		t.Errorf("%s = %.17g, want %.17g", name, got, want)
	}
}

func ewTy(d tensor.DType, n int) string { return ewType(d, []int64{int64(n)}) }

const (
	ewCmpAttrs = "comparison_direction = #stablehlo<comparison_direction %s>, compare_type = #stablehlo<comparison_type %s>"
)

func TestElementwiseIntegerSemantics(t *testing.T) {
	i8, u8 := tensor.I8, tensor.U8
	// Division by zero gives all ones; MIN / -1 wraps to MIN.
	ewWantI(t, "div i8", ewMust(t, "stablehlo.divide", "", ewTy(i8, 5), ewI(i8, 7, -128, 5, 0, -7), ewI(i8, 0, -1, -2, 0, 2)), -1, -128, -2, -1, -3)
	ewWantU(t, "div ui8", ewMust(t, "stablehlo.divide", "", ewTy(u8, 3), ewU(u8, 7, 0, 255), ewU(u8, 0, 0, 16)), 255, 255, 15)
	ewWantI(t, "div i64", ewMust(t, "stablehlo.divide", "", ewTy(tensor.I64, 2), ewI(tensor.I64, math.MinInt64, 9), ewI(tensor.I64, -1, 0)), math.MinInt64, -1)
	ewWantI(t, "rem i8", ewMust(t, "stablehlo.remainder", "", ewTy(i8, 4), ewI(i8, 7, -128, -7, 7), ewI(i8, 0, -1, 2, -3)), 7, 0, -1, 1)
	ewWantU(t, "rem ui8", ewMust(t, "stablehlo.remainder", "", ewTy(u8, 2), ewU(u8, 7, 200), ewU(u8, 0, 7)), 7, 4)
	ewWantI(t, "div i4", ewMust(t, "stablehlo.divide", "", ewTy(tensor.I4, 3), ewI(tensor.I4, -8, 7, 3), ewI(tensor.I4, -1, 0, -2)), -8, -1, -1)

	// Shifts: amounts < 0 or >= width give 0 (left, logical) or the sign fill.
	ewWantI(t, "shl i8", ewMust(t, "stablehlo.shift_left", "", ewTy(i8, 5), ewI(i8, 1, 1, 1, 1, 3), ewI(i8, 7, 8, -1, 100, 2)), -128, 0, 0, 0, 12)
	ewWantI(t, "shrl i8", ewMust(t, "stablehlo.shift_right_logical", "", ewTy(i8, 4), ewI(i8, -128, -128, -1, 5), ewI(i8, 1, 8, -1, 0)), 64, 0, 0, 5)
	ewWantI(t, "shra i8", ewMust(t, "stablehlo.shift_right_arithmetic", "", ewTy(i8, 5), ewI(i8, -128, 64, -128, -3, 64), ewI(i8, 8, -1, 7, 1, 6)), -1, 0, -1, -2, 1)
	ewWantU(t, "shra ui8", ewMust(t, "stablehlo.shift_right_arithmetic", "", ewTy(u8, 3), ewU(u8, 128, 128, 64), ewU(u8, 1, 200, 9)), 192, 255, 0)
	ewWantU(t, "shl ui64", ewMust(t, "stablehlo.shift_left", "", ewTy(tensor.U64, 2), ewU(tensor.U64, 1, 1), ewU(tensor.U64, 63, 64)), 1<<63, 0)
	ewWantI(t, "shl i4", ewMust(t, "stablehlo.shift_left", "", ewTy(tensor.I4, 3), ewI(tensor.I4, 1, 1, 7), ewI(tensor.I4, 3, 4, 1)), -8, 0, -2)

	// Power by squaring with wraparound; negative exponents.
	i32 := tensor.I32
	ewWantI(t, "pow i32", ewMust(t, "stablehlo.power", "", ewTy(i32, 8),
		ewI(i32, 2, 1, -1, -1, 3, 2, 0, -3),
		ewI(i32, 10, -5, -3, -4, -1, 31, 0, 3)),
		1024, 1, -1, 1, 0, math.MinInt32, 1, -27)
	ewWantU(t, "pow ui8", ewMust(t, "stablehlo.power", "", ewTy(u8, 3), ewU(u8, 3, 2, 0), ewU(u8, 5, 8, 0)), 243, 0, 1)
	ewWantI(t, "pow i64 huge exponent", ewMust(t, "stablehlo.power", "", ewTy(tensor.I64, 2), ewI(tensor.I64, -1, 2), ewI(tensor.I64, math.MaxInt64, math.MaxInt64)), -1, 0)

	// Wrapping and the width of sub-byte types.
	ewWantI(t, "add i4", ewMust(t, "stablehlo.add", "", ewTy(tensor.I4, 2), ewI(tensor.I4, 7, -8), ewI(tensor.I4, 1, -1)), -8, 7)
	ewWantU(t, "mul ui2", ewMust(t, "stablehlo.multiply", "", ewTy(tensor.U2, 2), ewU(tensor.U2, 3, 2), ewU(tensor.U2, 3, 2)), 1, 0)
	ewWantI(t, "neg i8", ewMust(t, "stablehlo.negate", "", ewTy(i8, 2), ewI(i8, -128, 5)), -128, -5)
	ewWantU(t, "neg ui8", ewMust(t, "stablehlo.negate", "", ewTy(u8, 2), ewU(u8, 1, 0)), 255, 0)
	ewWantI(t, "abs i8", ewMust(t, "stablehlo.abs", "", ewTy(i8, 3), ewI(i8, -128, -5, 5)), -128, 5, 5)
	ewWantI(t, "not i4", ewMust(t, "stablehlo.not", "", ewTy(tensor.I4, 2), ewI(tensor.I4, 0, 7)), -1, -8)
	ewWantU(t, "not ui4", ewMust(t, "stablehlo.not", "", ewTy(tensor.U4, 2), ewU(tensor.U4, 0, 5)), 15, 10)
	ewWantI(t, "not i1", ewMust(t, "stablehlo.not", "", ewTy(tensor.Bool, 2), ewI(tensor.Bool, 0, 1)), 1, 0)
	ewWantI(t, "clz i8", ewMust(t, "stablehlo.count_leading_zeros", "", ewTy(i8, 4), ewI(i8, -1, 0, 1, 64)), 0, 8, 7, 1)
	ewWantI(t, "clz i4", ewMust(t, "stablehlo.count_leading_zeros", "", ewTy(tensor.I4, 3), ewI(tensor.I4, -1, 1, 0)), 0, 3, 4)
	ewWantU(t, "clz ui64", ewMust(t, "stablehlo.count_leading_zeros", "", ewTy(tensor.U64, 2), ewU(tensor.U64, 0, 1<<63)), 64, 0)
	ewWantI(t, "popcnt i8", ewMust(t, "stablehlo.popcnt", "", ewTy(i8, 4), ewI(i8, -1, 0, 1, -128)), 8, 0, 1, 1)
	ewWantI(t, "popcnt i2", ewMust(t, "stablehlo.popcnt", "", ewTy(tensor.I2, 2), ewI(tensor.I2, -1, -2)), -2, 1) // 2 wraps in i2
	ewWantI(t, "sign i8", ewMust(t, "stablehlo.sign", "", ewTy(i8, 3), ewI(i8, -128, 0, 127)), -1, 0, 1)
	ewWantU(t, "sign ui8", ewMust(t, "stablehlo.sign", "", ewTy(u8, 3), ewU(u8, 0, 200, 1)), 0, 1, 1)
	ewWantI(t, "max i8", ewMust(t, "stablehlo.maximum", "", ewTy(i8, 2), ewI(i8, -128, 3), ewI(i8, 127, -3)), 127, 3)
	ewWantU(t, "min ui8", ewMust(t, "stablehlo.minimum", "", ewTy(u8, 2), ewU(u8, 255, 3), ewU(u8, 0, 200)), 0, 3)
	ewWantI(t, "add i1", ewMust(t, "stablehlo.add", "", ewTy(tensor.Bool, 4), ewI(tensor.Bool, 0, 0, 1, 1), ewI(tensor.Bool, 0, 1, 0, 1)), 0, 1, 1, 1)
	ewWantI(t, "mul i1", ewMust(t, "stablehlo.multiply", "", ewTy(tensor.Bool, 4), ewI(tensor.Bool, 0, 0, 1, 1), ewI(tensor.Bool, 0, 1, 0, 1)), 0, 0, 0, 1)

	// mulhi: the high half of the double-width product.
	i64 := tensor.I64
	ewWantI(t, "mulhi i64", ewMust(t, "chlo.mulhi", "", ewTy(i64, 5),
		ewI(i64, math.MinInt64, -1, math.MinInt64, math.MaxInt64, -3),
		ewI(i64, math.MinInt64, -1, -1, math.MaxInt64, 5)),
		1<<62, 0, 0, 1<<62-1, -1)
	ewWantU(t, "mulhi ui64", ewMust(t, "chlo.mulhi", "", ewTy(tensor.U64, 2), ewU(tensor.U64, math.MaxUint64, 1<<32), ewU(tensor.U64, math.MaxUint64, 1<<32)), math.MaxUint64-1, 1)
	ewWantI(t, "mulhi i8", ewMust(t, "chlo.mulhi", "", ewTy(i8, 3), ewI(i8, 64, -64, -128), ewI(i8, 4, 4, -128)), 1, -1, 64)
}

func TestElementwiseFloatSemantics(t *testing.T) {
	f32, f64 := tensor.F32, tensor.F64
	nan, inf := math.NaN(), math.Inf(1)
	negz := math.Copysign(0, -1)
	ewWantF(t, "sign f32", ewMust(t, "stablehlo.sign", "", ewTy(f32, 6), ewF(f32, negz, 0, nan, -3, 2, -inf)), negz, 0, nan, -1, 1, -1)
	ewWantF(t, "max f32", ewMust(t, "stablehlo.maximum", "", ewTy(f32, 4), ewF(f32, nan, negz, 0, 1), ewF(f32, 1, 0, negz, nan)), nan, 0, 0, nan)
	ewWantF(t, "min f32", ewMust(t, "stablehlo.minimum", "", ewTy(f32, 4), ewF(f32, nan, negz, 0, -inf), ewF(f32, 1, 0, negz, 3)), nan, negz, negz, -inf)
	ewWantF(t, "afz", ewMust(t, "stablehlo.round_nearest_afz", "", ewTy(f32, 6), ewF(f32, 0.5, 1.5, 2.5, -0.5, -2.5, -0.4)), 1, 2, 3, -1, -3, negz)
	ewWantF(t, "even", ewMust(t, "stablehlo.round_nearest_even", "", ewTy(f32, 6), ewF(f32, 0.5, 1.5, 2.5, -0.5, -2.5, -0.4)), 0, 2, 2, negz, -2, negz)
	ewWantF(t, "rem f64", ewMust(t, "stablehlo.remainder", "", ewTy(f64, 5), ewF(f64, 17.1, -17.1, 5, -4, inf), ewF(f64, 3, 3, inf, 2, 1)), 2.1000000000000014, -2.1000000000000014, 5, negz, nan)
	ewWantF(t, "div f16", ewMust(t, "stablehlo.divide", "", ewTy(tensor.F16, 3), ewF(tensor.F16, 1, 0, -1), ewF(tensor.F16, 0, 0, 3)), inf, nan, -0.333251953125)
	ewWantF(t, "rsqrt", ewMust(t, "stablehlo.rsqrt", "", ewTy(f64, 3), ewF(f64, negz, 4, -1)), -inf, 0.5, nan)
	ewWantF(t, "ceil/floor -0", ewMust(t, "stablehlo.ceil", "", ewTy(f32, 2), ewF(f32, -0.5, 0.5)), negz, 1)
	ewWantF(t, "neg zero", ewMust(t, "stablehlo.negate", "", ewTy(f32, 2), ewF(f32, 0, negz)), negz, 0)
	ewWantF(t, "abs f32", ewMust(t, "stablehlo.abs", "", ewTy(f32, 2), ewF(f32, negz, -inf)), 0, inf)
	ewWantF(t, "logistic", ewMust(t, "stablehlo.logistic", "", ewTy(f64, 3), ewF(f64, -1000, 0, 1000)), 0, 0.5, 1)
	// Power is correctly rounded (math.Pow is not, e.g. for 10000^10).
	ewWantF(t, "pow f64", ewMust(t, "stablehlo.power", "", ewTy(f64, 7),
		ewF(f64, 10000, -2, -36, 0, negz, -8, 2),
		ewF(f64, 10, 3, 1.1, -1, -3, 1.0/3, -1074)),
		1e40, -8, nan, inf, -inf, nan, 5e-324)
	ewWantI(t, "is_finite", ewMust(t, "stablehlo.is_finite", "", ewTy(tensor.Bool, 4), ewF(f32, 1, nan, inf, -inf)), 1, 0, 0, 0)
	ewWantF(t, "atan2", ewMust(t, "stablehlo.atan2", "", ewTy(f64, 3), ewF(f64, 0, 1, -1), ewF(f64, 0, 0, 0)), 0, math.Pi/2, -math.Pi/2)

	// Complex arithmetic.
	c64, c128 := tensor.C64, tensor.C128
	z := ewMust(t, "stablehlo.multiply", "", ewTy(c128, 2), ewC(c128, complex(1, 2), complex(inf, 0)), ewC(c128, complex(3, 4), complex(0, 1)))
	if got := z.Complex128(0); got != complex(-5, 10) {
		t.Errorf("(1+2i)(3+4i) = %v", got)
	}
	if got := z.Complex128(1); !math.IsInf(imag(got), 1) {
		t.Errorf("inf·i = %v, want an infinite imaginary part", got)
	}
	z = ewMust(t, "stablehlo.divide", "", ewTy(c64, 1), ewC(c64, complex(1, 0)), ewC(c64, complex(0, 2)))
	if got := z.Complex128(0); got != complex(0, -0.5) {
		t.Errorf("1/2i = %v", got)
	}
	a := ewMust(t, "stablehlo.abs", "", ewTy(tensor.F32, 1), ewC(c64, complex(3, 4)))
	ewWantF(t, "abs c64", a, 5)
	s := ewMust(t, "stablehlo.sign", "", ewTy(c128, 3), ewC(c128, complex(3, 4), 0, complex(nan, 0)))
	if got := s.Complex128(0); got != complex(0.6, 0.8) || s.Complex128(1) != 0 || !math.IsNaN(real(s.Complex128(2))) || !math.IsNaN(imag(s.Complex128(2))) {
		t.Errorf("sign c128 = %v %v %v", s.Complex128(0), s.Complex128(1), s.Complex128(2))
	}
	mx := ewMust(t, "stablehlo.maximum", "", ewTy(c128, 2), ewC(c128, complex(1, 5), complex(2, 0)), ewC(c128, complex(1, 6), complex(1, 9)))
	if mx.Complex128(0) != complex(1, 6) || mx.Complex128(1) != complex(2, 0) {
		t.Errorf("complex maximum = %v %v", mx.Complex128(0), mx.Complex128(1))
	}
	re := ewMust(t, "stablehlo.real", "", ewTy(f32, 1), ewC(c64, complex(1.5, -2)))
	im := ewMust(t, "stablehlo.imag", "", ewTy(f32, 1), ewC(c64, complex(1.5, -2)))
	ewWantF(t, "real", re, 1.5)
	ewWantF(t, "imag", im, -2)
	ewWantF(t, "imag of real", ewMust(t, "stablehlo.imag", "", ewTy(f32, 1), ewF(f32, 7)), 0)
	cx := ewMust(t, "stablehlo.complex", "", ewTy(c64, 1), ewF(f32, 1), ewF(f32, -2))
	if cx.Complex128(0) != complex(1, -2) {
		t.Errorf("complex = %v", cx.Complex128(0))
	}
	cb := ewMust(t, "stablehlo.cbrt", "", ewTy(c128, 1), ewC(c128, complex(3, 4)))
	ewWantClose(t, "cbrt re", real(cb.Complex128(0)), 1.6289371459221759, 1e-15)
	ewWantClose(t, "cbrt im", imag(cb.Complex128(0)), 0.5201745023045458, 1e-15)
	em := ewMust(t, "stablehlo.exponential_minus_one", "", ewTy(c128, 1), ewC(c128, complex(1e-20, 1e-20)))
	if got := em.Complex128(0); real(got) != 1e-20 || imag(got) != 1e-20 {
		t.Errorf("expm1(tiny) = %v", got)
	}
	lp := ewMust(t, "stablehlo.log_plus_one", "", ewTy(c128, 1), ewC(c128, complex(1e-20, 1e-20)))
	if got := lp.Complex128(0); real(got) != 1e-20 || imag(got) != 1e-20 {
		t.Errorf("log1p(tiny) = %v", got)
	}
	th := ewMust(t, "stablehlo.tanh", "", ewTy(c128, 2), ewC(c128, complex(800, 1), complex(0, 0)))
	if got := th.Complex128(0); real(got) != 1 || math.IsNaN(imag(got)) {
		t.Errorf("tanh(800+i) = %v", got)
	}
	tn := ewMust(t, "stablehlo.tan", "", ewTy(c128, 1), ewC(c128, complex(1, 800)))
	if got := tn.Complex128(0); imag(got) != 1 || math.IsNaN(real(got)) {
		t.Errorf("tan(1+800i) = %v", got)
	}
}

func TestElementwiseCompare(t *testing.T) {
	f32 := tensor.F32
	nan, inf := math.NaN(), math.Inf(1)
	negz := math.Copysign(0, -1)
	negNaN := math.Float64frombits(0xFFF8000000000000)
	b4 := ewTy(tensor.Bool, 5)
	x := ewF(f32, negNaN, -inf, negz, 0, inf)
	y := ewF(f32, -inf, negz, 0, inf, nan)
	ewWantI(t, "LT TOTALORDER", ewMust(t, "stablehlo.compare", fmt.Sprintf(ewCmpAttrs, "LT", "TOTALORDER"), b4, x, y), 1, 1, 1, 1, 1)
	ewWantI(t, "LT FLOAT", ewMust(t, "stablehlo.compare", fmt.Sprintf(ewCmpAttrs, "LT", "FLOAT"), b4, x, y), 0, 1, 0, 1, 0)
	ewWantI(t, "GE TOTALORDER", ewMust(t, "stablehlo.compare", fmt.Sprintf(ewCmpAttrs, "GE", "TOTALORDER"), b4, y, x), 1, 1, 1, 1, 1)
	z1, z2 := ewF(f32, negz, nan, 1, nan, 2), ewF(f32, 0, nan, 1, 1, 3)
	ewWantI(t, "EQ FLOAT", ewMust(t, "stablehlo.compare", fmt.Sprintf(ewCmpAttrs, "EQ", "FLOAT"), b4, z1, z2), 1, 0, 1, 0, 0)
	ewWantI(t, "NE FLOAT", ewMust(t, "stablehlo.compare", fmt.Sprintf(ewCmpAttrs, "NE", "FLOAT"), b4, z1, z2), 0, 1, 0, 1, 1)
	ewWantI(t, "EQ TOTALORDER", ewMust(t, "stablehlo.compare", fmt.Sprintf(ewCmpAttrs, "EQ", "TOTALORDER"), b4, z1, z2), 0, 1, 1, 0, 0)
	ewWantI(t, "GE FLOAT NaN", ewMust(t, "stablehlo.compare", fmt.Sprintf(ewCmpAttrs, "GE", "FLOAT"), b4, z1, z2), 1, 0, 1, 0, 0)
	u := ewU(tensor.U8, 0, 255, 7, 128, 3)
	v := ewU(tensor.U8, 255, 0, 7, 127, 4)
	ewWantI(t, "LT UNSIGNED", ewMust(t, "stablehlo.compare", fmt.Sprintf(ewCmpAttrs, "LT", "UNSIGNED"), b4, u, v), 1, 0, 0, 0, 1)
	si, sj := ewI(tensor.I8, -128, 127, 7, -1, 3), ewI(tensor.I8, 127, -128, 7, 0, 4)
	ewWantI(t, "LE SIGNED", ewMust(t, "stablehlo.compare", fmt.Sprintf(ewCmpAttrs, "LE", "SIGNED"), b4, si, sj), 1, 0, 1, 1, 1)
	ewWantI(t, "GT default", ewMust(t, "stablehlo.compare", "comparison_direction = #stablehlo<comparison_direction GT>", b4, si, sj), 0, 1, 0, 0, 0)
	c := tensor.C128
	ca := ewC(c, complex(1, 2), complex(1, 2), complex(nan, 0), complex(0, 1), complex(2, 0))
	cb := ewC(c, complex(1, 2), complex(1, 3), complex(nan, 0), complex(0, 1), complex(1, 9))
	ewWantI(t, "EQ complex", ewMust(t, "stablehlo.compare", fmt.Sprintf(ewCmpAttrs, "EQ", "FLOAT"), b4, ca, cb), 1, 0, 0, 1, 0)
	ewWantI(t, "LT complex", ewMust(t, "stablehlo.compare", fmt.Sprintf(ewCmpAttrs, "LT", "FLOAT"), b4, ca, cb), 0, 1, 0, 0, 0)
	ewWantI(t, "GT complex", ewMust(t, "stablehlo.compare", fmt.Sprintf(ewCmpAttrs, "GT", "FLOAT"), b4, ca, cb), 0, 0, 0, 0, 1)
	bb := ewI(tensor.Bool, 0, 1, 1, 0, 1)
	bc := ewI(tensor.Bool, 1, 0, 1, 0, 0)
	ewWantI(t, "GT i1", ewMust(t, "stablehlo.compare", fmt.Sprintf(ewCmpAttrs, "GT", "UNSIGNED"), b4, bb, bc), 0, 1, 0, 0, 1)
}

func TestElementwiseSelectClamp(t *testing.T) {
	f32 := tensor.F32
	pred := ewNew(tensor.Bool)
	pred.Data[0] = 1
	ewWantF(t, "select scalar pred", ewMust(t, "stablehlo.select", "", ewTy(f32, 2), pred, ewF(f32, 1, 2), ewF(f32, 3, 4)), 1, 2)
	ewWantF(t, "select", ewMust(t, "stablehlo.select", "", ewTy(f32, 2), ewI(tensor.Bool, 0, 1), ewF(f32, 1, 2), ewF(f32, 3, 4)), 3, 2)
	c := ewMust(t, "stablehlo.select", "", ewTy(tensor.C128, 2), ewI(tensor.Bool, 1, 0), ewC(tensor.C128, 1i, 2i), ewC(tensor.C128, 3, 4))
	if c.Complex128(0) != 1i || c.Complex128(1) != 4 {
		t.Errorf("select c128 = %v %v", c.Complex128(0), c.Complex128(1))
	}
	lo, hi := ewNew(tensor.I8), ewNew(tensor.I8)
	lo.SetInt64(0, -3)
	hi.SetInt64(0, 5)
	ewWantI(t, "clamp scalar bounds", ewMust(t, "stablehlo.clamp", "", ewTy(tensor.I8, 4), lo, ewI(tensor.I8, -128, 0, 9, 5), hi), -3, 0, 5, 5)
	ewWantI(t, "clamp tensor bounds", ewMust(t, "stablehlo.clamp", "", ewTy(tensor.I8, 3), ewI(tensor.I8, 5, 10, 15), ewI(tensor.I8, 3, 13, 23), ewI(tensor.I8, 10, 15, 20)), 5, 13, 20)
	nan := math.NaN()
	flo := ewNew(f32)
	fhi := ewNew(f32)
	fhi.SetFloat64(0, 1)
	ewWantF(t, "clamp NaN", ewMust(t, "stablehlo.clamp", "", ewTy(f32, 3), flo, ewF(f32, nan, -5, 0.5), fhi), nan, 0, 0.5)
}

func TestConvertSemantics(t *testing.T) {
	f32 := tensor.F32
	nan, inf := math.NaN(), math.Inf(1)
	src := ewF(f32, nan, inf, -inf, 300, -300, 2.9, -2.9, -0.5)
	ewWantI(t, "f32→i8 saturates", ewMust(t, "stablehlo.convert", "", ewTy(tensor.I8, 8), src), 0, 127, -128, 127, -128, 2, -2, 0)
	ewWantU(t, "f32→ui8", ewMust(t, "stablehlo.convert", "", ewTy(tensor.U8, 8), src), 0, 255, 0, 255, 0, 2, 0, 0)
	ewWantI(t, "f32→i4", ewMust(t, "stablehlo.convert", "", ewTy(tensor.I4, 8), src), 0, 7, -8, 7, -8, 2, -2, 0)
	ewWantI(t, "f32→i64", ewMust(t, "stablehlo.convert", "", ewTy(tensor.I64, 3), ewF(f32, inf, -inf, 1e19)), math.MaxInt64, math.MinInt64, math.MaxInt64)
	ewWantU(t, "f64→ui64", ewMust(t, "stablehlo.convert", "", ewTy(tensor.U64, 2), ewF(tensor.F64, inf, 1.8446744073709552e19)), math.MaxUint64, math.MaxUint64)
	ewWantI(t, "f32→i1", ewMust(t, "stablehlo.convert", "", ewTy(tensor.Bool, 4), ewF(f32, nan, 0, math.Copysign(0, -1), 0.5)), 1, 0, 0, 1)
	ewWantF(t, "i1→f32", ewMust(t, "stablehlo.convert", "", ewTy(f32, 2), ewI(tensor.Bool, 1, 0)), 1, 0)
	ewWantI(t, "i32→i4 wraps", ewMust(t, "stablehlo.convert", "", ewTy(tensor.I4, 3), ewI(tensor.I32, 7, 8, -9)), 7, -8, 7)
	ewWantU(t, "i8→ui64 sign-extends", ewMust(t, "stablehlo.convert", "", ewTy(tensor.U64, 1), ewI(tensor.I8, -1)), math.MaxUint64)
	ewWantF(t, "ui64→f32 rounds once", ewMust(t, "stablehlo.convert", "", ewTy(f32, 1), ewU(tensor.U64, 1<<63+1<<39+1)), math.Ldexp(1, 63)+math.Ldexp(1, 40))
	ewWantF(t, "c64→f32 real part", ewMust(t, "stablehlo.convert", "", ewTy(f32, 1), ewC(tensor.C64, complex(1.5, 9))), 1.5)
	ewWantI(t, "c64→i1 real part", ewMust(t, "stablehlo.convert", "", ewTy(tensor.Bool, 2), ewC(tensor.C64, complex(0, 1), complex(2, 0))), 0, 1)
	z := ewMust(t, "stablehlo.convert", "", ewTy(tensor.C128, 1), ewI(tensor.I64, -3))
	if z.Complex128(0) != -3 {
		t.Errorf("i64→c128 = %v", z.Complex128(0))
	}
	ewWantF(t, "f32→bf16", ewMust(t, "stablehlo.convert", "", ewTy(tensor.BF16, 2), ewF(f32, 1.00390625, 3e38)), 1, 226*math.Ldexp(1, 120))
	ewWantF(t, "f32→f8E4M3FN", ewMust(t, "stablehlo.convert", "", ewTy(tensor.F8E4M3FN, 2), ewF(f32, 1000, 0.1)), nan, 0.1015625)
}

func TestBitcastConvert(t *testing.T) {
	// i1 elements are single bits, lowest first.
	bitsIn := ewI(tensor.Bool, 1, 0, 0, 0, 0, 0, 0, 1)
	ewWantI(t, "8xi1→i8", ewMust(t, "stablehlo.bitcast_convert", "", ewType(tensor.I8, nil), bitsIn), -127)
	ewWantI(t, "i8→8xi1", ewMust(t, "stablehlo.bitcast_convert", "", ewType(tensor.Bool, []int64{1, 8}), ewI(tensor.I8, 6)), 0, 1, 1, 0, 0, 0, 0, 0)
	pair := ewNew(tensor.I4, 1, 2)
	pair.SetInt64(0, 1)
	pair.SetInt64(1, 7)
	ewWantI(t, "2xi4→i8", ewMust(t, "stablehlo.bitcast_convert", "", ewType(tensor.I8, []int64{1}), pair), 0x71)
	ewWantI(t, "i8→2xi4", ewMust(t, "stablehlo.bitcast_convert", "", ewType(tensor.I4, []int64{1, 2}), ewI(tensor.I8, -15)), 1, -1)
	ewWantU(t, "i8→2xui4", ewMust(t, "stablehlo.bitcast_convert", "", ewType(tensor.U4, []int64{1, 2}), ewI(tensor.I8, -15)), 1, 15)
	ewWantI(t, "f32→4xi8", ewMust(t, "stablehlo.bitcast_convert", "", ewType(tensor.I8, []int64{1, 4}), ewF(tensor.F32, 1)), 0, 0, -128, 63)
	x := ewNew(tensor.F64)
	x.SetFloat64(0, math.Float64frombits(0x0123456789ABCDEF))
	h := ewMust(t, "stablehlo.bitcast_convert", "", ewType(tensor.F16, []int64{4}), x)
	for i, w := range []uint64{0xCDEF, 0x89AB, 0x4567, 0x0123} {
		if g := tensor.FloatBits(tensor.F16, h.Float64(int64(i))); g != w && !(math.IsNaN(h.Float64(int64(i)))) {
			t.Errorf("f64→4xf16 [%d] = %#x, want %#x", i, g, w)
		}
	}
	c := ewNew(tensor.C128)
	c.SetComplex128(0, complex(math.Float64frombits(0x0123456789ABCDEF), math.Float64frombits(0x11111111)))
	cc := ewMust(t, "stablehlo.bitcast_convert", "", ewType(tensor.C64, []int64{2}), c)
	want := []uint64{0x89ABCDEF, 0x01234567, 0x11111111, 0}
	for i, w := range want {
		if g := ewRawBits(&tensor.Tensor{DType: tensor.U32, Data: cc.Data}, int64(i)); g != w {
			t.Errorf("c128→2xc64 word %d = %#x, want %#x", i, g, w)
		}
	}
	f4 := ewMust(t, "stablehlo.bitcast_convert", "", ewType(tensor.F4E2M1FN, []int64{1, 2}), ewU(tensor.U8, 0x57))
	ewWantF(t, "ui8→2xf4", f4, 6, 3)
	// Same width, different class.
	ewWantF(t, "ui16→bf16", ewMust(t, "stablehlo.bitcast_convert", "", ewTy(tensor.BF16, 1), ewU(tensor.U16, 0x3F80)), 1)
	// Malformed: widths that do not divide, wrong last dimension.
	args := []*tensor.Tensor{ewNew(tensor.F6E2M3FN, 3)}
	if _, err := ewRun(t, ewProg("stablehlo.bitcast_convert", "", args, ewType(tensor.I8, []int64{3})), args...); err == nil || diag.KindOf(err) != diag.Rejected {
		t.Errorf("f6→i8 bitcast: %v, want a rejection", err)
	}
	args = []*tensor.Tensor{ewNew(tensor.I8, 3)}
	if _, err := ewRun(t, ewProg("stablehlo.bitcast_convert", "", args, ewType(tensor.I32, nil)), args...); err == nil || diag.KindOf(err) != diag.Rejected {
		t.Errorf("3xi8→i32 bitcast: %v, want a rejection", err)
	}
}

func TestReducePrecision(t *testing.T) {
	f64 := tensor.F64
	in := ewF(f64, math.Inf(1), math.Float64frombits(0x7FFFFFFFFFFFFFFF), 5e-324, 0, 65519, 65520, -65520, math.Copysign(0, -1), 1+1.0/2048, 1+3.0/2048)
	out := ewMust(t, "stablehlo.reduce_precision", "exponent_bits = 5 : i32, mantissa_bits = 10 : i32", ewTy(f64, 10), in)
	ewWantF(t, "e5m10", out, math.Inf(1), math.NaN(), 0, 0, 65504, math.Inf(1), math.Inf(-1), math.Copysign(0, -1), 1, 1+4.0/2048)
	if math.Float64bits(out.Float64(1)) != 0x7FFFFFFFFFFFFFFF {
		t.Errorf("NaN payload lost: %#x", math.Float64bits(out.Float64(1)))
	}
	nan0 := ewMust(t, "stablehlo.reduce_precision", "exponent_bits = 5 : i32, mantissa_bits = 0 : i32", ewTy(f64, 2), ewF(f64, math.NaN(), 3))
	ewWantF(t, "e5m0", nan0, math.Inf(1), 2) // 3 = 1.5·2 ties to the even exponent
	bf := ewMust(t, "stablehlo.reduce_precision", "exponent_bits = 8 : i32, mantissa_bits = 7 : i32", ewTy(tensor.F32, 2), ewF(tensor.F32, 1.00390625, 1.01171875))
	ewWantF(t, "f32 as bf16", bf, 1, 1.015625)
	same := ewMust(t, "stablehlo.reduce_precision", "exponent_bits = 11 : i32, mantissa_bits = 60 : i32", ewTy(tensor.F16, 2), ewF(tensor.F16, 5.960464477539063e-08, 65504))
	ewWantF(t, "wide format is a no-op", same, 5.960464477539063e-08, 65504)
}

func TestChloSemantics(t *testing.T) {
	f64, f32 := tensor.F64, tensor.F32
	inf := math.Inf(1)
	dg := ewMust(t, "chlo.digamma", "", ewTy(f64, 5), ewF(f64, 1, 0, -2, 0.5, -0.5))
	ewWantClose(t, "digamma(1)", dg.Float64(0), -0.5772156649015329, 1e-15)
	if !math.IsNaN(dg.Float64(1)) || !math.IsNaN(dg.Float64(2)) {
		t.Errorf("digamma at poles = %v %v, want NaN", dg.Float64(1), dg.Float64(2))
	}
	ewWantClose(t, "digamma(0.5)", dg.Float64(3), -1.9635100260214235, 1e-14)
	ewWantClose(t, "digamma(-0.5)", dg.Float64(4), 0.03648997397857652, 1e-13)
	lg := ewMust(t, "chlo.lgamma", "", ewTy(f64, 4), ewF(f64, -inf, inf, 0, 0.5))
	ewWantF(t, "lgamma", lg, inf, inf, inf, 0.5723649429247001)
	ei := ewMust(t, "chlo.erf_inv", "", ewTy(f64, 4), ewF(f64, 0.5, -1, 1, 2))
	ewWantClose(t, "erf_inv(0.5)", ei.Float64(0), 0.4769362762044699, 2e-16)
	ewWantF(t, "erf_inv edges", ewF(f64, ei.Float64(1), ei.Float64(2), ei.Float64(3)), -inf, inf, math.NaN())
	bi := ewMust(t, "chlo.bessel_i1e", "", ewTy(f64, 5), ewF(f64, 1, -1, 0, 100, inf))
	ewWantClose(t, "i1e(1)", bi.Float64(0), 0.20791041534970844, 1e-15)
	ewWantClose(t, "i1e(-1)", bi.Float64(1), -0.20791041534970844, 1e-15)
	ewWantClose(t, "i1e(100)", bi.Float64(3), 0.039744153025130253, 1e-14)
	if bi.Float64(2) != 0 || bi.Float64(4) != 0 {
		t.Errorf("i1e(0), i1e(inf) = %v %v", bi.Float64(2), bi.Float64(4))
	}
	pg := ewMust(t, "chlo.polygamma", "", ewTy(f64, 4), ewF(f64, 1, 2, -1, 0.5), ewF(f64, 1, 1, 1, 1))
	ewWantClose(t, "polygamma(1,1)", pg.Float64(0), math.Pi*math.Pi/6, 1e-14)
	ewWantClose(t, "polygamma(2,1)", pg.Float64(1), -2.4041138063191885, 1e-14)
	if !math.IsNaN(pg.Float64(2)) || !math.IsNaN(pg.Float64(3)) {
		t.Errorf("polygamma with bad n = %v %v", pg.Float64(2), pg.Float64(3))
	}
	zt := ewMust(t, "chlo.zeta", "", ewTy(f64, 6), ewF(f64, 2, 1, 0.5, 3, 2, 2), ewF(f64, 1, 1, 1, -2, -1e15+0.5, -2.5))
	ewWantClose(t, "zeta(2,1)", zt.Float64(0), math.Pi*math.Pi/6, 1e-14)
	ewWantF(t, "zeta edges", ewF(f64, zt.Float64(1), zt.Float64(2), zt.Float64(3), zt.Float64(4)), inf, math.NaN(), inf, math.NaN())
	// ζ(2, -2.5) = 1/2.5² + 1/1.5² + 1/0.5² + ζ(2, 0.5) = 0.16 + 4/9 + 4 + π²/2.
	ewWantClose(t, "zeta(2,-2.5)", zt.Float64(5), 0.16+4.0/9+4+math.Pi*math.Pi/2, 1e-14)
	na := ewMust(t, "chlo.next_after", "", ewTy(f32, 5), ewF(f32, 0, 1, math.Copysign(0, -1), math.NaN(), 1), ewF(f32, 1, 2, -1, 1, 1))
	ewWantF(t, "next_after f32", na, 1.401298464324817e-45, 1+1.0/(1<<23), -1.401298464324817e-45, math.NaN(), 1)
	nb := ewMust(t, "chlo.next_after", "", ewTy(tensor.BF16, 2), ewF(tensor.BF16, 1, 1), ewF(tensor.BF16, 2, 0))
	ewWantF(t, "next_after bf16", nb, 1.0078125, 0.99609375)
	ewWantI(t, "is_inf", ewMust(t, "chlo.is_inf", "", ewTy(tensor.Bool, 3), ewF(f32, inf, -inf, math.NaN())), 1, 1, 0)
	ewWantI(t, "is_neg_inf", ewMust(t, "chlo.is_neg_inf", "", ewTy(tensor.Bool, 2), ewF(f32, inf, -inf)), 0, 1)
	ewWantI(t, "is_pos_inf", ewMust(t, "chlo.is_pos_inf", "", ewTy(tensor.Bool, 2), ewF(f32, inf, -inf)), 1, 0)
	cj := ewMust(t, "chlo.conj", "", ewTy(tensor.C64, 1), ewC(tensor.C64, complex(1, 2)))
	if cj.Complex128(0) != complex(1, -2) {
		t.Errorf("conj = %v", cj.Complex128(0))
	}
	// Complex inverse functions against identities.
	for _, z := range []complex128{complex(0.5, 0.25), complex(-3, 2), complex(1e-10, -1e-10), complex(1, 1e-300), complex(2, 0), complex(-2, -0.0), complex(1e200, 1e200)} {
		in := ewC(tensor.C128, z)
		as := ewMust(t, "chlo.asin", "", ewTy(tensor.C128, 1), in).Complex128(0)
		ac := ewMust(t, "chlo.acosh", "", ewTy(tensor.C128, 1), in).Complex128(0)
		at := ewMust(t, "chlo.atanh", "", ewTy(tensor.C128, 1), in).Complex128(0)
		if d := ewRelErr(ewSinC(as), z); d > 1e-9 && math.Abs(real(z)) < 1e100 {
			t.Errorf("sin(asin(%v)) = %v", z, ewSinC(as))
		}
		if real(ac) < 0 {
			t.Errorf("acosh(%v) = %v has a negative real part", z, ac)
		}
		// cosh near ±iπ/2 is ill-conditioned: compare absolutely there.
		if d := ewRelErr(ewCoshC(ac), z) * math.Min(1, math.Hypot(real(z), imag(z))); d > 1e-9 && math.Abs(real(z)) < 1e100 && imag(z) != 1e-300 {
			t.Errorf("cosh(acosh(%v)) = %v", z, ewCoshC(ac))
		}
		if math.IsNaN(real(at)) || math.IsNaN(imag(at)) {
			t.Errorf("atanh(%v) = %v", z, at)
		}
	}
	ac := ewMust(t, "chlo.acosh", "", ewTy(tensor.C128, 2), ewC(tensor.C128, complex(2, 0), complex(-2, 0))).Complex128
	ewWantClose(t, "acosh(2)", real(ac(0)), 1.3169578969248166, 1e-15)
	ewWantClose(t, "acosh(-2) im", imag(ac(1)), math.Pi, 1e-15)
	sh := ewMust(t, "chlo.sinh", "", ewTy(f32, 3), ewF(f32, 0, 1e-30, -8.744))
	ewWantF(t, "sinh small", ewF(f32, sh.Float64(0), sh.Float64(1)), 0, 1e-30)
	ewWantClose(t, "sinh(-8.744)", sh.Float64(2), math.Sinh(float64(float32(-8.744))), 1e-5)
}

func ewSinC(z complex128) complex128 {
	return complex(math.Sin(real(z))*math.Cosh(imag(z)), math.Cos(real(z))*math.Sinh(imag(z)))
}

func ewCoshC(z complex128) complex128 {
	return complex(math.Cosh(real(z))*math.Cos(imag(z)), math.Sinh(real(z))*math.Sin(imag(z)))
}

func ewRelErr(a, b complex128) float64 {
	d := math.Hypot(real(a)-real(b), imag(a)-imag(b))
	return d / math.Max(math.Hypot(real(b), imag(b)), 1e-300)
}

// ---------------------------------------------------------------------------
// The edge sweep.

// ewTestTypes are the element types the sweep covers (every valid dtype
// except index, which is not a StableHLO tensor element type).
func ewTestTypes() []tensor.DType {
	var out []tensor.DType
	for _, d := range tensor.AllDTypes() {
		if d != tensor.Index {
			out = append(out, d)
		}
	}
	return out
}

// ewEdgeFloats are interesting real values; each type rounds them.
var ewEdgeFloats = []float64{
	0, math.Copysign(0, -1), 1, -1, 0.5, -2.5, 3, math.NaN(), math.Float64frombits(0xFFF8000000000001),
	math.Inf(1), math.Inf(-1), math.MaxFloat64, -math.MaxFloat64, math.MaxFloat32, 65504, 3.3895313892515355e38,
	5e-324, 1.401298464324817e-45, 5.960464477539063e-08, 1e-40, 100, -100, 710, -710, 1e300, 89.4159851,
	1.5707963267948966, -1e-7, 0.9999999, 1.0000001, 2, -2, 20, 448, 57344,
}

// ewEdgeValues returns edge patterns for d: every bit pattern for types of
// at most 8 bits, else integer extremes or ewEdgeFloats, as setters.
func ewEdgeValues(d tensor.DType) []func(t *tensor.Tensor, i int64) {
	var out []func(*tensor.Tensor, int64)
	w := d.Bits()
	switch {
	case d.IsComplex():
		parts := []float64{0, math.Copysign(0, -1), 1, -2.5, math.NaN(), math.Inf(1), math.Inf(-1), 1e300, 5e-324, 0.5, 710, -1e-7}
		for _, re := range parts {
			for _, im := range parts {
				z := complex(re, im)
				out = append(out, func(t *tensor.Tensor, i int64) { t.SetComplex128(i, z) })
			}
		}
	case w <= 8:
		for p := uint64(0); p < 1<<uint(w); p++ {
			out = append(out, func(t *tensor.Tensor, i int64) { cvStoreBits(t, i, p) })
		}
	case d.IsFloat():
		for _, f := range ewEdgeFloats {
			out = append(out, func(t *tensor.Tensor, i int64) { t.SetFloat64(i, f) })
		}
		maxBits := uint64(1)<<uint(w-1) - 1
		for _, p := range []uint64{1, 2, maxBits, maxBits - 1, 1 << uint(w-1), 1<<uint(w-1) | 1} {
			out = append(out, func(t *tensor.Tensor, i int64) { cvStoreBits(t, i, p) })
		}
	default:
		ints := []int64{0, 1, -1, 2, -2, 3, int64(w) - 1, int64(w), int64(w) + 1, -int64(w), 1 << 30, math.MaxInt64, math.MinInt64}
		lo, hi := -int64(1)<<uint(w-1), int64(1)<<uint(w-1)-1
		ints = append(ints, lo, hi, lo+1, hi-1)
		for _, v := range ints {
			out = append(out, func(t *tensor.Tensor, i int64) { t.SetInt64(i, v) })
		}
	}
	return out
}

// ewSubset picks at most n values, spread over the list.
func ewSubset[T any](vs []T, n int) []T {
	if len(vs) <= n {
		return vs
	}
	out := make([]T, 0, n)
	for k := 0; k < n; k++ {
		out = append(out, vs[k*len(vs)/n])
	}
	return out
}

// ewOperandSets builds arity operand tensors of type ds[k] holding the
// cross product of the edge values (at most limit values per operand).
func ewOperandSets(ds []tensor.DType, limit int) []*tensor.Tensor {
	vals := make([][]func(*tensor.Tensor, int64), len(ds))
	n := int64(1)
	for k, d := range ds {
		vals[k] = ewSubset(ewEdgeValues(d), limit)
		n *= int64(len(vals[k]))
	}
	ts := make([]*tensor.Tensor, len(ds))
	for k, d := range ds {
		ts[k] = ewNew(d, n)
	}
	for i := int64(0); i < n; i++ {
		r := i
		for k := len(ds) - 1; k >= 0; k-- {
			m := int64(len(vals[k]))
			vals[k][r%m](ts[k], i)
			r /= m
		}
	}
	return ts
}

// ewSweepCase is one op applied to operands of the given types.
type ewSweepCase struct {
	op    string
	attrs string
	in    []tensor.DType
	res   tensor.DType
	// scalars marks operands that may be given as rank 0 (select, clamp).
	scalars []bool
}

func ewIsInt(d tensor.DType) bool   { return d.IsInteger() }
func ewIsFloat(d tensor.DType) bool { return d.IsFloat() }
func ewIsFC(d tensor.DType) bool    { return d.IsFloat() || d.IsComplex() }

// ewSweepCases lists every op with every element type it accepts.
func ewSweepCases() []ewSweepCase {
	var cs []ewSweepCase
	types := ewTestTypes()
	unary := func(op string, ok func(tensor.DType) bool) {
		for _, d := range types {
			if ok(d) {
				cs = append(cs, ewSweepCase{op: op, in: []tensor.DType{d}, res: d})
			}
		}
	}
	binary := func(op string, ok func(tensor.DType) bool) {
		for _, d := range types {
			if ok(d) {
				cs = append(cs, ewSweepCase{op: op, in: []tensor.DType{d, d}, res: d})
			}
		}
	}
	for _, op := range []string{"cbrt", "cosine", "sine", "tan", "tanh", "exponential", "exponential_minus_one", "log", "log_plus_one", "logistic", "sqrt", "rsqrt"} {
		unary("stablehlo."+op, ewIsFC)
	}
	for _, op := range []string{"acos", "acosh", "asin", "asinh", "atan", "atanh", "cosh", "sinh", "tan", "conj", "square"} {
		unary("chlo."+op, ewIsFC)
	}
	for _, op := range []string{"stablehlo.ceil", "stablehlo.floor", "stablehlo.round_nearest_afz", "stablehlo.round_nearest_even", "chlo.erf", "chlo.erfc", "chlo.erf_inv", "chlo.lgamma", "chlo.digamma", "chlo.bessel_i1e"} {
		unary(op, ewIsFloat)
	}
	unary("chlo.square", ewIsInt)
	unary("stablehlo.negate", func(d tensor.DType) bool { return ewIsInt(d) || ewIsFC(d) })
	unary("stablehlo.sign", func(d tensor.DType) bool { return ewIsInt(d) || ewIsFC(d) })
	unary("stablehlo.abs", func(d tensor.DType) bool { return ewIsInt(d) || d.IsFloat() })
	unary("stablehlo.not", func(d tensor.DType) bool { return ewIsInt(d) || d.IsBool() })
	unary("stablehlo.popcnt", ewIsInt)
	unary("stablehlo.count_leading_zeros", ewIsInt)
	unary("stablehlo.real", ewIsFloat)
	unary("stablehlo.imag", ewIsFloat)
	for _, d := range []tensor.DType{tensor.C64, tensor.C128} {
		for _, op := range []string{"stablehlo.abs", "stablehlo.real", "stablehlo.imag"} {
			cs = append(cs, ewSweepCase{op: op, in: []tensor.DType{d}, res: d.ComplexPart()})
		}
		cs = append(cs, ewSweepCase{op: "stablehlo.complex", in: []tensor.DType{d.ComplexPart(), d.ComplexPart()}, res: d})
	}
	for _, d := range types {
		if d.IsFloat() {
			for _, op := range []string{"stablehlo.is_finite", "chlo.is_inf", "chlo.is_pos_inf", "chlo.is_neg_inf"} {
				cs = append(cs, ewSweepCase{op: op, in: []tensor.DType{d}, res: tensor.Bool})
			}
			for _, em := range [][2]int{{1, 0}, {2, 1}, {5, 10}, {8, 7}, {8, 23}, {11, 52}, {3, 0}, {15, 60}} {
				cs = append(cs, ewSweepCase{op: "stablehlo.reduce_precision", attrs: fmt.Sprintf("exponent_bits = %d : i32, mantissa_bits = %d : i32", em[0], em[1]), in: []tensor.DType{d}, res: d})
			}
		}
	}
	all := func(tensor.DType) bool { return true }
	binary("stablehlo.add", all)
	binary("stablehlo.subtract", func(d tensor.DType) bool { return !d.IsBool() })
	binary("stablehlo.multiply", all)
	binary("stablehlo.divide", func(d tensor.DType) bool { return !d.IsBool() })
	binary("stablehlo.remainder", func(d tensor.DType) bool { return ewIsInt(d) || d.IsFloat() })
	binary("stablehlo.maximum", all)
	binary("stablehlo.minimum", all)
	binary("stablehlo.power", func(d tensor.DType) bool { return !d.IsBool() })
	binary("stablehlo.atan2", ewIsFC)
	for _, op := range []string{"and", "or", "xor"} {
		binary("stablehlo."+op, func(d tensor.DType) bool { return ewIsInt(d) || d.IsBool() })
	}
	for _, op := range []string{"shift_left", "shift_right_logical", "shift_right_arithmetic"} {
		binary("stablehlo."+op, ewIsInt)
	}
	binary("chlo.mulhi", ewIsInt)
	binary("chlo.next_after", ewIsFloat)
	binary("chlo.polygamma", ewIsFloat)
	binary("chlo.zeta", ewIsFloat)
	for _, d := range types {
		var ctypes []string
		switch {
		case d.IsBool() || d.IsUnsigned():
			ctypes = []string{"", "UNSIGNED"}
		case d.IsSigned():
			ctypes = []string{"", "SIGNED"}
		case d.IsFloat():
			ctypes = []string{"", "FLOAT", "TOTALORDER"}
		default:
			ctypes = []string{"", "FLOAT"}
		}
		for _, dir := range []string{"EQ", "NE", "LT", "LE", "GT", "GE"} {
			for _, ct := range ctypes {
				a := "comparison_direction = #stablehlo<comparison_direction " + dir + ">"
				if ct != "" {
					a += ", compare_type = #stablehlo<comparison_type " + ct + ">"
				}
				cs = append(cs, ewSweepCase{op: "stablehlo.compare", attrs: a, in: []tensor.DType{d, d}, res: tensor.Bool})
			}
		}
		cs = append(cs, ewSweepCase{op: "stablehlo.select", in: []tensor.DType{tensor.Bool, d, d}, res: d, scalars: []bool{true, false, false}})
		cs = append(cs, ewSweepCase{op: "stablehlo.clamp", in: []tensor.DType{d, d, d}, res: d, scalars: []bool{true, false, true}})
		for _, r := range types {
			cs = append(cs, ewSweepCase{op: "stablehlo.convert", in: []tensor.DType{d}, res: r})
		}
	}
	return cs
}

// ewRunSweep runs c on the edge values (a 1-D tensor), on rank-0 operands,
// and on empty tensors, checking the results' type, shape and storage.
func ewRunSweep(t *testing.T, c ewSweepCase) {
	t.Helper()
	limit := 64
	if len(c.in) == 3 {
		limit = 12
	}
	if len(c.in) == 1 {
		limit = 1 << 16
	}
	check := func(args []*tensor.Tensor, shape []int64) {
		t.Helper()
		src := ewProg(c.op, c.attrs, args, ewType(c.res, shape))
		outs, err := ewRun(t, src, args...)
		if err != nil {
			t.Fatalf("%s %v: %v", c.op, c.in, err)
		}
		o := outs[0]
		if o.DType != c.res || !ewSameDims(o.Shape, shape) {
			t.Fatalf("%s %v: result %s%v, want %s%v", c.op, c.in, o.DType, o.Shape, c.res, shape)
		}
		if err := o.Validate(); err != nil {
			t.Fatalf("%s %v: malformed result: %v", c.op, c.in, err)
		}
	}
	// The edge values.
	args := ewOperandSets(c.in, limit)
	n := args[0].NumElements()
	check(args, []int64{n})
	// Rank 0: a few elements taken one at a time.
	for _, k := range []int64{0, n / 3, n - 1} {
		sc := make([]*tensor.Tensor, len(args))
		for j, a := range args {
			s := ewNew(a.DType)
			sz := int64(a.DType.Size())
			copy(s.Data, a.Data[k*sz:(k+1)*sz])
			sc[j] = s
		}
		check(sc, []int64{})
		// Rank-0 operands broadcast where allowed.
		if c.scalars != nil {
			mixed := make([]*tensor.Tensor, len(args))
			for j := range args {
				if c.scalars[j] {
					mixed[j] = sc[j]
				} else {
					mixed[j] = args[j]
				}
			}
			check(mixed, []int64{n})
		}
	}
	// Empty tensors.
	for _, shape := range [][]int64{{0}, {2, 0, 3}} {
		e := make([]*tensor.Tensor, len(c.in))
		for j, d := range c.in {
			e[j] = ewNew(d, shape...)
		}
		check(e, shape)
	}
}

func TestElementwiseEdgeSweep(t *testing.T) {
	cases := ewSweepCases()
	if testing.Short() {
		cases = ewSubset(cases, 200)
	}
	for _, c := range cases {
		name := fmt.Sprintf("%s/%v", c.op, c.in)
		if c.attrs != "" {
			name += "/" + c.attrs
		}
		t.Run(strings.ReplaceAll(name, " ", ""), func(t *testing.T) { ewRunSweep(t, c) })
	}
}

// TestBitcastSweep bit casts every pair of types whose widths divide, on
// edge patterns, and checks that casting back restores the bits.
func TestBitcastSweep(t *testing.T) {
	types := ewTestTypes()
	for _, sd := range types {
		for _, rd := range types {
			sb, rb := sd.Bits(), rd.Bits()
			if sd.IsComplex() != rd.IsComplex() || (sb%rb != 0 && rb%sb != 0) {
				continue
			}
			in := ewOperandSets([]tensor.DType{sd}, 64)[0]
			n := in.NumElements()
			var inShape, outShape []int64
			switch {
			case sb == rb:
				inShape, outShape = []int64{n}, []int64{n}
			case rb < sb:
				inShape, outShape = []int64{n}, []int64{n, int64(sb / rb)}
			default:
				k := int64(rb / sb)
				n -= n % k
				inShape, outShape = []int64{n / k, k}, []int64{n / k}
				in = &tensor.Tensor{DType: sd, Shape: inShape, Data: in.Data[:n*int64(sd.Size())]}
			}
			in.Shape = inShape
			mid := ewMust(t, "stablehlo.bitcast_convert", "", ewType(rd, outShape), in)
			if err := mid.Validate(); err != nil {
				t.Fatalf("%s→%s: %v", sd, rd, err)
			}
			back := ewMust(t, "stablehlo.bitcast_convert", "", ewType(sd, inShape), mid)
			for i := int64(0); i < n && !sd.IsComplex(); i++ {
				if ewRawBits(back, i) != ewRawBits(in, i) {
					t.Fatalf("%s→%s→%s: element %d is %#x, was %#x", sd, rd, sd, i, ewRawBits(back, i), ewRawBits(in, i))
				}
			}
			if sd.IsComplex() && string(back.Data) != string(in.Data) {
				t.Fatalf("%s→%s→%s changed the bits", sd, rd, sd)
			}
			// Empty and rank-0 operands.
			if sb == rb {
				ewMust(t, "stablehlo.bitcast_convert", "", ewType(rd, nil), ewNew(sd))
			}
			switch {
			case rb > sb:
				ewMust(t, "stablehlo.bitcast_convert", "", ewType(rd, []int64{0}), ewNew(sd, 0, int64(rb/sb)))
			case rb < sb:
				ewMust(t, "stablehlo.bitcast_convert", "", ewType(rd, []int64{0, int64(sb / rb)}), ewNew(sd, 0))
			default:
				ewMust(t, "stablehlo.bitcast_convert", "", ewType(rd, []int64{0}), ewNew(sd, 0))
			}
		}
	}
}

// TestElementwiseRejects checks that malformed uses are Rejected errors,
// not panics or Internal errors.
func TestElementwiseRejects(t *testing.T) {
	cases := []struct {
		op, attrs string
		args      []*tensor.Tensor
		res       string
	}{
		{"stablehlo.and", "", []*tensor.Tensor{ewF(tensor.F32, 1), ewF(tensor.F32, 1)}, ewTy(tensor.F32, 1)},
		{"stablehlo.add", "", []*tensor.Tensor{ewF(tensor.F32, 1), ewF(tensor.F32, 1, 2)}, ewTy(tensor.F32, 1)},
		{"stablehlo.add", "", []*tensor.Tensor{ewF(tensor.F32, 1), ewF(tensor.F16, 1)}, ewTy(tensor.F32, 1)},
		{"stablehlo.sqrt", "", []*tensor.Tensor{ewI(tensor.I32, 4)}, ewTy(tensor.I32, 1)},
		{"stablehlo.remainder", "", []*tensor.Tensor{ewC(tensor.C64, 1), ewC(tensor.C64, 1)}, ewTy(tensor.C64, 1)},
		{"stablehlo.subtract", "", []*tensor.Tensor{ewI(tensor.Bool, 1), ewI(tensor.Bool, 1)}, ewTy(tensor.Bool, 1)},
		{"stablehlo.compare", "", []*tensor.Tensor{ewF(tensor.F32, 1), ewF(tensor.F32, 1)}, ewTy(tensor.Bool, 1)},
		{"stablehlo.reduce_precision", "exponent_bits = 0 : i32, mantissa_bits = 2 : i32", []*tensor.Tensor{ewF(tensor.F32, 1)}, ewTy(tensor.F32, 1)},
		{"stablehlo.select", "", []*tensor.Tensor{ewI(tensor.Bool, 1, 0), ewF(tensor.F32, 1), ewF(tensor.F32, 2)}, ewTy(tensor.F32, 1)},
		{"stablehlo.clamp", "", []*tensor.Tensor{ewF(tensor.F32, 1, 2), ewF(tensor.F32, 1), ewF(tensor.F32, 2)}, ewTy(tensor.F32, 1)},
		{"stablehlo.complex", "", []*tensor.Tensor{ewF(tensor.F16, 1), ewF(tensor.F16, 1)}, ewTy(tensor.C64, 1)},
		{"stablehlo.abs", "", []*tensor.Tensor{ewC(tensor.C64, 1)}, ewTy(tensor.C64, 1)},
		{"stablehlo.add", "", []*tensor.Tensor{ewF(tensor.F32, 1), ewF(tensor.F32, 1)}, ewTy(tensor.F32, 2)},
		{"stablehlo.convert", "", []*tensor.Tensor{ewF(tensor.F32, 1)}, ewType(tensor.F32, nil)},
	}
	for _, c := range cases {
		_, err := ewRun(t, ewProg(c.op, c.attrs, c.args, c.res), c.args...)
		if err == nil || diag.KindOf(err) != diag.Rejected {
			t.Errorf("%s %s: %v, want a Rejected error", c.op, c.res, err)
		}
	}
}

// TestElementwiseQuantized runs elementwise ops on quantized operands: the
// dequantize_op_quantize ones through runOp's wrapper, is_finite (always
// true), and bitcast_convert on the storage integers.
func TestElementwiseQuantized(t *testing.T) {
	q := "!quant.uniform<i8:f32, 5.000000e-01:1>"
	src := `func.func @main(%a: tensor<3xi8>) -> (tensor<3xi1>, tensor<3xi8>, tensor<3xi8>) {
  %q = "stablehlo.bitcast_convert"(%a) : (tensor<3xi8>) -> tensor<3x` + q + `>
  %f = "stablehlo.is_finite"(%q) : (tensor<3x` + q + `>) -> tensor<3xi1>
  %n = "stablehlo.abs"(%q) : (tensor<3x` + q + `>) -> tensor<3x` + q + `>
  %b = "stablehlo.bitcast_convert"(%n) : (tensor<3x` + q + `>) -> tensor<3xi8>
  %c = "stablehlo.bitcast_convert"(%q) : (tensor<3x` + q + `>) -> tensor<3xi8>
  return %f, %b, %c : tensor<3xi1>, tensor<3xi8>, tensor<3xi8>
}`
	outs, err := ewRun(t, src, ewI(tensor.I8, -127, 1, 5))
	if err != nil {
		t.Fatal(err)
	}
	ewWantI(t, "is_finite", outs[0], 1, 1, 1)
	// abs of (q-1)/2: -64 → 64 → q = 129 saturates to 127; 0 → 1; 2 → 5.
	ewWantI(t, "abs", outs[1], 127, 1, 5)
	ewWantI(t, "bitcast", outs[2], -127, 1, 5)
	// Ops without dequantize_op_quantize semantics refuse quantized types.
	bad := `func.func @main(%a: tensor<3xi8>) -> tensor<3xi8> {
  %q = "stablehlo.bitcast_convert"(%a) : (tensor<3xi8>) -> tensor<3x` + q + `>
  %n = "stablehlo.not"(%q) : (tensor<3x` + q + `>) -> tensor<3x` + q + `>
  %b = "stablehlo.bitcast_convert"(%n) : (tensor<3x` + q + `>) -> tensor<3xi8>
  return %b : tensor<3xi8>
}`
	if _, err := ewRun(t, bad, ewI(tensor.I8, 1, 2, 3)); err == nil || diag.KindOf(err) != diag.Rejected {
		t.Errorf("not on a quantized tensor: %v, want a rejection", err)
	}
}

// TestElementwiseCancel checks that a long elementwise loop stops when the
// context is cancelled.
func TestElementwiseCancel(t *testing.T) {
	x := ewNew(tensor.F32, 1<<20)
	src := ewProg("stablehlo.exponential", "", []*tensor.Tensor{x}, ewTy(tensor.F32, 1<<20))
	m, err := mlir.ParseModule(src, mlir.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err = Run(ctx, m, m.Entry(""), []*tensor.Tensor{x}, Limits{})
	if err == nil || diag.RuleOf(err) != "limit.cancelled" {
		t.Fatalf("cancelled run: %v", err)
	}
}
