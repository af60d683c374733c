package gemm

// tileGeneric is the pure-Go 4×4 microkernel: always available, the
// reference for the assembly ones, and the only one without amd64.
func tileGeneric[T float](kb int, a, b, c []T, ldc, mrEff, nrEff int, acc bool) {
	var c00, c01, c02, c03 T
	var c10, c11, c12, c13 T
	var c20, c21, c22, c23 T
	var c30, c31, c32, c33 T
	a = a[:kb*4]
	b = b[:kb*4]
	for q := 0; q < kb; q++ {
		aa := a[q*4 : q*4+4 : q*4+4]
		bb := b[q*4 : q*4+4 : q*4+4]
		a0, a1, a2, a3 := aa[0], aa[1], aa[2], aa[3]
		b0, b1, b2, b3 := bb[0], bb[1], bb[2], bb[3]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		c23 += a2 * b3
		c30 += a3 * b0
		c31 += a3 * b1
		c32 += a3 * b2
		c33 += a3 * b3
	}
	t := [16]T{c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33}
	scatterTileG(t[:], 4, c, ldc, mrEff, nrEff, acc)
}

// scatterTileG writes (or adds) the mr×nr corner of a scratch tile into C.
func scatterTileG[T float](t []T, ldt int, c []T, ldc, mr, nr int, acc bool) {
	for i := 0; i < mr; i++ {
		src := t[i*ldt : i*ldt+nr]
		dst := c[i*ldc : i*ldc+nr]
		if acc {
			for j, v := range src {
				dst[j] += v
			}
		} else {
			copy(dst, src)
		}
	}
}
