package gemm

import (
	"fmt"
	"os"
	"strconv"
	"testing"
)

// BenchmarkSGEMM: square f32 C = A·B (row-major, no transposition) at 1
// and 2 threads; GFLOP/s counts 2·n³ flops. HLOGATE_GEMM selects the
// kernel family.
func BenchmarkSGEMM(b *testing.B) {
	for _, n := range []int{64, 256, 1024, 2048} {
		for _, th := range []int{1, 2} {
			b.Run(fmt.Sprintf("n=%d/threads=%d", n, th), func(b *testing.B) {
				benchSquare(b, n, Options{Threads: th})
			})
		}
	}
}

// BenchmarkSGEMMTransB is dot_general's [cross, contracting] right operand.
func BenchmarkSGEMMTransB(b *testing.B) {
	for _, n := range []int{64, 256, 1024} {
		b.Run(fmt.Sprintf("n=%d/threads=1", n), func(b *testing.B) {
			benchSquare(b, n, Options{Threads: 1, TransB: true})
		})
	}
}

func BenchmarkDGEMM(b *testing.B) {
	for _, n := range []int{64, 256, 1024} {
		for _, th := range []int{1, 2} {
			b.Run(fmt.Sprintf("n=%d/threads=%d", n, th), func(b *testing.B) {
				x := make([]float64, n*n)
				for i := range x {
					x[i] = float64(i%7) - 3
				}
				c := make([]float64, n*n)
				o := Options{Threads: th}
				b.ResetTimer()
				for range b.N {
					if err := DGEMM(n, n, n, x, n, x, n, c, n, o); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(2*float64(n)*float64(n)*float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

func benchSquare(b *testing.B, n int, o Options) {
	x := make([]float32, n*n)
	y := make([]float32, n*n)
	for i := range x {
		x[i] = float32(i%7) - 3
		y[i] = float32(i%5) - 2
	}
	c := make([]float32, n*n)
	if err := SGEMM(n, n, n, x, n, y, n, c, n, o); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := SGEMM(n, n, n, x, n, y, n, c, n, o); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(2*float64(n)*float64(n)*float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkShapes covers non-square layouts: matrix-vector products (with
// dot_general's [N, K] weights, TransB), tall and skinny, and attention-like
// batches of small products.
func BenchmarkShapes(b *testing.B) {
	if s := os.Getenv("HLOGATE_GEMM_GEMVKC"); s != "" {
		gemvKC, _ = strconv.Atoi(s)
	}
	for _, s := range []struct {
		m, n, k int
		tb      bool
	}{
		{1, 4096, 4096, false}, {1, 4096, 4096, true}, {8, 1024, 1024, true},
		{1000, 3, 1000, false}, {3, 1000, 1000, false}, {256, 512, 784, false}, {128, 128, 64, true},
	} {
		b.Run(fmt.Sprintf("%dx%dx%d/transB=%v", s.m, s.n, s.k, s.tb), func(b *testing.B) {
			a := make([]float32, s.m*s.k)
			w := make([]float32, s.k*s.n)
			c := make([]float32, s.m*s.n)
			ldb := s.n
			if s.tb {
				ldb = s.k
			}
			o := Options{Threads: 1, TransB: s.tb}
			b.ResetTimer()
			for range b.N {
				if err := SGEMM(s.m, s.n, s.k, a, s.k, w, ldb, c, s.n, o); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(2*float64(s.m)*float64(s.n)*float64(s.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkTiny is the per-call overhead.
func BenchmarkTiny(b *testing.B) {
	for _, n := range []int{1, 4, 16} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			x := make([]float32, n*n)
			c := make([]float32, n*n)
			for range b.N {
				_ = SGEMM(n, n, n, x, n, x, n, c, n, Options{})
			}
		})
	}
}
