package vmath

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
)

var exhaustive = flag.Bool("vmath.exhaustive", false, "check the transcendental functions on all 2^32 float32 inputs (minutes)")
var exhaustiveFuncs = flag.String("vmath.funcs", "", "comma-separated functions for -vmath.exhaustive (default all)")
var exhaustiveGeneric = flag.Bool("vmath.generic", false, "include the pure-Go kernels in -vmath.exhaustive")

// fn describes a transcendental function under test.
type fn struct {
	name   string
	get    func(im *impl) func(dst, x []float32)
	oracle func(float64) float64
	bound  int64 // documented maximum error in ULPs (see doc.go)
}

func logistic64(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

var fns = []fn{
	{"Exp", func(im *impl) func(dst, x []float32) { return im.exp }, math.Exp, 1},
	{"Log", func(im *impl) func(dst, x []float32) { return im.log }, math.Log, 1},
	{"Tanh", func(im *impl) func(dst, x []float32) { return im.tanh }, math.Tanh, 1},
	{"Logistic", func(im *impl) func(dst, x []float32) { return im.logistic }, logistic64, 2},
	{"Erf", func(im *impl) func(dst, x []float32) { return im.erf }, math.Erf, 2},
	{"Expm1", func(im *impl) func(dst, x []float32) { return im.expm1 }, math.Expm1, 1},
	{"Log1p", func(im *impl) func(dst, x []float32) { return im.log1p }, math.Log1p, 1},
}

// ord maps float32 bits to integers in the order of the values (-0 and +0
// both to 0), so that ULP distance is a difference.
func ord(f float32) int64 {
	b := int32(math.Float32bits(f))
	if b < 0 {
		return -int64(b & 0x7fffffff)
	}
	return int64(b)
}

// ulpDist is the distance in float32 steps between got and want; NaN
// against NaN is 0, NaN against a number is MaxInt64.
func ulpDist(got, want float32) int64 {
	gn, wn := got != got, want != want
	if gn || wn {
		if gn && wn {
			return 0
		}
		return math.MaxInt64
	}
	d := ord(got) - ord(want)
	if d < 0 {
		d = -d
	}
	return d
}

// ulpFrac is |got - exact| in units of the float32 spacing at exact (the
// spacing of the binade of the correctly rounded result): how far a
// result is from the real value, where 0.5 is correct rounding.
func ulpFrac(got float32, exact float64) float64 {
	r := float32(exact)
	if math.IsInf(float64(r), 0) || math.IsNaN(exact) || math.IsInf(float64(got), 0) || got != got {
		return 0 // judged by ulpDist
	}
	a := math.Abs(float64(r))
	var u float64
	if a < 0x1p-126 {
		u = 0x1p-149
	} else {
		_, e := math.Frexp(a)
		u = math.Ldexp(1, e-24)
		if a == math.Ldexp(1, e-1) && math.Abs(exact) < a {
			u /= 2 // exact just below a power of two
		}
	}
	return math.Abs(float64(got)-exact) / u
}

// sameBits reports whether a and b are the same float32, any NaN equal to
// any NaN.
func sameBits(a, b float32) bool {
	if a != a || b != b {
		return a != a && b != b
	}
	return math.Float32bits(a) == math.Float32bits(b)
}

// stats accumulates the worst error of one function on one implementation.
type stats struct {
	maxDist  int64
	argDist  float32
	maxFrac  float64
	argFrac  float32
	n        int64
	mismatch int64 // results that differ from the pure-Go kernels' bits
	argMis   float32
	compared bool // whether mismatch was counted
}

func (s *stats) add(x, got float32, exact float64) {
	s.n++
	want := float32(exact)
	if d := ulpDist(got, want); d > s.maxDist {
		s.maxDist, s.argDist = d, x
	}
	if f := ulpFrac(got, exact); f > s.maxFrac {
		s.maxFrac, s.argFrac = f, x
	}
}

func (s *stats) merge(o *stats) {
	s.n += o.n
	if o.maxDist > s.maxDist {
		s.maxDist, s.argDist = o.maxDist, o.argDist
	}
	if o.maxFrac > s.maxFrac {
		s.maxFrac, s.argFrac = o.maxFrac, o.argFrac
	}
	if s.mismatch == 0 && o.mismatch > 0 {
		s.argMis = o.argMis
	}
	s.mismatch += o.mismatch
	s.compared = s.compared || o.compared
}

func (s *stats) String() string {
	cmp := "not compared with generic"
	if s.compared {
		cmp = fmt.Sprintf("%d differ from generic", s.mismatch)
	}
	return fmt.Sprintf("max %d ULP (x=%g, %#08x), max %.3f ULP from exact (x=%g), %d inputs, %s",
		s.maxDist, s.argDist, math.Float32bits(s.argDist), s.maxFrac, s.argFrac, s.n, cmp)
}

// specials checks the IEEE / Go math semantics of special inputs.
func TestSpecialValues(t *testing.T) {
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	negz := float32(math.Copysign(0, -1))
	maxf := float32(math.MaxFloat32)
	cases := []struct {
		f    string
		x, y float32
	}{
		{"Exp", inf, inf}, {"Exp", -inf, 0}, {"Exp", nan, nan}, {"Exp", 0, 1}, {"Exp", negz, 1},
		{"Exp", 89, inf}, {"Exp", maxf, inf}, {"Exp", -maxf, 0}, {"Exp", -104, 0},
		{"Log", 0, -inf}, {"Log", negz, -inf}, {"Log", -1, nan}, {"Log", -inf, nan}, {"Log", inf, inf},
		{"Log", nan, nan}, {"Log", 1, 0}, {"Log", 2, float32(math.Ln2)},
		{"Tanh", inf, 1}, {"Tanh", -inf, -1}, {"Tanh", nan, nan}, {"Tanh", 0, 0}, {"Tanh", negz, negz},
		{"Tanh", 0x1p-149, 0x1p-149}, {"Tanh", -0x1p-149, -0x1p-149}, {"Tanh", 20, 1}, {"Tanh", -20, -1},
		{"Logistic", inf, 1}, {"Logistic", -inf, 0}, {"Logistic", nan, nan}, {"Logistic", 0, 0.5}, {"Logistic", negz, 0.5},
		{"Logistic", 100, 1}, {"Logistic", -200, 0},
		{"Erf", inf, 1}, {"Erf", -inf, -1}, {"Erf", nan, nan}, {"Erf", 0, 0}, {"Erf", negz, negz}, {"Erf", 10, 1}, {"Erf", -10, -1},
	}
	for _, im := range impls {
		for _, c := range cases {
			var f func(dst, x []float32)
			for _, d := range fns {
				if d.name == c.f {
					f = d.get(im)
				}
			}
			// Alone and inside a full vector, at every lane position.
			for n := 1; n <= 33; n += 16 {
				for pos := 0; pos < n; pos++ {
					x := make([]float32, n)
					x[pos] = c.x
					y := make([]float32, n)
					f(y, x)
					if !sameBits(y[pos], c.y) && !(c.y == 0 && y[pos] == 0 && math.Signbit(float64(c.y)) == math.Signbit(float64(y[pos]))) {
						t.Errorf("%s %s(%g) = %g (%#08x), want %g", im.name, c.f, c.x, y[pos], math.Float32bits(y[pos]), c.y)
					}
				}
			}
		}
	}
}

// sampleInputs returns the CI sample of function f: every special value,
// float32 steps around the thresholds of the algorithm, a dense uniform
// sweep of the interesting range and random bit patterns (all binades,
// subnormals and NaNs included).
func sampleInputs(name string, n int) []float32 {
	rng := rand.New(rand.NewPCG(1, uint64(len(name))))
	var xs []float32
	steps := func(c float32, k int) {
		for i := -k; i <= k; i++ {
			b := int64(math.Float32bits(c)) + int64(i)
			if b >= 0 && b < 1<<32 {
				v := math.Float32frombits(uint32(b))
				xs = append(xs, v, -v)
			}
		}
	}
	for _, c := range []float32{0, 0x1p-149, 0x1p-126, 1, 0.5, 2, float32(math.MaxFloat32), float32(math.Inf(1))} {
		steps(c, 1000)
	}
	xs = append(xs, float32(math.NaN()), math.Float32frombits(0x7f800001), math.Float32frombits(0xffc00000))
	var lo, hi float32
	switch name {
	case "Exp":
		for _, c := range []float32{88.72283935546875, -103.972077083991796, -87.33654475, -87.3, 0.3465735902799726, -0.3465735902799726} {
			steps(c, 2000)
		}
		lo, hi = -105, 90
	case "Log":
		for _, c := range []float32{0.70710677, 1.4142135, 1, 0x1p-126} {
			steps(c, 5000)
		}
		lo, hi = 0, 4
	case "Tanh":
		for _, c := range []float32{0.625, 9.01, 4.5} {
			steps(c, 5000)
		}
		lo, hi = -10, 10
	case "Logistic":
		for _, c := range []float32{88.7, 103.97, 16.6, 87.3} {
			steps(c, 2000)
		}
		lo, hi = -110, 110
	case "Erf":
		for _, c := range []float32{1, 2, 4, 3.92} {
			steps(c, 5000)
		}
		lo, hi = -4.5, 4.5
	case "Expm1":
		for _, c := range []float32{20, 18, 88.72283935546875, 0.3465735902799726, 0x1p-25, 1e-3} {
			steps(c, 3000)
		}
		lo, hi = -20, 25
	case "Log1p":
		for _, c := range []float32{-1, -0.99999994, 1, 2, 0x1p-25, 0x1p24, 0.41421354, -0.29289323} {
			steps(c, 3000)
		}
		lo, hi = -1, 3
	}
	for i := 0; i < n/2; i++ {
		xs = append(xs, lo+(hi-lo)*rng.Float32())
	}
	for len(xs) < n {
		xs = append(xs, math.Float32frombits(rng.Uint32()))
	}
	return xs
}

// TestAccuracySampled checks every implementation against float64 math on
// a sample of 2 million inputs per function, and that the assembly
// results are bit-identical to the pure-Go ones.
func TestAccuracySampled(t *testing.T) {
	n := 2_000_000
	if testing.Short() || raceEnabled {
		n = 200_000
	}
	gen := implByName("generic")
	for _, f := range fns {
		xs := sampleInputs(f.name, n)
		exact := make([]float64, len(xs))
		for i, x := range xs {
			exact[i] = f.oracle(float64(x))
		}
		ref := make([]float32, len(xs))
		f.get(gen)(ref, xs)
		for _, im := range impls {
			y := make([]float32, len(xs))
			f.get(im)(y, xs)
			s := stats{compared: true}
			for i, x := range xs {
				s.add(x, y[i], exact[i])
				if !sameBits(y[i], ref[i]) {
					if s.mismatch == 0 {
						s.argMis = x
					}
					s.mismatch++
				}
			}
			t.Logf("%s %s: %v", im.name, f.name, &s)
			if s.maxDist > f.bound {
				t.Errorf("%s %s: %d ULP at x=%g (%#08x): got %g, want %g; bound %d", im.name, f.name, s.maxDist, s.argDist,
					math.Float32bits(s.argDist), one(f.get(im), s.argDist), float32(f.oracle(float64(s.argDist))), f.bound)
			}
			if s.mismatch > 0 {
				t.Errorf("%s %s: %d results differ from the pure-Go kernels, first at x=%g: %g vs %g", im.name, f.name, s.mismatch,
					s.argMis, one(f.get(im), s.argMis), one(f.get(gen), s.argMis))
			}
		}
	}
}

func one(f func(dst, x []float32), x float32) float32 {
	y := []float32{0}
	f(y, []float32{x})
	return y[0]
}

// TestAccuracyExhaustive runs with -vmath.exhaustive: every float32 input,
// on the assembly families (and with -vmath.generic the pure-Go kernels).
// Run: go test ./internal/kernels/vmath -run Exhaustive -vmath.exhaustive -v -timeout 2h
func TestAccuracyExhaustive(t *testing.T) {
	if !*exhaustive {
		t.Skip("needs -vmath.exhaustive")
	}
	var sel []*impl
	for _, im := range impls {
		if im.name != "generic" || *exhaustiveGeneric {
			sel = append(sel, im)
		}
	}
	gen := implByName("generic")
	for _, f := range fns {
		if *exhaustiveFuncs != "" && !contains(*exhaustiveFuncs, f.name) {
			continue
		}
		const chunk = 1 << 16
		total := make([]stats, len(sel))
		var mu sync.Mutex
		var wg sync.WaitGroup
		next := make(chan uint32, 64)
		go func() {
			for hi := uint32(0); hi < 1<<16; hi++ {
				next <- hi
			}
			close(next)
		}()
		for range runtime.GOMAXPROCS(0) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				xs := make([]float32, chunk)
				ys := make([]float32, chunk)
				ref := make([]float32, chunk)
				ex := make([]float64, chunk)
				local := make([]stats, len(sel))
				for hi := range next {
					for lo := range uint32(chunk) {
						xs[lo] = math.Float32frombits(hi<<16 | lo)
						ex[lo] = f.oracle(float64(xs[lo]))
					}
					refDone := *exhaustiveGeneric
					if refDone {
						f.get(gen)(ref, xs)
					}
					for j, im := range sel {
						out := ys
						if im == gen {
							out = ref
						} else {
							f.get(im)(ys, xs)
						}
						local[j].compared = local[j].compared || refDone
						for i, x := range xs {
							local[j].add(x, out[i], ex[i])
							if refDone && !sameBits(out[i], ref[i]) {
								if local[j].mismatch == 0 {
									local[j].argMis = x
								}
								local[j].mismatch++
							}
						}
					}
				}
				mu.Lock()
				for j := range sel {
					total[j].merge(&local[j])
				}
				mu.Unlock()
			}()
		}
		wg.Wait()
		for j, im := range sel {
			t.Logf("EXHAUSTIVE %s %s: %v", im.name, f.name, &total[j])
			if total[j].maxDist > f.bound {
				t.Errorf("%s %s: %d ULP exceeds the bound %d", im.name, f.name, total[j].maxDist, f.bound)
			}
			if total[j].mismatch > 0 {
				t.Errorf("%s %s: %d results differ from the pure-Go kernels", im.name, f.name, total[j].mismatch)
			}
		}
	}
}

func contains(list, name string) bool {
	for len(list) > 0 {
		i := 0
		for i < len(list) && list[i] != ',' {
			i++
		}
		if list[:i] == name {
			return true
		}
		if i == len(list) {
			break
		}
		list = list[i+1:]
	}
	return false
}
