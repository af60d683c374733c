package plan

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hlogate/hlogate/internal/exec"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

func convShapeStr(shape []int64, ty string) string {
	var b strings.Builder
	b.WriteString("tensor<")
	for _, d := range shape {
		fmt.Fprintf(&b, "%dx", d)
	}
	b.WriteString(ty + ">")
	return b.String()
}

func convIntList(v []int64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ", ")
}

// convCase is one convolution configuration.
type convCase struct {
	ty                       string
	sp                       int
	n, c, o                  int64
	in, ker                  []int64 // spatial sizes
	stride, lhsDil, rhsDil   []int64
	lo, hi                   []int64
	rev                      []bool
	inPerm, kerPerm, outPerm []int // position of b/i, spatial..., f/o in the convPhysical layout
}

// convLayout returns the pretty dim_numbers labels of a layout: perm[j] is the
// convPhysical position of logical dim j (j = 0: first, 1..sp: spatial, sp+1:
// last).
func convLayout(perm []int, first, last string) string {
	lab := make([]string, len(perm))
	for j, p := range perm {
		switch {
		case j == 0:
			lab[p] = first
		case j == len(perm)-1:
			lab[p] = last
		default:
			lab[p] = fmt.Sprint(j - 1)
		}
	}
	return "[" + strings.Join(lab, ", ") + "]"
}

func convPhysical(perm []int, logical []int64) []int64 {
	out := make([]int64, len(perm))
	for j, p := range perm {
		out[p] = logical[j]
	}
	return out
}

func (cc *convCase) outSize(i int) int64 {
	w, _ := windowOut(cc.in[i], cc.lhsDil[i], cc.lo[i], cc.hi[i], cc.ker[i], cc.rhsDil[i], cc.stride[i], true)
	return w
}

func (cc *convCase) program() (string, []int64, []int64) {
	inL := append(append([]int64{cc.n}, cc.in...), cc.c)
	// kernel logical order: spatial..., i, o; kerPerm covers sp+2 dims with
	// j = 0..sp-1 spatial, sp: i, sp+1: o
	kL := append(append([]int64{}, cc.ker...), cc.c, cc.o)
	outSp := make([]int64, cc.sp)
	for i := range outSp {
		outSp[i] = cc.outSize(i)
	}
	oL := append(append([]int64{cc.n}, outSp...), cc.o)
	inS, kS, oS := convPhysical(cc.inPerm, inL), convPhysical(cc.kerPerm, kL), convPhysical(cc.outPerm, oL)
	klab := make([]string, cc.sp+2)
	for j, p := range cc.kerPerm {
		switch {
		case j < cc.sp:
			klab[p] = fmt.Sprint(j)
		case j == cc.sp:
			klab[p] = "i"
		default:
			klab[p] = "o"
		}
	}
	pads := make([]string, cc.sp)
	revs := make([]string, cc.sp)
	for i := range pads {
		pads[i] = fmt.Sprintf("[%d, %d]", cc.lo[i], cc.hi[i])
		revs[i] = fmt.Sprint(cc.rev[i])
	}
	it, kt, ot := convShapeStr(inS, cc.ty), convShapeStr(kS, cc.ty), convShapeStr(oS, cc.ty)
	src := fmt.Sprintf(`func.func @main(%%a: %s, %%k: %s) -> %s {
  %%0 = stablehlo.convolution(%%a, %%k) dim_numbers = %sx[%s]->%s, window = {stride = [%s], pad = [%s], lhs_dilate = [%s], rhs_dilate = [%s], reverse = [%s]} {batch_group_count = 1 : i64, feature_group_count = 1 : i64} : (%s, %s) -> %s
  func.return %%0 : %s
}`, it, kt, ot, convLayout(cc.inPerm, "b", "f"), strings.Join(klab, ", "), convLayout(cc.outPerm, "b", "f"),
		convIntList(cc.stride), strings.Join(pads, ", "), convIntList(cc.lhsDil), convIntList(cc.rhsDil), strings.Join(revs, ", "),
		it, kt, ot, ot)
	return src, inS, kS
}

func convIdentPerm(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	return p
}

func randConvCase(r *rand.Rand) *convCase {
	sp := 1 + r.IntN(3)
	cc := &convCase{ty: []string{"f32", "f64"}[r.IntN(2)], sp: sp,
		n: int64(1 + r.IntN(3)), c: int64(1 + r.IntN(4)), o: int64(1 + r.IntN(5))}
	if sp == 3 {
		cc.n = 1
	}
	for i := 0; i < sp; i++ {
		cc.ker = append(cc.ker, int64(1+r.IntN(3)))
		cc.in = append(cc.in, int64(1+r.IntN(7-sp)))
		cc.stride = append(cc.stride, int64(1+r.IntN(3)*r.IntN(2)))
		cc.lhsDil = append(cc.lhsDil, int64(1+r.IntN(3)*r.IntN(2)))
		cc.rhsDil = append(cc.rhsDil, int64(1+r.IntN(3)*r.IntN(2)))
		cc.rev = append(cc.rev, r.IntN(4) == 0)
		for {
			lo, hi := int64(r.IntN(5)-1), int64(r.IntN(5)-1)
			dil := (cc.in[i]-1)*cc.lhsDil[i] + 1
			if lo+dil+hi >= 1 {
				cc.lo = append(cc.lo, lo)
				cc.hi = append(cc.hi, hi)
				break
			}
		}
	}
	perm := func() []int {
		switch r.IntN(3) {
		case 0:
			return convIdentPerm(sp + 2)
		default:
			p := r.Perm(sp + 2)
			return p
		}
	}
	cc.inPerm, cc.kerPerm, cc.outPerm = perm(), perm(), perm()
	return cc
}

func runConvCase(t *testing.T, r *rand.Rand, cc *convCase) {
	t.Helper()
	src, inS, kS := cc.program()
	m := parse(t, src)
	d, _ := tensor.ParseDType(cc.ty)
	inputs := []*tensor.Tensor{randTensor(r, d, inS), randTensor(r, d, kS)}
	p, err := Compile(m, m.Entry(""), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s := p.Describe(); s.Fallback != 0 {
		t.Fatalf("convolution ran through the fallback: %+v\n%s", s, src)
	}
	diffRun(t, m, inputs, Options{})
}

func TestConvRandom(t *testing.T) {
	n := 400
	if testing.Short() {
		n = 80
	}
	r := rand.New(rand.NewPCG(3, 5))
	defer func(m int64) { maxWindowTable = m }(maxWindowTable)
	for i := 0; i < n; i++ {
		maxWindowTable = []int64{1 << 20, 0}[i%2] // odd cases: per-output window tables
		runConvCase(t, r, randConvCase(r))
	}
}

// TestConvLayouts covers the layouts with a fast path (NHWC/HWIO as JAX
// emits, 1×1 kernels that skip im2col, OHWI kernels read transposed) and
// the permuted ones (NCHW/OIHW), with and without row blocking.
func TestConvLayouts(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	nhwc, hwio := []int{0, 1, 2, 3}, []int{0, 1, 2, 3}
	nchw := []int{0, 2, 3, 1} // b at 0, spatial at 2,3, f at 1
	oihw := []int{2, 3, 1, 0} // spatial at 2,3, i at 1, o at 0
	ohwi := []int{1, 2, 3, 0}
	base := func() *convCase {
		return &convCase{ty: "f32", sp: 2, n: 3, c: 5, o: 7, in: []int64{9, 8}, ker: []int64{3, 3},
			stride: []int64{1, 1}, lhsDil: []int64{1, 1}, rhsDil: []int64{1, 1}, lo: []int64{1, 1}, hi: []int64{1, 1},
			rev: []bool{false, false}, inPerm: nhwc, kerPerm: hwio, outPerm: nhwc}
	}
	var cases []*convCase
	for _, in := range [][]int{nhwc, nchw} {
		for _, k := range [][]int{hwio, oihw, ohwi} {
			for _, o := range [][]int{nhwc, nchw} {
				for _, ty := range []string{"f32", "f64"} {
					cc := base()
					cc.inPerm, cc.kerPerm, cc.outPerm, cc.ty = in, k, o, ty
					cases = append(cases, cc)
					one := base()
					one.inPerm, one.kerPerm, one.outPerm, one.ty = in, k, o, ty
					one.ker, one.lo, one.hi = []int64{1, 1}, []int64{0, 0}, []int64{0, 0}
					cases = append(cases, one)
				}
			}
		}
	}
	odd := base()
	odd.stride, odd.lhsDil, odd.rhsDil, odd.lo, odd.hi, odd.rev = []int64{2, 3}, []int64{2, 1}, []int64{1, 2}, []int64{-1, 2}, []int64{3, -1}, []bool{true, false}
	cases = append(cases, odd)
	defer func(b, m int64) { convBlockBytes, convMinRows = b, m }(convBlockBytes, convMinRows)
	defer func(m int64) { maxWindowTable = m }(maxWindowTable)
	for i, blk := range []int64{32 << 20, 200, 1} {
		convBlockBytes, convMinRows = blk, 1
		maxWindowTable = []int64{1 << 20, 0, 1 << 20}[i]
		for _, cc := range cases {
			runConvCase(t, r, cc)
		}
	}
}

// TestConvEdges: empty windows, zero-size results, features of size 1,
// 1-D and 3-D.
func TestConvEdges(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	for _, src := range []string{
		// window larger than the input: empty result
		`func.func @main(%a: tensor<1x2x3xf32>, %k: tensor<4x3x2xf32>) -> tensor<1x0x2xf32> {
  %0 = stablehlo.convolution(%a, %k) dim_numbers = [b, 0, f]x[0, i, o]->[b, 0, f], window = {stride = [1]} : (tensor<1x2x3xf32>, tensor<4x3x2xf32>) -> tensor<1x0x2xf32>
  func.return %0 : tensor<1x0x2xf32>
}`,
		// rank 2: no spatial dimensions (a matmul)
		`func.func @main(%a: tensor<4x3xf64>, %k: tensor<3x5xf64>) -> tensor<4x5xf64> {
  %0 = stablehlo.convolution(%a, %k) dim_numbers = [b, f]x[i, o]->[b, f], window = {} : (tensor<4x3xf64>, tensor<3x5xf64>) -> tensor<4x5xf64>
  func.return %0 : tensor<4x5xf64>
}`,
		// padding only: every window in padding
		`func.func @main(%a: tensor<2x1x1xf32>, %k: tensor<2x1x3xf32>) -> tensor<2x6x3xf32> {
  %0 = stablehlo.convolution(%a, %k) dim_numbers = [b, 0, f]x[0, i, o]->[b, 0, f], window = {pad = [[3, 3]], lhs_dilate = [1]} : (tensor<2x1x1xf32>, tensor<2x1x3xf32>) -> tensor<2x6x3xf32>
  func.return %0 : tensor<2x6x3xf32>
}`,
	} {
		m := parse(t, src)
		var in []*tensor.Tensor
		for _, a := range m.Entry("").Args {
			sh, d := convArgShape(t, a.Type)
			in = append(in, randTensor(r, d, sh))
		}
		diffRun(t, m, in, Options{})
	}
}

func convArgShape(t *testing.T, ty ir.Type) ([]int64, tensor.DType) {
	tt := ir.Tensor(ty)
	if tt == nil {
		t.Fatalf("argument of type %s", ty)
	}
	return tt.Shape, tt.Elem.StorageDType()
}

// windowCase is one reduce_window configuration.
type windowCase struct {
	ty, op                         string
	shape, dims, strides, bdil, wd []int64
	lo, hi                         []int64
}

func (wc *windowCase) program() string {
	r := len(wc.shape)
	out := make([]int64, r)
	pads := make([]string, r)
	for i := range out {
		out[i], _ = windowOut(wc.shape[i], wc.bdil[i], wc.lo[i], wc.hi[i], wc.dims[i], wc.wd[i], wc.strides[i], false)
		pads[i] = fmt.Sprintf("[%d, %d]", wc.lo[i], wc.hi[i])
	}
	it, ot, st := convShapeStr(wc.shape, wc.ty), convShapeStr(out, wc.ty), "tensor<"+wc.ty+">"
	return fmt.Sprintf(`func.func @main(%%a: %s, %%i: %s) -> %s {
  %%0 = "stablehlo.reduce_window"(%%a, %%i) ({
  ^bb0(%%p: %s, %%q: %s):
    %%s = "stablehlo.%s"(%%p, %%q) : (%s, %s) -> %s
    "stablehlo.return"(%%s) : (%s) -> ()
  }) {window_dimensions = array<i64: %s>, window_strides = array<i64: %s>, base_dilations = array<i64: %s>, window_dilations = array<i64: %s>, padding = dense<[%s]> : tensor<%dx2xi64>} : (%s, %s) -> %s
  func.return %%0 : %s
}`, it, st, ot, st, st, wc.op, st, st, st, st,
		convIntList(wc.dims), convIntList(wc.strides), convIntList(wc.bdil), convIntList(wc.wd), strings.Join(pads, ", "), r, it, st, ot, ot)
}

func runWindowCase(t *testing.T, r *rand.Rand, wc *windowCase) {
	t.Helper()
	src := wc.program()
	m := parse(t, src)
	d, _ := tensor.ParseDType(wc.ty)
	inputs := []*tensor.Tensor{randTensor(r, d, wc.shape), randTensor(r, d, nil)}
	if wc.op == "multiply" && d.IsFloat() { // keep products near 1
		for i := int64(0); i < inputs[0].NumElements(); i++ {
			inputs[0].SetFloat64(i, 1+inputs[0].Float64(i)/8)
		}
	}
	p, err := Compile(m, m.Entry(""), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s := p.Describe(); s.Fallback != 0 {
		t.Fatalf("reduce_window ran through the fallback: %+v\n%s", s, src)
	}
	diffRun(t, m, inputs, Options{})
}

func TestReduceWindowRandom(t *testing.T) {
	n := 600
	if testing.Short() {
		n = 100
	}
	r := rand.New(rand.NewPCG(11, 13))
	defer func(m int64) { maxWindowTable = m }(maxWindowTable)
	for i := 0; i < n; i++ {
		maxWindowTable = []int64{1 << 20, 0}[i%2] // odd cases: per-output window tables
		rank := 1 + r.IntN(4)
		wc := &windowCase{ty: []string{"f32", "f64", "i32", "i64"}[r.IntN(4)], op: []string{"add", "maximum", "minimum", "multiply"}[r.IntN(4)]}
		plain := r.IntN(3) == 0 // pooling: no dilation, no padding
		for j := 0; j < rank; j++ {
			wc.shape = append(wc.shape, int64(1+r.IntN(7-rank)))
			wc.dims = append(wc.dims, int64(1+r.IntN(3)))
			wc.strides = append(wc.strides, int64(1+r.IntN(3)))
			if plain {
				wc.bdil, wc.wd = append(wc.bdil, 1), append(wc.wd, 1)
			} else {
				wc.bdil = append(wc.bdil, int64(1+r.IntN(2)))
				wc.wd = append(wc.wd, int64(1+r.IntN(2)))
			}
			for {
				lo, hi := int64(r.IntN(4)-1), int64(r.IntN(4)-1)
				if plain {
					lo, hi = 0, 0
				}
				dil := (wc.shape[j]-1)*wc.bdil[j] + 1
				if lo+dil+hi >= 1 {
					wc.lo, wc.hi = append(wc.lo, lo), append(wc.hi, hi)
					break
				}
			}
		}
		if r.IntN(3) == 0 { // an identity trailing block (NHWC pool)
			wc.dims[rank-1], wc.strides[rank-1], wc.bdil[rank-1], wc.lo[rank-1], wc.hi[rank-1] = 1, 1, 1, 0, 0
		}
		runWindowCase(t, r, wc)
	}
}

func TestReduceWindowPools(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 3))
	for _, ty := range []string{"f32", "f64", "i32", "i64"} {
		for _, op := range []string{"add", "maximum", "minimum", "multiply"} {
			for _, wc := range []*windowCase{
				{shape: []int64{2, 8, 8, 5}, dims: []int64{1, 2, 2, 1}, strides: []int64{1, 2, 2, 1}, lo: []int64{0, 0, 0, 0}, hi: []int64{0, 0, 0, 0}},
				{shape: []int64{2, 7, 7, 3}, dims: []int64{1, 3, 3, 1}, strides: []int64{1, 2, 2, 1}, lo: []int64{0, 1, 1, 0}, hi: []int64{0, 1, 1, 0}},
				{shape: []int64{2, 3, 7, 7}, dims: []int64{1, 1, 3, 3}, strides: []int64{1, 1, 1, 1}, lo: []int64{0, 0, 1, 1}, hi: []int64{0, 0, 1, 1}},
				{shape: []int64{4, 5}, dims: []int64{1, 1}, strides: []int64{1, 1}, lo: []int64{0, 0}, hi: []int64{0, 0}},
				{shape: []int64{2, 6, 6, 9}, dims: []int64{1, 3, 3, 1}, strides: []int64{1, 2, 2, 1}, lo: []int64{0, 1, 1, 0}, hi: []int64{0, 1, 1, 0}},
				{shape: []int64{1, 4, 4, 16}, dims: []int64{1, 2, 2, 1}, strides: []int64{1, 2, 2, 1}, lo: []int64{0, 0, 0, 0}, hi: []int64{0, 0, 0, 0}},
				{shape: []int64{6}, dims: []int64{6}, strides: []int64{1}, lo: []int64{2}, hi: []int64{3}},
			} {
				wc.ty, wc.op = ty, op
				wc.bdil = []int64{1, 1, 1, 1}[:len(wc.shape)]
				wc.wd = wc.bdil
				runWindowCase(t, r, wc)
			}
		}
	}
}

// TestNativeFallbackKept: grouped convolutions and multi-operand or
// non-trivial reduce_window bodies keep the fallback (and still agree).
func TestNativeFallbackKept(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, src := range []string{
		`func.func @main(%a: tensor<1x5x4xf32>, %k: tensor<3x2x6xf32>) -> tensor<1x3x6xf32> {
  %0 = stablehlo.convolution(%a, %k) dim_numbers = [b, 0, f]x[0, i, o]->[b, 0, f], window = {stride = [1]} {batch_group_count = 1 : i64, feature_group_count = 2 : i64} : (tensor<1x5x4xf32>, tensor<3x2x6xf32>) -> tensor<1x3x6xf32>
  func.return %0 : tensor<1x3x6xf32>
}`,
		`func.func @main(%a: tensor<6xf32>, %i: tensor<f32>) -> tensor<5xf32> {
  %0 = "stablehlo.reduce_window"(%a, %i) ({
  ^bb0(%p: tensor<f32>, %q: tensor<f32>):
    %s = "stablehlo.subtract"(%p, %q) : (tensor<f32>, tensor<f32>) -> tensor<f32>
    "stablehlo.return"(%s) : (tensor<f32>) -> ()
  }) {window_dimensions = array<i64: 2>} : (tensor<6xf32>, tensor<f32>) -> tensor<5xf32>
  func.return %0 : tensor<5xf32>
}`,
	} {
		m := parse(t, src)
		p, err := Compile(m, m.Entry(""), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if s := p.Describe(); s.Fallback != 1 {
			t.Errorf("want the fallback, got %+v", s)
		}
		var in []*tensor.Tensor
		for _, a := range m.Entry("").Args {
			sh, d := convArgShape(t, a.Type)
			in = append(in, randTensor(r, d, sh))
		}
		diffRun(t, m, in, Options{})
	}
}

// BenchmarkCNN runs the benchmark suite's JAX-exported CNN (two
// convolutions, two max pools, two dense layers).
func BenchmarkCNN(b *testing.B) {
	src, err := os.ReadFile("../benchsuite/testdata/cnn.mlir")
	if err != nil {
		b.Skip(err)
	}
	m := parse(b, string(src))
	fn := m.Entry("")
	p, err := Compile(m, fn, Options{})
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 1))
	var in []*tensor.Tensor
	for _, a := range fn.Args {
		tt := ir.Tensor(a.Type)
		in = append(in, randTensor(r, tt.Elem.StorageDType(), tt.Shape))
	}
	b.ResetTimer()
	for range b.N {
		if _, _, err := p.Run(context.Background(), in, exec.Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestReduceWindowSpecials: NaN, signed zeros and infinities fold as in
// the reference (bit for bit, any NaN equal to any NaN), on the row path
// (vectorized for f32) and the per-element path.
func TestReduceWindowSpecials(t *testing.T) {
	specials := []float64{math.NaN(), math.Copysign(0, -1), 0, math.Inf(1), math.Inf(-1), 1, -1, 2.5}
	r := rand.New(rand.NewPCG(8, 8))
	for _, ty := range []string{"f32", "f64"} {
		for _, op := range []string{"add", "maximum", "minimum", "multiply"} {
			for _, wc := range []*windowCase{
				{shape: []int64{5, 6, 12}, dims: []int64{2, 3, 1}, strides: []int64{1, 2, 1}, lo: []int64{1, 0, 0}, hi: []int64{0, 1, 0}},
				{shape: []int64{12, 7}, dims: []int64{1, 3}, strides: []int64{1, 1}, lo: []int64{0, 1}, hi: []int64{0, 1}},
			} {
				wc.ty, wc.op = ty, op
				wc.bdil = []int64{1, 1, 1}[:len(wc.shape)]
				wc.wd = wc.bdil
				m := parse(t, wc.program())
				d, _ := tensor.ParseDType(ty)
				x := randTensor(r, d, wc.shape)
				for i := int64(0); i < x.NumElements(); i++ {
					x.SetFloat64(i, specials[r.IntN(len(specials))])
				}
				for _, init := range []float64{0, math.Copysign(0, -1), math.Inf(-1), math.Inf(1), 1} {
					it := randTensor(r, d, nil)
					it.SetFloat64(0, init)
					in := []*tensor.Tensor{x, it}
					want, _, err := exec.Run(context.Background(), m, m.Entry(""), in, exec.Limits{})
					if err != nil {
						t.Fatal(err)
					}
					p, err := Compile(m, m.Entry(""), Options{})
					if err != nil {
						t.Fatal(err)
					}
					got, _, err := p.Run(context.Background(), in, exec.Limits{})
					if err != nil {
						t.Fatal(err)
					}
					for i := int64(0); i < want[0].NumElements(); i++ {
						a, b := want[0].Float64(i), got[0].Float64(i)
						if !(math.IsNaN(a) && math.IsNaN(b)) && math.Float64bits(a) != math.Float64bits(b) {
							t.Fatalf("%s %s init %v: element %d: reference %v, plan %v", ty, op, init, i, a, b)
						}
					}
				}
			}
		}
	}
}

// TestConvScratchAndLimits: the packed-kernel, im2col and result scratch
// counts in PeakBytes, and the kernels stop on limits.
func TestConvScratchAndLimits(t *testing.T) {
	m := parse(t, `func.func @main(%a: tensor<2x3x9x9xf32>, %k: tensor<4x3x3x3xf32>) -> tensor<2x4x9x9xf32> {
  %0 = stablehlo.convolution(%a, %k) dim_numbers = [b, f, 0, 1]x[o, i, 0, 1]->[b, f, 0, 1], window = {pad = [[1, 1], [1, 1]]} : (tensor<2x3x9x9xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x9x9xf32>
  func.return %0 : tensor<2x4x9x9xf32>
}`)
	p, err := Compile(m, m.Entry(""), Options{})
	if err != nil {
		t.Fatal(err)
	}
	// packed kernel 432 B, im2col 162 rows × 27 × 4 B, result 162 × 4 × 4 B
	want := int64(2*4*9*9*4) + 448 + 162*27*4 + 162*4*4
	if p.PeakBytes() < want {
		t.Errorf("PeakBytes %d, want at least %d (output + scratch)", p.PeakBytes(), want)
	}
	r := rand.New(rand.NewPCG(1, 2))
	in := []*tensor.Tensor{randTensor(r, tensor.F32, []int64{2, 3, 9, 9}), randTensor(r, tensor.F32, []int64{4, 3, 3, 3})}
	for _, tc := range []struct {
		lim  exec.Limits
		ctx  func() context.Context
		rule string
	}{
		{exec.Limits{MaxMemory: 4000 + 2*4*9*9*4}, context.Background, "limit.memory"},
		{exec.Limits{MaxFLOPs: 10}, context.Background, "limit.flops"},
		{exec.Limits{}, func() context.Context { c, cancel := context.WithCancel(context.Background()); cancel(); return c }, "limit.cancelled"},
	} {
		_, _, err := p.Run(tc.ctx(), in, tc.lim)
		if err == nil || !strings.Contains(err.Error(), tc.rule) {
			t.Errorf("limits %+v: got %v, want %s", tc.lim, err, tc.rule)
		}
	}
}

// BenchmarkConv: ResNet-like NHWC/HWIO layers and an NCHW/OIHW one.
func BenchmarkConv(b *testing.B) {
	for _, cc := range []*convCase{
		{ty: "f32", sp: 2, n: 8, c: 64, o: 64, in: []int64{56, 56}, ker: []int64{3, 3}, lo: []int64{1, 1}, hi: []int64{1, 1}},
		{ty: "f32", sp: 2, n: 8, c: 256, o: 256, in: []int64{14, 14}, ker: []int64{3, 3}, lo: []int64{1, 1}, hi: []int64{1, 1}},
		{ty: "f32", sp: 2, n: 8, c: 256, o: 64, in: []int64{28, 28}, ker: []int64{1, 1}, lo: []int64{0, 0}, hi: []int64{0, 0}},
		{ty: "f32", sp: 2, n: 8, c: 64, o: 64, in: []int64{56, 56}, ker: []int64{3, 3}, lo: []int64{1, 1}, hi: []int64{1, 1},
			inPerm: []int{0, 2, 3, 1}, kerPerm: []int{2, 3, 1, 0}, outPerm: []int{0, 2, 3, 1}},
	} {
		cc.stride, cc.lhsDil, cc.rhsDil, cc.rev = []int64{1, 1}, []int64{1, 1}, []int64{1, 1}, []bool{false, false}
		if cc.inPerm == nil {
			cc.inPerm, cc.kerPerm, cc.outPerm = convIdentPerm(4), convIdentPerm(4), convIdentPerm(4)
		}
		src, inS, kS := cc.program()
		m := parse(b, src)
		p, err := Compile(m, m.Entry(""), Options{})
		if err != nil {
			b.Fatal(err)
		}
		r := rand.New(rand.NewPCG(1, 1))
		in := []*tensor.Tensor{randTensor(r, tensor.F32, inS), randTensor(r, tensor.F32, kS)}
		flops := 2 * float64(cc.n*cc.in[0]*cc.in[1]*cc.c*cc.o*cc.ker[0]*cc.ker[1])
		b.Run(fmt.Sprintf("%dx%dx%dx%d_k%d_o%d_perm%v", cc.n, cc.in[0], cc.in[1], cc.c, cc.ker[0], cc.o, cc.inPerm[1] != 1), func(b *testing.B) {
			for range b.N {
				if _, _, err := p.Run(context.Background(), in, exec.Limits{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// TestConvWindowHugeShapes: huge static shapes, paddings and windows plan
// without panics or allocation (native or fallback) and stop at the
// memory limit before running.
func TestConvWindowHugeShapes(t *testing.T) {
	for _, src := range []string{
		`func.func @main(%a: tensor<1x4x1xf32>, %k: tensor<1x1x2xf32>) -> tensor<1x1000000000004x2xf32> {
  %0 = stablehlo.convolution(%a, %k) dim_numbers = [b, 0, f]x[0, i, o]->[b, 0, f], window = {pad = [[1000000000000, 0]]} : (tensor<1x4x1xf32>, tensor<1x1x2xf32>) -> tensor<1x1000000000004x2xf32>
  func.return %0 : tensor<1x1000000000004x2xf32>
}`,
		// long 1-D: native with per-output window tables; 16 MB input,
		// 32 MB output over the 40 MB limit
		`func.func @main(%a: tensor<1x4000000x1xf32>, %k: tensor<3x1x2xf32>) -> tensor<1x4000000x2xf32> {
  %0 = stablehlo.convolution(%a, %k) dim_numbers = [b, 0, f]x[0, i, o]->[b, 0, f], window = {pad = [[1, 1]]} : (tensor<1x4000000x1xf32>, tensor<3x1x2xf32>) -> tensor<1x4000000x2xf32>
  func.return %0 : tensor<1x4000000x2xf32>
}`,
		`func.func @main(%a: tensor<4xf32>, %i: tensor<f32>) -> tensor<5xf32> {
  %0 = "stablehlo.reduce_window"(%a, %i) ({
  ^bb0(%p: tensor<f32>, %q: tensor<f32>):
    %s = "stablehlo.add"(%p, %q) : (tensor<f32>, tensor<f32>) -> tensor<f32>
    "stablehlo.return"(%s) : (tensor<f32>) -> ()
  }) {window_dimensions = array<i64: 1099511627776>, padding = dense<[[1099511627776, 0]]> : tensor<1x2xi64>} : (tensor<4xf32>, tensor<f32>) -> tensor<5xf32>
  func.return %0 : tensor<5xf32>
}`,
	} {
		m := parse(t, src)
		p, err := Compile(m, m.Entry(""), Options{})
		if err != nil {
			continue // rejected is fine too
		}
		var in []*tensor.Tensor
		for _, a := range m.Entry("").Args {
			sh, d := convArgShape(t, a.Type)
			x, err := tensor.New(d, sh, 1<<30)
			if err != nil {
				t.Fatal(err)
			}
			in = append(in, x)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		if strings.Contains(src, "4000000") && p.Describe().Native != 1 {
			t.Errorf("long 1-D convolution not native: %+v", p.Describe())
		}
		_, _, err = p.Run(ctx, in, exec.Limits{MaxMemory: 40 << 20})
		cancel()
		if err == nil {
			t.Errorf("%s: no error", src)
		}
		t.Logf("%+v: %v", p.Describe(), err)
	}
}
