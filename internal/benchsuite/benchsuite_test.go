package benchsuite

import (
	"context"
	"math"
	"testing"

	"github.com/hlogate/hlogate/internal/exec"
	"github.com/hlogate/hlogate/internal/pipeline"
	"github.com/hlogate/hlogate/internal/plan"
	"github.com/hlogate/hlogate/tensor"
)

var lim = exec.Limits{MaxMemory: 4 << 30}

// closeEnough compares got with want elementwise: |g−w| ≤ atol + rtol·|w|.
func closeEnough(t *testing.T, what string, got, want *tensor.Tensor, atol, rtol float64) {
	t.Helper()
	if got.DType != want.DType || len(got.Shape) != len(want.Shape) {
		t.Fatalf("%s: got %s%v, want %s%v", what, got.DType, got.Shape, want.DType, want.Shape)
	}
	for i := range got.Shape {
		if got.Shape[i] != want.Shape[i] {
			t.Fatalf("%s: got shape %v, want %v", what, got.Shape, want.Shape)
		}
	}
	bad, worst := 0, 0.0
	for i := int64(0); i < want.NumElements(); i++ {
		g, w := got.Float64(i), want.Float64(i)
		d := math.Abs(g - w)
		if !(d <= atol+rtol*math.Abs(w)) {
			if bad == 0 {
				t.Errorf("%s: element %d = %g, want %g", what, i, g, w)
			}
			bad++
		}
		worst = max(worst, d)
	}
	if bad > 0 {
		t.Errorf("%s: %d of %d elements off; worst |diff| %g", what, bad, want.NumElements(), worst)
	}
}

// TestSuiteMatchesJAX runs every workload through the fast engine and
// compares with JAX's outputs where they are kept, and with the reference
// executor where it is quick enough.
func TestSuiteMatchesJAX(t *testing.T) {
	ws, err := All()
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) < 14 {
		t.Fatalf("suite has %d workloads, want 14", len(ws))
	}
	for _, w := range ws {
		t.Run(w.Name, func(t *testing.T) {
			src, err := w.Source()
			if err != nil {
				t.Fatal(err)
			}
			mods, err := pipeline.Admit(w.File, src, pipeline.Options{})
			if err != nil {
				t.Fatal(err)
			}
			m := mods[0]
			fn := m.Entry("")
			in, err := w.Inputs()
			if err != nil {
				t.Fatal(err)
			}
			p, err := plan.Compile(m, fn, plan.Options{})
			if err != nil {
				t.Fatal(err)
			}
			got, _, err := p.Run(context.Background(), in, lim)
			if err != nil {
				t.Fatal(err)
			}
			want, err := w.Expected()
			if err != nil {
				t.Fatal(err)
			}
			checked := false
			if w.Name == "sum" {
				// A sum of 16M values in [-1, 1] that nearly cancel: every
				// f32 summation order gives a different answer (JAX's,
				// the reference's and the plan's differ in the second
				// digit). Check against the exact sum, relative to Σ|x|.
				exact, abs := 0.0, 0.0
				for i := int64(0); i < in[0].NumElements(); i++ {
					exact += in[0].Float64(i)
					abs += math.Abs(in[0].Float64(i))
				}
				if d := math.Abs(got[0].Float64(0) - exact); d > 1e-7*abs {
					t.Errorf("sum = %g, exact %g: |diff| %g > 1e-7·Σ|x| = %g", got[0].Float64(0), exact, d, 1e-7*abs)
				}
				t.Logf("sum: plan %g, JAX %g, exact %g, Σ|x| %g", got[0].Float64(0), want[0].Float64(0), exact, abs)
				return
			}
			for j := range want {
				if want[j] != nil {
					closeEnough(t, "plan vs JAX", got[j], want[j], 1e-5, 2e-4)
					checked = true
				}
			}
			if oracle := elementwiseOracle[w.Name]; oracle != nil {
				// 16M-element workloads: too large to embed JAX's
				// output, too slow for the reference; float64 per element.
				want, err := tensor.New(tensor.F32, got[0].Shape, 1<<31)
				if err != nil {
					t.Fatal(err)
				}
				for i := int64(0); i < want.NumElements(); i++ {
					args := make([]float64, len(in))
					for k := range in {
						args[k] = in[k].Float64(i)
					}
					want.SetFloat64(i, oracle(args))
				}
				closeEnough(t, "plan vs float64", got[0], want, 1e-7, 1e-6)
				checked = true
			}
			if w.FLOPs <= 5e7 && inputElems(in) <= 1<<21 && !testing.Short() {
				ref, _, err := exec.Run(context.Background(), m, fn, in, lim)
				if err != nil {
					t.Fatal(err)
				}
				for j := range ref {
					closeEnough(t, "plan vs reference", got[j], ref[j], 1e-5, 1e-4) // f32 sums in another order
				}
				checked = true
			}
			if !checked {
				t.Logf("%s: output only compared in the plan differential tests (too large to embed, too slow for the reference)", w.Name)
			}
		})
	}
}

var elementwiseOracle = map[string]func(x []float64) float64{
	"chain": func(x []float64) float64 { return math.Max(x[0]*x[1]+x[2], 0) },
	"exp":   func(x []float64) float64 { return math.Exp(x[0]) },
	"tanh":  func(x []float64) float64 { return math.Tanh(x[0]) },
}

func inputElems(in []*tensor.Tensor) int64 {
	var n int64
	for _, t := range in {
		n += t.NumElements()
	}
	return n
}

// TestInputsFormula pins the formula (the peers compute the same values).
func TestInputsFormula(t *testing.T) {
	v := make([]float32, 3)
	Fill(v, 1, 2)
	// x = (i+1)·φ + 0.1234: 0.7414…, 1.3594… → u = 0.7414…, 0.3594…
	want := []float64{(0.7414339887498949 - 0.5) * 4, (0.3594679774997898 - 0.5) * 4, (0.9775019662496847 - 0.5) * 4}
	for i := range v {
		if math.Abs(float64(v[i])-want[i]) > 1e-6 {
			t.Errorf("Fill[%d] = %v, want %v", i, v[i], want[i])
		}
	}
}
