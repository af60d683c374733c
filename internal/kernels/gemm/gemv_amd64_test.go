//go:build amd64 && !purego

package gemm

import (
	"github.com/hlogate/hlogate/internal/kernels/vmath"
	"math"
	"math/rand/v2"
	"testing"
)

// TestAxpyRowsKernel: the AVX-512 gemv row kernel against its pure-Go
// reference (fused multiply-adds in the same order; float64 FMA then
// rounding to f32 may differ in the last bit in rare double-rounding
// cases), at lengths around the 32-lane blocks and k around the 4-row
// steps.
func TestAxpyRowsKernel(t *testing.T) {
	var ks *kernelSet[float32]
	for _, im := range impls {
		if im.s.axpy != nil {
			ks = &im.s
		}
	}
	if ks == nil {
		t.Skip("no AVX-512 on this machine")
	}
	r := rand.New(rand.NewPCG(9, 9))
	for _, n := range []int{1, 31, 32, 33, 64, 95, 1000} {
		for _, k := range []int{1, 3, 4, 5, 9} {
			ldb := n + 7
			b := make([]float32, k*ldb)
			a := make([]float32, k)
			for i := range b {
				b[i] = float32(r.NormFloat64())
			}
			for i := range a {
				a[i] = float32(r.NormFloat64())
			}
			c1, c2 := make([]float32, n), make([]float32, n)
			for i := range c1 {
				c1[i] = float32(r.NormFloat64())
				c2[i] = c1[i]
			}
			ks.axpy(c1, b, ldb, a)
			axpyRowsGo(c2, b, ldb, a)
			for j := range c1 {
				if d := math.Abs(float64(c1[j] - c2[j])); d > 1e-6*(1+math.Abs(float64(c2[j]))) {
					t.Fatalf("n=%d k=%d: c[%d] = %v, reference %v", n, k, j, c1[j], c2[j])
				}
			}
		}
	}
}

// axpyRowsGo computes c += Σ_p a[p]·b[p*ldb : p*ldb+len(c)] with fused
// multiply-adds in p order: the reference for the AVX-512 row kernel.
func axpyRowsGo(c []float32, b []float32, ldb int, a []float32) {
	for p, ap := range a {
		row := b[p*ldb : p*ldb+len(c)]
		for j := range c {
			c[j] = vmath.FMA32(ap, row[j], c[j])
		}
	}
}
