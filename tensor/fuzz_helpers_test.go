package tensor

import (
	"errors"
	"testing"

	"github.com/hlogate/hlogate/internal/diag"
)

// fuzzLimits keeps fuzzing fast and its memory small.
var fuzzLimits = DecodeLimits{MaxBytes: 1 << 20, MaxElements: 1 << 18, MaxRank: 8, MaxTensors: 16}

// checkErr insists that a decoder error is a *diag.Error with a rule.
func checkErr(t *testing.T, err error) {
	t.Helper()
	var de *diag.Error
	if !errors.As(err, &de) || de.Rule == "" || de.Msg == "" {
		t.Fatalf("decoder returned a non-diag error: %T %v", err, err)
	}
}

func sameOutcome(t *testing.T, what string, e1, e2 error) {
	t.Helper()
	if (e1 == nil) != (e2 == nil) {
		t.Fatalf("%s: in-memory and streaming decoders disagree: %v vs %v", what, e1, e2)
	}
	if e1 != nil && diag.RuleOf(e1) != diag.RuleOf(e2) {
		t.Fatalf("%s: rules differ: %v vs %v", what, e1, e2)
	}
}

func seedTensors(t testing.TB) []*Tensor {
	var out []*Tensor
	mk := func(d DType, shape []int64, vals ...float64) {
		x, err := New(d, shape, 1<<16)
		if err != nil {
			t.Fatal(err)
		}
		for i := range vals {
			if int64(i) < x.NumElements() {
				x.SetFloat64(int64(i), vals[i])
			}
		}
		out = append(out, x)
	}
	mk(F32, []int64{2, 3}, 1, -2, 3.5, 0, 1e30, -1e-30)
	mk(I64, []int64{3}, 1, -1, 1e18)
	mk(Bool, []int64{2, 2}, 1, 0, 1, 1)
	mk(F16, []int64{}, 65504)
	mk(BF16, []int64{4}, 1, -0.5, 3e38, 1e-40)
	mk(F8E4M3FN, []int64{1, 2}, 448, -0.001953125)
	mk(U8, []int64{0, 3})
	mk(C64, []int64{2}, 1, -1)
	mk(I4, []int64{3}, -8, 7, 1)
	mk(F8E5M2, []int64{2}, 57344, 1)
	mk(C128, []int64{1, 1}, 2)
	mk(U16, []int64{2}, 65535, 1)
	return out
}
