package plan

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/hlogate/hlogate/internal/cost"
	"github.com/hlogate/hlogate/internal/exec"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/internal/mlir"
	"github.com/hlogate/hlogate/internal/verify"
	"github.com/hlogate/hlogate/tensor"
)

func parse(t testing.TB, src string) *ir.Module {
	t.Helper()
	m, err := mlir.ParseModule(src, mlir.Limits{})
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, src)
	}
	if err := verify.Module(m); err != nil {
		t.Fatalf("verify: %v\n%s", err, src)
	}
	return m
}

// sameTensor compares bit-exactly for integers and bools, within tol
// (relative, NaN equal to NaN) for floats.
func sameTensor(a, b *tensor.Tensor, tol float64) error {
	if a.DType != b.DType || !slices.Equal(a.Shape, b.Shape) {
		return fmt.Errorf("type %s%v vs %s%v", a.DType, a.Shape, b.DType, b.Shape)
	}
	if !a.DType.IsFloat() {
		if string(a.Data) != string(b.Data) {
			return fmt.Errorf("integer data differs")
		}
		return nil
	}
	for i := int64(0); i < a.NumElements(); i++ {
		x, y := a.Float64(i), b.Float64(i)
		if math.IsNaN(x) && math.IsNaN(y) || x == y {
			continue
		}
		if math.Abs(x-y) > tol*math.Max(1, math.Max(math.Abs(x), math.Abs(y))) {
			return fmt.Errorf("element %d: %v vs %v", i, x, y)
		}
	}
	return nil
}

func diffRun(t testing.TB, m *ir.Module, inputs []*tensor.Tensor, opts Options) {
	t.Helper()
	fn := m.Entry("")
	want, _, werr := exec.Run(context.Background(), m, fn, inputs, exec.Limits{})
	opts.CheckPasses = true
	opts.PoisonBuffers = true
	p, err := Compile(m, fn, opts)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	// The second run reuses the first's buffers, poisoned: a kernel that
	// reads an element before writing it sees 0xFF bytes and differs.
	for run := 0; run < 2; run++ {
		got, st, gerr := p.Run(context.Background(), inputs, exec.Limits{})
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("run %d: reference error %v, plan error %v", run, werr, gerr)
		}
		checkStaticPeak(t, p, inputs, st)
		if gerr == nil {
			rep, err := cost.Analyze(m, fn)
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Steps.IsUnbounded() && st.Steps > rep.Steps.Max || !rep.FLOPs.IsUnbounded() && st.FLOPs > rep.FLOPs.Max {
				t.Fatalf("metered %d steps, %d FLOPs; static bounds %v, %v\n%s", st.Steps, st.FLOPs, rep.Steps, rep.FLOPs, ir.Print(m))
			}
		}
		if werr != nil {
			return
		}
		for i := range want {
			if err := sameTensor(want[i], got[i], 1e-4); err != nil {
				t.Fatalf("run %d: output %d: %v\n%s", run, i, err, ir.Print(m))
			}
		}
	}
}

func randTensor(r *rand.Rand, d tensor.DType, shape []int64) *tensor.Tensor {
	t, _ := tensor.New(d, shape, 1<<30)
	n := t.NumElements()
	for i := int64(0); i < n; i++ {
		switch {
		case d.IsFloat():
			t.SetFloat64(i, r.NormFloat64())
		case d == tensor.Bool:
			t.Data[i] = byte(r.IntN(2))
		default:
			t.SetInt64(i, int64(r.IntN(200)-100))
		}
	}
	return t
}

// genProgram writes a random valid program over tensor<RxCxT> values:
// elementwise ops, broadcasts of row vectors, reductions broadcast back,
// and square matmuls.
func genProgram(r *rand.Rand, nops int) (string, string, []int64) {
	R, C := int64(1+r.IntN(5)), int64(1+r.IntN(9))
	ty := []string{"f32", "f64", "i32", "i64"}[r.IntN(4)]
	float := ty[0] == 'f'
	full := fmt.Sprintf("tensor<%dx%dx%s>", R, C, ty)
	row := fmt.Sprintf("tensor<%dx%s>", C, ty)
	var b strings.Builder
	fmt.Fprintf(&b, "func.func @main(%%a0: %s, %%a1: %s, %%a2: %s) -> %s {\n", full, full, row, full)
	vals := []string{"%a0", "%a1"}
	pick := func() string { return vals[r.IntN(len(vals))] }
	bins := []string{"add", "subtract", "multiply", "maximum", "minimum", "divide", "remainder", "power"}
	if !float {
		bins = append(bins, "and", "or", "xor", "shift_left", "shift_right_logical", "shift_right_arithmetic")
	} else {
		bins = append(bins, "atan2")
	}
	uns := []string{"negate", "sign"}
	if float {
		uns = append(uns, "exponential", "tanh", "abs", "logistic", "floor", "ceil", "sine", "cosine", "round_nearest_even", "cbrt", "log_plus_one", "sqrt", "square")
	} else {
		uns = append(uns, "not", "popcnt", "abs")
	}
	for i := 0; i < nops; i++ {
		v := fmt.Sprintf("%%v%d", i)
		switch k := r.IntN(12); {
		case k == 10: // a counted while loop; the body captures a value
			fmt.Fprintf(&b, "  %s_c = \"stablehlo.constant\"() {value = dense<0> : tensor<i32>} : () -> tensor<i32>\n", v)
			fmt.Fprintf(&b, "  %s_n = \"stablehlo.constant\"() {value = dense<%d> : tensor<i32>} : () -> tensor<i32>\n", v, r.IntN(4))
			fmt.Fprintf(&b, "  %s_w:2 = \"stablehlo.while\"(%s_c, %s) ({\n  ^bb0(%s_i: tensor<i32>, %s_x: %s):\n", v, v, pick(), v, v, full)
			fmt.Fprintf(&b, "    %s_lt = \"stablehlo.compare\"(%s_i, %s_n) {comparison_direction = #stablehlo<comparison_direction LT>} : (tensor<i32>, tensor<i32>) -> tensor<i1>\n", v, v, v)
			fmt.Fprintf(&b, "    \"stablehlo.return\"(%s_lt) : (tensor<i1>) -> ()\n  }, {\n  ^bb0(%s_j: tensor<i32>, %s_y: %s):\n", v, v, v, full)
			fmt.Fprintf(&b, "    %s_one = \"stablehlo.constant\"() {value = dense<1> : tensor<i32>} : () -> tensor<i32>\n", v)
			fmt.Fprintf(&b, "    %s_j2 = \"stablehlo.add\"(%s_j, %s_one) : (tensor<i32>, tensor<i32>) -> tensor<i32>\n", v, v, v)
			fmt.Fprintf(&b, "    %s_y2 = \"stablehlo.add\"(%s_y, %s) : (%s, %s) -> %s\n", v, v, pick(), full, full, full)
			fmt.Fprintf(&b, "    \"stablehlo.return\"(%s_j2, %s_y2) : (tensor<i32>, %s) -> ()\n  }) : (tensor<i32>, %s) -> (tensor<i32>, %s)\n", v, v, full, full, full)
			fmt.Fprintf(&b, "  %s = \"stablehlo.add\"(%s_w#1, %s) : (%s, %s) -> %s\n", v, v, pick(), full, full, full)
		case k == 11: // transposes, read through views by the fused chain
			tr := fmt.Sprintf("tensor<%dx%dx%s>", C, R, ty)
			fmt.Fprintf(&b, "  %s_t = \"stablehlo.transpose\"(%s) {permutation = array<i64: 1, 0>} : (%s) -> %s\n", v, pick(), full, tr)
			fmt.Fprintf(&b, "  %s_u = \"stablehlo.transpose\"(%s) {permutation = array<i64: 1, 0>} : (%s) -> %s\n", v, pick(), full, tr)
			fmt.Fprintf(&b, "  %s_s = \"stablehlo.subtract\"(%s_t, %s_u) : (%s, %s) -> %s\n", v, v, v, tr, tr, tr)
			fmt.Fprintf(&b, "  %s = \"stablehlo.transpose\"(%s_s) {permutation = array<i64: 1, 0>} : (%s) -> %s\n", v, v, tr, full)
		case k < 5:
			op := bins[r.IntN(len(bins))]
			fmt.Fprintf(&b, "  %s = \"stablehlo.%s\"(%s, %s) : (%s, %s) -> %s\n", v, op, pick(), pick(), full, full, full)
		case k < 7:
			op := uns[r.IntN(len(uns))]
			x := pick()
			if op == "exponential" { // keep values finite
				fmt.Fprintf(&b, "  %s_t = \"stablehlo.tanh\"(%s) : (%s) -> %s\n", v, x, full, full)
				x = v + "_t"
			}
			dialect := "stablehlo"
			if op == "square" {
				dialect = "chlo"
			}
			fmt.Fprintf(&b, "  %s = \"%s.%s\"(%s) : (%s) -> %s\n", v, dialect, op, x, full, full)
		case k < 8:
			fmt.Fprintf(&b, "  %s = \"stablehlo.broadcast_in_dim\"(%%a2) {broadcast_dimensions = array<i64: 1>} : (%s) -> %s\n", v, row, full)
		case k < 9:
			zero := "0"
			if float {
				zero = "0.0"
			}
			fmt.Fprintf(&b, "  %s_z = \"stablehlo.constant\"() {value = dense<%s> : tensor<%s>} : () -> tensor<%s>\n", v, zero, ty, ty)
			if r.IntN(2) == 0 { // reduce_window: running pairs down the rows (conv_test.go covers the rest)
				fmt.Fprintf(&b, "  %s = \"stablehlo.reduce_window\"(%s, %s_z) ({\n  ^bb0(%%p: tensor<%s>, %%q: tensor<%s>):\n    %%s = \"stablehlo.%s\"(%%p, %%q) : (tensor<%s>, tensor<%s>) -> tensor<%s>\n    \"stablehlo.return\"(%%s) : (tensor<%s>) -> ()\n  }) {window_dimensions = array<i64: 2, 1>, padding = dense<[[1, 0], [0, 0]]> : tensor<2x2xi64>} : (%s, tensor<%s>) -> %s\n",
					v, pick(), v, ty, ty, []string{"add", "maximum", "minimum"}[r.IntN(3)], ty, ty, ty, ty, full, ty, full)
				break
			}
			fmt.Fprintf(&b, "  %s_r = \"stablehlo.reduce\"(%s, %s_z) ({\n  ^bb0(%%p: tensor<%s>, %%q: tensor<%s>):\n    %%s = \"stablehlo.add\"(%%p, %%q) : (tensor<%s>, tensor<%s>) -> tensor<%s>\n    \"stablehlo.return\"(%%s) : (tensor<%s>) -> ()\n  }) {dimensions = array<i64: 0>} : (%s, tensor<%s>) -> %s\n",
				v, pick(), v, ty, ty, ty, ty, ty, ty, full, ty, row)
			fmt.Fprintf(&b, "  %s = \"stablehlo.broadcast_in_dim\"(%s_r) {broadcast_dimensions = array<i64: 1>} : (%s) -> %s\n", v, v, row, full)
		default:
			if !float {
				fmt.Fprintf(&b, "  %s = \"stablehlo.add\"(%s, %s) : (%s, %s) -> %s\n", v, pick(), pick(), full, full, full)
				break
			}
			if r.IntN(2) == 0 { // convolution along the columns, SAME padding
				col := fmt.Sprintf("tensor<%dx%dx1x%s>", R, C, ty)
				fmt.Fprintf(&b, "  %s_c = \"stablehlo.reshape\"(%s) : (%s) -> %s\n", v, pick(), full, col)
				fmt.Fprintf(&b, "  %s_k = \"stablehlo.constant\"() {value = dense<[[[0.5]], [[-1.0]], [[0.25]]]> : tensor<3x1x1x%s>} : () -> tensor<3x1x1x%s>\n", v, ty, ty)
				fmt.Fprintf(&b, "  %s_o = stablehlo.convolution(%s_c, %s_k) dim_numbers = [b, 0, f]x[0, i, o]->[b, 0, f], window = {pad = [[1, 1]]} : (%s, tensor<3x1x1x%s>) -> %s\n", v, v, v, col, ty, col)
				fmt.Fprintf(&b, "  %s = \"stablehlo.reshape\"(%s_o) : (%s) -> %s\n", v, v, col, full)
				break
			}
			sq := fmt.Sprintf("tensor<%dx%dx%s>", C, C, ty)
			fmt.Fprintf(&b, "  %s_w = \"stablehlo.dot_general\"(%s, %s) {dot_dimension_numbers = #stablehlo.dot<lhs_contracting_dimensions = [0], rhs_contracting_dimensions = [0]>} : (%s, %s) -> %s\n", v, pick(), pick(), full, full, sq)
			fmt.Fprintf(&b, "  %s = \"stablehlo.dot_general\"(%s, %s_w) {dot_dimension_numbers = #stablehlo.dot<lhs_contracting_dimensions = [1], rhs_contracting_dimensions = [0]>} : (%s, %s) -> %s\n", v, pick(), v, full, sq, full)
		}
		vals = append(vals, v)
	}
	// The result depends on every value, so that nothing is dead.
	acc := vals[len(vals)-1]
	for i, v := range vals[2 : len(vals)-1] {
		fmt.Fprintf(&b, "  %%sum%d = \"stablehlo.add\"(%s, %s) : (%s, %s) -> %s\n", i, acc, v, full, full, full)
		acc = fmt.Sprintf("%%sum%d", i)
	}
	fmt.Fprintf(&b, "  func.return %s : %s\n}\n", acc, full)
	return b.String(), ty, []int64{R, C}
}

func runGenerated(t testing.TB, seed uint64, nops int) {
	r := rand.New(rand.NewPCG(seed, 7))
	src, ty, rc := genProgram(r, nops)
	m := parse(t, src)
	d, _ := tensor.ParseDType(ty)
	inputs := []*tensor.Tensor{randTensor(r, d, rc), randTensor(r, d, rc), randTensor(r, d, rc[1:])}
	diffRun(t, m, inputs, Options{})
	diffRun(t, m, inputs, Options{NoFusion: true})
}

func TestRandomPrograms(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 50
	}
	for seed := range uint64(n) {
		runGenerated(t, seed, 1+int(seed%12))
	}
}

func FuzzPlanVsReference(f *testing.F) {
	for s := range uint64(8) {
		f.Add(s, uint8(s+3))
	}
	f.Fuzz(func(t *testing.T, seed uint64, nops uint8) {
		runGenerated(t, seed, 1+int(nops%24))
	})
}

func TestFusionAndReuse(t *testing.T) {
	m := parse(t, `func.func @main(%a: tensor<1000xf32>, %b: tensor<1000xf32>, %c: tensor<1000xf32>) -> tensor<1000xf32> {
  %z = stablehlo.constant dense<0.0> : tensor<1000xf32>
  %m = stablehlo.multiply %a, %b : tensor<1000xf32>
  %s = stablehlo.add %m, %c : tensor<1000xf32>
  %m2 = stablehlo.multiply %a, %b : tensor<1000xf32>
  %r = stablehlo.maximum %s, %z : tensor<1000xf32>
  func.return %r : tensor<1000xf32>
}`)
	p, err := Compile(m, m.Entry(""), Options{CheckPasses: true})
	if err != nil {
		t.Fatal(err)
	}
	d := p.Describe()
	if d.Steps != 1 || d.Fused != 1 || d.FusedOps != 3 || d.Fallback != 0 {
		t.Errorf("plan shape %+v, want one fused step of 3 ops", d)
	}
	if p.PeakBytes() != 4000+3*1000*8 { // output + one chunk buffer per member, a chunk being the 1000 elements
		t.Errorf("PeakBytes %d", p.PeakBytes())
	}
	r := rand.New(rand.NewPCG(1, 2))
	in := []*tensor.Tensor{randTensor(r, tensor.F32, []int64{1000}), randTensor(r, tensor.F32, []int64{1000}), randTensor(r, tensor.F32, []int64{1000})}
	diffRun(t, m, in, Options{})
}

func TestLimits(t *testing.T) {
	m := parse(t, `func.func @main(%a: tensor<1000xf32>) -> tensor<1000xf32> {
  %e = stablehlo.exponential %a : tensor<1000xf32>
  %s = stablehlo.add %e, %a : tensor<1000xf32>
  func.return %s : tensor<1000xf32>
}`)
	p, err := Compile(m, m.Entry(""), Options{})
	if err != nil {
		t.Fatal(err)
	}
	in := []*tensor.Tensor{randTensor(rand.New(rand.NewPCG(1, 1)), tensor.F32, []int64{1000})}
	for _, tc := range []struct {
		lim  exec.Limits
		ctx  func() context.Context
		rule string
	}{
		{exec.Limits{MaxMemory: 5000}, context.Background, "limit.memory"},
		{exec.Limits{MaxFLOPs: 10}, context.Background, "limit.flops"},
		{exec.Limits{}, func() context.Context { c, cancel := context.WithCancel(context.Background()); cancel(); return c }, "limit.cancelled"},
	} {
		_, _, err := p.Run(tc.ctx(), in, tc.lim)
		if err == nil || !strings.Contains(err.Error(), tc.rule) {
			t.Errorf("limits %+v: got %v, want %s", tc.lim, err, tc.rule)
		}
	}
}

// checkStaticPeak: a run's metered peak stays within the plan's static
// memory bound.
func checkStaticPeak(t testing.TB, p *Plan, inputs []*tensor.Tensor, st exec.Stats) {
	t.Helper()
	var in int64
	seen := map[*tensor.Tensor]bool{}
	for _, x := range inputs {
		if !seen[x] {
			seen[x] = true
			in += int64(len(x.Data))
		}
	}
	if sp := p.StaticPeak(); sp != cost.Unbounded && st.PeakMemory > in+sp {
		t.Fatalf("metered peak %d > inputs %d + static peak %d", st.PeakMemory, in, sp)
	}
}
