package vmath

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// op is one elementwise kernel under differential test: nin slice inputs
// (and, if scalar, the scalar s).
type op struct {
	name   string
	nin    int
	scalar bool
	run    func(im *impl, dst []float32, in [][]float32, s float32)
}

func unaryOp(name string, get func(*impl) func(dst, x []float32)) op {
	return op{name, 1, false, func(im *impl, dst []float32, in [][]float32, _ float32) { get(im)(dst, in[0]) }}
}

func binaryOp(name string, get func(*impl) func(dst, x, y []float32)) op {
	return op{name, 2, false, func(im *impl, dst []float32, in [][]float32, _ float32) { get(im)(dst, in[0], in[1]) }}
}

func scalarOp(name string, get func(*impl) func(dst, x []float32, s float32)) op {
	return op{name, 1, true, func(im *impl, dst []float32, in [][]float32, s float32) { get(im)(dst, in[0], s) }}
}

var ops = []op{
	unaryOp("Exp", func(im *impl) func(dst, x []float32) { return im.exp }),
	unaryOp("Log", func(im *impl) func(dst, x []float32) { return im.log }),
	unaryOp("Tanh", func(im *impl) func(dst, x []float32) { return im.tanh }),
	unaryOp("Logistic", func(im *impl) func(dst, x []float32) { return im.logistic }),
	unaryOp("Erf", func(im *impl) func(dst, x []float32) { return im.erf }),
	unaryOp("Expm1", func(im *impl) func(dst, x []float32) { return im.expm1 }),
	unaryOp("Log1p", func(im *impl) func(dst, x []float32) { return im.log1p }),
	unaryOp("Neg", func(im *impl) func(dst, x []float32) { return im.neg }),
	unaryOp("Abs", func(im *impl) func(dst, x []float32) { return im.abs }),
	unaryOp("Sqrt", func(im *impl) func(dst, x []float32) { return im.sqrt }),
	unaryOp("Rsqrt", func(im *impl) func(dst, x []float32) { return im.rsqrt }),
	binaryOp("Add", func(im *impl) func(dst, x, y []float32) { return im.add }),
	binaryOp("Sub", func(im *impl) func(dst, x, y []float32) { return im.sub }),
	binaryOp("Mul", func(im *impl) func(dst, x, y []float32) { return im.mul }),
	binaryOp("Div", func(im *impl) func(dst, x, y []float32) { return im.div }),
	binaryOp("Max", func(im *impl) func(dst, x, y []float32) { return im.max }),
	binaryOp("Min", func(im *impl) func(dst, x, y []float32) { return im.min }),
	scalarOp("AddScalar", func(im *impl) func(dst, x []float32, s float32) { return im.addS }),
	scalarOp("SubScalar", func(im *impl) func(dst, x []float32, s float32) { return im.subS }),
	scalarOp("MulScalar", func(im *impl) func(dst, x []float32, s float32) { return im.mulS }),
	scalarOp("DivScalar", func(im *impl) func(dst, x []float32, s float32) { return im.divS }),
	scalarOp("MaxScalar", func(im *impl) func(dst, x []float32, s float32) { return im.maxS }),
	scalarOp("MinScalar", func(im *impl) func(dst, x []float32, s float32) { return im.minS }),
	scalarOp("ScalarSub", func(im *impl) func(dst, x []float32, s float32) { return im.subR }),
	scalarOp("ScalarDiv", func(im *impl) func(dst, x []float32, s float32) { return im.divR }),
	{"MulAdd", 3, false, func(im *impl, dst []float32, in [][]float32, _ float32) { im.muladd(dst, in[0], in[1], in[2]) }},
}

var edgeValues = []float32{
	0, float32(math.Copysign(0, -1)), 1, -1, 0.5, 2, 0x1p-149, -0x1p-149, 0x1p-126, -0x1p-126, 0x1.fffffcp-127,
	float32(math.MaxFloat32), -float32(math.MaxFloat32), float32(math.Inf(1)), float32(math.Inf(-1)),
	float32(math.NaN()), math.Float32frombits(0xffc00001), math.Float32frombits(0x7f800001),
	88.72284, 88.7228, -87.33655, -103.97208, -104, 0.625, 0.6249999, 9.01, 3.92, 4, 1.4142135, 0.70710677,
}

// randValue draws from a mixture: moderate values, random bit patterns and
// edge values.
func randValue(rng *rand.Rand) float32 {
	switch rng.IntN(8) {
	case 0:
		return math.Float32frombits(rng.Uint32())
	case 1:
		return edgeValues[rng.IntN(len(edgeValues))]
	default:
		return float32(rng.NormFloat64() * 4)
	}
}

const guardLen = 19

var guardVal = math.Float32frombits(0x7fa5a5a5) // a NaN no kernel produces

// guarded returns a slice of length n at element offset off inside a
// backing array filled with guardVal.
func guarded(n, off int) (s, back []float32) {
	back = make([]float32, n+off+2*guardLen)
	for i := range back {
		back[i] = guardVal
	}
	return back[guardLen+off : guardLen+off+n : guardLen+off+n], back
}

func checkGuards(t *testing.T, what string, back []float32, n, off int) {
	t.Helper()
	for i, v := range back {
		inside := i >= guardLen+off && i < guardLen+off+n
		if !inside && math.Float32bits(v) != math.Float32bits(guardVal) {
			t.Fatalf("%s: element %d outside the slice overwritten", what, i-guardLen-off)
		}
	}
}

func testLengths() []int {
	var ls []int
	for n := 0; n <= 67; n++ {
		ls = append(ls, n)
	}
	return append(ls, 1000, 1029)
}

// TestDifferential runs every kernel of every family against the pure-Go
// kernels on random and edge inputs at lengths 0..67, 1000, 1029 and
// element offsets 0..3 (unaligned), in place and not, checking that
// results are bit-identical and that nothing outside dst is written.
func TestDifferential(t *testing.T) {
	gen := implByName("generic")
	rng := rand.New(rand.NewPCG(7, 9))
	for _, im := range impls {
		if im == gen {
			continue
		}
		for _, o := range ops {
			for _, n := range testLengths() {
				for off := 0; off < 4; off++ {
					in := make([][]float32, o.nin)
					backs := make([][]float32, o.nin)
					for j := range in {
						in[j], backs[j] = guarded(n, (off+j)%4)
						for i := range in[j] {
							in[j][i] = randValue(rng)
						}
					}
					s := randValue(rng)
					want := make([]float32, n)
					o.run(gen, want, in, s)
					dst, back := guarded(n, off)
					o.run(im, dst, in, s)
					what := fmt.Sprintf("%s %s n=%d off=%d", im.name, o.name, n, off)
					checkGuards(t, what, back, n, off)
					for j := range in {
						checkGuards(t, what+" (input)", backs[j], n, (off+j)%4)
					}
					for i := range want {
						if !sameBits(dst[i], want[i]) {
							t.Fatalf("%s: element %d: inputs %v s=%g: got %g (%#08x), pure Go %g (%#08x)", what, i, inputsAt(in, i), s,
								dst[i], math.Float32bits(dst[i]), want[i], math.Float32bits(want[i]))
						}
					}
					// In place: dst is each input in turn.
					for a := range in {
						cp := make([][]float32, len(in))
						for j := range in {
							cp[j] = append([]float32(nil), in[j]...)
						}
						alias := cp[a]
						o.run(im, alias, cp, s)
						for i := range want {
							if !sameBits(alias[i], want[i]) {
								t.Fatalf("%s in place (dst = input %d): element %d: got %g, want %g", what, a, i, alias[i], want[i])
							}
						}
					}
				}
			}
		}
	}
}

func inputsAt(in [][]float32, i int) []float32 {
	var v []float32
	for _, x := range in {
		v = append(v, x[i])
	}
	return v
}

// TestSimpleSemantics checks the pure-Go simple kernels (which the
// assembly matches bit for bit, TestDifferential) against Go's operators
// and math, signed zeros and NaNs included.
func TestSimpleSemantics(t *testing.T) {
	gen := implByName("generic")
	negz := float32(math.Copysign(0, -1))
	nan := float32(math.NaN())
	type c2 struct{ a, b, max, min float32 }
	for _, c := range []c2{{0, negz, 0, negz}, {negz, 0, 0, negz}, {nan, 1, nan, nan}, {1, nan, nan, nan}, {-1, 2, 2, -1},
		{float32(math.Inf(-1)), nan, nan, nan}, {negz, negz, negz, negz}} {
		for _, im := range impls {
			for n := 1; n <= 40; n += 13 {
				x := make([]float32, n)
				y := make([]float32, n)
				x[n-1], y[n-1] = c.a, c.b
				d := make([]float32, n)
				im.max(d, x, y)
				if !sameBits(d[n-1], c.max) {
					t.Errorf("%s max(%g, %g) = %g, want %g", im.name, c.a, c.b, d[n-1], c.max)
				}
				im.min(d, x, y)
				if !sameBits(d[n-1], c.min) {
					t.Errorf("%s min(%g, %g) = %g, want %g", im.name, c.a, c.b, d[n-1], c.min)
				}
				im.maxS(d, x, c.b)
				if !sameBits(d[n-1], c.max) {
					t.Errorf("%s MaxScalar(%g, %g) = %g, want %g", im.name, c.a, c.b, d[n-1], c.max)
				}
				im.minS(d, x, c.b)
				if !sameBits(d[n-1], c.min) {
					t.Errorf("%s MinScalar(%g, %g) = %g, want %g", im.name, c.a, c.b, d[n-1], c.min)
				}
			}
		}
	}
	// fma32 against an exact rational computation on hard cases:
	// products and addends that land on float32 halfway points.
	rng := rand.New(rand.NewPCG(3, 4))
	for range 200000 {
		a, b := randValue(rng), randValue(rng)
		var c float32
		if rng.IntN(2) == 0 {
			// c cancels the product's top bits, leaving a long tail.
			c = -float32(float64(a) * float64(b))
			if rng.IntN(2) == 0 {
				c = math.Nextafter32(c, 0)
			}
		} else {
			c = randValue(rng)
		}
		got := fma32(a, b, c)
		want := fmaExact(a, b, c)
		if !sameBits(got, want) {
			t.Fatalf("fma32(%g, %g, %g) = %g, want %g", a, b, c, got, want)
		}
	}
	x := []float32{3, negz, 4, nan, 9, 0, 2}
	d := make([]float32, len(x))
	gen.sqrt(d, x)
	gen.rsqrt(d, x)
	_ = d
}

// TestReductions checks Sum, ReduceMax and ReduceMin of every family
// against the pure-Go order (bit-identical), Sum against a float64 sum
// within the documented bound, and the NaN / signed-zero semantics.
func TestReductions(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	gen := implByName("generic")
	for _, im := range impls {
		for _, n := range append(testLengths(), 4096, 100003) {
			for off := 0; off < 4; off++ {
				x, back := guarded(n, off)
				for i := range x {
					x[i] = float32(rng.NormFloat64())
				}
				got, want := im.sum(x), gen.sum(x)
				if ref := reduceGo(x, negZero, func(a, v float32) float32 { return a + v }); n > 0 && !sameBits(want, ref) {
					t.Fatalf("sumGo n=%d: %g, reduceGo %g", n, want, ref)
				}
				if n > 0 && !sameBits(got, want) {
					t.Fatalf("%s Sum n=%d off=%d: %g, pure Go %g", im.name, n, off, got, want)
				}
				var exact, abs float64
				for _, v := range x {
					exact += float64(v)
					abs += math.Abs(float64(v))
				}
				// Documented bound: |Σ̂ - Σ| ≤ (⌈n/32⌉ + 5)·2^-24·Σ|x|.
				if n > 0 && math.Abs(float64(got)-exact) > float64((n+31)/32+5)*0x1p-24*abs {
					t.Errorf("%s Sum n=%d: %g, exact %g", im.name, n, got, exact)
				}
				if n > 0 {
					mx, mn := x[0], x[0]
					for _, v := range x {
						mx, mn = max(mx, v), min(mn, v)
					}
					if g := im.maxR(x); g != mx {
						t.Fatalf("%s ReduceMax n=%d: %g, want %g", im.name, n, g, mx)
					}
					if g := im.minR(x); g != mn {
						t.Fatalf("%s ReduceMin n=%d: %g, want %g", im.name, n, g, mn)
					}
					// A NaN anywhere wins; so do +0 over -0 and -0 under +0.
					p := rng.IntN(n)
					x[p] = float32(math.NaN())
					if g := im.maxR(x); g == g {
						t.Fatalf("%s ReduceMax with NaN at %d of %d: %g", im.name, p, n, g)
					}
					if g := im.minR(x); g == g {
						t.Fatalf("%s ReduceMin with NaN at %d of %d: %g", im.name, p, n, g)
					}
					for i := range x {
						x[i] = float32(math.Copysign(0, -1))
					}
					x[p] = 0
					if g := im.maxR(x); math.Signbit(float64(g)) || g != 0 {
						t.Fatalf("%s ReduceMax of zeros n=%d: %g", im.name, n, g)
					}
					for i := range x {
						x[i] = 0
					}
					x[p] = float32(math.Copysign(0, -1))
					if g := im.minR(x); !math.Signbit(float64(g)) {
						t.Fatalf("%s ReduceMin of zeros n=%d: %g", im.name, n, g)
					}
					if g := im.sum(x); g != 0 || (n > 1 && math.Signbit(float64(g))) {
						t.Fatalf("%s Sum of zeros n=%d: %g", im.name, n, g)
					}
				}
				checkGuards(t, "reduction", back, n, off)
			}
		}
	}
	if Sum(nil) != 0 || math.Signbit(float64(Sum(nil))) || !math.IsInf(float64(ReduceMax(nil)), -1) || !math.IsInf(float64(ReduceMin(nil)), 1) {
		t.Error("empty reductions")
	}
}

// TestExported exercises the exported wrappers (length checks included).
func TestExported(t *testing.T) {
	x := []float32{-1, 0, 1, 2}
	y := make([]float32, 4)
	z := make([]float32, 4)
	for _, f := range []func(dst, x []float32){Exp, Log, Tanh, Logistic, Erf, Expm1, Log1p, Neg, Abs, Sqrt, Rsqrt} {
		f(y, x)
		f(nil, nil)
	}
	for _, f := range []func(dst, x, y []float32){Add, Sub, Mul, Div, Max, Min} {
		f(z, x, y)
	}
	for _, f := range []func(dst, x []float32, s float32){AddScalar, SubScalar, MulScalar, DivScalar, MaxScalar, MinScalar} {
		f(z, x, 3)
	}
	ScalarSub(z, 1, x)
	if z[0] != 2 || z[3] != -1 {
		t.Errorf("ScalarSub: %v", z)
	}
	ScalarDiv(z, 1, x)
	if z[3] != 0.5 {
		t.Errorf("ScalarDiv: %v", z)
	}
	MulAdd(z, x, x, x)
	if z[3] != 6 {
		t.Errorf("MulAdd: %v", z)
	}
	if Sum(x) != 2 || ReduceMax(x) != 2 || ReduceMin(x) != -1 {
		t.Error("reductions")
	}
	t.Logf("implementation: %s", Impl())
	mustPanic(t, func() { Exp(y[:3], x) })
	mustPanic(t, func() { Add(y, x, y[:2]) })
	mustPanic(t, func() { MulAdd(y, x, x, x[:1]) })
}

func mustPanic(t *testing.T, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Error("no panic on mismatched lengths")
		}
	}()
	f()
}

// reduceGo is the reduction order of the assembly: element i goes to lane
// i mod 32 (lanes start at the neutral value), then L[j] = op(L[j], L[j+w])
// for w = 16, 8, 4, 2, 1. sumGo, maxGo and minGo are it with op inlined.
func reduceGo(x []float32, neutral float32, op func(acc, v float32) float32) float32 {
	var acc [32]float32
	for i := range acc {
		acc[i] = neutral
	}
	for len(x) >= 32 {
		for j := range 32 {
			acc[j] = op(acc[j], x[j])
		}
		x = x[32:]
	}
	for j, v := range x {
		acc[j] = op(acc[j], v)
	}
	for w := 16; w >= 1; w /= 2 {
		for j := range w {
			acc[j] = op(acc[j], acc[j+w])
		}
	}
	return acc[0]
}
