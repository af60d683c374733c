package plan

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/hlogate/hlogate/internal/exec"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

const n16M = 16 << 20

var benchLim = exec.Limits{MaxMemory: 8 << 30}

// benchPair runs src's @main through the plan and the reference executor;
// metric(elapsed per op) is reported under unit.
func benchPair(b *testing.B, src string, inputs []*tensor.Tensor, perOp float64, unit string) {
	m := parse(b, src)
	fn := m.Entry("")
	p, err := Compile(m, fn, Options{})
	if err != nil {
		b.Fatal(err)
	}
	run := map[string]func() error{
		"plan": func() error { _, _, err := p.Run(context.Background(), inputs, benchLim); return err },
		"ref":  func() error { _, _, err := exec.Run(context.Background(), m, fn, inputs, benchLim); return err },
	}
	for _, name := range []string{"plan", "ref"} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if err := run[name](); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(perOp*float64(b.N)/b.Elapsed().Seconds()/1e9, unit)
		})
	}
}

func randF32(n ...int64) *tensor.Tensor {
	return randTensor(rand.New(rand.NewPCG(uint64(len(n)), 3)), tensor.F32, n)
}

// BenchmarkFusedChain: relu(a*b+c) over 16 Mi f32 (GB/s of a, b, c, out).
func BenchmarkFusedChain(b *testing.B) {
	src := `func.func @main(%a: tensor<16777216xf32>, %b: tensor<16777216xf32>, %c: tensor<16777216xf32>) -> tensor<16777216xf32> {
  %z = stablehlo.constant dense<0.0> : tensor<16777216xf32>
  %m = stablehlo.multiply %a, %b : tensor<16777216xf32>
  %s = stablehlo.add %m, %c : tensor<16777216xf32>
  %r = stablehlo.maximum %s, %z : tensor<16777216xf32>
  func.return %r : tensor<16777216xf32>
}`
	in := []*tensor.Tensor{randF32(n16M), randF32(n16M), randF32(n16M)}
	benchPair(b, src, in, 16*n16M, "GB/s")
}

// BenchmarkSum: sum of 16 Mi f32 (GB/s read).
func BenchmarkSum(b *testing.B) {
	src := `func.func @main(%a: tensor<16777216xf32>) -> tensor<f32> {
  %z = stablehlo.constant dense<0.0> : tensor<f32>
  %r = stablehlo.reduce(%a init: %z) applies stablehlo.add across dimensions = [0] : (tensor<16777216xf32>, tensor<f32>) -> tensor<f32>
  func.return %r : tensor<f32>
}`
	benchPair(b, src, []*tensor.Tensor{randF32(n16M)}, 4*n16M, "GB/s")
}

// BenchmarkUnary: exp and tanh of 16 Mi f32 (Gelem/s; plain math.Exp /
// math.Tanh for now).
func BenchmarkUnary(b *testing.B) {
	for _, op := range []string{"exponential", "tanh"} {
		b.Run(op, func(b *testing.B) {
			src := fmt.Sprintf(`func.func @main(%%a: tensor<16777216xf32>) -> tensor<16777216xf32> {
  %%r = stablehlo.%s %%a : tensor<16777216xf32>
  func.return %%r : tensor<16777216xf32>
}`, op)
			benchPair(b, src, []*tensor.Tensor{randF32(n16M)}, n16M, "Gelem/s")
		})
	}
}

// BenchmarkMLP: batch 256, 784→512→512→10, relu, softmax (GFLOP/s of the
// three matmuls).
func BenchmarkMLP(b *testing.B) {
	src := `func.func @main(%x: tensor<256x784xf32>, %w1: tensor<784x512xf32>, %b1: tensor<512xf32>, %w2: tensor<512x512xf32>, %b2: tensor<512xf32>, %w3: tensor<512x10xf32>, %b3: tensor<10xf32>) -> tensor<256x10xf32> {
  %z = stablehlo.constant dense<0.0> : tensor<256x512xf32>
  %h1 = stablehlo.dot_general %x, %w1, contracting_dims = [1] x [0] : (tensor<256x784xf32>, tensor<784x512xf32>) -> tensor<256x512xf32>
  %bb1 = stablehlo.broadcast_in_dim %b1, dims = [1] : (tensor<512xf32>) -> tensor<256x512xf32>
  %a1 = stablehlo.add %h1, %bb1 : tensor<256x512xf32>
  %r1 = stablehlo.maximum %a1, %z : tensor<256x512xf32>
  %h2 = stablehlo.dot_general %r1, %w2, contracting_dims = [1] x [0] : (tensor<256x512xf32>, tensor<512x512xf32>) -> tensor<256x512xf32>
  %bb2 = stablehlo.broadcast_in_dim %b2, dims = [1] : (tensor<512xf32>) -> tensor<256x512xf32>
  %a2 = stablehlo.add %h2, %bb2 : tensor<256x512xf32>
  %r2 = stablehlo.maximum %a2, %z : tensor<256x512xf32>
  %h3 = stablehlo.dot_general %r2, %w3, contracting_dims = [1] x [0] : (tensor<256x512xf32>, tensor<512x10xf32>) -> tensor<256x10xf32>
  %bb3 = stablehlo.broadcast_in_dim %b3, dims = [1] : (tensor<10xf32>) -> tensor<256x10xf32>
  %l = stablehlo.add %h3, %bb3 : tensor<256x10xf32>
  %ninf = stablehlo.constant dense<0xFF800000> : tensor<f32>
  %mx = stablehlo.reduce(%l init: %ninf) applies stablehlo.maximum across dimensions = [1] : (tensor<256x10xf32>, tensor<f32>) -> tensor<256xf32>
  %mb = stablehlo.broadcast_in_dim %mx, dims = [0] : (tensor<256xf32>) -> tensor<256x10xf32>
  %sh = stablehlo.subtract %l, %mb : tensor<256x10xf32>
  %e = stablehlo.exponential %sh : tensor<256x10xf32>
  %zs = stablehlo.constant dense<0.0> : tensor<f32>
  %sm = stablehlo.reduce(%e init: %zs) applies stablehlo.add across dimensions = [1] : (tensor<256x10xf32>, tensor<f32>) -> tensor<256xf32>
  %sb = stablehlo.broadcast_in_dim %sm, dims = [0] : (tensor<256xf32>) -> tensor<256x10xf32>
  %y = stablehlo.divide %e, %sb : tensor<256x10xf32>
  func.return %y : tensor<256x10xf32>
}`
	in := []*tensor.Tensor{randF32(256, 784), randF32(784, 512), randF32(512), randF32(512, 512), randF32(512), randF32(512, 10), randF32(10)}
	flops := 2.0 * 256 * (784*512 + 512*512 + 512*10)
	benchPair(b, src, in, flops, "GFLOP/s")
}

var _ = ir.Print

// BenchmarkCompile: compile time of an n-op program (a chain of
// elementwise ops with a matmul every 16 ops and a fan-out every 7), to
// show it grows linearly with n.
func BenchmarkCompile(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		b.Run(fmt.Sprintf("ops=%d", n), func(b *testing.B) {
			var sb strings.Builder
			sb.WriteString("func.func @main(%a: tensor<8x8xf32>, %b: tensor<8x8xf32>) -> tensor<8x8xf32> {\n")
			prev, side := "%a", "%b"
			for i := 0; i < n; i++ {
				v := fmt.Sprintf("%%v%d", i)
				switch {
				case i%16 == 15:
					fmt.Fprintf(&sb, "  %s = stablehlo.dot_general %s, %s, contracting_dims = [1] x [0] : (tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<8x8xf32>\n", v, prev, side)
				case i%7 == 6:
					fmt.Fprintf(&sb, "  %s = stablehlo.tanh %s : tensor<8x8xf32>\n", v, prev)
					side = v
				default:
					fmt.Fprintf(&sb, "  %s = stablehlo.add %s, %s : tensor<8x8xf32>\n", v, prev, side)
				}
				prev = v
			}
			fmt.Fprintf(&sb, "  func.return %s : tensor<8x8xf32>\n}\n", prev)
			m := parse(b, sb.String())
			fn := m.Entry("")
			for b.Loop() {
				if _, err := Compile(m, fn, Options{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/op-compiled")
		})
	}
}

// BenchmarkTinyCall: per-call overhead of a tiny program (x·W + b, relu on
// 1×4 by 4×3): the fixed cost of Run.
func BenchmarkTinyCall(b *testing.B) {
	m := parse(b, `func.func @main(%x: tensor<1x4xf32>, %w: tensor<4x3xf32>, %b: tensor<3xf32>) -> tensor<1x3xf32> {
  %d = stablehlo.dot_general %x, %w, contracting_dims = [1] x [0] : (tensor<1x4xf32>, tensor<4x3xf32>) -> tensor<1x3xf32>
  %bb = stablehlo.broadcast_in_dim %b, dims = [1] : (tensor<3xf32>) -> tensor<1x3xf32>
  %s = stablehlo.add %d, %bb : tensor<1x3xf32>
  %z = stablehlo.constant dense<0.0> : tensor<1x3xf32>
  %r = stablehlo.maximum %s, %z : tensor<1x3xf32>
  func.return %r : tensor<1x3xf32>
}`)
	p, err := Compile(m, m.Entry(""), Options{})
	if err != nil {
		b.Fatal(err)
	}
	in := []*tensor.Tensor{randF32(1, 4), randF32(4, 3), randF32(3)}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := p.Run(ctx, in, benchLim); err != nil {
			b.Fatal(err)
		}
	}
}
