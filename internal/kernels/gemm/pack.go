package gemm

// Packing into micro-panel order. A panel of A holds, for each of kb k
// steps, mr consecutive elements (rows i0..i0+mr-1 of column p); a panel of
// B holds, for each k step, nr consecutive elements (columns j0..j0+nr-1 of
// row p). Rows or columns past the matrix are zero.

// packA packs rows [i0, i0+rows) × k steps [p0, p0+kb) of A (rows ≤ mr).
func packA[T float](dst []T, p *problem[T], i0, rows, p0, kb, mr int) {
	dst = dst[:kb*mr]
	if p.transA {
		// A stored k×m: each k step is a contiguous run of rows elements.
		for q := 0; q < kb; q++ {
			d := dst[q*mr : q*mr+mr]
			s := p.a[(p0+q)*p.lda+i0:]
			copy(d, s[:rows])
			clear(d[rows:])
		}
		return
	}
	transposeInto(dst, p.a, p.lda, i0, rows, p0, kb, mr)
}

// packB packs columns [j0, j0+cols) × k steps [p0, p0+kb) of B (cols ≤ nr).
func packB[T float](dst []T, p *problem[T], j0, cols, p0, kb, nr int) {
	dst = dst[:kb*nr]
	if !p.transB {
		for q := 0; q < kb; q++ {
			d := dst[q*nr : q*nr+nr]
			s := p.b[(p0+q)*p.ldb+j0:]
			copy(d, s[:cols])
			clear(d[cols:])
		}
		return
	}
	transposeInto(dst, p.b, p.ldb, j0, cols, p0, kb, nr)
}

// transposeInto sets dst[q*w + r] = src[(r0+r)*ld + p0 + q] for r < rows,
// q < kb, and zero for rows ≤ r < w.
func transposeInto[T float](dst, src []T, ld, r0, rows, p0, kb, w int) {
	r := 0
	for ; r+4 <= rows; r += 4 {
		o := (r0+r)*ld + p0
		s0 := src[o : o+kb]
		s1 := src[o+ld : o+ld+kb]
		s2 := src[o+2*ld : o+2*ld+kb]
		s3 := src[o+3*ld : o+3*ld+kb]
		for q, v := range s0 {
			d := dst[q*w+r : q*w+r+4]
			d[0] = v
			d[1] = s1[q]
			d[2] = s2[q]
			d[3] = s3[q]
		}
	}
	for ; r < rows; r++ {
		o := (r0+r)*ld + p0
		s := src[o : o+kb]
		for q, v := range s {
			dst[q*w+r] = v
		}
	}
	if rows < w {
		for q := 0; q < kb; q++ {
			clear(dst[q*w+rows : q*w+w])
		}
	}
}
