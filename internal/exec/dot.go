package exec

import (
	"math"
	"math/bits"
	"strings"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// dot_general and dot, plus the numeric helpers shared by the linear
// algebra kernels (conv.go, linalg.go, chlo_linalg.go, rng.go, quant.go).
// Every helper of this family is prefixed "lin".
//
// Arithmetic policy. A dot product is computed in the result type, as the
// spec's formula does: each operand element is first converted to the
// result element type (as stablehlo.convert would), then every product and
// every partial sum is rounded to the result type. Integers wrap at the
// result width; i1 uses and/or. Sums run in row-major order of the
// contracting index (the first contracting dimension outermost).

func init() {
	register("stablehlo.dot_general", dotGeneralKernel)
	register("stablehlo.dot", dotKernel)
}

// linReject is the error for a malformed op: rule "exec.<op>" with the
// dialect prefix dropped.
func linReject(op *ir.Op, format string, args ...any) error {
	name := op.Name
	if i := strings.IndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	return diag.New(diag.Rejected, "exec."+name, op.Pos, format, args...).WithOp(op.Name)
}

// linTensors checks that the op got n tensor operands and returns them.
func linTensors(op *ir.Op, in []Val, n int) ([]*tensor.Tensor, error) {
	if len(in) != n {
		return nil, linReject(op, "%s takes %d operands, got %d", op.Name, n, len(in))
	}
	ts := make([]*tensor.Tensor, n)
	for i, v := range in {
		if v.T == nil {
			return nil, linReject(op, "operand %d of %s is not a tensor", i, op.Name)
		}
		ts[i] = v.T
	}
	return ts, nil
}

// linResult returns result i's tensor type. Quantized types never reach the
// float kernels (quantWrap rewrites them), so they are refused here.
func linResult(op *ir.Op, i int) (*ir.TensorType, error) {
	if i >= len(op.Results) {
		return nil, linReject(op, "%s needs at least %d results", op.Name, i+1)
	}
	tt, ok := op.Results[i].Type.(*ir.TensorType)
	if !ok {
		return nil, linReject(op, "result %d of %s is not a tensor", i, op.Name)
	}
	if tt.Elem.Quant != nil {
		return nil, linReject(op, "result %d of %s has the quantized type %s, which this op does not take", i, op.Name, tt.Elem)
	}
	return tt, nil
}

// linCheckShape compares a computed result shape with result i's type
// (dynamic dimensions accept any size) and returns the element type.
func linCheckShape(op *ir.Op, i int, shape []int64) (tensor.DType, error) {
	tt, err := linResult(op, i)
	if err != nil {
		return tensor.Invalid, err
	}
	ok := len(tt.Shape) == len(shape)
	for k := 0; ok && k < len(shape); k++ {
		ok = tt.Shape[k] < 0 || tt.Shape[k] == shape[k]
	}
	if !ok {
		return tensor.Invalid, linReject(op, "result %d has type %s but the operands give shape %v", i, tt, shape)
	}
	if !tt.Elem.DType.Valid() {
		return tensor.Invalid, linReject(op, "result %d has no element type", i)
	}
	return tt.Elem.DType, nil
}

// linStrides returns row-major strides (in elements).
func linStrides(shape []int64) []int64 {
	s := make([]int64, len(shape))
	n := int64(1)
	for i := len(shape) - 1; i >= 0; i-- {
		s[i] = n
		n *= shape[i]
	}
	return s
}

// linNext advances a row-major multi-index; false after the last one.
func linNext(idx, shape []int64) bool {
	for i := len(idx) - 1; i >= 0; i-- {
		idx[i]++
		if idx[i] < shape[i] {
			return true
		}
		idx[i] = 0
	}
	return false
}

// linNumel multiplies a shape of valid (tensor) dimensions.
func linNumel(shape []int64) int64 {
	n := int64(1)
	for _, d := range shape {
		n *= d
	}
	return n
}

// linMul and linAdd are int64 arithmetic that report overflow.
func linMul(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	hi, lo := bits.Mul64(uint64(absI64(a)), uint64(absI64(b)))
	if hi != 0 || lo > math.MaxInt64 || a == math.MinInt64 || b == math.MinInt64 {
		return 0, false
	}
	if (a < 0) != (b < 0) {
		return -int64(lo), true
	}
	return int64(lo), true
}

func linAdd(a, b int64) (int64, bool) {
	s := a + b
	if (a >= 0) == (b >= 0) && (s >= 0) != (a >= 0) {
		return 0, false
	}
	return s, true
}

func absI64(a int64) int64 {
	if a < 0 {
		return -a
	}
	return a
}

// linMeter charges work in batches so tight loops stay cheap and still
// stop promptly when the context is cancelled.
type linMeter struct {
	c *Ctx
	n int64
}

func (m *linMeter) add(k int64) error {
	m.n += k
	if m.n >= 1<<12 {
		n := m.n
		m.n = 0
		return m.c.Work(n)
	}
	return nil
}

func (m *linMeter) flush() error {
	n := m.n
	m.n = 0
	return m.c.Work(n)
}

// linScratch charges n bytes of Go-side scratch memory to the budget; call
// the returned function to give them back.
func linScratch(c *Ctx, n int64) (func(), error) {
	if err := c.budget.Reserve(n); err != nil {
		return nil, err
	}
	return func() { c.budget.Release(n) }, nil
}

// linConvertElem stores src[si] into dst[di] with stablehlo.convert's rules
// (integers wrap, floats round to nearest even, float to integer truncates
// and saturates, complex to real keeps the real part).
func linConvertElem(dst *tensor.Tensor, di int64, src *tensor.Tensor, si int64) {
	switch d := src.DType; {
	case d.IsComplex():
		dst.SetComplex128(di, src.Complex128(si))
	case d.IsFloat():
		dst.SetFloat64(di, src.Float64(si))
	case d.IsUnsigned():
		dst.SetUint64(di, src.Uint64(si))
	default: // signed integers and i1
		dst.SetInt64(di, src.Int64(si))
	}
}

// linRound rounds x to the nearest value of the real float type d.
func linRound(d tensor.DType, x float64) float64 {
	switch d {
	case tensor.F64:
		return x
	case tensor.F32:
		return float64(float32(x))
	}
	return tensor.BitsFloat(d, tensor.FloatBits(d, x))
}

// linVal is one scalar in the arithmetic of a linArith: integers and i1 as
// two's complement bits in u, real floats in f, complex values in c.
type linVal struct {
	u uint64
	f float64
	c complex128
}

type linKind uint8

const (
	linBool linKind = iota
	linInt
	linFloat
	linComplex
)

// linArith is the scalar arithmetic of one element type. Results of mul and
// add are rounded (or wrapped) to the type, so a chain of them computes
// exactly what the same chain of stablehlo ops on that type would.
type linArith struct {
	d    tensor.DType
	kind linKind
	part tensor.DType   // the real type of complex parts
	tmp  *tensor.Tensor // one element of type d, for conversions
}

func newLinArith(d tensor.DType) (*linArith, bool) {
	a := &linArith{d: d, tmp: &tensor.Tensor{DType: d, Shape: []int64{}, Data: make([]byte, d.Size())}}
	switch {
	case d.IsBool():
		a.kind = linBool
	case d.IsInteger():
		a.kind = linInt
	case d.IsFloat():
		a.kind = linFloat
	case d.IsComplex():
		a.kind, a.part = linComplex, d.ComplexPart()
	default:
		return nil, false
	}
	return a, true
}

func (a *linArith) zero() linVal { return linVal{} }

// load reads t[i] converted to the arithmetic's type.
func (a *linArith) load(t *tensor.Tensor, i int64) linVal {
	if t.DType != a.d {
		linConvertElem(a.tmp, 0, t, i)
		t, i = a.tmp, 0
	}
	switch a.kind {
	case linFloat:
		return linVal{f: t.Float64(i)}
	case linComplex:
		return linVal{c: t.Complex128(i)}
	}
	return linVal{u: t.Uint64(i)}
}

func (a *linArith) store(t *tensor.Tensor, i int64, v linVal) {
	switch a.kind {
	case linFloat:
		t.SetFloat64(i, v.f)
	case linComplex:
		t.SetComplex128(i, v.c)
	default:
		t.SetUint64(i, v.u)
	}
}

func (a *linArith) rc(re, im float64) complex128 {
	return complex(linRound(a.part, re), linRound(a.part, im))
}

func (a *linArith) mul(x, y linVal) linVal {
	switch a.kind {
	case linBool:
		return linVal{u: x.u & y.u}
	case linInt:
		return linVal{u: x.u * y.u}
	case linFloat:
		return linVal{f: linRound(a.d, x.f*y.f)}
	}
	p := a.part
	xr, xi, yr, yi := real(x.c), imag(x.c), real(y.c), imag(y.c)
	re := linRound(p, xr*yr) - linRound(p, xi*yi)
	im := linRound(p, xr*yi) + linRound(p, xi*yr)
	return linVal{c: a.rc(re, im)}
}

func (a *linArith) add(x, y linVal) linVal {
	switch a.kind {
	case linBool:
		return linVal{u: x.u | y.u}
	case linInt:
		return linVal{u: x.u + y.u}
	case linFloat:
		return linVal{f: linRound(a.d, x.f+y.f)}
	}
	return linVal{c: a.rc(real(x.c)+real(y.c), imag(x.c)+imag(y.c))}
}

// linSum adds to acc, in row-major order of k, the products
// lhs[lbase + k·lstr] * rhs[rbase + k·rstr] for k in the box lo..hi
// (exclusive). k is scratch of len(lo).
func linSum(a *linArith, m *linMeter, acc linVal, lhs, rhs *tensor.Tensor, lbase, rbase int64, lo, hi, lstr, rstr, k []int64) (linVal, error) {
	for i := range lo {
		if lo[i] >= hi[i] {
			return acc, nil
		}
	}
	copy(k, lo)
	for {
		lo2, ro := lbase, rbase
		for i, v := range k {
			lo2 += v * lstr[i]
			ro += v * rstr[i]
		}
		acc = a.add(acc, a.mul(a.load(lhs, lo2), a.load(rhs, ro)))
		if err := m.add(1); err != nil {
			return acc, err
		}
		i := len(k) - 1
		for ; i >= 0; i-- {
			k[i]++
			if k[i] < hi[i] {
				break
			}
			k[i] = lo[i]
		}
		if i < 0 {
			return acc, nil
		}
	}
}

// linDotDims are dot_general's dimension numbers.
type linDotDims struct {
	lb, rb, lc, rc []int64
}

// linDotPlan is a checked dot_general over operand shapes.
type linDotPlan struct {
	shape        []int64 // result: batch ++ lhs free ++ rhs free
	lOf, rOf     []int64 // per result dimension: the lhs / rhs dimension it indexes, or -1
	lFree        []int64 // lhs result dimensions, ascending
	rFree        []int64 // rhs result dimensions, ascending
	csize        []int64 // sizes of the contracting dimensions
	lStr, rStr   []int64 // operand strides
	lcStr, rcStr []int64 // strides of the contracting dimensions
}

// linPlanDot checks dot_general's constraints C1-C10 against the operand
// shapes and lays out the result.
func linPlanDot(op *ir.Op, ls, rs []int64, dn linDotDims) (*linDotPlan, error) {
	if len(dn.lb) != len(dn.rb) {
		return nil, linReject(op, "lhs has %d batching dimensions and rhs %d; they must pair up", len(dn.lb), len(dn.rb))
	}
	if len(dn.lc) != len(dn.rc) {
		return nil, linReject(op, "lhs has %d contracting dimensions and rhs %d; they must pair up", len(dn.lc), len(dn.rc))
	}
	lUsed, err := linDimSet(op, "lhs", len(ls), dn.lb, dn.lc)
	if err != nil {
		return nil, err
	}
	rUsed, err := linDimSet(op, "rhs", len(rs), dn.rb, dn.rc)
	if err != nil {
		return nil, err
	}
	for i := range dn.lb {
		if ls[dn.lb[i]] != rs[dn.rb[i]] {
			return nil, linReject(op, "batching dimension %d of lhs has size %d but dimension %d of rhs has size %d", dn.lb[i], ls[dn.lb[i]], dn.rb[i], rs[dn.rb[i]])
		}
	}
	for i := range dn.lc {
		if ls[dn.lc[i]] != rs[dn.rc[i]] {
			return nil, linReject(op, "contracting dimension %d of lhs has size %d but dimension %d of rhs has size %d", dn.lc[i], ls[dn.lc[i]], dn.rc[i], rs[dn.rc[i]])
		}
	}
	p := &linDotPlan{lStr: linStrides(ls), rStr: linStrides(rs)}
	for i := range dn.lb {
		p.shape = append(p.shape, ls[dn.lb[i]])
		p.lOf = append(p.lOf, dn.lb[i])
		p.rOf = append(p.rOf, dn.rb[i])
	}
	for d := range ls {
		if !lUsed[d] {
			p.lFree = append(p.lFree, int64(d))
			p.shape = append(p.shape, ls[d])
			p.lOf = append(p.lOf, int64(d))
			p.rOf = append(p.rOf, -1)
		}
	}
	for d := range rs {
		if !rUsed[d] {
			p.rFree = append(p.rFree, int64(d))
			p.shape = append(p.shape, rs[d])
			p.lOf = append(p.lOf, -1)
			p.rOf = append(p.rOf, int64(d))
		}
	}
	for i := range dn.lc {
		p.csize = append(p.csize, ls[dn.lc[i]])
		p.lcStr = append(p.lcStr, p.lStr[dn.lc[i]])
		p.rcStr = append(p.rcStr, p.rStr[dn.rc[i]])
	}
	if p.shape == nil {
		p.shape = []int64{}
	}
	return p, nil
}

// linDimSet checks that the dimension lists are in range and distinct and
// returns the set of dimensions they use.
func linDimSet(op *ir.Op, side string, rank int, lists ...[]int64) ([]bool, error) {
	used := make([]bool, rank)
	for _, l := range lists {
		for _, d := range l {
			if d < 0 || d >= int64(rank) {
				return nil, linReject(op, "%s dimension %d is out of range for rank %d", side, d, rank)
			}
			if used[d] {
				return nil, linReject(op, "%s dimension %d is listed twice among the batching and contracting dimensions", side, d)
			}
			used[d] = true
		}
	}
	return used, nil
}

// base returns the lhs and rhs offsets of result index idx.
func (p *linDotPlan) base(idx []int64) (int64, int64) {
	var lb, rb int64
	for d, v := range idx {
		if p.lOf[d] >= 0 {
			lb += v * p.lStr[p.lOf[d]]
		}
		if p.rOf[d] >= 0 {
			rb += v * p.rStr[p.rOf[d]]
		}
	}
	return lb, rb
}

// linDot computes a planned dot_general into a new tensor of type d.
func linDot(c *Ctx, op *ir.Op, lhs, rhs *tensor.Tensor, p *linDotPlan, d tensor.DType) (*tensor.Tensor, error) {
	a, ok := newLinArith(d)
	if !ok {
		return nil, linReject(op, "%s cannot produce elements of type %s", op.Name, d)
	}
	out, err := c.NewTensor(d, p.shape)
	if err != nil {
		return nil, err
	}
	m := &linMeter{c: c}
	idx := make([]int64, len(p.shape))
	lo := make([]int64, len(p.csize))
	k := make([]int64, len(p.csize))
	n := out.NumElements()
	for o := int64(0); o < n; o++ {
		lb, rb := p.base(idx)
		v, err := linSum(a, m, a.zero(), lhs, rhs, lb, rb, lo, p.csize, p.lcStr, p.rcStr, k)
		if err != nil {
			return nil, err
		}
		a.store(out, o, v)
		linNext(idx, p.shape)
		if err := m.add(1); err != nil {
			return nil, err
		}
	}
	return out, m.flush()
}

// linDotDimsOf reads a #stablehlo.dot (or #chlo.ragged_dot) struct; absent
// fields are empty.
func linDotDimsOf(op *ir.Op, s *ir.StructAttr) (linDotDims, error) {
	var dn linDotDims
	if s == nil {
		return dn, nil
	}
	for _, f := range []struct {
		name string
		dst  *[]int64
	}{
		{"lhs_batching_dimensions", &dn.lb},
		{"rhs_batching_dimensions", &dn.rb},
		{"lhs_contracting_dimensions", &dn.lc},
		{"rhs_contracting_dimensions", &dn.rc},
	} {
		a := s.Fields.Get(f.name)
		if a == nil {
			continue
		}
		v, ok := ir.Ints(a)
		if !ok {
			return dn, linReject(op, "%s must be a list of integers", f.name)
		}
		*f.dst = v
	}
	return dn, nil
}

func dotGeneralKernel(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	ts, err := linTensors(op, in, 2)
	if err != nil {
		return nil, err
	}
	var s *ir.StructAttr
	if a := op.Props.Get("dot_dimension_numbers"); a != nil {
		var ok bool
		if s, ok = a.(*ir.StructAttr); !ok {
			return nil, linReject(op, "dot_dimension_numbers must be a #stablehlo.dot attribute")
		}
	}
	dn, err := linDotDimsOf(op, s)
	if err != nil {
		return nil, err
	}
	return linDotOp(c, op, ts[0], ts[1], dn)
}

func linDotOp(c *Ctx, op *ir.Op, lhs, rhs *tensor.Tensor, dn linDotDims) ([]Val, error) {
	p, err := linPlanDot(op, lhs.Shape, rhs.Shape, dn)
	if err != nil {
		return nil, err
	}
	d, err := linCheckShape(op, 0, p.shape)
	if err != nil {
		return nil, err
	}
	out, err := linDot(c, op, lhs, rhs, p, d)
	if err != nil {
		return nil, err
	}
	return []Val{{T: out}}, nil
}

// dotKernel is the deprecated stablehlo.dot: vector·vector, matrix·vector,
// vector·matrix or matrix·matrix, contracting the last lhs dimension with
// the first rhs dimension.
func dotKernel(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	ts, err := linTensors(op, in, 2)
	if err != nil {
		return nil, err
	}
	lr, rr := len(ts[0].Shape), len(ts[1].Shape)
	if lr < 1 || lr > 2 || rr < 1 || rr > 2 {
		return nil, linReject(op, "dot takes operands of rank 1 or 2, got ranks %d and %d", lr, rr)
	}
	return linDotOp(c, op, ts[0], ts[1], linDotDims{lc: []int64{int64(lr - 1)}, rc: []int64{0}})
}
