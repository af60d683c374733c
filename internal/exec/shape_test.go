package exec

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/internal/mlir"
	"github.com/hlogate/hlogate/internal/testutil"
	"github.com/hlogate/hlogate/tensor"
)

// Tests of the data movement, gather/scatter, sort and reduction kernels:
// small programs with known results, and edge values (empty tensors, rank 0,
// int64/uint64 extremes as indices, shape operands that are negative,
// overflow or disagree with the result type). Every run must end without a
// panic and without an Internal error, and must leave the memory budget
// balanced: after the outputs are released nothing is held.

// dmRunBalanced runs @main of src like Run does and checks the budget
// bookkeeping afterwards.
func dmRunBalanced(t *testing.T, src string, lim Limits, inputs ...*tensor.Tensor) ([]*tensor.Tensor, error) {
	t.Helper()
	m, err := mlir.ParseModule(src, mlir.Limits{})
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, src)
	}
	fn := m.Entry("")
	if fn == nil {
		t.Fatalf("no entry function")
	}
	c := newCtx(context.Background(), m, lim)
	args := make([]Val, len(inputs))
	for i, in := range inputs {
		if err := checkInput(fn, i, in); err != nil {
			t.Fatalf("input %d: %v", i, err)
		}
		if _, held := c.refs[in]; !held {
			if err := c.budget.Reserve(int64(len(in.Data))); err != nil {
				t.Fatalf("input %d: %v", i, err)
			}
		}
		c.refs[in]++
		args[i] = Val{T: in}
	}
	outs, err := c.CallFunc(fn, args)
	c.releaseAll(args)
	if err != nil {
		if c.budget.Used() != 0 || len(c.refs) != 0 || len(c.pending) != 0 {
			t.Errorf("after error %v: %d bytes, %d references and %d pending tensors still held", err, c.budget.Used(), len(c.refs), len(c.pending))
		}
		return nil, err
	}
	held := int64(0)
	seen := map[*tensor.Tensor]bool{}
	res := make([]*tensor.Tensor, len(outs))
	for i, v := range outs {
		if v.T == nil {
			t.Fatalf("result %d is not a tensor", i)
		}
		res[i] = v.T
		if !seen[v.T] {
			seen[v.T] = true
			held += int64(len(v.T.Data))
		}
	}
	if c.budget.Used() != held {
		t.Errorf("the budget holds %d bytes, the results take %d", c.budget.Used(), held)
	}
	c.releaseAll(outs)
	if c.budget.Used() != 0 || len(c.refs) != 0 || len(c.pending) != 0 {
		t.Errorf("after releasing the results: %d bytes, %d references and %d pending tensors still held", c.budget.Used(), len(c.refs), len(c.pending))
	}
	return res, nil
}

// dmT builds a tensor of dtype d from integer values (SetInt64 semantics).
func dmT(d tensor.DType, shape []int64, vals ...int64) *tensor.Tensor {
	n := int64(1)
	for _, s := range shape {
		n *= s
	}
	t, err := tensor.New(d, shape, 1<<30)
	if err != nil {
		panic(err)
	}
	if int64(len(vals)) != n {
		panic(fmt.Sprintf("dmT: %d values for shape %v", len(vals), shape))
	}
	for i, v := range vals {
		t.SetInt64(int64(i), v)
	}
	return t
}

// dmU builds an unsigned tensor from uint64 values.
func dmU(d tensor.DType, shape []int64, vals ...uint64) *tensor.Tensor {
	t := dmT(d, shape, make([]int64, len(vals))...)
	for i, v := range vals {
		t.SetUint64(int64(i), v)
	}
	return t
}

type dmWant struct {
	shape []int64
	vals  []int64
}

type dmCase struct {
	name string
	src  string
	in   []*tensor.Tensor
	want []dmWant // expected results; nil when an error is expected
	kind string   // expected error kind when want is nil ("" = any but internal)
	lim  Limits
}

func dmCheckCase(t *testing.T, tc dmCase) {
	t.Helper()
	out, err := dmRunBalanced(t, tc.src, tc.lim, tc.in...)
	if err != nil {
		k := diag.KindOf(err)
		if k == diag.Internal {
			t.Fatalf("internal error: %v", err)
		}
		if tc.want != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		if tc.kind != "" && k.String() != tc.kind {
			t.Fatalf("error kind %s, want %s: %v", k, tc.kind, err)
		}
		return
	}
	if tc.want == nil {
		t.Fatalf("expected a %s error, got results %v", tc.kind, out)
	}
	if len(out) != len(tc.want) {
		t.Fatalf("%d results, want %d", len(out), len(tc.want))
	}
	for i, w := range tc.want {
		o := out[i]
		if fmt.Sprint(o.Shape) != fmt.Sprint(w.shape) && !(len(o.Shape) == 0 && len(w.shape) == 0) {
			t.Fatalf("result %d has shape %v, want %v", i, o.Shape, w.shape)
		}
		got := make([]int64, o.NumElements())
		for k := range got {
			got[k] = o.Int64(int64(k))
		}
		if fmt.Sprint(got) != fmt.Sprint(w.vals) {
			t.Fatalf("result %d = %v, want %v", i, got, w.vals)
		}
	}
}

// dmMain wraps one op body into a @main function.
func dmMain(args, results, body string) string {
	return fmt.Sprintf("func.func @main(%s) -> (%s) {\n%s\n}\n", args, results, body)
}

const (
	i64min = math.MinInt64
	i64max = math.MaxInt64
)

var dmI64 = tensor.I64

func dmScalar(v int64) *tensor.Tensor { return dmT(dmI64, nil, v) }

func TestDataMovementValues(t *testing.T) {
	cases := []dmCase{
		{
			name: "broadcast_in_dim",
			src: dmMain("%a: tensor<1x3xi32>", "tensor<2x3x2xi32>", `
  %r = "stablehlo.broadcast_in_dim"(%a) {broadcast_dimensions = array<i64: 2, 1>} : (tensor<1x3xi32>) -> tensor<2x3x2xi32>
  return %r : tensor<2x3x2xi32>`),
			in:   []*tensor.Tensor{dmT(tensor.I32, []int64{1, 3}, 1, 2, 3)},
			want: []dmWant{{[]int64{2, 3, 2}, []int64{1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3}}},
		},
		{
			name: "transpose",
			src: dmMain("%a: tensor<2x3xi32>", "tensor<3x2xi32>", `
  %r = stablehlo.transpose %a, dims = [1, 0] : (tensor<2x3xi32>) -> tensor<3x2xi32>
  return %r : tensor<3x2xi32>`),
			in:   []*tensor.Tensor{dmT(tensor.I32, []int64{2, 3}, 1, 2, 3, 4, 5, 6)},
			want: []dmWant{{[]int64{3, 2}, []int64{1, 4, 2, 5, 3, 6}}},
		},
		{
			name: "slice strided",
			src: dmMain("%a: tensor<7xi32>", "tensor<3xi32>", `
  %r = stablehlo.slice %a [1:7:2] : (tensor<7xi32>) -> tensor<3xi32>
  return %r : tensor<3xi32>`),
			in:   []*tensor.Tensor{dmT(tensor.I32, []int64{7}, 0, 1, 2, 3, 4, 5, 6)},
			want: []dmWant{{[]int64{3}, []int64{1, 3, 5}}},
		},
		{
			name: "reverse",
			src: dmMain("%a: tensor<2x3xi32>", "tensor<2x3xi32>", `
  %r = stablehlo.reverse %a, dims = [0, 1] : tensor<2x3xi32>
  return %r : tensor<2x3xi32>`),
			in:   []*tensor.Tensor{dmT(tensor.I32, []int64{2, 3}, 1, 2, 3, 4, 5, 6)},
			want: []dmWant{{[]int64{2, 3}, []int64{6, 5, 4, 3, 2, 1}}},
		},
		{
			name: "concatenate",
			src: dmMain("%a: tensor<1x2xi32>, %b: tensor<2x2xi32>", "tensor<3x2xi32>", `
  %r = stablehlo.concatenate %a, %b, dim = 0 : (tensor<1x2xi32>, tensor<2x2xi32>) -> tensor<3x2xi32>
  return %r : tensor<3x2xi32>`),
			in:   []*tensor.Tensor{dmT(tensor.I32, []int64{1, 2}, 1, 2), dmT(tensor.I32, []int64{2, 2}, 3, 4, 5, 6)},
			want: []dmWant{{[]int64{3, 2}, []int64{1, 2, 3, 4, 5, 6}}},
		},
		{
			name: "pad negative and interior",
			src: dmMain("%a: tensor<2x3xi32>, %p: tensor<i32>", "tensor<4x3xi32>", `
  %r = stablehlo.pad %a, %p, low = [1, -1], high = [0, -1], interior = [1, 1] : (tensor<2x3xi32>, tensor<i32>) -> tensor<4x3xi32>
  return %r : tensor<4x3xi32>`),
			in: []*tensor.Tensor{dmT(tensor.I32, []int64{2, 3}, 1, 2, 3, 4, 5, 6), dmT(tensor.I32, nil, 9)},
			want: []dmWant{{[]int64{4, 3}, []int64{
				9, 9, 9,
				9, 2, 9,
				9, 9, 9,
				9, 5, 9}}},
		},
		{
			// low + 2 + 1*interior + high = 1: only operand[1] survives.
			name: "pad extreme values",
			src: dmMain("%a: tensor<2xi64>, %p: tensor<i64>", "tensor<1xi64>", `
  %r = stablehlo.pad %a, %p, low = [-4611686018427387905], high = [0], interior = [4611686018427387904] : (tensor<2xi64>, tensor<i64>) -> tensor<1xi64>
  return %r : tensor<1xi64>`),
			in:   []*tensor.Tensor{dmT(dmI64, []int64{2}, 7, 8), dmScalar(0)},
			want: []dmWant{{[]int64{1}, []int64{8}}},
		},
		{
			name: "pad overflowing sizes",
			src: dmMain("%a: tensor<2xi64>, %p: tensor<i64>", "tensor<1xi64>", `
  %r = stablehlo.pad %a, %p, low = [9223372036854775807], high = [9223372036854775807], interior = [0] : (tensor<2xi64>, tensor<i64>) -> tensor<1xi64>
  return %r : tensor<1xi64>`),
			in:   []*tensor.Tensor{dmT(dmI64, []int64{2}, 7, 8), dmScalar(0)},
			kind: "rejected",
		},
		{
			name: "iota",
			src: dmMain("", "tensor<2x3xf32>", `
  %r = stablehlo.iota dim = 1 : tensor<2x3xf32>
  return %r : tensor<2x3xf32>`),
			want: []dmWant{{[]int64{2, 3}, []int64{0, 1, 2, 0, 1, 2}}},
		},
		{
			name: "get_dimension_size",
			src: dmMain("%a: tensor<2x5xf32>", "tensor<i32>", `
  %r = stablehlo.get_dimension_size %a, dim = 1 : (tensor<2x5xf32>) -> tensor<i32>
  return %r : tensor<i32>`),
			in:   []*tensor.Tensor{dmT(tensor.F32, []int64{2, 5}, make([]int64, 10)...)},
			want: []dmWant{{nil, []int64{5}}},
		},
		{
			name: "set_dimension_size",
			src: dmMain("%a: tensor<4xi32>, %s: tensor<i32>", "tensor<?xi32>", `
  %r = "stablehlo.set_dimension_size"(%a, %s) {dimension = 0 : i64} : (tensor<4xi32>, tensor<i32>) -> tensor<?xi32>
  return %r : tensor<?xi32>`),
			in:   []*tensor.Tensor{dmT(tensor.I32, []int64{4}, 1, 2, 3, 4), dmT(tensor.I32, nil, 2)},
			want: []dmWant{{[]int64{2}, []int64{1, 2}}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { dmCheckCase(t, tc) })
	}
}

// Start indices of dynamic_slice / dynamic_update_slice clamp into the
// operand, whatever their value.
func TestDynamicSliceExtremeIndices(t *testing.T) {
	sliceSrc := func(it string) string {
		return dmMain(fmt.Sprintf("%%a: tensor<4x4xi32>, %%i: tensor<%s>, %%j: tensor<%s>", it, it), "tensor<2x2xi32>", fmt.Sprintf(`
  %%r = "stablehlo.dynamic_slice"(%%a, %%i, %%j) {slice_sizes = array<i64: 2, 2>} : (tensor<4x4xi32>, tensor<%s>, tensor<%s>) -> tensor<2x2xi32>
  return %%r : tensor<2x2xi32>`, it, it))
	}
	grid := dmT(tensor.I32, []int64{4, 4}, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
	updSrc := func(it string) string {
		return dmMain(fmt.Sprintf("%%a: tensor<4x4xi32>, %%u: tensor<2x2xi32>, %%i: tensor<%s>, %%j: tensor<%s>", it, it), "tensor<4x4xi32>", fmt.Sprintf(`
  %%r = stablehlo.dynamic_update_slice %%a, %%u, %%i, %%j : (tensor<4x4xi32>, tensor<2x2xi32>, tensor<%s>, tensor<%s>) -> tensor<4x4xi32>
  return %%r : tensor<4x4xi32>`, it, it))
	}
	upd := dmT(tensor.I32, []int64{2, 2}, -1, -2, -3, -4)
	cases := []dmCase{
		{name: "min max", src: sliceSrc("i64"), in: []*tensor.Tensor{grid, dmScalar(i64min), dmScalar(i64max)},
			want: []dmWant{{[]int64{2, 2}, []int64{2, 3, 6, 7}}}},
		{name: "max min", src: sliceSrc("i64"), in: []*tensor.Tensor{grid, dmScalar(i64max), dmScalar(i64min)},
			want: []dmWant{{[]int64{2, 2}, []int64{8, 9, 12, 13}}}},
		{name: "in range", src: sliceSrc("i64"), in: []*tensor.Tensor{grid, dmScalar(1), dmScalar(1)},
			want: []dmWant{{[]int64{2, 2}, []int64{5, 6, 9, 10}}}},
		{name: "ui64 max", src: sliceSrc("ui64"), in: []*tensor.Tensor{grid, dmU(tensor.U64, nil, math.MaxUint64), dmU(tensor.U64, nil, 0)},
			want: []dmWant{{[]int64{2, 2}, []int64{8, 9, 12, 13}}}},
		{name: "i8 negative", src: sliceSrc("i8"), in: []*tensor.Tensor{grid, dmT(tensor.I8, nil, -128), dmT(tensor.I8, nil, 127)},
			want: []dmWant{{[]int64{2, 2}, []int64{2, 3, 6, 7}}}},
		{name: "update min max", src: updSrc("i64"), in: []*tensor.Tensor{grid, upd, dmScalar(i64min), dmScalar(i64max)},
			want: []dmWant{{[]int64{4, 4}, []int64{0, 1, -1, -2, 4, 5, -3, -4, 8, 9, 10, 11, 12, 13, 14, 15}}}},
		{name: "update ui64 max", src: updSrc("ui64"), in: []*tensor.Tensor{grid, upd, dmU(tensor.U64, nil, math.MaxUint64), dmU(tensor.U64, nil, math.MaxUint64)},
			want: []dmWant{{[]int64{4, 4}, []int64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, -1, -2, 12, 13, -3, -4}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { dmCheckCase(t, tc) })
	}
}

const dmGatherSrc = `func.func @main(%a: tensor<3x3xi32>, %i: tensor<2x2xIT>) -> tensor<2x2x2xi32> {
  %r = "stablehlo.gather"(%a, %i) {dimension_numbers = #stablehlo.gather<offset_dims = [1, 2], collapsed_slice_dims = [], start_index_map = [0, 1], index_vector_dim = 1>, slice_sizes = array<i64: 2, 2>, indices_are_sorted = false} : (tensor<3x3xi32>, tensor<2x2xIT>) -> tensor<2x2x2xi32>
  return %r : tensor<2x2x2xi32>
}`

const dmScatterSrc = `func.func @main(%a: tensor<5xi32>, %i: tensor<4x1xIT>, %u: tensor<4xi32>) -> tensor<5xi32> {
  %r = "stablehlo.scatter"(%a, %i, %u) ({
  ^bb0(%x: tensor<i32>, %y: tensor<i32>):
    %s = stablehlo.add %x, %y : tensor<i32>
    stablehlo.return %s : tensor<i32>
  }) {scatter_dimension_numbers = #stablehlo.scatter<update_window_dims = [], inserted_window_dims = [0], scatter_dims_to_operand_dims = [0], index_vector_dim = 1>, indices_are_sorted = false, unique_indices = false} : (tensor<5xi32>, tensor<4x1xIT>, tensor<4xi32>) -> tensor<5xi32>
  return %r : tensor<5xi32>
}`

// Gather clamps start indices; scatter skips updates that land outside.
func TestGatherScatterExtremeIndices(t *testing.T) {
	a := dmT(tensor.I32, []int64{3, 3}, 0, 1, 2, 3, 4, 5, 6, 7, 8)
	five := dmT(tensor.I32, []int64{5}, 10, 20, 30, 40, 50)
	ones := dmT(tensor.I32, []int64{4}, 1, 2, 3, 4)
	cases := []dmCase{
		{name: "gather i64 extremes", src: strings.ReplaceAll(dmGatherSrc, "IT", "i64"),
			in: []*tensor.Tensor{a, dmT(dmI64, []int64{2, 2}, i64min, i64max, i64max, i64min)},
			// rows/cols: start (0, 1) and (1, 0) after clamping into [0, 1]
			want: []dmWant{{[]int64{2, 2, 2}, []int64{1, 2, 4, 5, 3, 4, 6, 7}}}},
		{name: "gather ui64 max", src: strings.ReplaceAll(dmGatherSrc, "IT", "ui64"),
			in:   []*tensor.Tensor{a, dmU(tensor.U64, []int64{2, 2}, math.MaxUint64, 0, 1, math.MaxUint64)},
			want: []dmWant{{[]int64{2, 2, 2}, []int64{3, 4, 6, 7, 4, 5, 7, 8}}}},
		{name: "scatter out of bounds skipped", src: strings.ReplaceAll(dmScatterSrc, "IT", "i64"),
			in:   []*tensor.Tensor{five, dmT(dmI64, []int64{4, 1}, i64min, i64max, -1, 4), ones},
			want: []dmWant{{[]int64{5}, []int64{10, 20, 30, 40, 54}}}},
		{name: "scatter ui64", src: strings.ReplaceAll(dmScatterSrc, "IT", "ui64"),
			in:   []*tensor.Tensor{five, dmU(tensor.U64, []int64{4, 1}, math.MaxUint64, 5, 0, 0), ones},
			want: []dmWant{{[]int64{5}, []int64{17, 20, 30, 40, 50}}}},
		{name: "scatter i8", src: strings.ReplaceAll(dmScatterSrc, "IT", "i8"),
			in:   []*tensor.Tensor{five, dmT(tensor.I8, []int64{4, 1}, -128, 127, 2, 2), ones},
			want: []dmWant{{[]int64{5}, []int64{10, 20, 37, 40, 50}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { dmCheckCase(t, tc) })
	}
}

// Gather and scatter with batching dimensions (the spec's examples).
func TestGatherScatterBatching(t *testing.T) {
	operand := make([]int64, 48)
	for i := range operand {
		operand[i] = int64(i + 1)
	}
	idx := []int64{0, 0, 1, 0, 2, 1, 0, 1, 1, 1, 0, 9, 0, 0, 2, 1, 2, 2, 1, 2, 0, 1, 1, 0}
	gather := dmCase{
		src: `func.func @main(%a: tensor<2x3x4x2xi32>, %i: tensor<2x2x3x2xi64>) -> tensor<2x2x3x2x2xi32> {
  %r = "stablehlo.gather"(%a, %i) {dimension_numbers = #stablehlo.gather<offset_dims = [3, 4], collapsed_slice_dims = [1], operand_batching_dims = [0], start_indices_batching_dims = [1], start_index_map = [2, 1], index_vector_dim = 3>, slice_sizes = array<i64: 1, 1, 2, 2>, indices_are_sorted = false} : (tensor<2x3x4x2xi32>, tensor<2x2x3x2xi64>) -> tensor<2x2x3x2x2xi32>
  return %r : tensor<2x2x3x2x2xi32>
}`,
		in: []*tensor.Tensor{dmT(tensor.I32, []int64{2, 3, 4, 2}, operand...), dmT(dmI64, []int64{2, 2, 3, 2}, idx...)},
		want: []dmWant{{[]int64{2, 2, 3, 2, 2}, []int64{
			1, 2, 3, 4, 3, 4, 5, 6, 13, 14, 15, 16,
			33, 34, 35, 36, 35, 36, 37, 38, 41, 42, 43, 44,
			1, 2, 3, 4, 13, 14, 15, 16, 21, 22, 23, 24,
			43, 44, 45, 46, 33, 34, 35, 36, 27, 28, 29, 30}}},
	}
	t.Run("gather", func(t *testing.T) { dmCheckCase(t, gather) })
	ones := make([]int64, 48)
	for i := range ones {
		ones[i] = 1
	}
	scatter := dmCase{
		src: `func.func @main(%a: tensor<2x3x4x2xi64>, %i: tensor<2x2x3x2xi64>, %u: tensor<2x2x3x2x2xi64>) -> tensor<2x3x4x2xi64> {
  %r = "stablehlo.scatter"(%a, %i, %u) ({
  ^bb0(%x: tensor<i64>, %y: tensor<i64>):
    %s = stablehlo.add %x, %y : tensor<i64>
    stablehlo.return %s : tensor<i64>
  }) {scatter_dimension_numbers = #stablehlo.scatter<update_window_dims = [3, 4], inserted_window_dims = [1], input_batching_dims = [0], scatter_indices_batching_dims = [1], scatter_dims_to_operand_dims = [2, 1], index_vector_dim = 3>, indices_are_sorted = false, unique_indices = false} : (tensor<2x3x4x2xi64>, tensor<2x2x3x2xi64>, tensor<2x2x3x2x2xi64>) -> tensor<2x3x4x2xi64>
  return %r : tensor<2x3x4x2xi64>
}`,
		in: []*tensor.Tensor{dmT(dmI64, []int64{2, 3, 4, 2}, operand...), dmT(dmI64, []int64{2, 2, 3, 2}, idx...), dmT(dmI64, []int64{2, 2, 3, 2, 2}, ones...)},
		want: []dmWant{{[]int64{2, 3, 4, 2}, []int64{
			3, 4, 6, 7, 6, 7, 7, 8,
			9, 10, 11, 12, 15, 16, 17, 18,
			17, 18, 19, 20, 22, 23, 24, 25,
			25, 26, 28, 29, 30, 31, 31, 32,
			35, 36, 38, 39, 38, 39, 39, 40,
			41, 42, 44, 45, 46, 47, 47, 48}}},
	}
	t.Run("scatter", func(t *testing.T) { dmCheckCase(t, scatter) })
}

const dmAddRegion = `({
  ^bb0(%x: tensor<i64>, %y: tensor<i64>):
    %s = stablehlo.add %x, %y : tensor<i64>
    stablehlo.return %s : tensor<i64>
  })`

func TestRegionOps(t *testing.T) {
	cases := []dmCase{
		{
			// Sort by key only: equal keys keep their payload order.
			name: "sort stable multi operand",
			src: dmMain("%k: tensor<6xi64>, %v: tensor<6xi64>", "tensor<6xi64>, tensor<6xi64>", `
  %r:2 = "stablehlo.sort"(%k, %v) ({
  ^bb0(%a: tensor<i64>, %b: tensor<i64>, %c: tensor<i64>, %d: tensor<i64>):
    %p = stablehlo.compare LT, %a, %b : (tensor<i64>, tensor<i64>) -> tensor<i1>
    stablehlo.return %p : tensor<i1>
  }) {dimension = 0 : i64, is_stable = true} : (tensor<6xi64>, tensor<6xi64>) -> (tensor<6xi64>, tensor<6xi64>)
  return %r#0, %r#1 : tensor<6xi64>, tensor<6xi64>`),
			in: []*tensor.Tensor{dmT(dmI64, []int64{6}, 3, 1, 3, 2, 1, 3), dmT(dmI64, []int64{6}, 0, 1, 2, 3, 4, 5)},
			want: []dmWant{
				{[]int64{6}, []int64{1, 1, 2, 3, 3, 3}},
				{[]int64{6}, []int64{1, 4, 3, 0, 2, 5}}},
		},
		{
			name: "sort negative dimension",
			src: dmMain("%k: tensor<2x3xi64>", "tensor<2x3xi64>", `
  %r = "stablehlo.sort"(%k) ({
  ^bb0(%a: tensor<i64>, %b: tensor<i64>):
    %p = stablehlo.compare GT, %a, %b : (tensor<i64>, tensor<i64>) -> tensor<i1>
    stablehlo.return %p : tensor<i1>
  }) {dimension = -1 : i64, is_stable = false} : (tensor<2x3xi64>) -> tensor<2x3xi64>
  return %r : tensor<2x3xi64>`),
			in:   []*tensor.Tensor{dmT(dmI64, []int64{2, 3}, 1, 3, 2, 6, 4, 5)},
			want: []dmWant{{[]int64{2, 3}, []int64{3, 2, 1, 6, 5, 4}}},
		},
		{
			name: "reduce two dims",
			src: dmMain("%a: tensor<2x3xi64>, %z: tensor<i64>", "tensor<i64>", `
  %r = stablehlo.reduce(%a init: %z) applies stablehlo.add across dimensions = [0, 1] : (tensor<2x3xi64>, tensor<i64>) -> tensor<i64>
  return %r : tensor<i64>`),
			in:   []*tensor.Tensor{dmT(dmI64, []int64{2, 3}, 1, 2, 3, 4, 5, 6), dmScalar(100)},
			want: []dmWant{{nil, []int64{121}}},
		},
		{
			name: "reduce_window padding and dilation",
			src: dmMain("%a: tensor<3x2xi64>, %z: tensor<i64>", "tensor<2x2xi64>", `
  %r = "stablehlo.reduce_window"(%a, %z) `+dmAddRegion+` {window_dimensions = array<i64: 2, 1>, window_strides = array<i64: 4, 1>, base_dilations = array<i64: 2, 1>, window_dilations = array<i64: 3, 1>, padding = dense<[[2, 1], [0, 0]]> : tensor<2x2xi64>} : (tensor<3x2xi64>, tensor<i64>) -> tensor<2x2xi64>
  return %r : tensor<2x2xi64>`),
			in:   []*tensor.Tensor{dmT(dmI64, []int64{3, 2}, 1, 2, 3, 4, 5, 6), dmScalar(0)},
			want: []dmWant{{[]int64{2, 2}, []int64{0, 0, 3, 4}}},
		},
		{
			name: "select_and_scatter",
			src: dmMain("%a: tensor<4x2xi64>, %s: tensor<2x2xi64>, %z: tensor<i64>", "tensor<4x2xi64>", `
  %r = "stablehlo.select_and_scatter"(%a, %s, %z) ({
  ^bb0(%x: tensor<i64>, %y: tensor<i64>):
    %p = stablehlo.compare GE, %x, %y : (tensor<i64>, tensor<i64>) -> tensor<i1>
    stablehlo.return %p : tensor<i1>
  }, {
  ^bb0(%x: tensor<i64>, %y: tensor<i64>):
    %q = stablehlo.add %x, %y : tensor<i64>
    stablehlo.return %q : tensor<i64>
  }) {window_dimensions = array<i64: 3, 1>, window_strides = array<i64: 2, 1>, padding = dense<[[0, 1], [0, 0]]> : tensor<2x2xi64>} : (tensor<4x2xi64>, tensor<2x2xi64>, tensor<i64>) -> tensor<4x2xi64>
  return %r : tensor<4x2xi64>`),
			in:   []*tensor.Tensor{dmT(dmI64, []int64{4, 2}, 1, 5, 2, 5, 3, 6, 4, 4), dmT(dmI64, []int64{2, 2}, 5, 6, 7, 8), dmScalar(0)},
			want: []dmWant{{[]int64{4, 2}, []int64{0, 0, 0, 0, 5, 14, 7, 0}}},
		},
		{
			name: "map",
			src: dmMain("%a: tensor<2x2xi64>, %b: tensor<2x2xi64>", "tensor<2x2xi64>", `
  %r = "stablehlo.map"(%a, %b) ({
  ^bb0(%x: tensor<i64>, %y: tensor<i64>):
    %m = stablehlo.multiply %x, %y : tensor<i64>
    stablehlo.return %m : tensor<i64>
  }) {dimensions = array<i64: 0, 1>} : (tensor<2x2xi64>, tensor<2x2xi64>) -> tensor<2x2xi64>
  return %r : tensor<2x2xi64>`),
			in:   []*tensor.Tensor{dmT(dmI64, []int64{2, 2}, 0, 1, 2, 3), dmT(dmI64, []int64{2, 2}, 4, 5, 6, 7)},
			want: []dmWant{{[]int64{2, 2}, []int64{0, 5, 12, 21}}},
		},
		{
			// Body on a wider type than the inputs (is_promotable): the
			// inputs are converted, so the sum does not wrap at i8.
			name: "reduce promotes to the body type",
			src: dmMain("%a: tensor<3xi8>, %z: tensor<i8>", "tensor<i32>", `
  %r = stablehlo.reduce(%a init: %z) across dimensions = [0] : (tensor<3xi8>, tensor<i8>) -> tensor<i32>
    reducer(%x: tensor<i32>, %y: tensor<i32>) {
      %s = stablehlo.add %x, %y : tensor<i32>
      stablehlo.return %s : tensor<i32>
    }
  return %r : tensor<i32>`),
			in:   []*tensor.Tensor{dmT(tensor.I8, []int64{3}, 100, 100, 100), dmT(tensor.I8, nil, 1)},
			want: []dmWant{{nil, []int64{301}}},
		},
		{
			// The region returns its own argument: the scratch scalar is
			// aliased by the result and must survive the call.
			name: "reduce region returns an argument",
			src: dmMain("%a: tensor<3xi64>, %z: tensor<i64>", "tensor<i64>", `
  %r = stablehlo.reduce(%a init: %z) across dimensions = [0] : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
    reducer(%x: tensor<i64>, %y: tensor<i64>) {
      stablehlo.return %y : tensor<i64>
    }
  return %r : tensor<i64>`),
			in:   []*tensor.Tensor{dmT(dmI64, []int64{3}, 4, 5, 6), dmScalar(1)},
			want: []dmWant{{nil, []int64{6}}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { dmCheckCase(t, tc) })
	}
}

// Empty tensors (a 0 dimension) and rank-0 tensors through every op.
func TestEmptyAndScalarEdges(t *testing.T) {
	f0 := func(shape ...int64) *tensor.Tensor { return dmT(tensor.F32, shape) }
	cases := []dmCase{
		{name: "broadcast 1 to 0", src: dmMain("%a: tensor<1xf32>", "tensor<0x3xf32>", `
  %r = stablehlo.broadcast_in_dim %a, dims = [0] : (tensor<1xf32>) -> tensor<0x3xf32>
  return %r : tensor<0x3xf32>`), in: []*tensor.Tensor{dmT(tensor.F32, []int64{1}, 1)}, want: []dmWant{{[]int64{0, 3}, []int64{}}}},
		{name: "broadcast scalar", src: dmMain("%a: tensor<i64>", "tensor<2x2xi64>", `
  %r = stablehlo.broadcast_in_dim %a, dims = [] : (tensor<i64>) -> tensor<2x2xi64>
  return %r : tensor<2x2xi64>`), in: []*tensor.Tensor{dmScalar(7)}, want: []dmWant{{[]int64{2, 2}, []int64{7, 7, 7, 7}}}},
		{name: "reshape scalar", src: dmMain("%a: tensor<i64>", "tensor<1x1xi64>", `
  %r = stablehlo.reshape %a : (tensor<i64>) -> tensor<1x1xi64>
  return %r : tensor<1x1xi64>`), in: []*tensor.Tensor{dmScalar(3)}, want: []dmWant{{[]int64{1, 1}, []int64{3}}}},
		{name: "reshape empty", src: dmMain("%a: tensor<0x4xf32>", "tensor<4x0x2xf32>", `
  %r = stablehlo.reshape %a : (tensor<0x4xf32>) -> tensor<4x0x2xf32>
  return %r : tensor<4x0x2xf32>`), in: []*tensor.Tensor{f0(0, 4)}, want: []dmWant{{[]int64{4, 0, 2}, []int64{}}}},
		{name: "transpose scalar", src: dmMain("%a: tensor<i64>", "tensor<i64>", `
  %r = stablehlo.transpose %a, dims = [] : (tensor<i64>) -> tensor<i64>
  return %r : tensor<i64>`), in: []*tensor.Tensor{dmScalar(3)}, want: []dmWant{{nil, []int64{3}}}},
		{name: "transpose empty", src: dmMain("%a: tensor<0x3xf32>", "tensor<3x0xf32>", `
  %r = stablehlo.transpose %a, dims = [1, 0] : (tensor<0x3xf32>) -> tensor<3x0xf32>
  return %r : tensor<3x0xf32>`), in: []*tensor.Tensor{f0(0, 3)}, want: []dmWant{{[]int64{3, 0}, []int64{}}}},
		{name: "slice to empty", src: dmMain("%a: tensor<3xi64>", "tensor<0xi64>", `
  %r = stablehlo.slice %a [3:3] : (tensor<3xi64>) -> tensor<0xi64>
  return %r : tensor<0xi64>`), in: []*tensor.Tensor{dmT(dmI64, []int64{3}, 1, 2, 3)}, want: []dmWant{{[]int64{0}, []int64{}}}},
		{name: "reverse scalar", src: dmMain("%a: tensor<i64>", "tensor<i64>", `
  %r = stablehlo.reverse %a, dims = [] : tensor<i64>
  return %r : tensor<i64>`), in: []*tensor.Tensor{dmScalar(3)}, want: []dmWant{{nil, []int64{3}}}},
		{name: "reverse empty", src: dmMain("%a: tensor<2x0xf32>", "tensor<2x0xf32>", `
  %r = stablehlo.reverse %a, dims = [0, 1] : tensor<2x0xf32>
  return %r : tensor<2x0xf32>`), in: []*tensor.Tensor{f0(2, 0)}, want: []dmWant{{[]int64{2, 0}, []int64{}}}},
		{name: "concatenate with empty", src: dmMain("%a: tensor<0x2xi64>, %b: tensor<1x2xi64>", "tensor<1x2xi64>", `
  %r = stablehlo.concatenate %a, %b, dim = 0 : (tensor<0x2xi64>, tensor<1x2xi64>) -> tensor<1x2xi64>
  return %r : tensor<1x2xi64>`), in: []*tensor.Tensor{dmT(dmI64, []int64{0, 2}), dmT(dmI64, []int64{1, 2}, 5, 6)}, want: []dmWant{{[]int64{1, 2}, []int64{5, 6}}}},
		{name: "concatenate scalars", src: dmMain("%a: tensor<i64>, %b: tensor<i64>", "tensor<2xi64>", `
  %r = "stablehlo.concatenate"(%a, %b) {dimension = 0 : i64} : (tensor<i64>, tensor<i64>) -> tensor<2xi64>
  return %r : tensor<2xi64>`), in: []*tensor.Tensor{dmScalar(1), dmScalar(2)}, kind: "rejected"},
		{name: "pad empty operand", src: dmMain("%a: tensor<0xi64>, %p: tensor<i64>", "tensor<3xi64>", `
  %r = stablehlo.pad %a, %p, low = [1], high = [2], interior = [5] : (tensor<0xi64>, tensor<i64>) -> tensor<3xi64>
  return %r : tensor<3xi64>`), in: []*tensor.Tensor{dmT(dmI64, []int64{0}), dmScalar(4)}, want: []dmWant{{[]int64{3}, []int64{4, 4, 4}}}},
		{name: "pad scalar", src: dmMain("%a: tensor<i64>, %p: tensor<i64>", "tensor<i64>", `
  %r = stablehlo.pad %a, %p, low = [], high = [], interior = [] : (tensor<i64>, tensor<i64>) -> tensor<i64>
  return %r : tensor<i64>`), in: []*tensor.Tensor{dmScalar(8), dmScalar(4)}, want: []dmWant{{nil, []int64{8}}}},
		{name: "pad removes everything", src: dmMain("%a: tensor<3xi64>, %p: tensor<i64>", "tensor<0xi64>", `
  %r = stablehlo.pad %a, %p, low = [-3], high = [0], interior = [0] : (tensor<3xi64>, tensor<i64>) -> tensor<0xi64>
  return %r : tensor<0xi64>`), in: []*tensor.Tensor{dmT(dmI64, []int64{3}, 1, 2, 3), dmScalar(4)}, want: []dmWant{{[]int64{0}, []int64{}}}},
		{name: "iota empty", src: dmMain("", "tensor<0x5xi32>", `
  %r = stablehlo.iota dim = 1 : tensor<0x5xi32>
  return %r : tensor<0x5xi32>`), want: []dmWant{{[]int64{0, 5}, []int64{}}}},
		{name: "dynamic_slice empty", src: dmMain("%a: tensor<0x4xi64>, %i: tensor<i64>, %j: tensor<i64>", "tensor<0x2xi64>", `
  %r = stablehlo.dynamic_slice %a, %i, %j, sizes = [0, 2] : (tensor<0x4xi64>, tensor<i64>, tensor<i64>) -> tensor<0x2xi64>
  return %r : tensor<0x2xi64>`), in: []*tensor.Tensor{dmT(dmI64, []int64{0, 4}), dmScalar(i64max), dmScalar(i64min)}, want: []dmWant{{[]int64{0, 2}, []int64{}}}},
		{name: "dynamic_update_slice empty update", src: dmMain("%a: tensor<2xi64>, %u: tensor<0xi64>, %i: tensor<i64>", "tensor<2xi64>", `
  %r = stablehlo.dynamic_update_slice %a, %u, %i : (tensor<2xi64>, tensor<0xi64>, tensor<i64>) -> tensor<2xi64>
  return %r : tensor<2xi64>`), in: []*tensor.Tensor{dmT(dmI64, []int64{2}, 1, 2), dmT(dmI64, []int64{0}), dmScalar(i64max)}, want: []dmWant{{[]int64{2}, []int64{1, 2}}}},
		{name: "dynamic_update_slice scalar", src: dmMain("%a: tensor<i64>, %u: tensor<i64>", "tensor<i64>", `
  %r = stablehlo.dynamic_update_slice %a, %u : (tensor<i64>, tensor<i64>) -> tensor<i64>
  return %r : tensor<i64>`), in: []*tensor.Tensor{dmScalar(1), dmScalar(2)}, want: []dmWant{{nil, []int64{2}}}},
		{name: "reduce empty dimension", src: dmMain("%a: tensor<3x0xi64>, %z: tensor<i64>", "tensor<3xi64>", `
  %r = stablehlo.reduce(%a init: %z) applies stablehlo.add across dimensions = [1] : (tensor<3x0xi64>, tensor<i64>) -> tensor<3xi64>
  return %r : tensor<3xi64>`), in: []*tensor.Tensor{dmT(dmI64, []int64{3, 0}), dmScalar(9)}, want: []dmWant{{[]int64{3}, []int64{9, 9, 9}}}},
		{name: "reduce scalar no dims", src: dmMain("%a: tensor<i64>, %z: tensor<i64>", "tensor<i64>", `
  %r = stablehlo.reduce(%a init: %z) applies stablehlo.add across dimensions = [] : (tensor<i64>, tensor<i64>) -> tensor<i64>
  return %r : tensor<i64>`), in: []*tensor.Tensor{dmScalar(5), dmScalar(9)}, want: []dmWant{{nil, []int64{14}}}},
		{name: "reduce_window empty input", src: dmMain("%a: tensor<0xi64>, %z: tensor<i64>", "tensor<0xi64>", `
  %r = "stablehlo.reduce_window"(%a, %z) `+dmAddRegion+` {window_dimensions = array<i64: 2>} : (tensor<0xi64>, tensor<i64>) -> tensor<0xi64>
  return %r : tensor<0xi64>`), in: []*tensor.Tensor{dmT(dmI64, []int64{0}), dmScalar(0)}, want: []dmWant{{[]int64{0}, []int64{}}}},
		{name: "reduce_window all padding", src: dmMain("%a: tensor<0xi64>, %z: tensor<i64>", "tensor<2xi64>", `
  %r = "stablehlo.reduce_window"(%a, %z) `+dmAddRegion+` {window_dimensions = array<i64: 2>, padding = dense<[[1, 2]]> : tensor<1x2xi64>} : (tensor<0xi64>, tensor<i64>) -> tensor<2xi64>
  return %r : tensor<2xi64>`), in: []*tensor.Tensor{dmT(dmI64, []int64{0}), dmScalar(1)}, want: []dmWant{{[]int64{2}, []int64{3, 3}}}},
		{name: "reduce_window scalar", src: dmMain("%a: tensor<i64>, %z: tensor<i64>", "tensor<i64>", `
  %r = "stablehlo.reduce_window"(%a, %z) `+dmAddRegion+` {window_dimensions = array<i64>} : (tensor<i64>, tensor<i64>) -> tensor<i64>
  return %r : tensor<i64>`), in: []*tensor.Tensor{dmScalar(4), dmScalar(1)}, want: []dmWant{{nil, []int64{5}}}},
		{name: "sort empty", src: dmMain("%a: tensor<0x3xi64>", "tensor<0x3xi64>", `
  %r = "stablehlo.sort"(%a) ({
  ^bb0(%x: tensor<i64>, %y: tensor<i64>):
    %p = stablehlo.compare LT, %x, %y : (tensor<i64>, tensor<i64>) -> tensor<i1>
    stablehlo.return %p : tensor<i1>
  }) {dimension = 1 : i64} : (tensor<0x3xi64>) -> tensor<0x3xi64>
  return %r : tensor<0x3xi64>`), in: []*tensor.Tensor{dmT(dmI64, []int64{0, 3})}, want: []dmWant{{[]int64{0, 3}, []int64{}}}},
		{name: "sort rank 0", src: dmMain("%a: tensor<i64>", "tensor<i64>", `
  %r = "stablehlo.sort"(%a) ({
  ^bb0(%x: tensor<i64>, %y: tensor<i64>):
    %p = stablehlo.compare LT, %x, %y : (tensor<i64>, tensor<i64>) -> tensor<i1>
    stablehlo.return %p : tensor<i1>
  }) {dimension = 0 : i64} : (tensor<i64>) -> tensor<i64>
  return %r : tensor<i64>`), in: []*tensor.Tensor{dmScalar(1)}, kind: "rejected"},
		{name: "gather no indices", src: `func.func @main(%a: tensor<3xi64>, %i: tensor<0x1xi64>) -> tensor<0xi64> {
  %r = "stablehlo.gather"(%a, %i) {dimension_numbers = #stablehlo.gather<collapsed_slice_dims = [0], start_index_map = [0], index_vector_dim = 1>, slice_sizes = array<i64: 1>} : (tensor<3xi64>, tensor<0x1xi64>) -> tensor<0xi64>
  return %r : tensor<0xi64>
}`, in: []*tensor.Tensor{dmT(dmI64, []int64{3}, 1, 2, 3), dmT(dmI64, []int64{0, 1})}, want: []dmWant{{[]int64{0}, []int64{}}}},
		{name: "gather from empty operand", src: `func.func @main(%a: tensor<0xi64>, %i: tensor<2x1xi64>) -> tensor<2x0xi64> {
  %r = "stablehlo.gather"(%a, %i) {dimension_numbers = #stablehlo.gather<offset_dims = [1], start_index_map = [0], index_vector_dim = 1>, slice_sizes = array<i64: 0>} : (tensor<0xi64>, tensor<2x1xi64>) -> tensor<2x0xi64>
  return %r : tensor<2x0xi64>
}`, in: []*tensor.Tensor{dmT(dmI64, []int64{0}), dmT(dmI64, []int64{2, 1}, i64max, i64min)}, want: []dmWant{{[]int64{2, 0}, []int64{}}}},
		{name: "gather collapsed size 0", src: `func.func @main(%a: tensor<0xi64>, %i: tensor<2x1xi64>) -> tensor<2xi64> {
  %r = "stablehlo.gather"(%a, %i) {dimension_numbers = #stablehlo.gather<collapsed_slice_dims = [0], start_index_map = [0], index_vector_dim = 1>, slice_sizes = array<i64: 0>} : (tensor<0xi64>, tensor<2x1xi64>) -> tensor<2xi64>
  return %r : tensor<2xi64>
}`, in: []*tensor.Tensor{dmT(dmI64, []int64{0}), dmT(dmI64, []int64{2, 1}, 0, 0)}},
		{name: "gather scalar index implicit vector", src: `func.func @main(%a: tensor<3xi64>, %i: tensor<i64>) -> tensor<i64> {
  %r = "stablehlo.gather"(%a, %i) {dimension_numbers = #stablehlo.gather<collapsed_slice_dims = [0], start_index_map = [0], index_vector_dim = 0>, slice_sizes = array<i64: 1>} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  return %r : tensor<i64>
}`, in: []*tensor.Tensor{dmT(dmI64, []int64{3}, 1, 2, 3), dmScalar(i64max)}, want: []dmWant{{nil, []int64{3}}}},
		{name: "scatter no updates", src: `func.func @main(%a: tensor<3xi64>, %i: tensor<0x1xi64>, %u: tensor<0xi64>) -> tensor<3xi64> {
  %r = "stablehlo.scatter"(%a, %i, %u) ` + dmAddRegion + ` {scatter_dimension_numbers = #stablehlo.scatter<inserted_window_dims = [0], scatter_dims_to_operand_dims = [0], index_vector_dim = 1>} : (tensor<3xi64>, tensor<0x1xi64>, tensor<0xi64>) -> tensor<3xi64>
  return %r : tensor<3xi64>
}`, in: []*tensor.Tensor{dmT(dmI64, []int64{3}, 1, 2, 3), dmT(dmI64, []int64{0, 1}), dmT(dmI64, []int64{0})}, want: []dmWant{{[]int64{3}, []int64{1, 2, 3}}}},
		{name: "scatter into empty", src: `func.func @main(%a: tensor<0xi64>, %i: tensor<2x1xi64>, %u: tensor<2xi64>) -> tensor<0xi64> {
  %r = "stablehlo.scatter"(%a, %i, %u) ` + dmAddRegion + ` {scatter_dimension_numbers = #stablehlo.scatter<inserted_window_dims = [0], scatter_dims_to_operand_dims = [0], index_vector_dim = 1>} : (tensor<0xi64>, tensor<2x1xi64>, tensor<2xi64>) -> tensor<0xi64>
  return %r : tensor<0xi64>
}`, in: []*tensor.Tensor{dmT(dmI64, []int64{0}), dmT(dmI64, []int64{2, 1}, 0, i64min), dmT(dmI64, []int64{2}, 1, 2)}, want: []dmWant{{[]int64{0}, []int64{}}}},
		{name: "select_and_scatter empty", src: dmMain("%a: tensor<0xi64>, %src: tensor<0xi64>, %z: tensor<i64>", "tensor<0xi64>", `
  %r = "stablehlo.select_and_scatter"(%a, %src, %z) ({
  ^bb0(%x: tensor<i64>, %y: tensor<i64>):
    %p = stablehlo.compare GE, %x, %y : (tensor<i64>, tensor<i64>) -> tensor<i1>
    stablehlo.return %p : tensor<i1>
  }, `+strings.TrimPrefix(dmAddRegion, "(")+` {window_dimensions = array<i64: 1>} : (tensor<0xi64>, tensor<0xi64>, tensor<i64>) -> tensor<0xi64>
  return %r : tensor<0xi64>`), in: []*tensor.Tensor{dmT(dmI64, []int64{0}), dmT(dmI64, []int64{0}), dmScalar(0)}, want: []dmWant{{[]int64{0}, []int64{}}}},
		{name: "map scalar", src: dmMain("%a: tensor<i64>", "tensor<i64>", `
  %r = "stablehlo.map"(%a) ({
  ^bb0(%x: tensor<i64>):
    %m = stablehlo.multiply %x, %x : tensor<i64>
    stablehlo.return %m : tensor<i64>
  }) {dimensions = array<i64>} : (tensor<i64>) -> tensor<i64>
  return %r : tensor<i64>`), in: []*tensor.Tensor{dmScalar(-3)}, want: []dmWant{{nil, []int64{9}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { dmCheckCase(t, tc) })
	}
}

// Shape operands of the dynamic ops: every bad value is an error of kind
// invalid_input (or limit for a well-formed shape over the memory budget),
// never a panic or an Internal error.
func TestDynamicShapeValues(t *testing.T) {
	vec := func(vals ...int64) *tensor.Tensor { return dmT(dmI64, []int64{int64(len(vals))}, vals...) }
	reshape := dmMain("%a: tensor<2x3xi64>, %s: tensor<2xi64>", "tensor<?x?xi64>", `
  %r = stablehlo.dynamic_reshape %a, %s : (tensor<2x3xi64>, tensor<2xi64>) -> tensor<?x?xi64>
  return %r : tensor<?x?xi64>`)
	reshapeStatic := dmMain("%a: tensor<2x3xi64>, %s: tensor<2xi64>", "tensor<3x?xi64>", `
  %r = stablehlo.dynamic_reshape %a, %s : (tensor<2x3xi64>, tensor<2xi64>) -> tensor<3x?xi64>
  return %r : tensor<3x?xi64>`)
	a23 := dmT(dmI64, []int64{2, 3}, 1, 2, 3, 4, 5, 6)
	bcast := dmMain("%a: tensor<1xi64>, %s: tensor<2xi64>", "tensor<?x?xi64>", `
  %r = stablehlo.dynamic_broadcast_in_dim %a, %s, dims = [1] : (tensor<1xi64>, tensor<2xi64>) -> tensor<?x?xi64>
  return %r : tensor<?x?xi64>`)
	bcastU := dmMain("%a: tensor<1xi64>, %s: tensor<2xui64>", "tensor<?x?xi64>", `
  %r = stablehlo.dynamic_broadcast_in_dim %a, %s, dims = [1] : (tensor<1xi64>, tensor<2xui64>) -> tensor<?x?xi64>
  return %r : tensor<?x?xi64>`)
	one := dmT(dmI64, []int64{1}, 7)
	iota := dmMain("%s: tensor<2xi32>", "tensor<?x?xi32>", `
  %r = stablehlo.dynamic_iota %s, dim = 0 : (tensor<2xi32>) -> tensor<?x?xi32>
  return %r : tensor<?x?xi32>`)
	vec32 := func(vals ...int64) *tensor.Tensor { return dmT(tensor.I32, []int64{int64(len(vals))}, vals...) }
	pad := dmMain("%a: tensor<2xi64>, %p: tensor<i64>, %l: tensor<1xi64>, %h: tensor<1xi64>, %i: tensor<1xi64>", "tensor<?xi64>", `
  %r = stablehlo.dynamic_pad %a, %p, %l, %h, %i : (tensor<2xi64>, tensor<i64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?xi64>
  return %r : tensor<?xi64>`)
	a2 := dmT(dmI64, []int64{2}, 1, 2)
	rds := dmMain("%a: tensor<5xi64>, %s: tensor<1xi64>, %l: tensor<1xi64>, %st: tensor<1xi64>", "tensor<?xi64>", `
  %r = stablehlo.real_dynamic_slice %a, %s, %l, %st : (tensor<5xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?xi64>
  return %r : tensor<?xi64>`)
	a5 := dmT(dmI64, []int64{5}, 0, 1, 2, 3, 4)
	dgather := `func.func @main(%a: tensor<3x3xi64>, %i: tensor<2x1xi64>, %s: tensor<2xi64>) -> tensor<2x?xi64> {
  %r = "stablehlo.dynamic_gather"(%a, %i, %s) {dimension_numbers = #stablehlo.gather<offset_dims = [1], collapsed_slice_dims = [0], start_index_map = [0], index_vector_dim = 1>} : (tensor<3x3xi64>, tensor<2x1xi64>, tensor<2xi64>) -> tensor<2x?xi64>
  return %r : tensor<2x?xi64>
}`
	a33 := dmT(dmI64, []int64{3, 3}, 0, 1, 2, 3, 4, 5, 6, 7, 8)
	idx := dmT(dmI64, []int64{2, 1}, i64max, i64min)
	small := Limits{MaxMemory: 1 << 20}
	cases := []dmCase{
		{name: "reshape ok", src: reshape, in: []*tensor.Tensor{a23, vec(3, 2)}, want: []dmWant{{[]int64{3, 2}, []int64{1, 2, 3, 4, 5, 6}}}},
		{name: "reshape negative", src: reshape, in: []*tensor.Tensor{a23, vec(-2, -3)}, kind: "invalid_input"},
		{name: "reshape min", src: reshape, in: []*tensor.Tensor{a23, vec(i64min, -1)}, kind: "invalid_input"},
		{name: "reshape count", src: reshape, in: []*tensor.Tensor{a23, vec(2, 2)}, kind: "invalid_input"},
		{name: "reshape overflow", src: reshape, in: []*tensor.Tensor{a23, vec(i64max, i64max)}, kind: "invalid_input"},
		{name: "reshape wraps to 6", src: reshape, in: []*tensor.Tensor{a23, vec(3, 6148914691236517206)}, kind: "invalid_input"},
		{name: "reshape type mismatch", src: reshapeStatic, in: []*tensor.Tensor{a23, vec(2, 3)}, kind: "invalid_input"},
		{name: "broadcast ok", src: bcast, in: []*tensor.Tensor{one, vec(2, 3)}, want: []dmWant{{[]int64{2, 3}, []int64{7, 7, 7, 7, 7, 7}}}},
		{name: "broadcast zero", src: bcast, in: []*tensor.Tensor{one, vec(0, 3)}, want: []dmWant{{[]int64{0, 3}, []int64{}}}},
		{name: "broadcast negative", src: bcast, in: []*tensor.Tensor{one, vec(-1, 3)}, kind: "invalid_input"},
		{name: "broadcast overflow", src: bcast, in: []*tensor.Tensor{one, vec(1<<40, 1<<40)}, kind: "invalid_input"},
		{name: "broadcast over budget", src: bcast, in: []*tensor.Tensor{one, vec(1<<20, 1<<20)}, kind: "limit", lim: small},
		{name: "broadcast ui64 max", src: bcastU, in: []*tensor.Tensor{one, dmU(tensor.U64, []int64{2}, math.MaxUint64, 1)}, kind: "invalid_input"},
		{name: "broadcast bad operand dim", src: dmMain("%a: tensor<2xi64>, %s: tensor<1xi64>", "tensor<?xi64>", `
  %r = stablehlo.dynamic_broadcast_in_dim %a, %s, dims = [0] : (tensor<2xi64>, tensor<1xi64>) -> tensor<?xi64>
  return %r : tensor<?xi64>`), in: []*tensor.Tensor{a2, vec(3)}, kind: "invalid_input"},
		{name: "iota ok", src: iota, in: []*tensor.Tensor{vec32(2, 2)}, want: []dmWant{{[]int64{2, 2}, []int64{0, 0, 1, 1}}}},
		{name: "iota negative", src: iota, in: []*tensor.Tensor{vec32(-1, 2)}, kind: "invalid_input"},
		{name: "iota over budget", src: iota, in: []*tensor.Tensor{vec32(1<<30, 1<<30)}, kind: "limit", lim: small},
		{name: "iota wrong length", src: dmMain("%s: tensor<?xi32>", "tensor<?x?xi32>", `
  %r = stablehlo.dynamic_iota %s, dim = 0 : (tensor<?xi32>) -> tensor<?x?xi32>
  return %r : tensor<?x?xi32>`), in: []*tensor.Tensor{vec32(1, 2, 3)}, kind: "invalid_input"},
		{name: "pad ok", src: pad, in: []*tensor.Tensor{a2, dmScalar(0), vec(-1), vec(1), vec(1)}, want: []dmWant{{[]int64{3}, []int64{0, 2, 0}}}},
		{name: "pad negative interior", src: pad, in: []*tensor.Tensor{a2, dmScalar(0), vec(0), vec(0), vec(-1)}, kind: "invalid_input"},
		{name: "pad negative size", src: pad, in: []*tensor.Tensor{a2, dmScalar(0), vec(-5), vec(0), vec(0)}, kind: "invalid_input"},
		{name: "pad overflow", src: pad, in: []*tensor.Tensor{a2, dmScalar(0), vec(i64max), vec(i64max), vec(i64max)}, kind: "invalid_input"},
		{name: "pad extremes cancel", src: pad, in: []*tensor.Tensor{a2, dmScalar(0), vec(i64min), vec(i64max), vec(0)}, want: []dmWant{{[]int64{1}, []int64{0}}}},
		{name: "pad over budget", src: pad, in: []*tensor.Tensor{a2, dmScalar(0), vec(0), vec(1 << 40), vec(0)}, kind: "limit", lim: small},
		{name: "slice ok", src: rds, in: []*tensor.Tensor{a5, vec(1), vec(5), vec(2)}, want: []dmWant{{[]int64{2}, []int64{1, 3}}}},
		{name: "slice huge stride", src: rds, in: []*tensor.Tensor{a5, vec(1), vec(5), vec(i64max)}, want: []dmWant{{[]int64{1}, []int64{1}}}},
		{name: "slice limit past end", src: rds, in: []*tensor.Tensor{a5, vec(0), vec(6), vec(1)}, kind: "invalid_input"},
		{name: "slice negative start", src: rds, in: []*tensor.Tensor{a5, vec(i64min), vec(2), vec(1)}, kind: "invalid_input"},
		{name: "slice zero stride", src: rds, in: []*tensor.Tensor{a5, vec(0), vec(2), vec(0)}, kind: "invalid_input"},
		{name: "slice start after limit", src: rds, in: []*tensor.Tensor{a5, vec(3), vec(2), vec(1)}, kind: "invalid_input"},
		{name: "gather ok", src: dgather, in: []*tensor.Tensor{a33, idx, vec(1, 2)}, want: []dmWant{{[]int64{2, 2}, []int64{6, 7, 0, 1}}}},
		{name: "gather size too big", src: dgather, in: []*tensor.Tensor{a33, idx, vec(1, 4)}, kind: "invalid_input"},
		{name: "gather negative size", src: dgather, in: []*tensor.Tensor{a33, idx, vec(1, i64min)}, kind: "invalid_input"},
		{name: "gather collapsed size", src: dgather, in: []*tensor.Tensor{a33, idx, vec(2, 2)}, kind: "invalid_input"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { dmCheckCase(t, tc) })
	}
}

// Region ops stop promptly under the step limit and release everything.
func TestRegionOpsStepLimit(t *testing.T) {
	src := dmMain("%a: tensor<1000xi64>, %z: tensor<i64>", "tensor<i64>", `
  %r = stablehlo.reduce(%a init: %z) applies stablehlo.add across dimensions = [0] : (tensor<1000xi64>, tensor<i64>) -> tensor<i64>
  return %r : tensor<i64>`)
	tc := dmCase{src: src, in: []*tensor.Tensor{dmT(dmI64, []int64{1000}, make([]int64, 1000)...), dmScalar(0)}, kind: "limit", lim: Limits{MaxSteps: 100}}
	dmCheckCase(t, tc)
	sortSrc := dmMain("%a: tensor<1000xi64>", "tensor<1000xi64>", `
  %r = "stablehlo.sort"(%a) ({
  ^bb0(%x: tensor<i64>, %y: tensor<i64>):
    %p = stablehlo.compare LT, %x, %y : (tensor<i64>, tensor<i64>) -> tensor<i1>
    stablehlo.return %p : tensor<i1>
  }) {dimension = 0 : i64} : (tensor<1000xi64>) -> tensor<1000xi64>
  return %r : tensor<1000xi64>`)
	vals := make([]int64, 1000)
	for i := range vals {
		vals[i] = int64((i * 7919) % 1000)
	}
	dmCheckCase(t, dmCase{src: sortSrc, in: []*tensor.Tensor{dmT(dmI64, []int64{1000}, vals...)}, kind: "limit", lim: Limits{MaxSteps: 500}})
	// Merge sort: at most n*ceil(log2 n) comparator calls.
	sorted := make([]int64, 1000)
	for i := range sorted {
		sorted[i] = int64(i)
	}
	dmCheckCase(t, dmCase{src: sortSrc, in: []*tensor.Tensor{dmT(dmI64, []int64{1000}, vals...)}, want: []dmWant{{[]int64{1000}, sorted}}, lim: Limits{MaxSteps: 1000*10 + 10}})
}

// Random attributes, shapes and index values for the ops of this family,
// run without verification: whatever the executor makes of them, it must
// not panic, report an Internal error, or unbalance the budget.
func TestDataMovementRandomAttributes(t *testing.T) {
	rng := uint64(0x9e3779b97f4a7c15)
	next := func(n int) int { // xorshift, deterministic
		rng ^= rng << 13
		rng ^= rng >> 7
		rng ^= rng << 17
		return int(rng % uint64(n))
	}
	pick := func(vals ...int64) int64 { return vals[next(len(vals))] }
	dimv := func() int64 { return pick(0, 1, 1, 2, 2, 3) }
	attrv := func() int64 { return pick(-1, 0, 0, 1, 1, 2, 3, 4, i64max, i64min) }
	shape := func(r int) []int64 {
		s := make([]int64, r)
		for i := range s {
			s[i] = dimv()
		}
		return s
	}
	ty := func(s []int64, e string) string {
		var b strings.Builder
		b.WriteString("tensor<")
		for _, d := range s {
			fmt.Fprintf(&b, "%dx", d)
		}
		b.WriteString(e + ">")
		return b.String()
	}
	list := func(n int, f func() int64) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = fmt.Sprint(f())
		}
		return strings.Join(parts, ", ")
	}
	arr := func(n int, f func() int64) string {
		if n == 0 {
			return "array<i64>"
		}
		return "array<i64: " + list(n, f) + ">"
	}
	zeros := func(s []int64) *tensor.Tensor {
		n := int64(1)
		for _, d := range s {
			n *= d
		}
		vals := make([]int64, n)
		for i := range vals {
			vals[i] = attrv()
		}
		return dmT(dmI64, s, vals...)
	}
	region2 := `({
  ^bb0(%x: tensor<i64>, %y: tensor<i64>):
    %s = stablehlo.add %x, %y : tensor<i64>
    stablehlo.return %s : tensor<i64>
  })`
	cmpRegion := `({
  ^bb0(%x: tensor<i64>, %y: tensor<i64>):
    %p = stablehlo.compare LT, %x, %y : (tensor<i64>, tensor<i64>) -> tensor<i1>
    stablehlo.return %p : tensor<i1>
  })`
	var parsed, ran [14]int
	for iter := 0; iter < 3000; iter++ {
		r := next(4)
		xs := shape(r)
		rs := shape(max(0, r+next(2)-next(2)))
		x := zeros(xs)
		var body string
		args := "%a: " + ty(xs, "i64")
		in := []*tensor.Tensor{x}
		res := ty(rs, "i64")
		which := next(14)
		switch which {
		case 0:
			body = fmt.Sprintf(`%%r = "stablehlo.broadcast_in_dim"(%%a) {broadcast_dimensions = %s} : (%s) -> %s`, arr(r, attrv), ty(xs, "i64"), res)
		case 1:
			body = fmt.Sprintf(`%%r = "stablehlo.transpose"(%%a) {permutation = %s} : (%s) -> %s`, arr(r, attrv), ty(xs, "i64"), res)
		case 2:
			body = fmt.Sprintf(`%%r = "stablehlo.slice"(%%a) {start_indices = %s, limit_indices = %s, strides = %s} : (%s) -> %s`, arr(r, attrv), arr(r, attrv), arr(r, attrv), ty(xs, "i64"), res)
		case 3:
			args += ", %p: tensor<i64>"
			in = append(in, dmScalar(9))
			body = fmt.Sprintf(`%%r = "stablehlo.pad"(%%a, %%p) {edge_padding_low = %s, edge_padding_high = %s, interior_padding = %s} : (%s, tensor<i64>) -> %s`, arr(r, attrv), arr(r, attrv), arr(r, attrv), ty(xs, "i64"), res)
		case 4:
			var ops, tys []string
			for k := 0; k < r; k++ {
				args += fmt.Sprintf(", %%i%d: tensor<i64>", k)
				in = append(in, dmScalar(attrv()))
				ops = append(ops, fmt.Sprintf("%%i%d", k))
				tys = append(tys, "tensor<i64>")
			}
			body = fmt.Sprintf(`%%r = "stablehlo.dynamic_slice"(%%a%s) {slice_sizes = %s} : (%s%s) -> %s`, strings.Join(append([]string{""}, ops...), ", "), arr(r, attrv), ty(xs, "i64"), strings.Join(append([]string{""}, tys...), ", "), res)
		case 5:
			is := shape(next(3))
			args += ", %i: " + ty(is, "i64")
			in = append(in, zeros(is))
			body = fmt.Sprintf(`%%r = "stablehlo.gather"(%%a, %%i) {dimension_numbers = #stablehlo.gather<offset_dims = [%s], collapsed_slice_dims = [%s], operand_batching_dims = [%s], start_indices_batching_dims = [%s], start_index_map = [%s], index_vector_dim = %d>, slice_sizes = %s} : (%s, %s) -> %s`,
				list(next(3), attrv), list(next(3), attrv), list(next(2), attrv), list(next(2), attrv), list(next(3), attrv), attrv(), arr(r, attrv), ty(xs, "i64"), ty(is, "i64"), res)
		case 6:
			is := shape(next(3))
			us := shape(next(4))
			args += ", %i: " + ty(is, "i64") + ", %u: " + ty(us, "i64")
			in = append(in, zeros(is), zeros(us))
			body = fmt.Sprintf(`%%r = "stablehlo.scatter"(%%a, %%i, %%u) %s {scatter_dimension_numbers = #stablehlo.scatter<update_window_dims = [%s], inserted_window_dims = [%s], input_batching_dims = [%s], scatter_indices_batching_dims = [%s], scatter_dims_to_operand_dims = [%s], index_vector_dim = %d>} : (%s, %s, %s) -> %s`,
				region2, list(next(3), attrv), list(next(3), attrv), list(next(2), attrv), list(next(2), attrv), list(next(3), attrv), attrv(), ty(xs, "i64"), ty(is, "i64"), ty(us, "i64"), res)
		case 7:
			args += ", %z: tensor<i64>"
			in = append(in, dmScalar(0))
			body = fmt.Sprintf(`%%r = "stablehlo.reduce_window"(%%a, %%z) %s {window_dimensions = %s, window_strides = %s, base_dilations = %s, window_dilations = %s, padding = dense<[%s]> : tensor<%dx2xi64>} : (%s, tensor<i64>) -> %s`,
				region2, arr(r, attrv), arr(r, attrv), arr(r, attrv), arr(r, attrv), strings.TrimSuffix(strings.Repeat("["+list(2, attrv)+"], ", r), ", "), r, ty(xs, "i64"), res)
			if r == 0 {
				body = strings.Replace(body, "dense<[]> : tensor<0x2xi64>", "dense<> : tensor<0x2xi64>", 1)
			}
		case 8:
			ss := shape(r)
			args += ", %src: " + ty(ss, "i64") + ", %z: tensor<i64>"
			in = append(in, zeros(ss), dmScalar(0))
			body = fmt.Sprintf(`%%r = "stablehlo.select_and_scatter"(%%a, %%src, %%z) %s, %s {window_dimensions = %s, window_strides = %s} : (%s, %s, tensor<i64>) -> %s`,
				strings.TrimSuffix(cmpRegion, ")"), strings.TrimPrefix(region2, "("), arr(r, attrv), arr(r, attrv), ty(xs, "i64"), ty(ss, "i64"), res)
		case 9:
			body = fmt.Sprintf(`%%r = "stablehlo.sort"(%%a) %s {dimension = %d : i64} : (%s) -> %s`, cmpRegion, attrv(), ty(xs, "i64"), res)
		case 10:
			args += ", %z: tensor<i64>"
			in = append(in, dmScalar(0))
			body = fmt.Sprintf(`%%r = "stablehlo.reduce"(%%a, %%z) %s {dimensions = %s} : (%s, tensor<i64>) -> %s`, region2, arr(next(3), attrv), ty(xs, "i64"), res)
		case 12: // well-formed gather, random slice sizes and index values
			xs = []int64{dimv(), dimv() + 1}
			x = zeros(xs)
			in = []*tensor.Tensor{x}
			args = "%a: " + ty(xs, "i64")
			n := dimv()
			is := []int64{n, 1}
			args += ", %i: " + ty(is, "i64")
			in = append(in, zeros(is))
			sz := pick(0, 1, 2, 3)
			res = ty([]int64{n, sz}, "i64")
			body = fmt.Sprintf(`%%r = "stablehlo.gather"(%%a, %%i) {dimension_numbers = #stablehlo.gather<offset_dims = [1], collapsed_slice_dims = [0], start_index_map = [%d], index_vector_dim = 1>, slice_sizes = array<i64: %d, %d>} : (%s, %s) -> %s`,
				next(2), pick(0, 1), sz, ty(xs, "i64"), ty(is, "i64"), res)
		case 13: // well-formed scatter, random update windows and index values
			xs = []int64{dimv(), dimv() + 1}
			x = zeros(xs)
			in = []*tensor.Tensor{x}
			args = "%a: " + ty(xs, "i64")
			n := dimv()
			is := []int64{n, 2}
			us := []int64{n, pick(0, 1, 2), pick(0, 1, 2, 3)}
			args += ", %i: " + ty(is, "i64") + ", %u: " + ty(us, "i64")
			in = append(in, zeros(is), zeros(us))
			res = ty(xs, "i64")
			body = fmt.Sprintf(`%%r = "stablehlo.scatter"(%%a, %%i, %%u) %s {scatter_dimension_numbers = #stablehlo.scatter<update_window_dims = [1, 2], scatter_dims_to_operand_dims = [0, 1], index_vector_dim = 1>} : (%s, %s, %s) -> %s`,
				region2, ty(xs, "i64"), ty(is, "i64"), ty(us, "i64"), res)
		case 11:
			body = fmt.Sprintf(`%%r = "stablehlo.reverse"(%%a) {dimensions = %s} : (%s) -> %s`, arr(next(3), attrv), ty(xs, "i64"), res)
		}
		src := fmt.Sprintf("func.func @main(%s) -> %s {\n  %s\n  return %%r : %s\n}\n", args, res, body, res)
		m, err := mlir.ParseModule(src, mlir.Limits{})
		if err != nil || m.Entry("") == nil {
			continue // the generator wrote something the parser refuses
		}
		parsed[which]++
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Fatalf("panic %v on\n%s", p, src)
				}
			}()
			_, err := dmRunBalanced(t, src, Limits{MaxMemory: 1 << 20, MaxSteps: 1 << 16}, in...)
			if err != nil && diag.KindOf(err) == diag.Internal {
				t.Fatalf("internal error %v on\n%s", err, src)
			}
			if err == nil {
				ran[which]++
			}
		}()
	}
	t.Logf("parsed %v, ran without error %v", parsed, ran)
}

// The shape-polymorphic corpus programs (testdata/dynamic, no expected
// values) exercise the dynamic ops with real shape computations. Run each
// with every dynamic dimension and every integer scalar argument set to the
// same size n: nothing may panic, report an Internal error or leak.
func TestDynamicCorpusSmoke(t *testing.T) {
	files := testutil.CorpusFiles(t, "stablehlo")
	ran, failed := 0, map[string]int{}
	for _, path := range files {
		if !strings.Contains(filepath.ToSlash(path), "/testdata/dynamic/") {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		m, err := mlir.ParseModule(string(src), mlir.Limits{})
		if err != nil {
			continue
		}
		fn := m.Entry("")
		if fn == nil {
			continue
		}
		for _, n := range []int64{0, 1, 3} {
			var in []*tensor.Tensor
			ok := true
			for _, a := range fn.Args {
				tt, isT := a.Type.(*ir.TensorType)
				if !isT {
					ok = false
					break
				}
				shape := make([]int64, len(tt.Shape))
				for k, d := range tt.Shape {
					shape[k] = d
					if d < 0 {
						shape[k] = n
					}
				}
				x, err := tensor.New(tt.Elem.StorageDType(), shape, 1<<24)
				if err != nil {
					ok = false
					break
				}
				if len(shape) == 0 && x.DType.IsInteger() {
					x.SetInt64(0, n)
				}
				in = append(in, x)
			}
			if !ok {
				continue
			}
			t.Run(fmt.Sprintf("%s/n=%d", filepath.Base(path), n), func(t *testing.T) {
				_, err := dmRunBalanced(t, string(src), Limits{MaxMemory: 1 << 26, MaxSteps: 1 << 22}, in...)
				if err != nil {
					if diag.KindOf(err) == diag.Internal {
						t.Fatalf("internal error: %v", err)
					}
					failed[diag.RuleOf(err)]++
					if testing.Verbose() {
						t.Logf("%v", err)
					}
					return
				}
				ran++
			})
		}
	}
	t.Logf("%d runs finished; errors by rule: %v", ran, failed)
}
