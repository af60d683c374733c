package gemm

import (
	"os"
)

type float interface{ float32 | float64 }

// tileFunc computes the tile C[0:mrEff, 0:nrEff] (row stride ldc) from kb
// steps of packed panels a (mr per step) and b (nr per step); acc adds to C
// instead of overwriting it. 1 ≤ mrEff ≤ mr, 1 ≤ nrEff ≤ nr, kb ≥ 1.
type tileFunc[T float] func(kb int, a, b, c []T, ldc, mrEff, nrEff int, acc bool)

// directFunc is an unpacked AVX-512 microkernel (see kernels_amd64.go).
type directFunc[T float] func(k int, a *T, sa int, b *T, sb int, c *T, ldc int, mr int, nr int, flags int)

// kernelSet is one microkernel family for one element type, with its
// blocking.
type kernelSet[T float] struct {
	mr, nr int
	tile   tileFunc[T]

	// ss and rs, when set, run without packing (small problems): ss reads A
	// "k-step major" (a + p*sa + i), rs reads A row-major (a + i*lda + p);
	// both read B at b + p*sb + j with masked loads.
	ss, rs   directFunc[T]
	smallMax int // m·n·k at or below which the direct path runs
	// dot, when set, computes up to 4×4 dot products of rows of A and rows
	// of a transposed B (see dotPath).
	dot directFunc[T]
	// axpy, when set, is the gemv path's row kernel (see gemv.go).
	axpy func(c, b []T, ldb int, a []T)

	kc, mc, nc, nc2 int // blocking, see blockSizes
	checkFlops      int // flops between Check calls per worker
	minFlopsThread  int // flops per extra worker below which fewer run
}

type impl struct {
	name string
	s    kernelSet[float32]
	d    kernelSet[float64]
}

var (
	// impls lists the families this machine can run, best first.
	impls       []*impl
	defaultImpl *impl
)

func init() {
	caches := detectCaches()
	impls = machineImpls(caches)
	impls = append(impls, genericImpl(caches))
	defaultImpl = impls[0]
	if want := os.Getenv("HLOGATE_GEMM"); want != "" {
		if im := implByName(want); im != nil {
			defaultImpl = im
		}
	}
}

func implByName(name string) *impl {
	for _, im := range impls {
		if im.name == name {
			return im
		}
	}
	return nil
}

// cacheInfo holds data-cache sizes in bytes (per core for L1/L2, the
// shared last level for L3).
type cacheInfo struct{ l1, l2, l3 int }

var defaultCaches = cacheInfo{l1: 32 << 10, l2: 512 << 10, l3: 8 << 20}

func (c cacheInfo) sane() cacheInfo {
	if c.l1 < 16<<10 || c.l1 > 1<<20 {
		c.l1 = defaultCaches.l1
	}
	if c.l2 < 128<<10 || c.l2 > 64<<20 {
		c.l2 = defaultCaches.l2
	}
	if c.l3 < c.l2 || c.l3 > 1<<30 {
		c.l3 = max(defaultCaches.l3, 2*c.l2)
	}
	return c
}

// blockSizes derives the cache blocking for an mr×nr kernel on elements of
// es bytes:
//
//	kc:  the kc×mr A micro-panel takes half of L1d (the other half holds
//	     the B micro-panel lines streaming through and C's tile);
//	nc2: a worker's kc×nc2 chunk of packed B takes half of L2;
//	mc:  the packed mc×kc A block takes a quarter of L3;
//	nc:  the packed kc×nc B block takes a quarter of L3.
func blockSizes(c cacheInfo, mr, nr, es int) (kc, mc, nc, nc2 int) {
	kc = c.l1 / 2 / (mr * es)
	kc = max(128, min(512, kc/8*8))
	nc2 = c.l2 / 2 / (kc * es)
	nc2 = max(nr, min(4096, nc2/nr*nr))
	mc = c.l3 / 4 / (kc * es)
	mc = max(8*mr, min(8192, mc/mr*mr))
	nc = c.l3 / 4 / (kc * es)
	nc = max(nc2, min(8192, nc/nc2*nc2))
	return
}

func newKernelSet[T float](c cacheInfo, mr, nr int, tile tileFunc[T], gflops float64) kernelSet[T] {
	var z T
	es := 4
	if any(z) == any(float64(0)) {
		es = 8
	}
	ks := kernelSet[T]{mr: mr, nr: nr, tile: tile}
	ks.kc, ks.mc, ks.nc, ks.nc2 = blockSizes(c, mr, nr, es)
	// A worker calls Check once it has done checkFlops since its last
	// call, in units of at most checkFlops: every 0.25 to 0.5 ms of
	// arithmetic at the family's expected speed.
	ks.checkFlops = int(gflops * 1e9 * 0.25e-3)
	// Starting a worker costs a few µs; give each at least ~40 µs of work.
	ks.minFlopsThread = int(gflops * 1e9 * 40e-6)
	return ks
}

func genericImpl(c cacheInfo) *impl {
	return &impl{
		name: "generic",
		s:    newKernelSet[float32](c, 4, 4, tileGeneric[float32], 2),
		d:    newKernelSet[float64](c, 4, 4, tileGeneric[float64], 2),
	}
}

// flagsOf encodes a kernel's flags argument: bit 0 adds to C.
func flagsOf(acc bool) int {
	if acc {
		return 1
	}
	return 0
}
