//go:build amd64 && !purego

package gemm

import "github.com/hlogate/hlogate/internal/kernels/vmath"

//go:noescape
func saxpy4AVX512(c, b0, b1, b2, b3 *float32, a *[4]float32, n int)

//go:noescape
func saxpy1AVX512(c, b0 *float32, a0 float32, n int)

// axpyRowsAVX512 is the AVX-512 gemv row kernel (see gemv.go).
func axpyRowsAVX512(c []float32, b []float32, ldb int, a []float32) {
	n := len(c)
	nv := n &^ 31 // the assembly's part: whole 32-lane blocks
	k := len(a)
	if k > 0 && n > 0 {
		_ = b[(k-1)*ldb+n-1] // the last element the kernels read
	}
	p := 0
	for ; p+4 <= k; p += 4 {
		if nv > 0 {
			coef := [4]float32{a[p], a[p+1], a[p+2], a[p+3]}
			saxpy4AVX512(&c[0], &b[p*ldb], &b[(p+1)*ldb], &b[(p+2)*ldb], &b[(p+3)*ldb], &coef, nv)
		}
		for j := nv; j < n; j++ {
			c[j] = vmath.FMA32(a[p+3], b[(p+3)*ldb+j], vmath.FMA32(a[p+2], b[(p+2)*ldb+j], vmath.FMA32(a[p+1], b[(p+1)*ldb+j], vmath.FMA32(a[p], b[p*ldb+j], c[j]))))
		}
	}
	for ; p < k; p++ {
		if nv > 0 {
			saxpy1AVX512(&c[0], &b[p*ldb], a[p], nv)
		}
		for j := nv; j < n; j++ {
			c[j] = vmath.FMA32(a[p], b[p*ldb+j], c[j])
		}
	}
}
