package exec_test

import (
	"context"
	"testing"

	"github.com/hlogate/hlogate/internal/exec"
	"github.com/hlogate/hlogate/internal/mlir"
	"github.com/hlogate/hlogate/tensor"
)

// Metering overhead: the same benign programs with the meters on (as
// always in production) and off. Compare ns/op of the pairs.

const chainSrc = `func.func @main(%a: tensor<1048576xf32>, %b: tensor<1048576xf32>) -> tensor<1048576xf32> {
  %0 = stablehlo.multiply %a, %b : tensor<1048576xf32>
  %1 = stablehlo.add %0, %a : tensor<1048576xf32>
  %2 = stablehlo.maximum %1, %b : tensor<1048576xf32>
  %3 = stablehlo.subtract %2, %0 : tensor<1048576xf32>
  func.return %3 : tensor<1048576xf32>
}`

const loopSrc = `func.func @main() -> tensor<i64> {
  %c0 = stablehlo.constant dense<0> : tensor<i64>
  %c1 = stablehlo.constant dense<1> : tensor<i64>
  %n = stablehlo.constant dense<1000000> : tensor<i64>
  %r:2 = stablehlo.while(%i = %c0, %s = %c0) : tensor<i64>, tensor<i64>
  cond {
    %t = stablehlo.compare LT, %i, %n : (tensor<i64>, tensor<i64>) -> tensor<i1>
    stablehlo.return %t : tensor<i1>
  } do {
    %k = stablehlo.add %i, %c1 : tensor<i64>
    %u = stablehlo.add %s, %i : tensor<i64>
    stablehlo.return %k, %u : tensor<i64>, tensor<i64>
  }
  func.return %r#1 : tensor<i64>
}`

func benchInputs(b *testing.B, n int64) []*tensor.Tensor {
	var out []*tensor.Tensor
	for range 2 {
		t, err := tensor.New(tensor.F32, []int64{n}, 1<<30)
		if err != nil {
			b.Fatal(err)
		}
		for i := int64(0); i < n; i++ {
			t.SetFloat64(i, float64(i%97)*0.5)
		}
		out = append(out, t)
	}
	return out
}

func benchRun(b *testing.B, src string, n int64, metered bool) {
	m, err := mlir.ParseModule(src, mlir.Limits{})
	if err != nil {
		b.Fatal(err)
	}
	fn := m.Entry("")
	var in []*tensor.Tensor
	if n > 0 {
		in = benchInputs(b, n)
	}
	b.ResetTimer()
	for b.Loop() {
		if metered {
			_, _, err = exec.Run(context.Background(), m, fn, in, exec.Limits{MaxMemory: 1 << 40, MaxSteps: 1 << 40})
		} else {
			_, err = exec.RunUnmetered(m, fn, in)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkChain1MMetered(b *testing.B)   { benchRun(b, chainSrc, 1<<20, true) }
func BenchmarkChain1MUnmetered(b *testing.B) { benchRun(b, chainSrc, 1<<20, false) }
func BenchmarkLoop1MMetered(b *testing.B)    { benchRun(b, loopSrc, 0, true) }
func BenchmarkLoop1MUnmetered(b *testing.B)  { benchRun(b, loopSrc, 0, false) }
