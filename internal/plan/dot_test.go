package plan

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/exec"
	"github.com/hlogate/hlogate/tensor"
)

// TestDotGeneralLayouts runs dot_generals with batch, contracting and free
// dimensions in every position (the einsums JAX emits for attention
// among them) natively and against the reference.
func TestDotGeneralLayouts(t *testing.T) {
	cases := []struct {
		lhs, rhs       []int64
		lb, rb, lc, rc []int64
	}{
		{[]int64{5, 3}, []int64{3, 4}, nil, nil, []int64{1}, []int64{0}},
		{[]int64{3, 5}, []int64{3, 4}, nil, nil, []int64{0}, []int64{0}},
		{[]int64{5, 3}, []int64{4, 3}, nil, nil, []int64{1}, []int64{1}},
		{[]int64{3, 5}, []int64{4, 3}, nil, nil, []int64{0}, []int64{1}},
		{[]int64{6, 2, 4}, []int64{6, 2, 4}, []int64{1}, []int64{1}, []int64{2}, []int64{2}}, // qhd,khd->hqk
		{[]int64{6, 2, 4}, []int64{2, 6, 6}, []int64{1}, []int64{0}, []int64{0}, []int64{2}}, // khd,hqk->hdq
		{[]int64{2, 3, 4, 5}, []int64{4, 5, 6}, nil, nil, []int64{2, 3}, []int64{0, 1}},
		{[]int64{2, 3, 4, 5}, []int64{5, 6, 4}, nil, nil, []int64{3, 2}, []int64{0, 2}},
		{[]int64{7, 2, 3}, []int64{2, 3, 7}, []int64{1, 0}, []int64{0, 2}, []int64{2}, []int64{1}},
		{[]int64{4}, []int64{4}, nil, nil, []int64{0}, []int64{0}},
		{[]int64{3, 1}, []int64{1, 5}, nil, nil, []int64{1}, []int64{0}},
		{[]int64{2, 0, 3}, []int64{2, 3, 4}, []int64{0}, []int64{0}, []int64{2}, []int64{1}},
	}
	for i, c := range cases {
		for _, ty := range []string{"f32", "f64"} {
			t.Run(fmt.Sprintf("%d/%s", i, ty), func(t *testing.T) {
				out := dotOutShape(c.lhs, c.rhs, c.lb, c.rb, c.lc, c.rc)
				src := fmt.Sprintf(`func.func @main(%%a: %s, %%b: %s) -> %s {
  %%r = "stablehlo.dot_general"(%%a, %%b) {dot_dimension_numbers = #stablehlo.dot<lhs_batching_dimensions = %s, rhs_batching_dimensions = %s, lhs_contracting_dimensions = %s, rhs_contracting_dimensions = %s>} : (%s, %s) -> %s
  func.return %%r : %s
}`, tt(c.lhs, ty), tt(c.rhs, ty), tt(out, ty), ints(c.lb), ints(c.rb), ints(c.lc), ints(c.rc), tt(c.lhs, ty), tt(c.rhs, ty), tt(out, ty), tt(out, ty))
				m := parse(t, src)
				p, err := Compile(m, m.Entry(""), Options{})
				if err != nil {
					t.Fatal(err)
				}
				if d := p.Describe(); d.Fallback != 0 {
					t.Errorf("dot_general runs through the fallback: %+v", d)
				}
				r := rand.New(rand.NewPCG(uint64(i), 1))
				d, _ := tensor.ParseDType(ty)
				diffRun(t, m, []*tensor.Tensor{randTensor(r, d, c.lhs), randTensor(r, d, c.rhs)}, Options{})
			})
		}
	}
}

func dotOutShape(lhs, rhs, lb, rb, lc, rc []int64) []int64 {
	var out []int64
	for _, x := range lb {
		out = append(out, lhs[x])
	}
	lf, _ := freeDims(len(lhs), lb, lc)
	rf, _ := freeDims(len(rhs), rb, rc)
	for _, x := range lf {
		out = append(out, lhs[x])
	}
	for _, x := range rf {
		out = append(out, rhs[x])
	}
	return out
}

func tt(shape []int64, ty string) string {
	var b strings.Builder
	b.WriteString("tensor<")
	for _, d := range shape {
		fmt.Fprintf(&b, "%dx", d)
	}
	return b.String() + ty + ">"
}

func ints(x []int64) string {
	s := make([]string, len(x))
	for i, v := range x {
		s[i] = fmt.Sprint(v)
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// TestParallelChains: chains long enough to be split across threads give
// bit-identical results at every thread count, and the reference's.
func TestParallelChains(t *testing.T) {
	const R, C = 397, 1031 // 409307 elements: several ranges, a ragged tail
	src := strings.NewReplacer("RC", fmt.Sprintf("%dx%d", R, C), "CR", fmt.Sprintf("%dx%d", C, R), "CV", fmt.Sprint(C)).Replace(
		`func.func @main(%a: tensor<RCxf32>, %b: tensor<CVxf32>, %c: tensor<CRxf32>) -> tensor<RCxf32> {
  %z = stablehlo.constant dense<0.5> : tensor<f32>
  %zb = stablehlo.broadcast_in_dim %z, dims = [] : (tensor<f32>) -> tensor<RCxf32>
  %bb = stablehlo.broadcast_in_dim %b, dims = [1] : (tensor<CVxf32>) -> tensor<RCxf32>
  %ct = stablehlo.transpose %c, dims = [1, 0] : (tensor<CRxf32>) -> tensor<RCxf32>
  %m = stablehlo.multiply %a, %bb : tensor<RCxf32>
  %s = stablehlo.add %m, %ct : tensor<RCxf32>
  %e = stablehlo.tanh %s : tensor<RCxf32>
  %r = stablehlo.maximum %e, %zb : tensor<RCxf32>
  func.return %r : tensor<RCxf32>
}`)
	m := parse(t, src)
	r := rand.New(rand.NewPCG(5, 5))
	in := []*tensor.Tensor{randTensor(r, tensor.F32, []int64{R, C}), randTensor(r, tensor.F32, []int64{C}), randTensor(r, tensor.F32, []int64{C, R})}
	var first []*tensor.Tensor
	for _, threads := range []int{1, 2, 3, 8} {
		p, err := Compile(m, m.Entry(""), Options{Threads: threads, CheckPasses: true})
		if err != nil {
			t.Fatal(err)
		}
		if d := p.Describe(); d.Steps != 1 || d.Fused != 1 {
			t.Fatalf("threads=%d: plan %+v, want one fused step", threads, d)
		}
		got, _, err := p.Run(context.Background(), in, exec.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = got
			continue
		}
		if !tensor.Equal(got[0], first[0]) {
			t.Errorf("threads=%d: result differs from threads=1", threads)
		}
	}
	diffRun(t, m, in, Options{Threads: 3})
}

// TestIota: iotas too large to fold run natively and match the reference.
func TestIota(t *testing.T) {
	for _, ty := range []string{"f32", "f64", "i32", "i64"} {
		for _, dim := range []int{0, 1, 2} {
			src := fmt.Sprintf(`func.func @main(%%x: tensor<30x70x40x%s>) -> tensor<30x70x40x%s> {
  %%i = stablehlo.iota dim = %d : tensor<30x70x40x%s>
  %%r = stablehlo.add %%i, %%x : tensor<30x70x40x%s>
  func.return %%r : tensor<30x70x40x%s>
}`, ty, ty, dim, ty, ty, ty)
			m := parse(t, src)
			p, err := Compile(m, m.Entry(""), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if d := p.Describe(); d.Fallback != 0 || d.Folded != 0 {
				t.Errorf("%s dim %d: iota not native: %+v", ty, dim, d)
			}
			d, _ := tensor.ParseDType(ty)
			diffRun(t, m, []*tensor.Tensor{randTensor(rand.New(rand.NewPCG(1, 2)), d, []int64{30, 70, 40})}, Options{})
		}
	}
}

// TestHugeSplatNotExpanded: compiling never expands a splat constant
// beyond the fold caps (a program can name one of 2^42 bytes); running it
// meets the memory budget.
func TestHugeSplatNotExpanded(t *testing.T) {
	m := parse(t, `func.func @main(%x: tensor<f32>) -> tensor<1099511627776xf32> {
  %c = stablehlo.constant dense<1.0> : tensor<1099511627776xf32>
  func.return %c : tensor<1099511627776xf32>
}`)
	p, err := Compile(m, m.Entry(""), Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = p.Run(context.Background(), []*tensor.Tensor{randF32()}, exec.Limits{MaxMemory: 1 << 30})
	if r := diag.RuleOf(err); r != "limit.memory" {
		t.Fatalf("got %v, want limit.memory", err)
	}
}

// TestSimplify: identities disappear from the plan; x+0 on floats stays
// (−0 + 0 is +0), and so does x−(−0).
func TestSimplify(t *testing.T) {
	m := parse(t, `func.func @main(%x: tensor<4x3xf32>, %k: tensor<4x3xi32>) -> (tensor<4x3xf32>, tensor<4x3xi32>, tensor<4x3xf32>, tensor<4x3xf32>) {
  %one = stablehlo.constant dense<1.0> : tensor<f32>
  %ones = stablehlo.broadcast_in_dim %one, dims = [] : (tensor<f32>) -> tensor<4x3xf32>
  %zero = stablehlo.constant dense<0.0> : tensor<4x3xf32>
  %nz = stablehlo.constant dense<-0.0> : tensor<4x3xf32>
  %izero = stablehlo.constant dense<0> : tensor<4x3xi32>
  %a = stablehlo.multiply %x, %ones : tensor<4x3xf32>
  %b = stablehlo.divide %a, %ones : tensor<4x3xf32>
  %c = stablehlo.subtract %b, %zero : tensor<4x3xf32>
  %d = stablehlo.negate %c : tensor<4x3xf32>
  %e = stablehlo.negate %d : tensor<4x3xf32>
  %f = stablehlo.convert %e : tensor<4x3xf32>
  %g = stablehlo.transpose %f, dims = [0, 1] : (tensor<4x3xf32>) -> tensor<4x3xf32>
  %h = stablehlo.reshape %g : (tensor<4x3xf32>) -> tensor<4x3xf32>
  %i = stablehlo.add %k, %izero : tensor<4x3xi32>
  %p = stablehlo.add %x, %zero : tensor<4x3xf32>
  %q = stablehlo.subtract %x, %nz : tensor<4x3xf32>
  func.return %h, %i, %p, %q : tensor<4x3xf32>, tensor<4x3xi32>, tensor<4x3xf32>, tensor<4x3xf32>
}`)
	p, err := Compile(m, m.Entry(""), Options{CheckPasses: true})
	if err != nil {
		t.Fatal(err)
	}
	if d := p.Describe(); d.Steps != 2 {
		t.Errorf("plan %+v: want two steps (the float x+0 and x−(−0))", d)
	}
	x := randTensor(rand.New(rand.NewPCG(3, 3)), tensor.F32, []int64{4, 3})
	x.SetFloat64(0, math.Copysign(0, -1)) // −0: x+0 must give +0
	k := randTensor(rand.New(rand.NewPCG(4, 4)), tensor.I32, []int64{4, 3})
	in := []*tensor.Tensor{x, k}
	diffRun(t, m, in, Options{})
	got, _, err := p.Run(context.Background(), in, exec.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if math.Signbit(got[2].Float64(0)) {
		t.Errorf("−0 + 0 gave −0")
	}
}

// TestGatherRows: the embedding-lookup gather runs natively and clamps
// out-of-range indices exactly as the reference does.
func TestGatherRows(t *testing.T) {
	for _, c := range []struct{ tab, idx string }{{"f32", "i32"}, {"f64", "i64"}, {"i32", "i32"}, {"i1", "i64"}} {
		src := fmt.Sprintf(`func.func @main(%%t: tensor<7x5x%[1]s>, %%i: tensor<3x4x1x%[2]s>) -> tensor<3x4x5x%[1]s> {
  %%g = "stablehlo.gather"(%%t, %%i) <{dimension_numbers = #stablehlo.gather<offset_dims = [2], collapsed_slice_dims = [0], start_index_map = [0], index_vector_dim = 2>, indices_are_sorted = false, slice_sizes = array<i64: 1, 5>}> : (tensor<7x5x%[1]s>, tensor<3x4x1x%[2]s>) -> tensor<3x4x5x%[1]s>
  func.return %%g : tensor<3x4x5x%[1]s>
}`, c.tab, c.idx)
		m := parse(t, src)
		p, err := Compile(m, m.Entry(""), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if d := p.Describe(); d.Fallback != 0 {
			t.Errorf("%v: gather not native: %+v", c, d)
		}
		r := rand.New(rand.NewPCG(8, 8))
		td, _ := tensor.ParseDType(c.tab)
		id, _ := tensor.ParseDType(c.idx)
		idx, _ := tensor.New(id, []int64{3, 4, 1}, 1<<20)
		for i, v := range []int64{0, 6, -1, 7, 100, -100, 3, 2, 5, 1, 4, 6} {
			idx.SetInt64(int64(i), v)
		}
		diffRun(t, m, []*tensor.Tensor{randTensor(r, td, []int64{7, 5}), idx}, Options{})
	}
}

// TestBoolReduce: jnp.any / jnp.all (reduce with or / and over i1) run
// natively over leading, trailing and middle dimensions.
func TestBoolReduce(t *testing.T) {
	for _, body := range []string{"or", "and", "maximum", "minimum"} {
		for _, dims := range []string{"0", "1", "2", "0, 2", "0, 1, 2"} {
			out := map[string]string{"0": "5x6", "1": "4x6", "2": "4x5", "0, 2": "5", "0, 1, 2": ""}[dims]
			ot := "tensor<i1>"
			if out != "" {
				ot = "tensor<" + out + "xi1>"
			}
			src := fmt.Sprintf(`func.func @main(%%x: tensor<4x5x6xi1>, %%i: tensor<i1>) -> %[3]s {
  %%r = stablehlo.reduce(%%x init: %%i) applies stablehlo.%[1]s across dimensions = [%[2]s] : (tensor<4x5x6xi1>, tensor<i1>) -> %[3]s
  func.return %%r : %[3]s
}`, body, dims, ot)
			m := parse(t, src)
			p, err := Compile(m, m.Entry(""), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if d := p.Describe(); d.Fallback != 0 {
				t.Errorf("%s over [%s]: not native", body, dims)
			}
			r := rand.New(rand.NewPCG(uint64(len(dims)), 5))
			for _, init := range []byte{0, 1} {
				x := randTensor(r, tensor.Bool, []int64{4, 5, 6})
				it, _ := tensor.New(tensor.Bool, nil, 1)
				it.Data[0] = init
				diffRun(t, m, []*tensor.Tensor{x, it}, Options{})
			}
		}
	}
}
