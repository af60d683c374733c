package plan

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/exec"
	"github.com/hlogate/hlogate/tensor"
)

// runBoth runs src on the reference executor and on plans compiled with
// each of opts, and fails unless every output agrees bit for bit.
func runBoth(t *testing.T, src string, in []*tensor.Tensor, opts ...Options) {
	t.Helper()
	m := parse(t, src)
	fn := m.Entry("")
	want, _, err := exec.Run(context.Background(), m, fn, in, exec.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range opts {
		p, err := Compile(m, fn, o)
		if err != nil {
			t.Fatal(err)
		}
		got, _, err := p.Run(context.Background(), in, exec.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		for i := range want {
			if !tensor.Equal(got[i], want[i]) {
				t.Fatalf("options %+v, output %d differs from the reference", o, i)
			}
		}
	}
}

// A loop body that moves carried values between positions (here a swap,
// with a transpose) must not read a previous iteration's tensor from a
// buffer set it is writing again.
func TestWhileMovedCarries(t *testing.T) {
	src := `func.func @main(%p: tensor<2x2xf32>, %q: tensor<2x2xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>) {
  %c = "stablehlo.constant"() {value = dense<0> : tensor<i32>} : () -> tensor<i32>
  %w:3 = "stablehlo.while"(%c, %p, %q) ({
  ^bb0(%i: tensor<i32>, %a: tensor<2x2xf32>, %b: tensor<2x2xf32>):
    %n = "stablehlo.constant"() {value = dense<5> : tensor<i32>} : () -> tensor<i32>
    %lt = "stablehlo.compare"(%i, %n) {comparison_direction = #stablehlo<comparison_direction LT>} : (tensor<i32>, tensor<i32>) -> tensor<i1>
    "stablehlo.return"(%lt) : (tensor<i1>) -> ()
  }, {
  ^bb0(%j: tensor<i32>, %a: tensor<2x2xf32>, %b: tensor<2x2xf32>):
    %one = "stablehlo.constant"() {value = dense<1> : tensor<i32>} : () -> tensor<i32>
    %j2 = "stablehlo.add"(%j, %one) : (tensor<i32>, tensor<i32>) -> tensor<i32>
    %t = "stablehlo.transpose"(%a) {permutation = array<i64: 1, 0>} : (tensor<2x2xf32>) -> tensor<2x2xf32>
    "stablehlo.return"(%j2, %b, %t) : (tensor<i32>, tensor<2x2xf32>, tensor<2x2xf32>) -> ()
  }) : (tensor<i32>, tensor<2x2xf32>, tensor<2x2xf32>) -> (tensor<i32>, tensor<2x2xf32>, tensor<2x2xf32>)
  return %w#1, %w#2 : tensor<2x2xf32>, tensor<2x2xf32>
}`
	mk := func(v ...float32) *tensor.Tensor {
		x, _ := tensor.New(tensor.F32, []int64{2, 2}, 1<<20)
		copy(f32s(x.Data), v)
		return x
	}
	runBoth(t, src, []*tensor.Tensor{mk(1, 2, 3, 4), mk(5, 6, 7, 8)}, Options{}, Options{PoisonBuffers: true})
}

// An elementwise op whose output elements are wider than its input's
// (convert f32→f64) must not take the input's slot in place. (The max
// keeps the input alive past the convert, order-independently.)
func TestWideningNotInPlace(t *testing.T) {
	src := `func.func @main(%a: tensor<16384xf32>) -> (tensor<f32>, tensor<16384xf64>) {
  %x = stablehlo.abs %a : tensor<16384xf32>
  %z = stablehlo.constant dense<0.0> : tensor<f32>
  %r = stablehlo.reduce(%x init: %z) applies stablehlo.maximum across dimensions = [0] : (tensor<16384xf32>, tensor<f32>) -> tensor<f32>
  %y = stablehlo.convert %x : (tensor<16384xf32>) -> tensor<16384xf64>
  return %r, %y : tensor<f32>, tensor<16384xf64>
}`
	in, _ := tensor.New(tensor.F32, []int64{16384}, 1<<20)
	for i := range f32s(in.Data) {
		f32s(in.Data)[i] = float32(i)
	}
	runBoth(t, src, []*tensor.Tensor{in}, Options{}, Options{NoFusion: true})
}

// Slot sizes come from the program: their sum saturates instead of
// wrapping to a small bound, and the run is refused by the memory meter
// (not a panic in make).
func TestPeakSaturates(t *testing.T) {
	const n = 8192
	ty := "tensor<16777216x16777216xf64>" // 2^51 bytes each
	var b strings.Builder
	fmt.Fprintf(&b, "func.func @main() -> (%s) {\n", strings.Repeat(ty+", ", n-1)+ty)
	fmt.Fprintf(&b, "  %%v0 = stablehlo.iota dim = 0 : %s\n", ty)
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "  %%v%d = stablehlo.abs %%v%d : %s\n", i, i-1, ty)
	}
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("%%v%d", i)
	}
	fmt.Fprintf(&b, "  return %s : %s\n}\n", strings.Join(names, ", "), strings.Repeat(ty+", ", n-1)+ty)
	m := parse(t, b.String())
	p, err := Compile(m, m.Entry(""), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.PeakBytes() < 1<<62 || p.StaticPeak() < 1<<62 {
		t.Fatalf("peak %d, static peak %d: wrapped", p.PeakBytes(), p.StaticPeak())
	}
	if _, _, err := p.Run(context.Background(), nil, exec.Limits{MaxMemory: 1 << 20}); diag.KindOf(err) != diag.Limit {
		t.Fatalf("run: %v, want a memory limit error", err)
	}
}

// CSE compares ops by their attributes' text: ops with array, struct or
// elements attributes (dot_general, gather, transpose) merge too.
func TestCSEMergesOpsWithAttributes(t *testing.T) {
	body := func(dup bool) string {
		second := func(name, line string) string {
			if dup {
				return strings.Replace(line, name+" =", name+"b =", 1)
			}
			return ""
		}
		lines := []string{
			`  %d = stablehlo.dot_general %a, %a, contracting_dims = [1] x [0] : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>`,
			`  %g = "stablehlo.gather"(%a, %i) {dimension_numbers = #stablehlo.gather<offset_dims = [1], collapsed_slice_dims = [0], start_index_map = [0], index_vector_dim = 1>, slice_sizes = array<i64: 1, 4>} : (tensor<4x4xf32>, tensor<3x1xi32>) -> tensor<3x4xf32>`,
			`  %t = stablehlo.transpose %a, dims = [1, 0] : (tensor<4x4xf32>) -> tensor<4x4xf32>`,
		}
		var b strings.Builder
		b.WriteString("func.func @main(%a: tensor<4x4xf32>, %i: tensor<3x1xi32>) -> (tensor<4x4xf32>, tensor<4x4xf32>, tensor<3x4xf32>, tensor<3x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>) {\n")
		for _, l := range lines {
			b.WriteString(l + "\n")
			name := strings.Fields(l)[0]
			if s := second(name, l); s != "" {
				b.WriteString(s + "\n")
			}
		}
		if dup {
			b.WriteString("  return %d, %db, %g, %gb, %t, %tb : ")
		} else {
			b.WriteString("  return %d, %d, %g, %g, %t, %t : ")
		}
		b.WriteString("tensor<4x4xf32>, tensor<4x4xf32>, tensor<3x4xf32>, tensor<3x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>\n}\n")
		return b.String()
	}
	steps := func(src string) int {
		m := parse(t, src)
		p, err := Compile(m, m.Entry(""), Options{})
		if err != nil {
			t.Fatal(err)
		}
		return p.Describe().Steps
	}
	if dup, once := steps(body(true)), steps(body(false)); dup != once {
		t.Fatalf("%d steps with each op twice, %d with each once: duplicates were not merged", dup, once)
	}
}
