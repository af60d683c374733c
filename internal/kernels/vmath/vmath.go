package vmath

import (
	"fmt"
	"math"
)

var (
	negInf = float32(math.Inf(-1))
	posInf = float32(math.Inf(1))
)

func check2(op string, dst, x []float32) {
	if len(dst) != len(x) {
		panic(fmt.Sprintf("vmath.%s: len(dst) = %d, len(x) = %d", op, len(dst), len(x)))
	}
}

func check3(op string, dst, x, y []float32) {
	if len(dst) != len(x) || len(y) != len(x) {
		panic(fmt.Sprintf("vmath.%s: len(dst) = %d, len(x) = %d, len(y) = %d", op, len(dst), len(x), len(y)))
	}
}

// Exp sets dst[i] = e^x[i]. Error ≤ 1 ULP (see the package documentation).
func Exp(dst, x []float32) { check2("Exp", dst, x); cur.exp(dst, x) }

// Log sets dst[i] to the natural logarithm of x[i]: -Inf at ±0, NaN below
// zero. Error ≤ 1 ULP.
func Log(dst, x []float32) { check2("Log", dst, x); cur.log(dst, x) }

// Tanh sets dst[i] = tanh(x[i]). Error ≤ 1 ULP.
func Tanh(dst, x []float32) { check2("Tanh", dst, x); cur.tanh(dst, x) }

// Logistic sets dst[i] = 1/(1+e^-x[i]). Error ≤ 2 ULP.
func Logistic(dst, x []float32) { check2("Logistic", dst, x); cur.logistic(dst, x) }

// Erf sets dst[i] to the error function of x[i]. Error ≤ 2 ULP.
func Erf(dst, x []float32) { check2("Erf", dst, x); cur.erf(dst, x) }

// Expm1 sets dst[i] = e^x[i] - 1, accurate near 0 (expm1(±0) = ±0).
// Error ≤ 1 ULP.
func Expm1(dst, x []float32) { check2("Expm1", dst, x); cur.expm1(dst, x) }

// Log1p sets dst[i] = log(1 + x[i]), accurate near 0: -Inf at -1, NaN
// below, log1p(±0) = ±0. Error ≤ 1 ULP.
func Log1p(dst, x []float32) { check2("Log1p", dst, x); cur.log1p(dst, x) }

// Neg sets dst[i] = -x[i] (the sign bit flipped, NaNs included).
func Neg(dst, x []float32) { check2("Neg", dst, x); cur.neg(dst, x) }

// Abs sets dst[i] = |x[i]| (the sign bit cleared, NaNs included).
func Abs(dst, x []float32) { check2("Abs", dst, x); cur.abs(dst, x) }

// Sqrt sets dst[i] = √x[i], correctly rounded (√-0 = -0, NaN below zero).
func Sqrt(dst, x []float32) { check2("Sqrt", dst, x); cur.sqrt(dst, x) }

// Rsqrt sets dst[i] = 1/√x[i], computed as a correctly rounded square root
// and a correctly rounded division (at most 1 ULP from the correctly
// rounded 1/√x over all non-negative inputs; +Inf at +0, -Inf at -0).
func Rsqrt(dst, x []float32) { check2("Rsqrt", dst, x); cur.rsqrt(dst, x) }

// Add sets dst[i] = x[i] + y[i].
func Add(dst, x, y []float32) { check3("Add", dst, x, y); cur.add(dst, x, y) }

// Sub sets dst[i] = x[i] - y[i].
func Sub(dst, x, y []float32) { check3("Sub", dst, x, y); cur.sub(dst, x, y) }

// Mul sets dst[i] = x[i] · y[i].
func Mul(dst, x, y []float32) { check3("Mul", dst, x, y); cur.mul(dst, x, y) }

// Div sets dst[i] = x[i] / y[i].
func Div(dst, x, y []float32) { check3("Div", dst, x, y); cur.div(dst, x, y) }

// Max sets dst[i] = max(x[i], y[i]) with Go's (and StableHLO's) semantics:
// NaN if either is NaN, and max(-0, +0) = +0.
func Max(dst, x, y []float32) { check3("Max", dst, x, y); cur.max(dst, x, y) }

// Min sets dst[i] = min(x[i], y[i]): NaN if either is NaN, min(-0, +0) = -0.
func Min(dst, x, y []float32) { check3("Min", dst, x, y); cur.min(dst, x, y) }

// AddScalar sets dst[i] = x[i] + s.
func AddScalar(dst, x []float32, s float32) { check2("AddScalar", dst, x); cur.addS(dst, x, s) }

// SubScalar sets dst[i] = x[i] - s.
func SubScalar(dst, x []float32, s float32) { check2("SubScalar", dst, x); cur.subS(dst, x, s) }

// ScalarSub sets dst[i] = s - x[i].
func ScalarSub(dst []float32, s float32, x []float32) {
	check2("ScalarSub", dst, x)
	cur.subR(dst, x, s)
}

// MulScalar sets dst[i] = x[i] · s.
func MulScalar(dst, x []float32, s float32) { check2("MulScalar", dst, x); cur.mulS(dst, x, s) }

// DivScalar sets dst[i] = x[i] / s.
func DivScalar(dst, x []float32, s float32) { check2("DivScalar", dst, x); cur.divS(dst, x, s) }

// ScalarDiv sets dst[i] = s / x[i].
func ScalarDiv(dst []float32, s float32, x []float32) {
	check2("ScalarDiv", dst, x)
	cur.divR(dst, x, s)
}

// MaxScalar sets dst[i] = max(x[i], s) (semantics as Max).
func MaxScalar(dst, x []float32, s float32) { check2("MaxScalar", dst, x); cur.maxS(dst, x, s) }

// MinScalar sets dst[i] = min(x[i], s) (semantics as Min).
func MinScalar(dst, x []float32, s float32) { check2("MinScalar", dst, x); cur.minS(dst, x, s) }

// MulAdd sets dst[i] = x[i]·y[i] + z[i], rounded once (a fused multiply-add).
func MulAdd(dst, x, y, z []float32) {
	if len(dst) != len(x) || len(y) != len(x) || len(z) != len(x) {
		panic(fmt.Sprintf("vmath.MulAdd: len(dst) = %d, len(x) = %d, len(y) = %d, len(z) = %d", len(dst), len(x), len(y), len(z)))
	}
	cur.muladd(dst, x, y, z)
}

// Sum returns the sum of x in a fixed order that does not depend on the
// CPU: 32 partial sums (element i goes to partial sum i mod 32, in order),
// then combined pairwise (see the package documentation). The sum of an
// empty slice is +0.
func Sum(x []float32) float32 {
	if len(x) == 0 {
		return 0
	}
	return cur.sum(x)
}

// ReduceMax returns the largest element of x: NaN if any element is NaN,
// +0 over -0; -Inf for an empty slice.
func ReduceMax(x []float32) float32 {
	if len(x) == 0 {
		return negInf
	}
	return cur.maxR(x)
}

// ReduceMin returns the smallest element of x: NaN if any element is NaN,
// -0 under +0; +Inf for an empty slice.
func ReduceMin(x []float32) float32 {
	if len(x) == 0 {
		return posInf
	}
	return cur.minR(x)
}

// The float64 streaming kernels: each is a single IEEE operation per
// element (MulAdd64 a fused multiply-add), with the same semantics as the
// float32 kernel of the same name.

func check2d(op string, dst, x []float64) {
	if len(dst) != len(x) {
		panic(fmt.Sprintf("vmath.%s: len(dst) = %d, len(x) = %d", op, len(dst), len(x)))
	}
}

func check3d(op string, dst, x, y []float64) {
	if len(dst) != len(x) || len(y) != len(x) {
		panic(fmt.Sprintf("vmath.%s: len(dst) = %d, len(x) = %d, len(y) = %d", op, len(dst), len(x), len(y)))
	}
}

// Neg64 sets dst[i] = -x[i].
func Neg64(dst, x []float64) { check2d("Neg64", dst, x); cur.d.neg(dst, x) }

// Abs64 sets dst[i] = |x[i]|.
func Abs64(dst, x []float64) { check2d("Abs64", dst, x); cur.d.abs(dst, x) }

// Sqrt64 sets dst[i] = √x[i].
func Sqrt64(dst, x []float64) { check2d("Sqrt64", dst, x); cur.d.sqrt(dst, x) }

// Rsqrt64 sets dst[i] = 1/√x[i] (a square root then a division).
func Rsqrt64(dst, x []float64) { check2d("Rsqrt64", dst, x); cur.d.rsqrt(dst, x) }

// Add64 sets dst[i] = x[i] + y[i].
func Add64(dst, x, y []float64) { check3d("Add64", dst, x, y); cur.d.add(dst, x, y) }

// Sub64 sets dst[i] = x[i] - y[i].
func Sub64(dst, x, y []float64) { check3d("Sub64", dst, x, y); cur.d.sub(dst, x, y) }

// Mul64 sets dst[i] = x[i] · y[i].
func Mul64(dst, x, y []float64) { check3d("Mul64", dst, x, y); cur.d.mul(dst, x, y) }

// Div64 sets dst[i] = x[i] / y[i].
func Div64(dst, x, y []float64) { check3d("Div64", dst, x, y); cur.d.div(dst, x, y) }

// Max64 sets dst[i] = max(x[i], y[i]) (NaN wins, +0 over -0).
func Max64(dst, x, y []float64) { check3d("Max64", dst, x, y); cur.d.max(dst, x, y) }

// Min64 sets dst[i] = min(x[i], y[i]) (NaN wins, -0 under +0).
func Min64(dst, x, y []float64) { check3d("Min64", dst, x, y); cur.d.min(dst, x, y) }

// AddScalar64 sets dst[i] = x[i] + s.
func AddScalar64(dst, x []float64, s float64) { check2d("AddScalar64", dst, x); cur.d.addS(dst, x, s) }

// SubScalar64 sets dst[i] = x[i] - s.
func SubScalar64(dst, x []float64, s float64) { check2d("SubScalar64", dst, x); cur.d.subS(dst, x, s) }

// ScalarSub64 sets dst[i] = s - x[i].
func ScalarSub64(dst []float64, s float64, x []float64) {
	check2d("ScalarSub64", dst, x)
	cur.d.subR(dst, x, s)
}

// MulScalar64 sets dst[i] = x[i] · s.
func MulScalar64(dst, x []float64, s float64) { check2d("MulScalar64", dst, x); cur.d.mulS(dst, x, s) }

// DivScalar64 sets dst[i] = x[i] / s.
func DivScalar64(dst, x []float64, s float64) { check2d("DivScalar64", dst, x); cur.d.divS(dst, x, s) }

// ScalarDiv64 sets dst[i] = s / x[i].
func ScalarDiv64(dst []float64, s float64, x []float64) {
	check2d("ScalarDiv64", dst, x)
	cur.d.divR(dst, x, s)
}

// MaxScalar64 sets dst[i] = max(x[i], s).
func MaxScalar64(dst, x []float64, s float64) { check2d("MaxScalar64", dst, x); cur.d.maxS(dst, x, s) }

// MinScalar64 sets dst[i] = min(x[i], s).
func MinScalar64(dst, x []float64, s float64) { check2d("MinScalar64", dst, x); cur.d.minS(dst, x, s) }

// MulAdd64 sets dst[i] = x[i]·y[i] + z[i], rounded once.
func MulAdd64(dst, x, y, z []float64) {
	if len(dst) != len(x) || len(y) != len(x) || len(z) != len(x) {
		panic(fmt.Sprintf("vmath.MulAdd64: len(dst) = %d, len(x) = %d, len(y) = %d, len(z) = %d", len(dst), len(x), len(y), len(z)))
	}
	cur.d.muladd(dst, x, y, z)
}

// Sum64 returns the sum of x in the order Sum uses (32 partial sums, then
// pairwise); +0 for an empty slice.
func Sum64(x []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	return cur.d.sum(x)
}

// ReduceMax64 returns the largest element of x (NaN wins, +0 over -0);
// -Inf for an empty slice.
func ReduceMax64(x []float64) float64 {
	if len(x) == 0 {
		return math.Inf(-1)
	}
	return cur.d.maxR(x)
}

// ReduceMin64 returns the smallest element of x (NaN wins, -0 under +0);
// +Inf for an empty slice.
func ReduceMin64(x []float64) float64 {
	if len(x) == 0 {
		return math.Inf(1)
	}
	return cur.d.minR(x)
}
