package vmath

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

type op64 struct {
	name string
	nin  int
	run  func(im *impl, dst []float64, in [][]float64, s float64)
}

var ops64 = []op64{
	{"Neg64", 1, func(im *impl, d []float64, in [][]float64, _ float64) { im.d.neg(d, in[0]) }},
	{"Abs64", 1, func(im *impl, d []float64, in [][]float64, _ float64) { im.d.abs(d, in[0]) }},
	{"Sqrt64", 1, func(im *impl, d []float64, in [][]float64, _ float64) { im.d.sqrt(d, in[0]) }},
	{"Rsqrt64", 1, func(im *impl, d []float64, in [][]float64, _ float64) { im.d.rsqrt(d, in[0]) }},
	{"Add64", 2, func(im *impl, d []float64, in [][]float64, _ float64) { im.d.add(d, in[0], in[1]) }},
	{"Sub64", 2, func(im *impl, d []float64, in [][]float64, _ float64) { im.d.sub(d, in[0], in[1]) }},
	{"Mul64", 2, func(im *impl, d []float64, in [][]float64, _ float64) { im.d.mul(d, in[0], in[1]) }},
	{"Div64", 2, func(im *impl, d []float64, in [][]float64, _ float64) { im.d.div(d, in[0], in[1]) }},
	{"Max64", 2, func(im *impl, d []float64, in [][]float64, _ float64) { im.d.max(d, in[0], in[1]) }},
	{"Min64", 2, func(im *impl, d []float64, in [][]float64, _ float64) { im.d.min(d, in[0], in[1]) }},
	{"AddScalar64", 1, func(im *impl, d []float64, in [][]float64, s float64) { im.d.addS(d, in[0], s) }},
	{"SubScalar64", 1, func(im *impl, d []float64, in [][]float64, s float64) { im.d.subS(d, in[0], s) }},
	{"MulScalar64", 1, func(im *impl, d []float64, in [][]float64, s float64) { im.d.mulS(d, in[0], s) }},
	{"DivScalar64", 1, func(im *impl, d []float64, in [][]float64, s float64) { im.d.divS(d, in[0], s) }},
	{"MaxScalar64", 1, func(im *impl, d []float64, in [][]float64, s float64) { im.d.maxS(d, in[0], s) }},
	{"MinScalar64", 1, func(im *impl, d []float64, in [][]float64, s float64) { im.d.minS(d, in[0], s) }},
	{"ScalarSub64", 1, func(im *impl, d []float64, in [][]float64, s float64) { im.d.subR(d, in[0], s) }},
	{"ScalarDiv64", 1, func(im *impl, d []float64, in [][]float64, s float64) { im.d.divR(d, in[0], s) }},
	{"MulAdd64", 3, func(im *impl, d []float64, in [][]float64, _ float64) { im.d.muladd(d, in[0], in[1], in[2]) }},
}

func randValue64(rng *rand.Rand) float64 {
	switch rng.IntN(8) {
	case 0:
		return math.Float64frombits(rng.Uint64())
	case 1:
		v := []float64{0, math.Copysign(0, -1), 1, -1, math.Inf(1), math.Inf(-1), math.NaN(), 5e-324, math.MaxFloat64}
		return v[rng.IntN(len(v))]
	default:
		return rng.NormFloat64() * 4
	}
}

func same64(a, b float64) bool {
	if a != a || b != b {
		return a != a && b != b
	}
	return math.Float64bits(a) == math.Float64bits(b)
}

var guard64 = math.Float64frombits(0x7ff5a5a5a5a5a5a5)

func guarded64(n, off int) (s, back []float64) {
	back = make([]float64, n+off+2*guardLen)
	for i := range back {
		back[i] = guard64
	}
	return back[guardLen+off : guardLen+off+n : guardLen+off+n], back
}

func checkGuards64(t *testing.T, what string, back []float64, n, off int) {
	t.Helper()
	for i, v := range back {
		inside := i >= guardLen+off && i < guardLen+off+n
		if !inside && math.Float64bits(v) != math.Float64bits(guard64) {
			t.Fatalf("%s: element %d outside the slice overwritten", what, i-guardLen-off)
		}
	}
}

// TestDifferential64 is TestDifferential for the float64 kernels.
func TestDifferential64(t *testing.T) {
	gen := implByName("generic")
	rng := rand.New(rand.NewPCG(17, 19))
	for _, im := range impls {
		if im == gen {
			continue
		}
		for _, o := range ops64 {
			for _, n := range testLengths() {
				for off := 0; off < 4; off++ {
					in := make([][]float64, o.nin)
					backs := make([][]float64, o.nin)
					for j := range in {
						in[j], backs[j] = guarded64(n, (off+j)%4)
						for i := range in[j] {
							in[j][i] = randValue64(rng)
						}
					}
					s := randValue64(rng)
					want := make([]float64, n)
					o.run(gen, want, in, s)
					dst, back := guarded64(n, off)
					o.run(im, dst, in, s)
					what := fmt.Sprintf("%s %s n=%d off=%d", im.name, o.name, n, off)
					checkGuards64(t, what, back, n, off)
					for j := range in {
						checkGuards64(t, what+" (input)", backs[j], n, (off+j)%4)
					}
					for i := range want {
						if !same64(dst[i], want[i]) {
							t.Fatalf("%s: element %d: got %g, pure Go %g", what, i, dst[i], want[i])
						}
					}
					for a := range in {
						cp := make([][]float64, len(in))
						for j := range in {
							cp[j] = append([]float64(nil), in[j]...)
						}
						o.run(im, cp[a], cp, s)
						for i := range want {
							if !same64(cp[a][i], want[i]) {
								t.Fatalf("%s in place (dst = input %d): element %d: got %g, want %g", what, a, i, cp[a][i], want[i])
							}
						}
					}
				}
			}
		}
	}
}

func TestMaxMin64Semantics(t *testing.T) {
	negz, nan := math.Copysign(0, -1), math.NaN()
	for _, c := range [][4]float64{{0, negz, 0, negz}, {negz, 0, 0, negz}, {nan, 1, nan, nan}, {1, nan, nan, nan}, {-1, 2, 2, -1}} {
		for _, im := range impls {
			for n := 1; n <= 20; n += 9 {
				x, y, d := make([]float64, n), make([]float64, n), make([]float64, n)
				x[n-1], y[n-1] = c[0], c[1]
				im.d.max(d, x, y)
				if !same64(d[n-1], c[2]) {
					t.Errorf("%s Max64(%g, %g) = %g", im.name, c[0], c[1], d[n-1])
				}
				im.d.min(d, x, y)
				if !same64(d[n-1], c[3]) {
					t.Errorf("%s Min64(%g, %g) = %g", im.name, c[0], c[1], d[n-1])
				}
			}
		}
	}
	x := []float64{1, 2, 3}
	d := make([]float64, 3)
	Add64(d, x, x)
	Mul64(d, d, x)
	MulAdd64(d, x, x, d)
	if d[2] != 27 {
		t.Errorf("float64 chain: %v", d)
	}
	mustPanic(t, func() { Add64(d, x, x[:1]) })
}

// TestReductions64 is TestReductions for Sum64, ReduceMax64, ReduceMin64.
func TestReductions64(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	gen := implByName("generic")
	for _, im := range impls {
		for _, n := range append(testLengths(), 4096, 100003) {
			for off := 0; off < 4; off++ {
				x, back := guarded64(n, off)
				for i := range x {
					x[i] = rng.NormFloat64()
				}
				if n == 0 {
					continue
				}
				if g, w := gen.d.sum(x), reduce64(x, math.Copysign(0, -1), func(a, v float64) float64 { return a + v }); !same64(g, w) {
					t.Fatalf("sum64Go n=%d: %g, reduce64 %g", n, g, w)
				}
				if g, w := im.d.sum(x), gen.d.sum(x); !same64(g, w) {
					t.Fatalf("%s Sum64 n=%d off=%d: %g, pure Go %g", im.name, n, off, g, w)
				}
				mx, mn := x[0], x[0]
				for _, v := range x {
					mx, mn = max(mx, v), min(mn, v)
				}
				if g := im.d.maxR(x); g != mx {
					t.Fatalf("%s ReduceMax64 n=%d: %g, want %g", im.name, n, g, mx)
				}
				if g := im.d.minR(x); g != mn {
					t.Fatalf("%s ReduceMin64 n=%d: %g, want %g", im.name, n, g, mn)
				}
				p := rng.IntN(n)
				x[p] = math.NaN()
				if g := im.d.maxR(x); g == g {
					t.Fatalf("%s ReduceMax64 with NaN: %g", im.name, g)
				}
				if g := im.d.minR(x); g == g {
					t.Fatalf("%s ReduceMin64 with NaN: %g", im.name, g)
				}
				for i := range x {
					x[i] = math.Copysign(0, -1)
				}
				x[p] = 0
				if g := im.d.maxR(x); math.Signbit(g) {
					t.Fatalf("%s ReduceMax64 of zeros: %g", im.name, g)
				}
				for i := range x {
					x[i] = 0
				}
				x[p] = math.Copysign(0, -1)
				if g := im.d.minR(x); !math.Signbit(g) {
					t.Fatalf("%s ReduceMin64 of zeros: %g", im.name, g)
				}
				checkGuards64(t, "reduction", back, n, off)
			}
		}
	}
	// Integers sum exactly in any order.
	x := make([]float64, 1000)
	for i := range x {
		x[i] = float64(i)
	}
	if Sum64(x) != 499500 || ReduceMax64(x) != 999 || ReduceMin64(x) != 0 || Sum64(nil) != 0 {
		t.Error("Sum64/ReduceMax64/ReduceMin64")
	}
}
