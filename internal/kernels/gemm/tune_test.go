package gemm

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkTile measures one microkernel call on L1/L2-resident panels.
func BenchmarkTile(b *testing.B) {
	for _, im := range impls {
		ks := &im.s
		for _, kb := range []int{64, 256, 512} {
			b.Run(fmt.Sprintf("%s/kb=%d", im.name, kb), func(b *testing.B) {
				a := alignedSlice[float32](kb * ks.mr)
				bb := alignedSlice[float32](kb * ks.nr)
				c := make([]float32, ks.mr*ks.nr)
				for i := range a {
					a[i] = 1
				}
				for i := range bb {
					bb[i] = 1
				}
				for range b.N {
					ks.tile(kb, a, bb, c, ks.nr, ks.mr, ks.nr, true)
				}
				b.ReportMetric(2*float64(kb*ks.mr*ks.nr)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

// BenchmarkPack measures packing a 12×512 panel of A (transposing) and a
// 512×32 panel of B (copying) as the blocked path does.
func BenchmarkPack(b *testing.B) {
	n := 1024
	x := make([]float32, n*n)
	p := &problem[float32]{m: n, n: n, k: n, a: x, lda: n, b: x, ldb: n}
	dst := alignedSlice[float32](512 * 32)
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"A", func() { packA(dst, p, 0, 12, 0, 512, 12) }},
		{"AT", func() { p.transA = true; packA(dst, p, 0, 12, 0, 512, 12); p.transA = false }},
		{"B", func() { packB(dst, p, 0, 32, 0, 512, 32) }},
		{"BT", func() { p.transB = true; packB(dst, p, 0, 32, 0, 512, 32); p.transB = false }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for range b.N {
				tc.f()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(dst)), "ns/elem")
		})
	}
}

// BenchmarkTune runs the square f32 benchmark with blockings from
// HLOGATE_GEMM_TUNE, e.g. "kc=384,nc2=512;kc=512,nc2=256" (fields kc, mc,
// nc, nc2, small), for tuning by hand.
func BenchmarkTune(b *testing.B) {
	spec := os.Getenv("HLOGATE_GEMM_TUNE")
	if spec == "" {
		b.Skip("HLOGATE_GEMM_TUNE not set")
	}
	sizes := []int{256, 1024, 2048}
	if s := os.Getenv("HLOGATE_GEMM_TUNE_SIZES"); s != "" {
		sizes = nil
		for _, f := range strings.Split(s, ",") {
			n, _ := strconv.Atoi(f)
			sizes = append(sizes, n)
		}
	}
	threads := 1
	if s := os.Getenv("HLOGATE_GEMM_TUNE_THREADS"); s != "" {
		threads, _ = strconv.Atoi(s)
	}
	for _, cfg := range strings.Split(spec, ";") {
		im := *defaultImpl
		for _, kv := range strings.Split(cfg, ",") {
			k, v, _ := strings.Cut(kv, "=")
			x, _ := strconv.Atoi(v)
			switch k {
			case "kc":
				im.s.kc = x
			case "mc":
				im.s.mc = x
			case "nc":
				im.s.nc = x
			case "nc2":
				im.s.nc2 = x
			case "small":
				im.s.smallMax = x
			}
		}
		for _, n := range sizes {
			b.Run(fmt.Sprintf("%s/n=%d", cfg, n), func(b *testing.B) {
				benchSquare(b, n, Options{Threads: threads, impl: &im})
			})
		}
	}
}

// BenchmarkInterleaved times single calls of several configurations in
// turn and reports each one's fastest call (GFLOP/s) and median: on a
// shared machine the fastest call is the one that had the cores to itself.
// HLOGATE_GEMM_TUNE_SIZES picks sizes (default 256).
func BenchmarkInterleaved(b *testing.B) {
	sizes := []int{256}
	if s := os.Getenv("HLOGATE_GEMM_TUNE_SIZES"); s != "" {
		sizes = nil
		for _, f := range strings.Split(s, ",") {
			n, _ := strconv.Atoi(f)
			sizes = append(sizes, n)
		}
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			blockedOnly := *defaultImpl
			blockedOnly.s.smallMax = 0
			bigDirect := *defaultImpl
			bigDirect.s.smallMax = 1 << 40
			cfgs := []struct {
				name string
				o    Options
			}{
				{"default-1t", Options{Threads: 1}},
				{"default-2t", Options{Threads: 2}},
				{"blocked-1t", Options{Threads: 1, impl: &blockedOnly}},
				{"blocked-2t", Options{Threads: 2, impl: &blockedOnly}},
				{"direct-1t", Options{Threads: 1, impl: &bigDirect}},
				{"direct-2t", Options{Threads: 2, impl: &bigDirect}},
			}
			x := make([]float32, n*n)
			c := make([]float32, n*n)
			times := make([][]time.Duration, len(cfgs))
			for range b.N {
				for i, cf := range cfgs {
					t0 := time.Now()
					_ = SGEMM(n, n, n, x, n, x, n, c, n, cf.o)
					times[i] = append(times[i], time.Since(t0))
				}
			}
			fl := 2 * float64(n) * float64(n) * float64(n)
			for i, cf := range cfgs {
				ts := times[i]
				slices.Sort(ts)
				fmt.Printf("n=%d N=%d %-12s best %6.1f  median %6.1f GFLOP/s\n", n, b.N, cf.name, fl/ts[0].Seconds()/1e9, fl/ts[len(ts)/2].Seconds()/1e9)
			}
		})
	}
}
