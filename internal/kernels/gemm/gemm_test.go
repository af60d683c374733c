package gemm

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"
)

// mat is a stored matrix inside a guarded backing array: the slice handed
// to GEMM has exactly the length its shape needs, and guard elements around
// it (and in the gaps of a leading dimension larger than the row) hold a
// sentinel that must never be read into a result nor overwritten.
type mat[T float] struct {
	rows, cols, ld int
	back           []T
	off, n         int
}

const guard = 37

func newMat[T float](rng *rand.Rand, rows, cols, ld int, sentinel T) *mat[T] {
	n := 0
	if rows > 0 && cols > 0 {
		n = (rows-1)*ld + cols
	}
	mt := &mat[T]{rows: rows, cols: cols, ld: ld, back: make([]T, n+2*guard), off: guard, n: n}
	for i := range mt.back {
		mt.back[i] = sentinel
	}
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			mt.back[guard+i*ld+j] = T(rng.Float64()*2 - 1)
		}
	}
	return mt
}

func (mt *mat[T]) s() []T { return mt.back[mt.off : mt.off+mt.n : mt.off+mt.n] }

func (mt *mat[T]) at(i, j int) T { return mt.back[mt.off+i*mt.ld+j] }

// inside reports whether backing index x is an element of the matrix.
func (mt *mat[T]) inside(x int) bool {
	x -= mt.off
	if x < 0 || x >= mt.n {
		return false
	}
	return x%mt.ld < mt.cols
}

type shape struct {
	m, n, k          int
	transA, transB   bool
	padA, padB, padC int
}

func (s shape) String() string {
	return fmt.Sprintf("%dx%dx%d_tA%v_tB%v_pad%d,%d,%d", s.m, s.n, s.k, s.transA, s.transB, s.padA, s.padB, s.padC)
}

func eps[T float]() float64 {
	var z T
	if any(z) == any(float32(0)) {
		return 0x1p-24
	}
	return 0x1p-53
}

// runCase multiplies with the given kernel family and compares with a
// float64 triple loop; tolerance (k+4)·u·Σ|a||b| per element.
func runCase[T float](t *testing.T, im *impl, s shape, acc bool, threads int, seed uint64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	sent := T(math.NaN())
	ar, ac := s.m, s.k
	if s.transA {
		ar, ac = s.k, s.m
	}
	br, bc := s.k, s.n
	if s.transB {
		br, bc = s.n, s.k
	}
	A := newMat[T](rng, ar, ac, ac+s.padA, sent)
	B := newMat[T](rng, br, bc, bc+s.padB, sent)
	C := newMat[T](rng, s.m, s.n, s.n+s.padC, T(12345))
	c0 := append([]T(nil), C.back...)
	aAt := func(i, p int) float64 {
		if s.transA {
			return float64(A.at(p, i))
		}
		return float64(A.at(i, p))
	}
	bAt := func(p, j int) float64 {
		if s.transB {
			return float64(B.at(j, p))
		}
		return float64(B.at(p, j))
	}
	o := Options{TransA: s.transA, TransB: s.transB, Accumulate: acc, Threads: threads, impl: im}
	var err error
	switch any(A.back).(type) {
	case []float32:
		err = SGEMM(s.m, s.n, s.k, any(A.s()).([]float32), A.ld, any(B.s()).([]float32), B.ld, any(C.s()).([]float32), C.ld, o)
	case []float64:
		err = DGEMM(s.m, s.n, s.k, any(A.s()).([]float64), A.ld, any(B.s()).([]float64), B.ld, any(C.s()).([]float64), C.ld, o)
	}
	if err != nil {
		t.Fatalf("%s %v: %v", im.name, s, err)
	}
	u := eps[T]()
	bad := 0
	for x := range C.back {
		if !C.inside(x) && C.back[x] != c0[x] {
			t.Fatalf("%s %v: element %d outside C changed from %v to %v", im.name, s, x-C.off, c0[x], C.back[x])
		}
	}
	for i := 0; i < s.m; i++ {
		for j := 0; j < s.n; j++ {
			var ref, mag float64
			for p := 0; p < s.k; p++ {
				x := aAt(i, p) * bAt(p, j)
				ref += x
				mag += math.Abs(x)
			}
			if acc {
				old := float64(c0[C.off+i*C.ld+j])
				ref += old
				mag += math.Abs(old)
			}
			got := float64(C.at(i, j))
			tol := float64(s.k+4)*u*mag + 1e-30
			if !(math.Abs(got-ref) <= tol) {
				if bad++; bad < 5 {
					t.Errorf("%s %v acc=%v threads=%d: C[%d,%d] = %v, want %v (tol %g)", im.name, s, acc, threads, i, j, got, ref, tol)
				}
			}
		}
	}
	if bad > 0 {
		t.Fatalf("%s %v: %d wrong elements", im.name, s, bad)
	}
}

func testShapes() []shape {
	dims := [][3]int{
		{1, 1, 1}, {0, 5, 3}, {5, 0, 3}, {5, 3, 0}, {0, 0, 0}, {2, 3, 5}, {7, 11, 13},
		{12, 32, 1}, {13, 33, 7}, {11, 31, 64}, {17, 33, 65}, {64, 64, 64}, {1, 100, 37},
		{100, 1, 37}, {37, 100, 1}, {3, 1000, 5}, {31, 29, 300}, {97, 89, 513}, {200, 50, 1100},
		{1, 37, 129}, {5, 9, 200}, {16, 33, 1000}, {4, 4, 128}, {13, 7, 143}, {1, 300, 4000},
		{256, 256, 256}, {1000, 3, 1000}, {3, 1000, 1000}, {130, 130, 130},
		{2, 777, 33}, {4, 4100, 9}, {1, 64, 1}, {1, 2048, 300}, // gemv path (m ≤ 4, n ≥ 64)
	}
	var out []shape
	for i, d := range dims {
		for tc := 0; tc < 4; tc++ {
			s := shape{m: d[0], n: d[1], k: d[2], transA: tc&1 != 0, transB: tc&2 != 0}
			if (i+tc)%3 == 1 {
				s.padA, s.padB, s.padC = 3, 17, 5
			}
			out = append(out, s)
		}
	}
	return out
}

func TestSGEMMShapes(t *testing.T) {
	for _, im := range impls {
		t.Run(im.name, func(t *testing.T) {
			for i, s := range testShapes() {
				if testing.Short() && s.m*s.n*s.k > 1<<22 {
					continue
				}
				runCase[float32](t, im, s, i%2 == 1, 1+i%3, uint64(i))
			}
		})
	}
}

func TestDGEMMShapes(t *testing.T) {
	for _, im := range impls {
		t.Run(im.name, func(t *testing.T) {
			for i, s := range testShapes() {
				if testing.Short() && s.m*s.n*s.k > 1<<22 {
					continue
				}
				runCase[float64](t, im, s, i%2 == 0, 1+i%3, uint64(i)+100)
			}
		})
	}
}

// TestBlocked exercises several k, m and n blocks and thread grids by
// shrinking the blocking of a copy of each family.
func TestBlocked(t *testing.T) {
	for _, im := range impls {
		small := *im
		small.s.kc, small.s.mc, small.s.nc, small.s.nc2 = 24, 3*im.s.mr, 2*im.s.nr, im.s.nr
		small.d.kc, small.d.mc, small.d.nc, small.d.nc2 = 24, 3*im.d.mr, 2*im.d.nr, im.d.nr
		small.s.smallMax, small.d.smallMax = 0, 0
		small.s.minFlopsThread, small.d.minFlopsThread = 1, 1
		t.Run(im.name, func(t *testing.T) {
			for i, s := range []shape{
				{m: 100, n: 150, k: 77}, {m: 37, n: 200, k: 49, transA: true}, {m: 61, n: 67, k: 100, transB: true, padC: 3},
				{m: 150, n: 40, k: 50, transA: true, transB: true, padA: 1, padB: 2},
			} {
				for threads := 1; threads <= 4; threads++ {
					runCase[float32](t, &small, s, i%2 == 0, threads, uint64(i))
					runCase[float64](t, &small, s, i%2 == 1, threads, uint64(i))
				}
			}
		})
	}
}

// TestDirectThreads runs the unpacked path on several workers.
func TestDirectThreads(t *testing.T) {
	for _, im := range impls {
		if im.s.ss == nil {
			continue
		}
		cp := *im
		cp.s.minFlopsThread, cp.d.minFlopsThread = 1, 1
		for i, s := range []shape{
			{m: 50, n: 100, k: 30}, {m: 37, n: 20, k: 49, transA: true}, {m: 61, n: 67, k: 100, transB: true, padC: 3},
			{m: 150, n: 40, k: 50, transA: true, transB: true, padA: 1, padB: 2}, {m: 5, n: 300, k: 7, transB: true},
			{m: 7, n: 50, k: 300, transB: true, padA: 3, padB: 1, padC: 2}, {m: 1, n: 9, k: 129, transB: true},
		} {
			for threads := 2; threads <= 5; threads++ {
				runCase[float32](t, &cp, s, i%2 == 0, threads, uint64(i))
				runCase[float64](t, &cp, s, i%2 == 1, threads, uint64(i))
			}
		}
	}
}

// TestBlockedReal runs the blocked path with each family's real blocking:
// more than one k block, and 4-KiB-aliased rows (which keep the direct path
// away).
func TestBlockedReal(t *testing.T) {
	for _, im := range impls {
		for i, s := range []shape{
			{m: 64, n: 1024, k: 300}, {m: 30, n: 1024, k: 200, transA: true, padC: 3},
			{m: 130, n: 100, k: 2048, transB: true}, {m: 520, n: 530, k: 540, transA: true, transB: true},
		} {
			if testing.Short() && i == 3 {
				continue
			}
			runCase[float32](t, im, s, i%2 == 1, 2, uint64(i))
			runCase[float64](t, im, s, i%2 == 0, 2, uint64(i))
		}
	}
}

func TestNaNInf(t *testing.T) {
	inf := float32(math.Inf(1))
	nan := float32(math.NaN())
	for _, im := range impls {
		for _, n := range []int{5, 40, 300} { // direct and blocked paths
			m, k := n, n
			a := make([]float32, m*k)
			b := make([]float32, k*n)
			for i := range a {
				a[i] = 1
			}
			for i := range b {
				b[i] = 1
			}
			a[1*k+2] = nan // row 1 is NaN everywhere
			a[3*k+0] = inf // row 3: +Inf unless a NaN/−Inf product joins
			b[0*n+4] = -1  // column 4 of row 3: Inf·(−1) = −Inf, plus finite: −Inf
			b[0*n+2] = 0   // column 2 of row 3: Inf·0 = NaN
			c := make([]float32, m*n)
			for i := range c {
				c[i] = nan // must be overwritten, not read
			}
			if err := SGEMM(m, n, k, a, k, b, n, c, n, Options{impl: im}); err != nil {
				t.Fatal(err)
			}
			for j := 0; j < n; j++ {
				if !math.IsNaN(float64(c[1*n+j])) {
					t.Errorf("%s n=%d: C[1,%d] = %v, want NaN", im.name, n, j, c[1*n+j])
				}
			}
			want3 := func(j int) float64 {
				switch j {
				case 4:
					return math.Inf(-1)
				case 2:
					return math.NaN()
				}
				return math.Inf(1)
			}
			for j := 0; j < n; j++ {
				got, want := float64(c[3*n+j]), want3(j)
				if !(got == want || math.IsNaN(got) && math.IsNaN(want)) {
					t.Errorf("%s n=%d: C[3,%d] = %v, want %v", im.name, n, j, got, want)
				}
			}
			if got := c[0]; got != float32(k) {
				t.Errorf("%s n=%d: C[0,0] = %v, want %d", im.name, n, got, k)
			}
		}
	}
}

func TestArgs(t *testing.T) {
	a := make([]float32, 12)
	cases := []struct {
		m, n, k, lda, ldb, ldc int
		la, lb, lc             int
		o                      Options
	}{
		{-1, 2, 2, 2, 2, 2, 12, 12, 12, Options{}},
		{3, 3, 3, 2, 3, 3, 12, 12, 12, Options{}},             // lda < k
		{3, 3, 4, 4, 3, 3, 11, 12, 12, Options{}},             // A too short
		{4, 3, 3, 3, 3, 3, 12, 9, 11, Options{}},              // C too short
		{3, 4, 3, 3, 2, 4, 12, 12, 12, Options{TransB: true}}, // ldb < k
		{math.MaxInt >> 20, math.MaxInt >> 20, 1, 1, math.MaxInt >> 20, math.MaxInt >> 20, 12, 12, 12, Options{}},
	}
	for i, c := range cases {
		err := SGEMM(c.m, c.n, c.k, a[:c.la], c.lda, a[:c.lb], c.ldb, a[:c.lc], c.ldc, c.o)
		if !errors.Is(err, ErrArgs) {
			t.Errorf("case %d: err = %v, want ErrArgs", i, err)
		}
	}
	// Empty problems with empty slices are fine.
	if err := SGEMM(0, 0, 0, nil, 0, nil, 0, nil, 0, Options{}); err != nil {
		t.Error(err)
	}
	if err := SGEMM(2, 2, 0, nil, 0, nil, 2, []float32{1, 2, 3, 4}, 2, Options{}); err != nil {
		t.Error(err)
	}
}

func TestCheck(t *testing.T) {
	for _, im := range impls {
		for _, d := range [][4]int{{512, 512, 512, 0}, {1, 16384, 4096, 0}, {4096, 20, 2048, 0}, {16, 8192, 4096, 1}} {
			m, n, k := d[0], d[1], d[2]
			if im.name == "generic" {
				m, n, k = max(1, m/2), max(1, n/2), max(1, k/2)
			}
			ldb := n
			if d[3] == 1 {
				ldb = k
			}
			a := make([]float32, m*k)
			b := make([]float32, k*n)
			c := make([]float32, m*n)
			var calls, inside atomic.Int32
			stop := errors.New("stop")
			o := Options{impl: im, Threads: 4, TransB: d[3] == 1, Check: func() error {
				if inside.Add(1) != 1 {
					t.Error("Check called concurrently")
				}
				defer inside.Add(-1)
				time.Sleep(200 * time.Microsecond) // long enough for an overlap to show
				if calls.Add(1) == 3 {
					return stop
				}
				return nil
			}}
			if err := SGEMM(m, n, k, a, k, b, ldb, c, n, o); err != stop {
				t.Errorf("%s %v: err = %v, want stop (after %d calls)", im.name, d, err, calls.Load())
			}
			calls.Store(0)
			o.Check = func() error { calls.Add(1); return nil }
			if err := SGEMM(m, n, k, a, k, b, ldb, c, n, o); err != nil {
				t.Fatal(err)
			}
			// At least 2mnk flops are done, by 4 workers, each calling
			// Check at least once per 2·checkFlops of its work.
			if want := int32(m*n*k/im.s.checkFlops - 4); calls.Load() < want || calls.Load() < 3 {
				t.Errorf("%s %v: %d Check calls for %d flops, want ≥ %d", im.name, d, calls.Load(), 2*m*n*k, max(want, 3))
			}
		}
	}
}

// TestPathsAgree compares every family with the generic one on random
// shapes (FuzzSGEMM does the same under the fuzzer).
func TestPathsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200; i++ {
		comparePaths(t, rng.Uint64(), uint8(rng.IntN(80)), uint8(rng.IntN(80)), uint8(rng.IntN(80)), uint8(rng.IntN(256)))
	}
}

func comparePaths(t *testing.T, seed uint64, m8, n8, k8, flags uint8) {
	m, n, k := int(m8)%100, int(n8)%100, int(k8)%100
	s := shape{m: m, n: n, k: k, transA: flags&1 != 0, transB: flags&2 != 0}
	if flags&4 != 0 {
		s.padA, s.padB, s.padC = int(flags>>4)&3, int(flags>>5)&7, int(flags>>3)&1
	}
	acc := flags&8 != 0
	rng := rand.New(rand.NewPCG(seed, 3))
	ar, ac := s.m, s.k
	if s.transA {
		ar, ac = s.k, s.m
	}
	br, bc := s.k, s.n
	if s.transB {
		br, bc = s.n, s.k
	}
	A := newMat[float32](rng, ar, ac, ac+s.padA, 0)
	B := newMat[float32](rng, br, bc, bc+s.padB, 0)
	C := newMat[float32](rng, s.m, s.n, s.n+s.padC, 3)
	var ref []float32
	for _, im := range append([]*impl{impls[len(impls)-1]}, impls[:len(impls)-1]...) {
		c := append([]float32(nil), C.back...)
		if seed&8 != 0 { // split even small problems between workers
			cp := *im
			cp.s.minFlopsThread = 1
			im = &cp
		}
		o := Options{TransA: s.transA, TransB: s.transB, Accumulate: acc, impl: im, Threads: 1 + int(seed%3)}
		if err := SGEMM(m, n, k, A.s(), A.ld, B.s(), B.ld, c[C.off:C.off+C.n:C.off+C.n], C.ld, o); err != nil {
			t.Fatal(err)
		}
		if ref == nil {
			ref = c
			continue
		}
		for x := range c {
			d := math.Abs(float64(c[x] - ref[x]))
			if !(d <= float64(k+4)*0x1p-23*(float64(k)+4)) {
				t.Fatalf("%s vs generic %v acc=%v: element %d: %v vs %v", im.name, s, acc, x, c[x], ref[x])
			}
		}
	}
}

func FuzzSGEMM(f *testing.F) {
	f.Add(uint64(1), uint8(1), uint8(1), uint8(1), uint8(0))
	f.Add(uint64(2), uint8(13), uint8(33), uint8(7), uint8(0xff))
	f.Add(uint64(3), uint8(64), uint8(64), uint8(64), uint8(3))
	f.Fuzz(func(t *testing.T, seed uint64, m, n, k, flags uint8) {
		comparePaths(t, seed, m, n, k, flags)
	})
}

func TestKernelName(t *testing.T) {
	t.Logf("kernel=%s caches=%+v", Kernel(), detectCaches())
	for _, im := range impls {
		t.Logf("%s f32: mr=%d nr=%d kc=%d mc=%d nc=%d nc2=%d; f64: mr=%d nr=%d kc=%d mc=%d nc=%d nc2=%d", im.name,
			im.s.mr, im.s.nr, im.s.kc, im.s.mc, im.s.nc, im.s.nc2, im.d.mr, im.d.nr, im.d.kc, im.d.mc, im.d.nc, im.d.nc2)
	}
}

func TestSmallNoAlloc(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items under the race detector")
	}
	for _, im := range impls {
		for _, n := range []int{1, 13, 50, 64} {
			for _, tb := range []bool{false, true} {
				a := make([]float32, n*n)
				c := make([]float32, n*n)
				o := Options{TransB: tb, impl: im}
				_ = SGEMM(n, n, n, a, n, a, n, c, n, o)
				if got := testing.AllocsPerRun(100, func() { _ = SGEMM(n, n, n, a, n, a, n, c, n, o) }); got != 0 {
					t.Errorf("%s n=%d transB=%v: %v allocations per small call", im.name, n, tb, got)
				}
			}
		}
	}
}
