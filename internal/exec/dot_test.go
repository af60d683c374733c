package exec_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/exec"
	"github.com/hlogate/hlogate/internal/mlir"
	"github.com/hlogate/hlogate/tensor"
)

// Tests of the linear-algebra kernels: dot.go, conv.go, linalg.go, rng.go,
// chlo_linalg.go and quant.go. Expected values are worked out by hand (or
// taken from the spec's examples).

// linRun parses src and runs its @main without inputs.
func linRun(t *testing.T, src string) ([]*tensor.Tensor, error) {
	t.Helper()
	m, err := mlir.ParseModule(src, mlir.Limits{})
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, src)
	}
	out, _, err := exec.Run(context.Background(), m, m.Entry(""), nil, exec.Limits{})
	return out, err
}

// linMust runs src and fails the test on an error.
func linMust(t *testing.T, src string) []*tensor.Tensor {
	t.Helper()
	out, err := linRun(t, src)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, src)
	}
	return out
}

// linWant compares a tensor's shape and values (reals, or complex given
// as pairs re, im) with a tolerance relative to 1.
func linWant(t *testing.T, name string, got *tensor.Tensor, shape []int64, want []float64, tol float64) {
	t.Helper()
	if fmt.Sprint(got.Shape) != fmt.Sprint(shape) {
		t.Fatalf("%s: shape %v, want %v", name, got.Shape, shape)
	}
	n := got.NumElements()
	cplx := got.DType.IsComplex()
	if cplx && int64(len(want)) != 2*n || !cplx && int64(len(want)) != n {
		t.Fatalf("%s: %d elements, want list has %d", name, n, len(want))
	}
	for i := int64(0); i < n; i++ {
		var g []float64
		var w []float64
		switch {
		case cplx:
			c := got.Complex128(i)
			g, w = []float64{real(c), imag(c)}, want[2*i:2*i+2]
		case got.DType.IsFloat():
			g, w = []float64{got.Float64(i)}, want[i:i+1]
		default:
			g, w = []float64{float64(got.Int64(i))}, want[i:i+1]
		}
		for k := range g {
			same := g[k] == w[k] || math.IsNaN(g[k]) && math.IsNaN(w[k])
			if !same && !(math.Abs(g[k]-w[k]) <= tol) {
				t.Errorf("%s: element %d = %v, want %v", name, i, g, w)
				break
			}
		}
	}
}

func TestDotGeneral(t *testing.T) {
	out := linMust(t, `func.func @main() -> tensor<2x2xf32> {
  %a = stablehlo.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %b = stablehlo.constant dense<[[5.0, 6.0], [7.0, 8.0]]> : tensor<2x2xf32>
  %r = stablehlo.dot_general %a, %b, contracting_dims = [1] x [0] : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  return %r : tensor<2x2xf32>
}`)
	linWant(t, "matmul", out[0], []int64{2, 2}, []float64{19, 22, 43, 50}, 0)

	// The spec's example: batched identity multiplication.
	out = linMust(t, `func.func @main() -> tensor<2x2x2xi64> {
  %a = stablehlo.constant dense<[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]> : tensor<2x2x2xi64>
  %b = stablehlo.constant dense<[[[1, 0], [0, 1]], [[1, 0], [0, 1]]]> : tensor<2x2x2xi64>
  %r = "stablehlo.dot_general"(%a, %b) {dot_dimension_numbers = #stablehlo.dot<lhs_batching_dimensions = [0], rhs_batching_dimensions = [0], lhs_contracting_dimensions = [2], rhs_contracting_dimensions = [1]>} : (tensor<2x2x2xi64>, tensor<2x2x2xi64>) -> tensor<2x2x2xi64>
  return %r : tensor<2x2x2xi64>
}`)
	linWant(t, "batched", out[0], []int64{2, 2, 2}, []float64{1, 2, 3, 4, 5, 6, 7, 8}, 0)

	// Batch and free dimensions in unusual positions: lhs [k, b, m] with
	// rhs [n, k, b] gives [b, m, n].
	out = linMust(t, `func.func @main() -> tensor<2x1x2xi32> {
  %a = stablehlo.constant dense<[[[1], [2]], [[3], [4]]]> : tensor<2x2x1xi32>
  %b = stablehlo.constant dense<[[[1, 10], [100, 1000]], [[2, 20], [200, 2000]]]> : tensor<2x2x2xi32>
  %r = "stablehlo.dot_general"(%a, %b) {dot_dimension_numbers = #stablehlo.dot<lhs_batching_dimensions = [1], rhs_batching_dimensions = [2], lhs_contracting_dimensions = [0], rhs_contracting_dimensions = [1]>} : (tensor<2x2x1xi32>, tensor<2x2x2xi32>) -> tensor<2x1x2xi32>
  return %r : tensor<2x1x2xi32>
}`)
	// out[b][0][n] = sum_k a[k][b][0] * b[n][k][b]
	// b=0: n=0: a[0][0]*b[0][0][0] + a[1][0]*b[0][1][0] = 1*1 + 3*100 = 301
	//      n=1: 1*2 + 3*200 = 602
	// b=1: n=0: a[0][1]*b[0][0][1] + a[1][1]*b[0][1][1] = 2*10 + 4*1000 = 4020
	//      n=1: 2*20 + 4*2000 = 8040
	linWant(t, "permuted", out[0], []int64{2, 1, 2}, []float64{301, 602, 4020, 8040}, 0)

	// Mixed types: i8 operands accumulate in the i32 result without
	// overflow; an i8 result wraps at 8 bits (100*2 + 100*2 = 400 = -112).
	out = linMust(t, `func.func @main() -> (tensor<i32>, tensor<i8>) {
  %a = stablehlo.constant dense<[127, 127]> : tensor<2xi8>
  %b = stablehlo.constant dense<[100, 100]> : tensor<2xi8>
  %c = stablehlo.constant dense<[2, 2]> : tensor<2xi8>
  %r = stablehlo.dot_general %a, %a, contracting_dims = [0] x [0] : (tensor<2xi8>, tensor<2xi8>) -> tensor<i32>
  %s = stablehlo.dot_general %b, %c, contracting_dims = [0] x [0] : (tensor<2xi8>, tensor<2xi8>) -> tensor<i8>
  return %r, %s : tensor<i32>, tensor<i8>
}`)
	linWant(t, "i8->i32", out[0], []int64{}, []float64{2 * 127 * 127}, 0)
	linWant(t, "i8 wrap", out[1], []int64{}, []float64{-112}, 0)

	// bf16 operands with an f32 result: products are exact in f32.
	out = linMust(t, `func.func @main() -> tensor<f32> {
  %a = stablehlo.constant dense<[1.5, 3.0]> : tensor<2xbf16>
  %b = stablehlo.constant dense<[2.5, 0.25]> : tensor<2xbf16>
  %r = stablehlo.dot_general %a, %b, contracting_dims = [0] x [0] : (tensor<2xbf16>, tensor<2xbf16>) -> tensor<f32>
  return %r : tensor<f32>
}`)
	linWant(t, "bf16->f32", out[0], []int64{}, []float64{4.5}, 0)

	// Complex: (1+2i)(3+4i) + (0+1i)(0+1i) = -5+10i - 1 = -6+10i.
	out = linMust(t, `func.func @main() -> tensor<complex<f32>> {
  %a = stablehlo.constant dense<[(1.0, 2.0), (0.0, 1.0)]> : tensor<2xcomplex<f32>>
  %b = stablehlo.constant dense<[(3.0, 4.0), (0.0, 1.0)]> : tensor<2xcomplex<f32>>
  %r = stablehlo.dot_general %a, %b, contracting_dims = [0] x [0] : (tensor<2xcomplex<f32>>, tensor<2xcomplex<f32>>) -> tensor<complex<f32>>
  return %r : tensor<complex<f32>>
}`)
	linWant(t, "complex", out[0], []int64{}, []float64{-6, 10}, 0)

	// Legacy dot: matrix times vector.
	out = linMust(t, `func.func @main() -> tensor<2xf64> {
  %a = stablehlo.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf64>
  %v = stablehlo.constant dense<[1.0, -1.0]> : tensor<2xf64>
  %r = "stablehlo.dot"(%a, %v) : (tensor<2x2xf64>, tensor<2xf64>) -> tensor<2xf64>
  return %r : tensor<2xf64>
}`)
	linWant(t, "dot", out[0], []int64{2}, []float64{-1, -1}, 0)
}

func linConvSrc(lhs, rhs, lt, rt, res, attrs string) string {
	return fmt.Sprintf(`func.func @main() -> %s {
  %%l = stablehlo.constant dense<%s> : %s
  %%r = stablehlo.constant dense<%s> : %s
  %%o = "stablehlo.convolution"(%%l, %%r) {%s} : (%s, %s) -> %s
  return %%o : %s
}`, res, lhs, lt, rhs, rt, attrs, lt, rt, res, res)
}

func TestConvolution(t *testing.T) {
	// The spec's example.
	out := linMust(t, `func.func @main() -> tensor<1x2x2x1xi64> {
  %lhs = stablehlo.constant dense<[[[[1], [2], [5], [6]], [[3], [4], [7], [8]], [[10], [11], [14], [15]], [[12], [13], [16], [17]]]]> : tensor<1x4x4x1xi64>
  %rhs = stablehlo.constant dense<1> : tensor<3x3x1x1xi64>
  %r = "stablehlo.convolution"(%lhs, %rhs) {window_strides = array<i64: 4, 4>, padding = dense<0> : tensor<2x2xi64>, lhs_dilation = array<i64: 2, 2>, rhs_dilation = array<i64: 1, 1>, window_reversal = array<i1: false, false>, dimension_numbers = #stablehlo.conv<[b, 0, 1, f]x[0, 1, i, o]->[b, 0, 1, f]>, batch_group_count = 1 : i64, feature_group_count = 1 : i64} : (tensor<1x4x4x1xi64>, tensor<3x3x1x1xi64>) -> tensor<1x2x2x1xi64>
  return %r : tensor<1x2x2x1xi64>
}`)
	linWant(t, "spec", out[0], []int64{1, 2, 2, 1}, []float64{10, 26, 46, 62}, 0)

	dn := `dimension_numbers = #stablehlo.conv<[b, 0, f]x[0, i, o]->[b, 0, f]>, feature_group_count = 1 : i64, batch_group_count = 1 : i64`
	lhs, lt := `[[[1.0], [2.0], [3.0]]]`, "tensor<1x3x1xf32>"
	rhs, rt := `[[[1.0]], [[10.0]]]`, "tensor<2x1x1xf32>"
	cases := []struct {
		name, attrs string
		n           int64
		want        []float64
	}{
		// padded lhs [0 1 2 3], windows · [1 10].
		{"pad", "padding = dense<[[1, 0]]> : tensor<1x2xi64>, " + dn, 3, []float64{10, 21, 32}},
		// Reversed windows: [1 0]·k, [2 1]·k, [3 2]·k.
		{"reverse", "padding = dense<[[1, 0]]> : tensor<1x2xi64>, window_reversal = array<i1: true>, " + dn, 3, []float64{1, 12, 23}},
		// lhs dilated to [1 0 2 0 3].
		{"lhs_dilation", "lhs_dilation = array<i64: 2>, " + dn, 4, []float64{1, 20, 2, 30}},
		// Kernel taps two apart: the only window is (1, 3).
		{"rhs_dilation", "rhs_dilation = array<i64: 2>, " + dn, 1, []float64{31}},
		// Negative padding drops the first input.
		{"neg_pad", "padding = dense<[[-1, 1]]> : tensor<1x2xi64>, " + dn, 2, []float64{32, 3}},
		{"stride", "window_strides = array<i64: 2>, padding = dense<[[1, 1]]> : tensor<1x2xi64>, " + dn, 2, []float64{10, 32}},
	}
	for _, cs := range cases {
		res := fmt.Sprintf("tensor<1x%dx1xf32>", cs.n)
		out := linMust(t, linConvSrc(lhs, rhs, lt, rt, res, cs.attrs))
		linWant(t, cs.name, out[0], []int64{1, cs.n, 1}, cs.want, 0)
	}

	// Feature groups: 2 input features, 2 groups; output feature f uses
	// input feature f. lhs [b=1, 0=2, f=2], kernel [0=1, i=1, o=2].
	out = linMust(t, linConvSrc(`[[[1.0, 2.0], [3.0, 4.0]]]`, `[[[10.0, 100.0]]]`, "tensor<1x2x2xf32>", "tensor<1x1x2xf32>", "tensor<1x2x2xf32>",
		"dimension_numbers = #stablehlo.conv<[b, 0, f]x[0, i, o]->[b, 0, f]>, feature_group_count = 2 : i64, batch_group_count = 1 : i64"))
	linWant(t, "feature_groups", out[0], []int64{1, 2, 2}, []float64{10, 200, 30, 400}, 0)

	// Batch groups: 2 batches, 2 groups; output feature f uses batch f.
	out = linMust(t, linConvSrc(`[[[1.0]], [[2.0]]]`, `[[[10.0, 100.0]]]`, "tensor<2x1x1xf32>", "tensor<1x1x2xf32>", "tensor<1x1x2xf32>",
		"dimension_numbers = #stablehlo.conv<[b, 0, f]x[0, i, o]->[b, 0, f]>, feature_group_count = 1 : i64, batch_group_count = 2 : i64"))
	linWant(t, "batch_groups", out[0], []int64{1, 1, 2}, []float64{10, 200}, 0)

	// dynamic_conv takes its padding as an operand.
	out = linMust(t, `func.func @main() -> tensor<1x3x1xf32> {
  %l = stablehlo.constant dense<[[[1.0], [2.0], [3.0]]]> : tensor<1x3x1xf32>
  %r = stablehlo.constant dense<[[[1.0]], [[10.0]]]> : tensor<2x1x1xf32>
  %p = stablehlo.constant dense<[[1, 0]]> : tensor<1x2xi64>
  %o = "stablehlo.dynamic_conv"(%l, %r, %p) {dimension_numbers = #stablehlo.conv<[b, 0, f]x[0, i, o]->[b, 0, f]>, feature_group_count = 1 : i64, batch_group_count = 1 : i64} : (tensor<1x3x1xf32>, tensor<2x1x1xf32>, tensor<1x2xi64>) -> tensor<1x3x1xf32>
  return %o : tensor<1x3x1xf32>
}`)
	linWant(t, "dynamic_conv", out[0], []int64{1, 3, 1}, []float64{10, 21, 32}, 0)
}

func TestFFT(t *testing.T) {
	out := linMust(t, `func.func @main() -> (tensor<4xcomplex<f32>>, tensor<3xcomplex<f64>>, tensor<4xf64>, tensor<4xcomplex<f64>>) {
  %x = stablehlo.constant dense<[(1.0, 0.0), (0.0, 0.0), (0.0, 0.0), (0.0, 0.0)]> : tensor<4xcomplex<f32>>
  %f = stablehlo.fft %x, type = FFT, length = [4] : (tensor<4xcomplex<f32>>) -> tensor<4xcomplex<f32>>
  %r = stablehlo.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf64>
  %rf = stablehlo.fft %r, type = RFFT, length = [4] : (tensor<4xf64>) -> tensor<3xcomplex<f64>>
  %back = stablehlo.fft %rf, type = IRFFT, length = [4] : (tensor<3xcomplex<f64>>) -> tensor<4xf64>
  %c = stablehlo.constant dense<[(10.0, 0.0), (-2.0, 2.0), (-2.0, 0.0), (-2.0, -2.0)]> : tensor<4xcomplex<f64>>
  %i = stablehlo.fft %c, type = IFFT, length = [4] : (tensor<4xcomplex<f64>>) -> tensor<4xcomplex<f64>>
  return %f, %rf, %back, %i : tensor<4xcomplex<f32>>, tensor<3xcomplex<f64>>, tensor<4xf64>, tensor<4xcomplex<f64>>
}`)
	linWant(t, "fft", out[0], []int64{4}, []float64{1, 0, 1, 0, 1, 0, 1, 0}, 1e-6)
	linWant(t, "rfft", out[1], []int64{3}, []float64{10, 0, -2, 2, -2, 0}, 1e-12)
	linWant(t, "irfft", out[2], []int64{4}, []float64{1, 2, 3, 4}, 1e-12)
	linWant(t, "ifft", out[3], []int64{4}, []float64{1, 0, 2, 0, 3, 0, 4, 0}, 1e-12)

	// Two dimensions: the 2-D DFT of [[1, 2], [3, 4]] is
	// [[10, -2], [-4, 0]].
	out = linMust(t, `func.func @main() -> tensor<2x2xcomplex<f64>> {
  %x = stablehlo.constant dense<[[(1.0, 0.0), (2.0, 0.0)], [(3.0, 0.0), (4.0, 0.0)]]> : tensor<2x2xcomplex<f64>>
  %f = stablehlo.fft %x, type = FFT, length = [2, 2] : (tensor<2x2xcomplex<f64>>) -> tensor<2x2xcomplex<f64>>
  return %f : tensor<2x2xcomplex<f64>>
}`)
	linWant(t, "fft2", out[0], []int64{2, 2}, []float64{10, 0, -2, 0, -4, 0, 0, 0}, 1e-12)
}

func TestTriangularSolveAndCholesky(t *testing.T) {
	out := linMust(t, `func.func @main() -> (tensor<3x3xf32>, tensor<1x3xf32>, tensor<3x1xcomplex<f64>>) {
  %a = stablehlo.constant dense<[[1.0, 0.0, 0.0], [2.0, 4.0, 0.0], [3.0, 5.0, 6.0]]> : tensor<3x3xf32>
  %b = stablehlo.constant dense<[[2.0, 0.0, 0.0], [4.0, 8.0, 0.0], [6.0, 10.0, 12.0]]> : tensor<3x3xf32>
  %x = "stablehlo.triangular_solve"(%a, %b) {left_side = true, lower = true, unit_diagonal = false, transpose_a = #stablehlo<transpose NO_TRANSPOSE>} : (tensor<3x3xf32>, tensor<3x3xf32>) -> tensor<3x3xf32>
  %u = stablehlo.constant dense<[[1.0, 2.0, 4.0], [9.0, 3.0, 5.0], [9.0, 9.0, 6.0]]> : tensor<3x3xf32>
  %c = stablehlo.constant dense<[[7.0, 8.0, 9.0]]> : tensor<1x3xf32>
  %y = "stablehlo.triangular_solve"(%u, %c) {left_side = false, lower = false, unit_diagonal = false, transpose_a = #stablehlo<transpose NO_TRANSPOSE>} : (tensor<3x3xf32>, tensor<1x3xf32>) -> tensor<1x3xf32>
  %ca = stablehlo.constant dense<[[(1.0, 1.0), (0.0, 0.0)], [(2.0, -2.0), (3.0, 4.0)]]> : tensor<2x2xcomplex<f64>>
  %ca3 = stablehlo.constant dense<[[(2.0, 0.0), (9.0, 9.0), (9.0, 9.0)], [(0.0, 1.0), (1.0, 0.0), (9.0, 9.0)], [(0.0, 0.0), (0.0, 0.0), (4.0, 0.0)]]> : tensor<3x3xcomplex<f64>>
  %cb = stablehlo.constant dense<[[(2.0, 0.0)], [(1.0, 1.0)], [(8.0, 0.0)]]> : tensor<3x1xcomplex<f64>>
  %z = "stablehlo.triangular_solve"(%ca3, %cb) {left_side = true, lower = true, unit_diagonal = false, transpose_a = #stablehlo<transpose ADJOINT>} : (tensor<3x3xcomplex<f64>>, tensor<3x1xcomplex<f64>>) -> tensor<3x1xcomplex<f64>>
  return %x, %y, %z : tensor<3x3xf32>, tensor<1x3xf32>, tensor<3x1xcomplex<f64>>
}`)
	linWant(t, "spec", out[0], []int64{3, 3}, []float64{2, 0, 0, 0, 2, 0, 0, 0, 2}, 1e-6)
	// x·U = c with U upper (the 9s below the diagonal are never read):
	// x0 = 7, 2·7 + 3·x1 = 8 → x1 = -2, 4·7 + 5·(-2) + 6·x2 = 9 → x2 = -1.5.
	linWant(t, "right_upper", out[1], []int64{1, 3}, []float64{7, -2, -1.5}, 1e-6)
	// Lᴴ·x = b with L = [[2,0,0],[i,1,0],[0,0,4]]: Lᴴ = [[2,-i,0],[0,1,0],[0,0,4]].
	// x2 = 2, x1 = 1+i, 2·x0 - i·(1+i) = 2 → 2·x0 = 2 + i - 1 = 1 + i.
	linWant(t, "adjoint", out[2], []int64{3, 1}, []float64{0.5, 0.5, 1, 1, 2, 0}, 1e-12)

	out = linMust(t, `func.func @main() -> (tensor<3x3xf64>, tensor<3x3xf64>, tensor<2x2xcomplex<f64>>) {
  %a = stablehlo.constant dense<[[1.0, 2.0, 3.0], [2.0, 20.0, 26.0], [3.0, 26.0, 70.0]]> : tensor<3x3xf64>
  %l = "stablehlo.cholesky"(%a) {lower = true} : (tensor<3x3xf64>) -> tensor<3x3xf64>
  %u = "stablehlo.cholesky"(%a) {lower = false} : (tensor<3x3xf64>) -> tensor<3x3xf64>
  %h = stablehlo.constant dense<[[(4.0, 0.0), (2.0, 2.0)], [(2.0, -2.0), (6.0, 0.0)]]> : tensor<2x2xcomplex<f64>>
  %hl = "stablehlo.cholesky"(%h) {lower = true} : (tensor<2x2xcomplex<f64>>) -> tensor<2x2xcomplex<f64>>
  return %l, %u, %hl : tensor<3x3xf64>, tensor<3x3xf64>, tensor<2x2xcomplex<f64>>
}`)
	linWant(t, "cholesky lower", out[0], []int64{3, 3}, []float64{1, 0, 0, 2, 4, 0, 3, 5, 6}, 1e-12)
	linWant(t, "cholesky upper", out[1], []int64{3, 3}, []float64{1, 2, 3, 0, 4, 5, 0, 0, 6}, 1e-12)
	// [[4, 2+2i], [2-2i, 6]] = L·Lᴴ with L = [[2, 0], [1-i, 2]]:
	// |1-i|² + 4 = 6.
	linWant(t, "cholesky complex", out[2], []int64{2, 2}, []float64{2, 0, 0, 0, 1, -1, 2, 0}, 1e-12)
}

func TestRngBitGenerator(t *testing.T) {
	// The spec's example.
	out := linMust(t, `func.func @main() -> (tensor<2xui64>, tensor<2x2xui64>) {
  %s = stablehlo.constant dense<[1, 2]> : tensor<2xui64>
  %ns, %o = "stablehlo.rng_bit_generator"(%s) {rng_algorithm = #stablehlo<rng_algorithm THREE_FRY>} : (tensor<2xui64>) -> (tensor<2xui64>, tensor<2x2xui64>)
  return %ns, %o : tensor<2xui64>, tensor<2x2xui64>
}`)
	want := []uint64{9236835810183407956, 16087790271692313299, 18212823393184779219, 2658481902456610144}
	if out[0].Uint64(0) != 1 || out[0].Uint64(1) != 6 {
		t.Errorf("state = [%d %d], want [1 6]", out[0].Uint64(0), out[0].Uint64(1))
	}
	for i, w := range want {
		if g := out[1].Uint64(int64(i)); g != w {
			t.Errorf("output %d = %d, want %d", i, g, w)
		}
	}
	// 32-bit outputs use half as many blocks (rounded up per split
	// dimension); PHILOX counts blocks of four words, DEFAULT is PHILOX.
	out = linMust(t, `func.func @main() -> (tensor<2xui64>, tensor<3x3xui32>, tensor<3xui64>, tensor<5xui32>, tensor<2xui64>, tensor<5xui32>) {
  %s = stablehlo.constant dense<[7, 100]> : tensor<2xui64>
  %ns, %o = "stablehlo.rng_bit_generator"(%s) {rng_algorithm = #stablehlo<rng_algorithm THREE_FRY>} : (tensor<2xui64>) -> (tensor<2xui64>, tensor<3x3xui32>)
  %p = stablehlo.constant dense<[7, 18446744073709551615, 5]> : tensor<3xui64>
  %np, %po = "stablehlo.rng_bit_generator"(%p) {rng_algorithm = #stablehlo<rng_algorithm PHILOX>} : (tensor<3xui64>) -> (tensor<3xui64>, tensor<5xui32>)
  %nd, %do = "stablehlo.rng_bit_generator"(%s) {rng_algorithm = #stablehlo<rng_algorithm DEFAULT>} : (tensor<2xui64>) -> (tensor<2xui64>, tensor<5xui32>)
  return %ns, %o, %np, %po, %nd, %do : tensor<2xui64>, tensor<3x3xui32>, tensor<3xui64>, tensor<5xui32>, tensor<2xui64>, tensor<5xui32>
}`)
	if got := out[0].Uint64(1); got != 106 { // 3x3 splits dim 0 into 2 blocks: 2*3 blocks
		t.Errorf("three_fry 3x3xui32 state counter = %d, want 106", got)
	}
	// 2 blocks; the counter's low word wraps and carries into the high word.
	if lo, hi := out[2].Uint64(1), out[2].Uint64(2); lo != 1 || hi != 6 {
		t.Errorf("philox state = [%d %d], want [1 6]", lo, hi)
	}
	if got := out[4].Uint64(1); got != 102 {
		t.Errorf("default (philox) state counter = %d, want 102", got)
	}

	// 32-bit streams: the vectors of IREE's e2e tests three_fry_i32 and
	// philox_i32 (state i32 [1, 2, 3, 4], which IREE reads as key 1 | 2<<32
	// and counter 4 | 3<<32), generated bit-exactly as XLA does.
	for _, cs := range []struct {
		alg  string
		want []int64
	}{
		{"THREE_FRY", []int64{-1997982863, -261361928, -1008514867, 1226850200, 1419974734, -277475325, 1033030661, -1926332264}},
		{"PHILOX", []int64{-1788415499, 854201270, -855525523, 2043148971, 110723240, 146396481, -1258660138, -1968502964}},
	} {
		out = linMust(t, `func.func @main() -> tensor<8xi32> {
  %s = stablehlo.constant dense<[8589934593, 12884901892]> : tensor<2xui64>
  %ns, %o = "stablehlo.rng_bit_generator"(%s) {rng_algorithm = #stablehlo<rng_algorithm `+cs.alg+`>} : (tensor<2xui64>) -> (tensor<2xui64>, tensor<8xi32>)
  return %o : tensor<8xi32>
}`)
		for i, w := range cs.want {
			if g := out[0].Int64(int64(i)); g != w {
				t.Errorf("%s element %d = %d, want %d", cs.alg, i, g, w)
			}
		}
	}
}

func TestTopK(t *testing.T) {
	out := linMust(t, `func.func @main() -> (tensor<3xi32>, tensor<3xi32>, tensor<2x2xf32>, tensor<2x2xi32>) {
  %x = stablehlo.constant dense<[5, 7, 5, 8, 8, 5]> : tensor<6xi32>
  %v, %i = chlo.top_k(%x, k = 3) : tensor<6xi32> -> (tensor<3xi32>, tensor<3xi32>)
  %f = stablehlo.constant dense<[[1.0, 0x7FC00000, -0.0, 0.0], [0xFF800000, -1.0, -2.0, -1.0]]> : tensor<2x4xf32>
  %fv, %fi = chlo.top_k(%f, k = 2) : tensor<2x4xf32> -> (tensor<2x2xf32>, tensor<2x2xi32>)
  return %v, %i, %fv, %fi : tensor<3xi32>, tensor<3xi32>, tensor<2x2xf32>, tensor<2x2xi32>
}`)
	linWant(t, "values", out[0], []int64{3}, []float64{8, 8, 7}, 0)
	linWant(t, "indices", out[1], []int64{3}, []float64{3, 4, 1}, 0)
	linWant(t, "float values", out[2], []int64{2, 2}, []float64{math.NaN(), 1, -1, -1}, 0)
	linWant(t, "float indices", out[3], []int64{2, 2}, []float64{1, 0, 1, 3}, 0)
}

func TestRaggedDot(t *testing.T) {
	// Mode 1: rows 0 | 1-2 | (3 uncovered) use groups 0 | 1 | zero.
	out := linMust(t, `func.func @main() -> tensor<4x1xf32> {
  %l = stablehlo.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]> : tensor<4x2xf32>
  %r = stablehlo.constant dense<[[[1.0], [0.0]], [[0.0], [10.0]]]> : tensor<2x2x1xf32>
  %g = stablehlo.constant dense<[1, 2]> : tensor<2xi64>
  %o = "chlo.ragged_dot"(%l, %r, %g) {ragged_dot_dimension_numbers = #chlo.ragged_dot<lhs_batching_dimensions = [], rhs_batching_dimensions = [], lhs_contracting_dimensions = [1], rhs_contracting_dimensions = [1], lhs_ragged_dimensions = [0], rhs_group_dimensions = [0]>} : (tensor<4x2xf32>, tensor<2x2x1xf32>, tensor<2xi64>) -> tensor<4x1xf32>
  return %o : tensor<4x1xf32>
}`)
	linWant(t, "mode 1", out[0], []int64{4, 1}, []float64{1, 40, 60, 0}, 0)

	// Mode 2: k = 4 split 3 | 1.
	out = linMust(t, `func.func @main() -> tensor<2x1x1xf32> {
  %l = stablehlo.constant dense<[[1.0, 2.0, 3.0, 4.0]]> : tensor<1x4xf32>
  %r = stablehlo.constant dense<[[1.0], [10.0], [100.0], [1000.0]]> : tensor<4x1xf32>
  %g = stablehlo.constant dense<[3, 1]> : tensor<2xi64>
  %o = "chlo.ragged_dot"(%l, %r, %g) {ragged_dot_dimension_numbers = #chlo.ragged_dot<lhs_batching_dimensions = [], rhs_batching_dimensions = [], lhs_contracting_dimensions = [1], rhs_contracting_dimensions = [0], lhs_ragged_dimensions = [1], rhs_group_dimensions = []>} : (tensor<1x4xf32>, tensor<4x1xf32>, tensor<2xi64>) -> tensor<2x1x1xf32>
  return %o : tensor<2x1x1xf32>
}`)
	linWant(t, "mode 2", out[0], []int64{2, 1, 1}, []float64{321, 4000}, 0)
}

func TestScan(t *testing.T) {
	out := linMust(t, `func.func @main() -> (tensor<2x3xi32>, tensor<2xi32>) {
  %input = stablehlo.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi32>
  %init = stablehlo.constant dense<0> : tensor<2xi32>
  %0:2 = chlo.scan(%input) inits(%init) dimension=1 attributes {is_reverse = true} {
  ^bb0(%a: tensor<2xi32>, %b: tensor<2xi32>):
    %1 = stablehlo.add %a, %b : tensor<2xi32>
    stablehlo.return %1, %1 : tensor<2xi32>, tensor<2xi32>
  } : (tensor<2x3xi32>, tensor<2xi32>) -> (tensor<2x3xi32>, tensor<2xi32>)
  return %0#0, %0#1 : tensor<2x3xi32>, tensor<2xi32>
}`)
	linWant(t, "outputs", out[0], []int64{2, 3}, []float64{6, 5, 3, 15, 11, 6}, 0)
	linWant(t, "carry", out[1], []int64{2}, []float64{6, 15}, 0)
}

func TestQuantized(t *testing.T) {
	out := linMust(t, `func.func @main() -> (tensor<2xi8>, tensor<2xi8>, tensor<2xf32>, tensor<2xi8>) {
  %f = stablehlo.constant dense<[4.0, 15.0]> : tensor<2xf32>
  %q = "stablehlo.uniform_quantize"(%f) : (tensor<2xf32>) -> tensor<2x!quant.uniform<i8:f32:0, {0.1:-30,0.5:-20}>>
  %qb = "stablehlo.bitcast_convert"(%q) : (tensor<2x!quant.uniform<i8:f32:0, {0.1:-30,0.5:-20}>>) -> tensor<2xi8>
  %r = "stablehlo.uniform_quantize"(%q) : (tensor<2x!quant.uniform<i8:f32:0, {0.1:-30,0.5:-20}>>) -> tensor<2x!quant.uniform<i8:f32:0, {0.1:-20,0.2:-30}>>
  %rb = "stablehlo.bitcast_convert"(%r) : (tensor<2x!quant.uniform<i8:f32:0, {0.1:-20,0.2:-30}>>) -> tensor<2xi8>
  %d = "stablehlo.uniform_dequantize"(%q) : (tensor<2x!quant.uniform<i8:f32:0, {0.1:-30,0.5:-20}>>) -> tensor<2xf32>
  %a1 = stablehlo.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %a2 = stablehlo.constant dense<[3.0, 4.0]> : tensor<2xf32>
  %q1 = "stablehlo.uniform_quantize"(%a1) : (tensor<2xf32>) -> tensor<2x!quant.uniform<i8:f32, 0.1:-30>>
  %q2 = "stablehlo.uniform_quantize"(%a2) : (tensor<2xf32>) -> tensor<2x!quant.uniform<i8:f32, 0.5:-20>>
  %s = "stablehlo.add"(%q1, %q2) : (tensor<2x!quant.uniform<i8:f32, 0.1:-30>>, tensor<2x!quant.uniform<i8:f32, 0.5:-20>>) -> tensor<2x!quant.uniform<i8:f32, 0.5:-20>>
  %sb = "stablehlo.bitcast_convert"(%s) : (tensor<2x!quant.uniform<i8:f32, 0.5:-20>>) -> tensor<2xi8>
  return %qb, %rb, %d, %sb : tensor<2xi8>, tensor<2xi8>, tensor<2xf32>, tensor<2xi8>
}`)
	linWant(t, "quantize", out[0], []int64{2}, []float64{10, 10}, 0)
	linWant(t, "requantize", out[1], []int64{2}, []float64{20, 45}, 0)
	linWant(t, "dequantize", out[2], []int64{2}, []float64{4, 15}, 1e-6)
	linWant(t, "quantized add", out[3], []int64{2}, []float64{-12, -8}, 0)

	// Clamping to the storage range, rounding half to even, NaN and inf.
	out = linMust(t, `func.func @main() -> tensor<7xi8> {
  %f = stablehlo.constant dense<[2.5, 3.5, -2.5, 1000.0, -1000.0, 0x7F800000, 0xFF800000]> : tensor<7xf32>
  %q = "stablehlo.uniform_quantize"(%f) : (tensor<7xf32>) -> tensor<7x!quant.uniform<i8<-100:100>:f32, 1.0>>
  %b = "stablehlo.bitcast_convert"(%q) : (tensor<7x!quant.uniform<i8<-100:100>:f32, 1.0>>) -> tensor<7xi8>
  return %b : tensor<7xi8>
}`)
	linWant(t, "clamp and round", out[0], []int64{7}, []float64{2, 4, -2, 100, -100, 100, -100}, 0)

	// A quantized dot_general runs as dequantize → float dot → quantize.
	out = linMust(t, `func.func @main() -> tensor<f32> {
  %a = stablehlo.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %b = stablehlo.constant dense<[3.0, 4.0]> : tensor<2xf32>
  %qa = stablehlo.uniform_quantize %a : (tensor<2xf32>) -> tensor<2x!quant.uniform<i8:f32, 0.5>>
  %qb = stablehlo.uniform_quantize %b : (tensor<2xf32>) -> tensor<2x!quant.uniform<i8:f32, 0.25>>
  %d = stablehlo.dot_general %qa, %qb, contracting_dims = [0] x [0] : (tensor<2x!quant.uniform<i8:f32, 0.5>>, tensor<2x!quant.uniform<i8:f32, 0.25>>) -> tensor<!quant.uniform<i32:f32, 0.125>>
  %r = stablehlo.uniform_dequantize %d : (tensor<!quant.uniform<i32:f32, 0.125>>) -> tensor<f32>
  return %r : tensor<f32>
}`)
	linWant(t, "quantized dot", out[0], []int64{}, []float64{11}, 0)

	// Hybrid: a float lhs with a per-axis quantized rhs gives a float
	// result (hybrid_dequantize_then_op). rhs column 0 has scale 0.5,
	// column 1 scale 2: storage [[2, 1], [4, 3]] is [[1, 2], [2, 6]].
	out = linMust(t, `func.func @main() -> tensor<2xf32> {
  %a = stablehlo.constant dense<[1.0, 10.0]> : tensor<2xf32>
  %s = stablehlo.constant dense<[[2, 1], [4, 3]]> : tensor<2x2xi8>
  %q = "stablehlo.bitcast_convert"(%s) : (tensor<2x2xi8>) -> tensor<2x2x!quant.uniform<i8:f32:1, {0.5, 2.0}>>
  %d = stablehlo.dot_general %a, %q, contracting_dims = [0] x [0] : (tensor<2xf32>, tensor<2x2x!quant.uniform<i8:f32:1, {0.5, 2.0}>>) -> tensor<2xf32>
  return %d : tensor<2xf32>
}`)
	linWant(t, "hybrid dot", out[0], []int64{2}, []float64{21, 62}, 0)
}

// TestLinEdgeCases runs degenerate and extreme programs: each must finish
// with a result or a clean error, never a panic or an Internal error.
func TestLinEdgeCases(t *testing.T) {
	progs := []string{
		// Zero-sized contraction: all zeros.
		`func.func @main() -> tensor<2x3xf32> {
  %a = stablehlo.constant dense<> : tensor<2x0xf32>
  %b = stablehlo.constant dense<> : tensor<0x3xf32>
  %r = stablehlo.dot_general %a, %b, contracting_dims = [1] x [0] : (tensor<2x0xf32>, tensor<0x3xf32>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}`,
		// Empty result.
		`func.func @main() -> tensor<0x3xf32> {
  %a = stablehlo.constant dense<> : tensor<0x2xf32>
  %b = stablehlo.constant dense<1.0> : tensor<2x3xf32>
  %r = stablehlo.dot_general %a, %b, contracting_dims = [1] x [0] : (tensor<0x2xf32>, tensor<2x3xf32>) -> tensor<0x3xf32>
  return %r : tensor<0x3xf32>
}`,
		// Rank 0 (an outer product of scalars).
		`func.func @main() -> tensor<f64> {
  %a = stablehlo.constant dense<0x7FF0000000000000> : tensor<f64>
  %b = stablehlo.constant dense<0.0> : tensor<f64>
  %r = stablehlo.dot_general %a, %b, contracting_dims = [] x [] : (tensor<f64>, tensor<f64>) -> tensor<f64>
  return %r : tensor<f64>
}`,
		// Integer extremes wrap.
		`func.func @main() -> tensor<i64> {
  %a = stablehlo.constant dense<[-9223372036854775808, 9223372036854775807]> : tensor<2xi64>
  %r = stablehlo.dot_general %a, %a, contracting_dims = [0] x [0] : (tensor<2xi64>, tensor<2xi64>) -> tensor<i64>
  return %r : tensor<i64>
}`,
		`func.func @main() -> tensor<2xui8> {
  %a = stablehlo.constant dense<[[255, 255], [0, 1]]> : tensor<2x2xui8>
  %v = stablehlo.constant dense<[255, 255]> : tensor<2xui8>
  %r = "stablehlo.dot"(%a, %v) : (tensor<2x2xui8>, tensor<2xui8>) -> tensor<2xui8>
  return %r : tensor<2xui8>
}`,
		`func.func @main() -> tensor<i1> {
  %a = stablehlo.constant dense<[true, false]> : tensor<2xi1>
  %r = stablehlo.dot_general %a, %a, contracting_dims = [0] x [0] : (tensor<2xi1>, tensor<2xi1>) -> tensor<i1>
  return %r : tensor<i1>
}`,
		// Malformed dimension numbers are rejected.
		`func.func @main() -> tensor<2x2xf32> {
  %a = stablehlo.constant dense<1.0> : tensor<2x2xf32>
  %r = stablehlo.dot_general %a, %a, contracting_dims = [5] x [0] : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  return %r : tensor<2x2xf32>
}`,
		`func.func @main() -> tensor<2x2xf32> {
  %a = stablehlo.constant dense<1.0> : tensor<2x3xf32>
  %r = stablehlo.dot_general %a, %a, contracting_dims = [1, 1] x [1, 0] : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x2xf32>
  return %r : tensor<2x2xf32>
}`,
		// Convolutions with empty inputs, empty kernels, windows larger
		// than the input, huge dilations and strides, zero strides.
		linConvSrc("[[[1.0], [2.0]]]", "[[[1.0]], [[1.0]], [[1.0]]]", "tensor<1x2x1xf32>", "tensor<3x1x1xf32>", "tensor<1x0x1xf32>",
			"dimension_numbers = #stablehlo.conv<[b, 0, f]x[0, i, o]->[b, 0, f]>"),
		linConvSrc("[]", "[[[1.0]]]", "tensor<1x0x1xf32>", "tensor<1x1x1xf32>", "tensor<1x0x1xf32>",
			"dimension_numbers = #stablehlo.conv<[b, 0, f]x[0, i, o]->[b, 0, f]>"),
		linConvSrc("[[[1.0], [2.0]]]", "[]", "tensor<1x2x1xf32>", "tensor<0x1x1xf32>", "tensor<1x3x1xf32>",
			"dimension_numbers = #stablehlo.conv<[b, 0, f]x[0, i, o]->[b, 0, f]>"),
		linConvSrc("[[[1.0], [2.0]]]", "[[[1.0]], [[1.0]]]", "tensor<1x2x1xf32>", "tensor<2x1x1xf32>", "tensor<1x1x1xf32>",
			"lhs_dilation = array<i64: 9223372036854775807>, rhs_dilation = array<i64: 4611686018427387904>, dimension_numbers = #stablehlo.conv<[b, 0, f]x[0, i, o]->[b, 0, f]>"),
		linConvSrc("[[[1.0], [2.0]]]", "[[[1.0]]]", "tensor<1x2x1xf32>", "tensor<1x1x1xf32>", "tensor<1x1x1xf32>",
			"window_strides = array<i64: 9223372036854775807>, padding = dense<[[9223372036854775807, 9223372036854775807]]> : tensor<1x2xi64>, dimension_numbers = #stablehlo.conv<[b, 0, f]x[0, i, o]->[b, 0, f]>"),
		linConvSrc("[[[1.0], [2.0]]]", "[[[1.0]]]", "tensor<1x2x1xf32>", "tensor<1x1x1xf32>", "tensor<1x1x1xf32>",
			"window_strides = array<i64: 0>, dimension_numbers = #stablehlo.conv<[b, 0, f]x[0, i, o]->[b, 0, f]>"),
		linConvSrc("[[[1.0], [2.0]]]", "[[[1.0]]]", "tensor<1x2x1xf32>", "tensor<1x1x1xf32>", "tensor<1x1x1xf32>",
			"padding = dense<[[-9223372036854775808, 0]]> : tensor<1x2xi64>, dimension_numbers = #stablehlo.conv<[b, 0, f]x[0, i, o]->[b, 0, f]>"),
		linConvSrc("[[[0x7F800000], [2.0]]]", "[[[0.0]]]", "tensor<1x2x1xf32>", "tensor<1x1x1xf32>", "tensor<1x2x1xf32>",
			"dimension_numbers = #stablehlo.conv<[b, 0, f]x[0, i, o]->[b, 0, f]>, feature_group_count = 0 : i64"),
		linConvSrc("[[1.0, 2.0]]", "[[3.0, 4.0]]", "tensor<1x2xf32>", "tensor<2x1xf32>", "tensor<1x1xf32>",
			"dimension_numbers = #stablehlo.conv<[b, f]x[i, o]->[b, f]>"),
		// FFT of length 0 and of a single element; IRFFT of odd length.
		`func.func @main() -> tensor<3x0xcomplex<f32>> {
  %x = stablehlo.constant dense<> : tensor<3x0xcomplex<f32>>
  %f = stablehlo.fft %x, type = FFT, length = [0] : (tensor<3x0xcomplex<f32>>) -> tensor<3x0xcomplex<f32>>
  return %f : tensor<3x0xcomplex<f32>>
}`,
		`func.func @main() -> tensor<0xcomplex<f32>> {
  %x = stablehlo.constant dense<> : tensor<0xf32>
  %f = stablehlo.fft %x, type = RFFT, length = [0] : (tensor<0xf32>) -> tensor<0xcomplex<f32>>
  return %f : tensor<0xcomplex<f32>>
}`,
		`func.func @main() -> tensor<3xf32> {
  %x = stablehlo.constant dense<[(0x7F800000, 0.0), (1.0, 0x7FC00000)]> : tensor<2xcomplex<f32>>
  %f = stablehlo.fft %x, type = IRFFT, length = [3] : (tensor<2xcomplex<f32>>) -> tensor<3xf32>
  return %f : tensor<3xf32>
}`,
		`func.func @main() -> tensor<4xcomplex<f32>> {
  %x = stablehlo.constant dense<(1.0, 0.0)> : tensor<3xcomplex<f32>>
  %f = stablehlo.fft %x, type = FFT, length = [4] : (tensor<3xcomplex<f32>>) -> tensor<4xcomplex<f32>>
  return %f : tensor<4xcomplex<f32>>
}`,
		// Singular and empty systems.
		`func.func @main() -> tensor<2x1xf32> {
  %a = stablehlo.constant dense<0.0> : tensor<2x2xf32>
  %b = stablehlo.constant dense<1.0> : tensor<2x1xf32>
  %x = "stablehlo.triangular_solve"(%a, %b) {left_side = true, lower = true, unit_diagonal = false, transpose_a = #stablehlo<transpose NO_TRANSPOSE>} : (tensor<2x2xf32>, tensor<2x1xf32>) -> tensor<2x1xf32>
  return %x : tensor<2x1xf32>
}`,
		`func.func @main() -> tensor<3x0x0xf32> {
  %a = stablehlo.constant dense<> : tensor<3x0x0xf32>
  %l = "stablehlo.cholesky"(%a) {lower = true} : (tensor<3x0x0xf32>) -> tensor<3x0x0xf32>
  return %l : tensor<3x0x0xf32>
}`,
		`func.func @main() -> tensor<2x2xf32> {
  %a = stablehlo.constant dense<[[-1.0, 0.0], [0.0, 0x7FC00000]]> : tensor<2x2xf32>
  %l = "stablehlo.cholesky"(%a) {lower = false} : (tensor<2x2xf32>) -> tensor<2x2xf32>
  return %l : tensor<2x2xf32>
}`,
		// rng_bit_generator: empty, scalar and narrow outputs; bad states.
		`func.func @main() -> (tensor<2xui64>, tensor<0x5xui32>) {
  %s = stablehlo.constant dense<[1, 2]> : tensor<2xui64>
  %ns, %o = "stablehlo.rng_bit_generator"(%s) {rng_algorithm = #stablehlo<rng_algorithm THREE_FRY>} : (tensor<2xui64>) -> (tensor<2xui64>, tensor<0x5xui32>)
  return %ns, %o : tensor<2xui64>, tensor<0x5xui32>
}`,
		`func.func @main() -> (tensor<2xui64>, tensor<f32>, tensor<3x5xi4>, tensor<bf16>) {
  %s = stablehlo.constant dense<[18446744073709551615, 18446744073709551615]> : tensor<2xui64>
  %ns, %o = "stablehlo.rng_bit_generator"(%s) {rng_algorithm = #stablehlo<rng_algorithm THREE_FRY>} : (tensor<2xui64>) -> (tensor<2xui64>, tensor<f32>)
  %n2, %o2 = "stablehlo.rng_bit_generator"(%s) {rng_algorithm = #stablehlo<rng_algorithm PHILOX>} : (tensor<2xui64>) -> (tensor<2xui64>, tensor<3x5xi4>)
  %n3, %o3 = "stablehlo.rng_bit_generator"(%s) {rng_algorithm = #stablehlo<rng_algorithm THREE_FRY>} : (tensor<2xui64>) -> (tensor<2xui64>, tensor<bf16>)
  return %ns, %o, %o2, %o3 : tensor<2xui64>, tensor<f32>, tensor<3x5xi4>, tensor<bf16>
}`,
		`func.func @main() -> (tensor<4xui64>, tensor<2xui32>) {
  %s = stablehlo.constant dense<[1, 2, 3, 4]> : tensor<4xui64>
  %ns, %o = "stablehlo.rng_bit_generator"(%s) {rng_algorithm = #stablehlo<rng_algorithm PHILOX>} : (tensor<4xui64>) -> (tensor<4xui64>, tensor<2xui32>)
  return %ns, %o : tensor<4xui64>, tensor<2xui32>
}`,
		// top_k with k = 0 and k = n, and an out-of-range k.
		`func.func @main() -> (tensor<2x0xf32>, tensor<2x0xi32>) {
  %x = stablehlo.constant dense<1.0> : tensor<2x3xf32>
  %v, %i = chlo.top_k(%x, k = 0) : tensor<2x3xf32> -> (tensor<2x0xf32>, tensor<2x0xi32>)
  return %v, %i : tensor<2x0xf32>, tensor<2x0xi32>
}`,
		`func.func @main() -> (tensor<4xf32>, tensor<4xi32>) {
  %x = stablehlo.constant dense<1.0> : tensor<3xf32>
  %v, %i = chlo.top_k(%x, k = 4) : tensor<3xf32> -> (tensor<4xf32>, tensor<4xi32>)
  return %v, %i : tensor<4xf32>, tensor<4xi32>
}`,
		// ragged_dot with negative and oversized group sizes.
		`func.func @main() -> tensor<3x1xf32> {
  %l = stablehlo.constant dense<1.0> : tensor<3x2xf32>
  %r = stablehlo.constant dense<1.0> : tensor<2x2x1xf32>
  %g = stablehlo.constant dense<[-5, 9223372036854775807]> : tensor<2xi64>
  %o = "chlo.ragged_dot"(%l, %r, %g) {ragged_dot_dimension_numbers = #chlo.ragged_dot<lhs_batching_dimensions = [], rhs_batching_dimensions = [], lhs_contracting_dimensions = [1], rhs_contracting_dimensions = [1], lhs_ragged_dimensions = [0], rhs_group_dimensions = [0]>} : (tensor<3x2xf32>, tensor<2x2x1xf32>, tensor<2xi64>) -> tensor<3x1xf32>
  return %o : tensor<3x1xf32>
}`,
		// A scan over an empty dimension returns the inits.
		`func.func @main() -> (tensor<0xi32>, tensor<i32>) {
  %input = stablehlo.constant dense<> : tensor<0xi32>
  %init = stablehlo.constant dense<7> : tensor<i32>
  %0:2 = chlo.scan(%input) inits(%init) dimension=0 {
  ^bb0(%a: tensor<i32>, %b: tensor<i32>):
    %1 = stablehlo.add %a, %b : tensor<i32>
    stablehlo.return %1, %1 : tensor<i32>, tensor<i32>
  } : (tensor<0xi32>, tensor<i32>) -> (tensor<0xi32>, tensor<i32>)
  return %0#0, %0#1 : tensor<0xi32>, tensor<i32>
}`,
		// Quantizing NaN, and a per-axis type whose axis does not fit.
		`func.func @main() -> tensor<2xf32> {
  %f = stablehlo.constant dense<[0x7FC00000, -0.0]> : tensor<2xf32>
  %q = "stablehlo.uniform_quantize"(%f) : (tensor<2xf32>) -> tensor<2x!quant.uniform<i8:f32, 0.1:5>>
  %d = "stablehlo.uniform_dequantize"(%q) : (tensor<2x!quant.uniform<i8:f32, 0.1:5>>) -> tensor<2xf32>
  return %d : tensor<2xf32>
}`,
		`func.func @main() -> tensor<3xi8> {
  %f = stablehlo.constant dense<1.0> : tensor<3xf32>
  %q = "stablehlo.uniform_quantize"(%f) : (tensor<3xf32>) -> tensor<3x!quant.uniform<i8:f32:0, {0.1:-30,0.5:-20}>>
  %b = "stablehlo.bitcast_convert"(%q) : (tensor<3x!quant.uniform<i8:f32:0, {0.1:-30,0.5:-20}>>) -> tensor<3xi8>
  return %b : tensor<3xi8>
}`,
	}
	for i, src := range progs {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("program %d panicked: %v\n%s", i, r, src)
				}
			}()
			m, err := mlir.ParseModule(src, mlir.Limits{})
			if err != nil {
				if diag.KindOf(err) == diag.Internal {
					t.Errorf("program %d: internal parse error %v", i, err)
				}
				return
			}
			_, _, err = exec.Run(context.Background(), m, m.Entry(""), nil, exec.Limits{})
			if err != nil && diag.KindOf(err) == diag.Internal {
				t.Errorf("program %d: internal error %v\n%s", i, err, src)
			}
			if err != nil && testing.Verbose() {
				t.Logf("program %d: %v", i, strings.SplitN(err.Error(), "\n", 2)[0])
			}
		}()
	}
}

func TestTopKEmptyRows(t *testing.T) {
	out := linMust(t, `func.func @main() -> (tensor<2x0xf32>, tensor<2x0xi32>) {
  %x = stablehlo.constant dense<> : tensor<2x0xf32>
  %v, %i = chlo.top_k(%x, k = 0) : tensor<2x0xf32> -> (tensor<2x0xf32>, tensor<2x0xi32>)
  return %v, %i : tensor<2x0xf32>, tensor<2x0xi32>
}`)
	linWant(t, "empty", out[0], []int64{2, 0}, nil, 0)
	// A longer row exercises several merge passes; ties keep index order.
	out = linMust(t, `func.func @main() -> (tensor<9xi8>, tensor<9xi64>) {
  %x = stablehlo.constant dense<[3, -1, 3, 7, 0, 7, -128, 127, 3]> : tensor<9xi8>
  %v, %i = chlo.top_k(%x, k = 9) : tensor<9xi8> -> (tensor<9xi8>, tensor<9xi64>)
  return %v, %i : tensor<9xi8>, tensor<9xi64>
}`)
	linWant(t, "values", out[0], []int64{9}, []float64{127, 7, 7, 3, 3, 3, 0, -1, -128}, 0)
	linWant(t, "indices", out[1], []int64{9}, []float64{7, 3, 5, 0, 2, 8, 4, 1, 6}, 0)
}

func TestRng(t *testing.T) {
	out := linMust(t, `func.func @main() -> (tensor<100xf32>, tensor<100xi32>, tensor<100xf64>, tensor<100xf32>) {
  %shape = stablehlo.constant dense<[100]> : tensor<1xi64>
  %a = stablehlo.constant dense<-2.0> : tensor<f32>
  %b = stablehlo.constant dense<3.0> : tensor<f32>
  %u = "stablehlo.rng"(%a, %b, %shape) {rng_distribution = #stablehlo<rng_distribution UNIFORM>} : (tensor<f32>, tensor<f32>, tensor<1xi64>) -> tensor<100xf32>
  %ia = stablehlo.constant dense<-5> : tensor<i32>
  %ib = stablehlo.constant dense<5> : tensor<i32>
  %i = "stablehlo.rng"(%ia, %ib, %shape) {rng_distribution = #stablehlo<rng_distribution UNIFORM>} : (tensor<i32>, tensor<i32>, tensor<1xi64>) -> tensor<100xi32>
  %m = stablehlo.constant dense<10.0> : tensor<f64>
  %s = stablehlo.constant dense<0.5> : tensor<f64>
  %n = "stablehlo.rng"(%m, %s, %shape) {rng_distribution = #stablehlo<rng_distribution NORMAL>} : (tensor<f64>, tensor<f64>, tensor<1xi64>) -> tensor<100xf64>
  %u2 = "stablehlo.rng"(%a, %b, %shape) {rng_distribution = #stablehlo<rng_distribution UNIFORM>} : (tensor<f32>, tensor<f32>, tensor<1xi64>) -> tensor<100xf32>
  return %u, %i, %n, %u2 : tensor<100xf32>, tensor<100xi32>, tensor<100xf64>, tensor<100xf32>
}`)
	var sum float64
	for i := int64(0); i < 100; i++ {
		if v := out[0].Float64(i); v < -2 || v >= 3 {
			t.Errorf("uniform f32 %v outside [-2, 3)", v)
		}
		if v := out[1].Int64(i); v < -5 || v >= 5 {
			t.Errorf("uniform i32 %v outside [-5, 5)", v)
		}
		if out[0].Float64(i) != out[3].Float64(i) {
			t.Errorf("rng is not deterministic")
		}
		sum += out[2].Float64(i)
	}
	if mean := sum / 100; math.Abs(mean-10) > 0.5 {
		t.Errorf("normal mean %v, want about 10", mean)
	}
}
