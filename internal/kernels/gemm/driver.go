package gemm

import (
	"sync"
	"sync/atomic"
)

type problem[T float] struct {
	m, n, k int
	a       []T
	lda     int
	b       []T
	ldb     int
	c       []T
	ldc     int
	transA  bool
	transB  bool
	acc     bool
}

func gemm[T float](ks *kernelSet[T], p problem[T], o Options) error {
	if p.m == 0 || p.n == 0 {
		return nil
	}
	if p.k == 0 {
		if !p.acc {
			for i := 0; i < p.m; i++ {
				clear(p.c[i*p.ldc : i*p.ldc+p.n])
			}
		}
		return nil
	}
	work := float64(p.m) * float64(p.n) * float64(p.k)
	threads := threadsOf(o)
	if lim := 2 * work / float64(ks.minFlopsThread); lim < float64(threads) {
		threads = max(1, int(lim))
	}
	if useGemv(ks, &p) {
		return gemv(ks, &p, threads, o.Check)
	}
	if useDot(ks, &p) {
		return dotPath(ks, &p, threads, o.Check)
	}
	if useDirect(ks, &p, work) {
		return direct(ks, &p, threads, o.Check)
	}
	return blocked(ks, p, o, threads)
}

// workspace holds the packed A block and B block of one call.
type workspace[T float] struct {
	a, b []T
}

var (
	wsPool32 sync.Pool
	wsPool64 sync.Pool
)

func wsPool[T float]() *sync.Pool {
	var z T
	if any(z) == any(float64(0)) {
		return &wsPool64
	}
	return &wsPool32
}

func getWorkspace[T float](na, nb int) *workspace[T] {
	w, _ := wsPool[T]().Get().(*workspace[T])
	if w == nil {
		w = &workspace[T]{}
	}
	if cap(w.a) < na {
		w.a = alignedSlice[T](na)
	}
	if cap(w.b) < nb {
		w.b = alignedSlice[T](nb)
	}
	w.a, w.b = w.a[:na], w.b[:nb]
	return w
}

func putWorkspace[T float](w *workspace[T]) { wsPool[T]().Put(w) }

// dotMaxM and dotMinK bound the problems that the dot path takes.
var dotMaxM, dotMinK = 16, 128

// gemvKC is the k block of the direct path over a single row panel.
var gemvKC = 16

// useDot reports whether to compute C = A·Bᵀ as dot products of rows: for
// a few rows of A (matrix-vector products and small batches against
// dot_general's [N, K] weights), where packing B would cost more than the
// product itself. Both operands are then read once, in place, along k.
func useDot[T float](ks *kernelSet[T], p *problem[T]) bool {
	return ks.dot != nil && p.transB && !p.transA && p.m <= dotMaxM && p.k >= dotMinK
}

// dotPath runs the dot kernel over 4-row groups of B (split between
// workers) × 4-row groups of A.
func dotPath[T float](ks *kernelSet[T], p *problem[T], threads int, check func() error) error {
	gn := ceilDiv(p.n, 4)
	var chk *checker
	if check != nil {
		chk = &checker{fn: check}
	}
	if threads <= 1 || gn < 2 {
		var done int
		dotPart(ks, p, 0, gn, chk, &done)
	} else {
		pp := *p
		threads = min(threads, gn)
		g := max(1, gn/(4*threads))
		nu := ceilDiv(gn, g)
		var next atomic.Int64
		parallel(threads, func(int) {
			var done int
			for {
				u := int(next.Add(1) - 1)
				if u >= nu || chk != nil && chk.stop.Load() {
					return
				}
				dotPart(ks, &pp, u*g, min(u*g+g, gn), chk, &done)
			}
		})
	}
	if chk != nil && chk.stop.Load() {
		return chk.err
	}
	return nil
}

func dotPart[T float](ks *kernelSet[T], p *problem[T], g0, g1 int, chk *checker, done *int) {
	m, n, k := p.m, p.n, p.k
	flags := flagsOf(p.acc)
	for g := g0; g < g1; g++ {
		j0 := g * 4
		nrEff := min(4, n-j0)
		_ = p.b[(j0+nrEff-1)*p.ldb+k-1]
		for i0 := 0; i0 < m; i0 += 4 {
			mrEff := min(4, m-i0)
			_ = p.a[(i0+mrEff-1)*p.lda+k-1]
			_ = p.c[(i0+mrEff-1)*p.ldc+j0+nrEff-1]
			ks.dot(k, &p.a[i0*p.lda], p.lda, &p.b[j0*p.ldb], p.ldb, &p.c[i0*p.ldc+j0], p.ldc, mrEff, nrEff, flags)
		}
		if chk != nil {
			if chk.stop.Load() {
				return
			}
			*done += 2 * 16 * k * ceilDiv(m, 4)
			if *done >= ks.checkFlops {
				*done = 0
				if !chk.call() {
					return
				}
			}
		}
	}
}

// useDirect reports whether the unpacked path suits the problem. Packing
// pays for itself by reuse: a packed B panel serves every row panel of A and
// a packed A panel every column panel of B. So the direct path takes small
// problems (where packing would be a noticeable share of the time) and
// those with a single row panel (m ≤ MR, e.g. a matrix-vector product) or a
// single column panel (n ≤ NR), unless an operand that is read in place and
// reused has rows a multiple of 4 KiB apart (they would share a handful of
// cache sets).
func useDirect[T float](ks *kernelSet[T], p *problem[T], work float64) bool {
	if ks.ss == nil {
		return false
	}
	pm, pn := ceilDiv(p.m, ks.mr), ceilDiv(p.n, ks.nr)
	if work > float64(ks.smallMax) && pm > 1 && pn > 1 {
		return false
	}
	var z T
	es := int(unsafeSizeof(z))
	aliased := func(ld int) bool { return p.k > 64 && ld*es%4096 == 0 }
	if pn > 1 && p.m >= ks.mr && aliased(p.lda) { // A rows (or A's k rows) reused across column panels
		return false
	}
	if pm > 1 && !p.transB && aliased(p.ldb) { // B rows reused across row panels
		return false
	}
	return true
}

// direct multiplies without packing (only a transposed B and a last
// partial row panel of A are packed, one k block at a time, into pooled
// buffers) with the AVX-512 direct kernels. With several threads, groups of
// column panels (or of row panels, when there are fewer column panels than
// threads) are handed out dynamically: waking a worker can take tens of µs
// on a virtual machine, and meanwhile the caller's goroutine gets on with
// the work instead of waiting for its share to be taken.
func direct[T float](ks *kernelSet[T], p *problem[T], threads int, check func() error) error {
	pm, pn := ceilDiv(p.m, ks.mr), ceilDiv(p.n, ks.nr)
	var chk *checker
	if check != nil {
		chk = &checker{fn: check}
	}
	if threads <= 1 {
		var done int
		directPart(ks, p, 0, pm, 0, pn, chk, &done)
	} else {
		pp := *p // a copy for the workers, so that p stays on the stack
		byCols := pn >= threads
		units := pm
		if byCols {
			units = pn
		}
		g := max(1, units/(4*threads))
		nu := ceilDiv(units, g)
		var next atomic.Int64
		parallel(threads, func(int) {
			var done int
			for {
				u := int(next.Add(1) - 1)
				if u >= nu || chk != nil && chk.stop.Load() {
					return
				}
				lo, hi := u*g, min(u*g+g, units)
				if byCols {
					directPart(ks, &pp, 0, pm, lo, hi, chk, &done)
				} else {
					directPart(ks, &pp, lo, hi, 0, pn, chk, &done)
				}
			}
		})
	}
	if chk != nil && chk.stop.Load() {
		return chk.err
	}
	return nil
}

// directPart computes row panels [ip0, ip1) × column panels [jp0, jp1).
// done counts the worker's flops since its last Check.
func directPart[T float](ks *kernelSet[T], p *problem[T], ip0, ip1, jp0, jp1 int, chk *checker, done *int) {
	if ip0 >= ip1 || jp0 >= jp1 {
		return
	}
	mr, nr := ks.mr, ks.nr
	m, n, k := p.m, p.n, p.k
	kc := ks.kc
	if ip1-ip0 == 1 && !p.transB {
		// One row panel: nothing of B is reused, so sweep B in short k
		// blocks: the kernels then read gemvKC rows of B side by side,
		// sequential streams the prefetchers follow, instead of kc rows
		// a whole row apart.
		kc = gemvKC
	}
	kc = balance(k, kc, 1)
	na := 0
	if ip1*mr > m {
		na = mr * kc
	}
	nb := 0
	if p.transB {
		nb = (jp1 - jp0) * nr * kc
	}
	var w *workspace[T]
	if na+nb > 0 {
		w = getWorkspace[T](na, nb)
		defer putWorkspace(w)
	}
	for pc := 0; pc < k; pc += kc {
		kb := min(kc, k-pc)
		flags := flagsOf(p.acc || pc > 0)
		if p.transB {
			for jp := jp0; jp < jp1; jp++ {
				j0 := jp * nr
				packB(w.b[(jp-jp0)*nr*kb:], p, j0, min(nr, n-j0), pc, kb, nr)
			}
		}
		for ip := ip0; ip < ip1; ip++ {
			i0 := ip * mr
			mrEff := min(mr, m-i0)
			var aPtr *T
			var sa int
			kern := ks.ss
			switch {
			case mrEff < mr:
				packA(w.a, p, i0, mrEff, pc, kb, mr)
				aPtr, sa = &w.a[0], mr
			case p.transA:
				_ = p.a[(pc+kb-1)*p.lda+i0+mr-1]
				aPtr, sa = &p.a[pc*p.lda+i0], p.lda
			default:
				_ = p.a[(i0+mr-1)*p.lda+pc+kb-1]
				aPtr, sa, kern = &p.a[i0*p.lda+pc], p.lda, ks.rs
			}
			for jp := jp0; jp < jp1; jp++ {
				j0 := jp * nr
				nrEff := min(nr, n-j0)
				var bPtr *T
				var sb int
				if p.transB {
					bp := w.b[(jp-jp0)*nr*kb : (jp-jp0+1)*nr*kb]
					bPtr, sb = &bp[0], nr
				} else {
					_ = p.b[(pc+kb-1)*p.ldb+j0+nrEff-1]
					bPtr, sb = &p.b[pc*p.ldb+j0], p.ldb
				}
				_ = p.c[(i0+mrEff-1)*p.ldc+j0+nrEff-1]
				kern(kb, aPtr, sa, bPtr, sb, &p.c[i0*p.ldc+j0], p.ldc, mrEff, nrEff, flags)
				if chk != nil {
					*done += 2 * mr * nr * kb
					if *done >= ks.checkFlops {
						*done = 0
						if !chk.call() {
							return
						}
					}
				}
			}
			if chk != nil && chk.stop.Load() {
				return
			}
		}
	}
}

// checker serialises Options.Check across workers and latches the first
// error.
type checker struct {
	fn   func() error
	mu   sync.Mutex
	err  error
	stop atomic.Bool
}

// call runs the check; false means stop.
func (c *checker) call() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		if err := c.fn(); err != nil {
			c.err = err
			c.stop.Store(true)
		}
	}
	return c.err == nil
}

// rowGroup is the most MR-row panels in one unit of work.
const rowGroup = 8

// balance splits total into ceil(total/limit) near-equal blocks and returns
// the block size rounded up to a multiple of unit.
func balance(total, limit, unit int) int {
	if total <= limit {
		return roundUp(total, unit)
	}
	nb := ceilDiv(total, limit)
	return roundUp(ceilDiv(total, nb), unit)
}

// blockRun is the state of one blocked multiply, pooled with its packing
// buffers so that a single-threaded call allocates nothing. Its phase
// functions are bound once, when the run state is created.
type blockRun[T float] struct {
	ks      *kernelSet[T]
	p       problem[T]
	a, b    []T // packed A block, packed B block
	chk     checker
	done    []int // done[8t]: flops worker t did since its last Check
	threads int

	// the current block
	jc, nb, pn, pc, kb, ic, mb, pm int
	acc, packBNow                  bool
	chunk, ig, ni, nj              int
	next                           atomic.Int64

	packFn, computeFn func(int)
}

var (
	runPool32 sync.Pool
	runPool64 sync.Pool
)

func getRun[T float]() *blockRun[T] {
	pool := &runPool32
	var z T
	if any(z) == any(float64(0)) {
		pool = &runPool64
	}
	r, _ := pool.Get().(*blockRun[T])
	if r == nil {
		r = &blockRun[T]{}
		r.packFn, r.computeFn = r.pack, r.compute
	}
	return r
}

func putRun[T float](r *blockRun[T]) {
	r.p = problem[T]{} // do not keep the caller's matrices alive
	r.chk.fn, r.chk.err = nil, nil
	r.ks = nil
	var z T
	if any(z) == any(float64(0)) {
		runPool64.Put(r)
	} else {
		runPool32.Put(r)
	}
}

func blocked[T float](ks *kernelSet[T], p problem[T], o Options, threads int) error {
	r := getRun[T]()
	defer putRun(r)
	mr, nr := ks.mr, ks.nr
	m, n, k := p.m, p.n, p.k
	kc := balance(k, ks.kc, 1)
	mc := balance(m, ks.mc, mr)
	nc := balance(n, ks.nc, nr)
	if cap(r.a) < mc*kc {
		r.a = alignedSlice[T](mc * kc)
	}
	if cap(r.b) < nc*kc {
		r.b = alignedSlice[T](nc * kc)
	}
	r.a, r.b = r.a[:mc*kc], r.b[:nc*kc]
	r.ks, r.p, r.threads = ks, p, threads
	r.chk.fn, r.chk.err = o.Check, nil
	r.chk.stop.Store(false)
	if o.Check != nil {
		if cap(r.done) < 8*threads {
			r.done = make([]int, 8*threads)
		}
		r.done = r.done[:8*threads]
		clear(r.done)
	}
	run := func(f func(int)) {
		r.next.Store(0)
		if threads == 1 {
			f(0)
		} else {
			parallel(threads, f)
		}
	}
	for r.jc = 0; r.jc < n; r.jc += nc {
		r.nb = min(nc, n-r.jc)
		r.pn = ceilDiv(r.nb, nr)
		for r.pc = 0; r.pc < k; r.pc += kc {
			r.kb = min(kc, k-r.pc)
			r.acc = p.acc || r.pc > 0
			// A unit of work is at most checkFlops, so that Check is
			// called on time: nc2 columns (or fewer) × up to rowGroup row
			// panels.
			tiles := max(1, ks.checkFlops/(2*mr*nr*r.kb))
			r.chunk = min(max(1, ks.nc2/nr), tiles)
			r.nj = ceilDiv(r.pn, r.chunk)
			for r.ic = 0; r.ic < m; r.ic += mc {
				r.mb = min(mc, m-r.ic)
				r.pm = ceilDiv(r.mb, mr)
				r.packBNow = r.ic == 0
				r.ig = max(1, min(ceilDiv(r.pm, 2*threads), rowGroup, tiles/r.chunk))
				r.ni = ceilDiv(r.pm, r.ig)
				run(r.packFn)
				run(r.computeFn)
				if r.chk.stop.Load() {
					return r.chk.err
				}
			}
		}
	}
	return nil
}

// pack is the packing phase of a block: A panels, then (first row block
// only) B panels, handed out one at a time.
func (r *blockRun[T]) pack(int) {
	mr, nr := r.ks.mr, r.ks.nr
	p := &r.p
	n := r.pm
	if r.packBNow {
		n += r.pn
	}
	for {
		u := int(r.next.Add(1) - 1)
		if u >= n {
			return
		}
		if u < r.pm {
			i0 := r.ic + u*mr
			packA(r.a[u*mr*r.kb:], p, i0, min(mr, p.m-i0), r.pc, r.kb, mr)
		} else {
			jp := u - r.pm
			j0 := r.jc + jp*nr
			packB(r.b[jp*nr*r.kb:], p, j0, min(nr, p.n-j0), r.pc, r.kb, nr)
		}
	}
}

// compute is the compute phase of a block: units of (a chunk of columns) ×
// (a group of row panels), column chunk major so that the workers share the
// chunk of B that their L2s hold; handed out dynamically, so that a worker
// the OS delays holds up no one.
func (r *blockRun[T]) compute(t int) {
	ks, p := r.ks, &r.p
	mr, nr, kb := ks.mr, ks.nr, r.kb
	for {
		u := int(r.next.Add(1) - 1)
		if u >= r.nj*r.ni || r.chk.stop.Load() {
			return
		}
		jq := u / r.ni * r.chunk
		je := min(jq+r.chunk, r.pn)
		i0 := u % r.ni * r.ig
		i1 := min(i0+r.ig, r.pm)
		for ip := i0; ip < i1; ip++ {
			ap := r.a[ip*mr*kb : (ip+1)*mr*kb]
			row := r.ic + ip*mr
			mrEff := min(mr, p.m-row)
			for jp := jq; jp < je; jp++ {
				col := r.jc + jp*nr
				ks.tile(kb, ap, r.b[jp*nr*kb:(jp+1)*nr*kb], p.c[row*p.ldc+col:], p.ldc, mrEff, min(nr, p.n-col), r.acc)
			}
		}
		if r.chk.fn != nil {
			d := &r.done[8*t]
			*d += 2 * mr * nr * kb * (je - jq) * (i1 - i0)
			if *d >= ks.checkFlops {
				*d = 0
				if !r.chk.call() {
					return
				}
			}
		}
	}
}
