package gemm

// Matrix-vector products. With A of one to four rows, not transposed, and
// B not transposed (x·W with W stored [K, N], JAX's dense layer at batch
// 1) nothing is reused: each row of C is the sum over k of A(i,k) times
// row k of B. The gemv path streams B's rows in order, four at a time,
// into a row of C that stays in L1 — memory-bound, as it should be —
// instead of padding A to a 12-row micro-panel. Every C(i,j) is folded
// over k in order with fused multiply-adds, whatever the thread count.

// gemvMaxM is the most rows of A the gemv path takes.
const gemvMaxM = 4

// useGemv reports whether p takes the gemv path (where the kernel set has
// a row kernel: AVX-512 f32; elsewhere the microkernels do as well).
func useGemv[T float](ks *kernelSet[T], p *problem[T]) bool {
	return ks.axpy != nil && p.m <= gemvMaxM && !p.transA && !p.transB && p.n >= 64
}

// gemv runs the gemv path: columns are split across threads in 32-aligned
// blocks; k is swept in blocks so that Check runs.
func gemv[T float](ks *kernelSet[T], p *problem[T], threads int, check func() error) error {
	n := p.n
	blocks := max(1, min(threads, n/256))
	// Check is never called concurrently with itself (the checker's lock),
	// and a failed check stops every worker.
	var chk *checker
	if check != nil {
		chk = &checker{fn: check}
	}
	if blocks == 1 {
		gemvRange(ks, p, 0, n, chk)
	} else {
		pp := *p // a copy for the workers, so that p stays on the stack
		parallel(blocks, func(w int) {
			lo := n * w / blocks &^ 31
			hi := n * (w + 1) / blocks &^ 31
			if w == blocks-1 {
				hi = n
			}
			gemvRange(ks, &pp, lo, hi, chk)
		})
		if chk != nil && !chk.stop.Load() {
			chk.call()
		}
	}
	if chk != nil && chk.stop.Load() {
		return chk.err
	}
	return nil
}

// gemvRange computes columns [lo, hi) of C, until chk says stop.
func gemvRange[T float](ks *kernelSet[T], p *problem[T], lo, hi int, chk *checker) {
	for i := 0; i < p.m; i++ {
		c := p.c[i*p.ldc+lo : i*p.ldc+hi]
		if !p.acc {
			clear(c)
		}
		arow := p.a[i*p.lda : i*p.lda+p.k]
		const kb = 256
		for k0 := 0; k0 < p.k; k0 += kb {
			k1 := min(p.k, k0+kb)
			ks.axpy(c, p.b[k0*p.ldb+lo:], p.ldb, arow[k0:k1])
			if chk != nil && (k1-k0)*(hi-lo) >= 1<<20 && (chk.stop.Load() || !chk.call()) {
				return
			}
		}
	}
}
