package vmath

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// BenchmarkVMath runs every kernel of every family at 4096 elements (in
// L1/L2) and 16M elements (64 MiB per operand: memory bound). Gelem/s
// counts elements; GB/s counts the bytes read and written (4 per element
// per operand). HLOGATE_VMATH does not matter here: every family runs.
//
//	go test ./internal/kernels/vmath -run XXX -bench VMath
func BenchmarkVMath(b *testing.B) {
	for _, n := range []int{4096, 16 << 20} {
		rng := rand.New(rand.NewPCG(1, 2))
		x := make([]float32, n)
		y := make([]float32, n)
		z := make([]float32, n)
		pos := make([]float32, n)
		for i := range x {
			x[i] = float32(rng.NormFloat64() * 3)
			y[i] = float32(rng.NormFloat64())
			z[i] = float32(rng.NormFloat64())
			pos[i] = float32(math.Abs(rng.NormFloat64()*10)) + 1e-3
		}
		dst := make([]float32, n)
		for _, o := range ops {
			in := [][]float32{x, y, z}[:o.nin]
			if o.name == "Log" || o.name == "Sqrt" || o.name == "Rsqrt" {
				in = [][]float32{pos}
			}
			for _, im := range impls {
				b.Run(fmt.Sprintf("%s/n=%d/%s", o.name, n, im.name), func(b *testing.B) {
					if im.name == "generic" && n > 4096 && testing.Short() {
						b.Skip("slow")
					}
					for b.Loop() {
						o.run(im, dst, in, 1.5)
					}
					report(b, n, o.nin+1)
				})
			}
		}
		for _, r := range []struct {
			name string
			get  func(*impl) func([]float32) float32
		}{
			{"Sum", func(im *impl) func([]float32) float32 { return im.sum }},
			{"ReduceMax", func(im *impl) func([]float32) float32 { return im.maxR }},
			{"ReduceMin", func(im *impl) func([]float32) float32 { return im.minR }},
		} {
			for _, im := range impls {
				b.Run(fmt.Sprintf("%s/n=%d/%s", r.name, n, im.name), func(b *testing.B) {
					f := r.get(im)
					var s float32
					for b.Loop() {
						s += f(x)
					}
					sink = s
					report(b, n, 1)
				})
			}
		}
	}
}

var sink float32

func report(b *testing.B, n, operands int) {
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(n)*float64(b.N)/sec/1e9, "Gelem/s")
	b.ReportMetric(float64(n)*float64(b.N)*4*float64(operands)/sec/1e9, "GB/s")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkVMath64: the float64 kernels (Gelem/s; GB/s at 8 bytes per
// element per operand).
func BenchmarkVMath64(b *testing.B) {
	for _, n := range []int{4096, 16 << 20} {
		rng := rand.New(rand.NewPCG(1, 2))
		x, y, z, dst := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range x {
			x[i] = math.Abs(rng.NormFloat64()) + 0.5
			y[i] = rng.NormFloat64()
			z[i] = rng.NormFloat64()
		}
		for _, o := range ops64 {
			in := [][]float64{x, y, z}[:o.nin]
			for _, im := range impls {
				b.Run(fmt.Sprintf("%s/n=%d/%s", o.name, n, im.name), func(b *testing.B) {
					for b.Loop() {
						o.run(im, dst, in, 1.5)
					}
					report(b, n, 2*(o.nin+1))
				})
			}
		}
		for _, r := range []struct {
			name string
			get  func(*impl) func([]float64) float64
		}{
			{"Sum64", func(im *impl) func([]float64) float64 { return im.d.sum }},
			{"ReduceMax64", func(im *impl) func([]float64) float64 { return im.d.maxR }},
			{"ReduceMin64", func(im *impl) func([]float64) float64 { return im.d.minR }},
		} {
			for _, im := range impls {
				b.Run(fmt.Sprintf("%s/n=%d/%s", r.name, n, im.name), func(b *testing.B) {
					f := r.get(im)
					var s float64
					for b.Loop() {
						s += f(x)
					}
					sink = float32(s)
					report(b, n, 2)
				})
			}
		}
	}
}
