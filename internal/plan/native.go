package plan

import (
	"github.com/hlogate/hlogate/internal/cost"
	"math"
	"slices"

	"github.com/hlogate/hlogate/internal/exec"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/internal/kernels/vmath"
	"github.com/hlogate/hlogate/tensor"
)

type kind uint8

const (
	kEW      kind = iota + 1 // elementwise (fusible)
	kStrided                 // broadcast_in_dim, transpose, slice
	kCopy                    // reshape
	kConcat
	kReduce
	kDot
	kWhile
	kIota
	kGather
	kConv   // convolution (conv.go)
	kWindow // reduce_window (window.go)
)

type ewCode uint8

const (
	eAdd ewCode = iota + 1
	eSub
	eMul
	eDiv
	eMax
	eMin
	eAnd
	eOr
	eXor
	eNeg
	eNot
	eAbs
	eExp
	eTanh
	eLog
	eSqrt
	eRsqrt
	eLogistic
	eCmpEQ
	eCmpNE
	eCmpLT
	eCmpLE
	eCmpGT
	eCmpGE
	eSelect
	eConvert
	eScalar // the reference's per-element function (native.sc)
	eSquare
)

// native describes a node's native kernel.
type native struct {
	kind kind
	code ewCode
	dt   tensor.DType // operand element type (elementwise), element type otherwise
	odt  tensor.DType // result element type
	// strided copy: out[idx] = in[base + Σ idx[d]·istr[d]]
	base  int64
	istr  []int64
	shape []int64 // output shape of a strided copy into scratch (dot operands)
	// concat
	axis int
	// reduce
	redDims []bool
	// dot
	dot dotShape
	// convolution, reduce_window
	conv *convPlan
	win  *winPlan
	// eScalar: the reference's per-element functions
	sc exec.ScalarFns
	// while: the regions' plans, and the loop-carried positions whose
	// next value is another position's current one (see runWhile)
	cond, body *Plan
	moved      []int
	// scratch is the bytes of per-run scratch the kernel needs (shared
	// by all steps; the schedule sizes it to the largest need).
	scratch int64
}

type dotShape struct {
	batch, m, n, k int
	transA, transB bool
	lperm, rperm   *native // permute the operand into scratch first (nil: read in place)
}

var ewBinary = map[string]ewCode{
	"stablehlo.add": eAdd, "stablehlo.subtract": eSub, "stablehlo.multiply": eMul, "stablehlo.divide": eDiv,
	"stablehlo.maximum": eMax, "stablehlo.minimum": eMin, "stablehlo.and": eAnd, "stablehlo.or": eOr, "stablehlo.xor": eXor,
}

var ewUnary = map[string]ewCode{
	"stablehlo.negate": eNeg, "stablehlo.not": eNot, "stablehlo.abs": eAbs, "stablehlo.exponential": eExp,
	"stablehlo.tanh": eTanh, "stablehlo.log": eLog, "stablehlo.sqrt": eSqrt, "stablehlo.rsqrt": eRsqrt,
	"stablehlo.logistic": eLogistic, "chlo.square": eSquare,
}

func isFloat(d tensor.DType) bool { return d == tensor.F32 || d == tensor.F64 }
func isInt(d tensor.DType) bool   { return d == tensor.I32 || d == tensor.I64 }

// plainElem reports element types stored in whole bytes each, for the
// layout kernels (which only move bytes).
func plainElem(v *value) bool {
	// Sub-byte types (i1, i2, i4, f4, f6) are stored one element per
	// byte, so a layout copy moves them as bytes too.
	return v.typ.Elem.Quant == nil && v.dt.Size() > 0
}

// supportNative returns the native kernel for n, or nil.
func supportNative(n *node) *native {
	op := n.op
	if len(n.out) != 1 || len(op.Regions) > 0 && op.Name != "stablehlo.reduce" && op.Name != "stablehlo.reduce_window" {
		return nil
	}
	for _, v := range n.in {
		if v.typ.Elem.Quant != nil {
			return nil
		}
	}
	out := n.out[0]
	if out.typ.Elem.Quant != nil {
		return nil
	}
	if c, ok := ewBinary[op.Name]; ok && len(n.in) == 2 {
		d := out.dt
		if n.in[0].dt != d || n.in[1].dt != d || n.in[0].n != out.n || n.in[1].n != out.n {
			return nil
		}
		switch {
		case isFloat(d) && c <= eMin, isInt(d) && c != eDiv, d == tensor.Bool && c >= eAnd:
			return &native{kind: kEW, code: c, dt: d, odt: d}
		}
		return scalarNative(n)
	}
	if c, ok := ewUnary[op.Name]; ok && len(n.in) == 1 {
		d := out.dt
		if n.in[0].dt != d {
			return nil
		}
		switch {
		case isFloat(d) && c != eNot, isInt(d) && (c == eNeg || c == eNot), d == tensor.Bool && c == eNot:
			return &native{kind: kEW, code: c, dt: d, odt: d}
		}
		return scalarNative(n)
	}
	switch op.Name {
	case "stablehlo.compare":
		d := n.in[0].dt
		if !(isFloat(d) || isInt(d)) || n.in[1].dt != d || n.in[0].n != out.n || n.in[1].n != out.n {
			return nil
		}
		if ct, _ := ir.Enum(op.Attr("compare_type")); ct != "" && ct != "FLOAT" && ct != "SIGNED" {
			return nil
		}
		dir, _ := ir.Enum(op.Attr("comparison_direction"))
		c, ok := map[string]ewCode{"EQ": eCmpEQ, "NE": eCmpNE, "LT": eCmpLT, "LE": eCmpLE, "GT": eCmpGT, "GE": eCmpGE}[dir]
		if !ok {
			return nil
		}
		return &native{kind: kEW, code: c, dt: d, odt: tensor.Bool}
	case "stablehlo.select":
		d := out.dt
		if n.in[0].dt != tensor.Bool || n.in[0].n != out.n || n.in[1].n != out.n || n.in[2].n != out.n ||
			!(isFloat(d) || isInt(d) || d == tensor.Bool) {
			return nil
		}
		return &native{kind: kEW, code: eSelect, dt: d, odt: d}
	case "stablehlo.convert":
		s, d := n.in[0].dt, out.dt
		ok := s == d && (isFloat(d) || isInt(d) || d == tensor.Bool) ||
			isFloat(s) && isFloat(d) ||
			s == tensor.I32 && (isFloat(d) || d == tensor.I64) ||
			s == tensor.I64 && d == tensor.I32 ||
			s == tensor.Bool && (isFloat(d) || isInt(d))
		if !ok {
			return nil
		}
		return &native{kind: kEW, code: eConvert, dt: s, odt: d}
	case "stablehlo.reshape":
		if n.in[0].bytes != out.bytes || n.in[0].dt != out.dt || !plainElem(out) {
			return nil
		}
		return &native{kind: kCopy, dt: out.dt, odt: out.dt}
	case "stablehlo.broadcast_in_dim", "stablehlo.transpose", "stablehlo.slice":
		return stridedNative(n)
	case "stablehlo.concatenate":
		ax, ok := ir.Int(op.Attr("dimension"))
		if !ok || ax < 0 || int(ax) >= len(out.shape) || !plainElem(out) {
			return nil
		}
		for _, v := range n.in {
			if v.dt != out.dt || len(v.shape) != len(out.shape) {
				return nil
			}
		}
		return &native{kind: kConcat, dt: out.dt, odt: out.dt, axis: int(ax)}
	case "stablehlo.reduce":
		return reduceNative(n)
	case "stablehlo.dot_general":
		return dotNative(n)
	case "stablehlo.convolution":
		return convNative(n)
	case "stablehlo.reduce_window":
		return windowNative(n)
	case "stablehlo.iota":
		return iotaNative(n)
	case "stablehlo.gather":
		return gatherNative(n)
	}
	return scalarNative(n)
}

// scalarNative runs an elementwise op the plan has no vector kernel for
// with the reference's own per-element function (exec.Scalar), over f32,
// f64, i32 and i64: still fused into chains, still exactly the
// reference's results.
func scalarNative(n *node) *native {
	if len(n.out) != 1 || len(n.op.Regions) > 0 || len(n.in) < 1 || len(n.in) > 2 {
		return nil
	}
	out := n.out[0]
	d := out.dt
	if !(isFloat(d) || isInt(d)) {
		return nil
	}
	for _, v := range n.in {
		if v.dt != d || v.n != out.n {
			return nil
		}
	}
	fns, ok := exec.Scalar(n.op.Name, d)
	if !ok || (len(n.in) == 1) != (fns.F1 != nil || fns.I1 != nil) {
		return nil
	}
	return &native{kind: kEW, code: eScalar, dt: d, odt: d, sc: fns}
}

func rowStrides(shape []int64) []int64 {
	s := make([]int64, len(shape))
	acc := int64(1)
	for i := len(shape) - 1; i >= 0; i-- {
		s[i] = acc
		acc *= shape[i]
	}
	return s
}

func stridedNative(n *node) *native {
	in, out := n.in[0], n.out[0]
	if in.dt != out.dt || !plainElem(out) || len(n.in) != 1 {
		return nil
	}
	st := rowStrides(in.shape)
	nat := &native{kind: kStrided, dt: out.dt, odt: out.dt, istr: make([]int64, len(out.shape))}
	switch n.op.Name {
	case "stablehlo.broadcast_in_dim":
		dims, ok := ir.Ints(n.op.Attr("broadcast_dimensions"))
		if !ok || len(dims) != len(in.shape) {
			return nil
		}
		for i, d := range dims {
			if d < 0 || int(d) >= len(out.shape) {
				return nil
			}
			if in.shape[i] == out.shape[d] {
				nat.istr[d] = st[i]
			} else if in.shape[i] != 1 {
				return nil
			}
		}
	case "stablehlo.transpose":
		perm, ok := ir.Ints(n.op.Attr("permutation"))
		if !ok || len(perm) != len(out.shape) {
			return nil
		}
		for i, p := range perm {
			if p < 0 || int(p) >= len(in.shape) || in.shape[p] != out.shape[i] {
				return nil
			}
			nat.istr[i] = st[p]
		}
	case "stablehlo.slice":
		start, ok1 := ir.Ints(n.op.Attr("start_indices"))
		strides, ok2 := ir.Ints(n.op.Attr("strides"))
		if !ok1 || len(start) != len(in.shape) {
			return nil
		}
		if !ok2 {
			strides = make([]int64, len(start))
			for i := range strides {
				strides[i] = 1
			}
		}
		if len(strides) != len(start) || len(out.shape) != len(in.shape) {
			return nil
		}
		for i := range start {
			if start[i] < 0 || strides[i] <= 0 || (out.shape[i] > 0 && start[i]+(out.shape[i]-1)*strides[i] >= in.shape[i]) {
				return nil
			}
			nat.base += start[i] * st[i]
			nat.istr[i] = st[i] * strides[i]
		}
	}
	return nat
}

// reduceNative accepts one operand, a scalar init and a body that applies
// one of add, maximum, minimum, multiply to its two arguments.
func reduceNative(n *node) *native {
	if len(n.in) != 2 || len(n.out) != 1 || len(n.op.Regions) != 1 || len(n.capt) != 0 {
		return nil
	}
	in, init, out := n.in[0], n.in[1], n.out[0]
	d := in.dt
	if !(isFloat(d) || isInt(d) || d == tensor.Bool) || init.dt != d || out.dt != d || init.n != 1 {
		return nil
	}
	c, ok := binopBody(n.op.Regions[0], d) // window.go
	if !ok {
		return nil
	}
	if d == tensor.Bool && c != eMax && c != eMin { // jnp.any, jnp.all: or and and
		return nil
	}
	dims, ok := ir.Ints(n.op.Attr("dimensions"))
	if !ok {
		return nil
	}
	red := make([]bool, len(in.shape))
	kept := 0
	for _, x := range dims {
		if x < 0 || int(x) >= len(red) || red[x] {
			return nil
		}
		red[x] = true
	}
	for i := range red {
		if !red[i] {
			if kept >= len(out.shape) || out.shape[kept] != in.shape[i] {
				return nil
			}
			kept++
		}
	}
	if kept != len(out.shape) {
		return nil
	}
	return &native{kind: kReduce, code: c, dt: d, odt: d, redDims: red}
}

// dotNative maps a dot_general onto (batched) GEMM. An operand already in
// GEMM layout — lhs [batch..., M..., K...] or [batch, K, M], rhs
// [batch..., K..., N...] or [batch, N, K] — is read in place; any other is
// first permuted into scratch as [batch..., free..., contracting...] (lhs)
// or [batch..., contracting..., free...] (rhs). The result of dot_general
// is always [batch..., lhs free..., rhs free...]: the GEMM's own layout.
func dotNative(n *node) *native {
	lhs, rhs, out := n.in[0], n.in[1], n.out[0]
	d := out.dt
	if !isFloat(d) || lhs.dt != d || rhs.dt != d {
		return nil
	}
	s, _ := n.op.Attr("dot_dimension_numbers").(*ir.StructAttr)
	if s == nil {
		return nil
	}
	get := func(name string) ([]int64, bool) {
		a := s.Fields.Get(name)
		if a == nil {
			return nil, true
		}
		return ir.Ints(a)
	}
	lb, ok1 := get("lhs_batching_dimensions")
	rb, ok2 := get("rhs_batching_dimensions")
	lc, ok3 := get("lhs_contracting_dimensions")
	rc, ok4 := get("rhs_contracting_dimensions")
	if !ok1 || !ok2 || !ok3 || !ok4 || len(lb) != len(rb) || len(lc) != len(rc) {
		return nil
	}
	lf, okl := freeDims(len(lhs.shape), lb, lc)
	rf, okr := freeDims(len(rhs.shape), rb, rc)
	if !okl || !okr {
		return nil
	}
	prod := func(shape []int64, dims []int64) int64 {
		p := int64(1)
		for _, x := range dims {
			p *= shape[x]
		}
		return p
	}
	batch, m, k, nn := prod(lhs.shape, lb), prod(lhs.shape, lf), prod(lhs.shape, lc), prod(rhs.shape, rf)
	if batch != prod(rhs.shape, rb) || k != prod(rhs.shape, rc) || batch*m*nn != out.n ||
		m > math.MaxInt32 || nn > math.MaxInt32 || k > math.MaxInt32 || batch > math.MaxInt32 {
		return nil
	}
	ds := dotShape{batch: int(batch), m: int(m), n: int(nn), k: int(k)}
	lorder := slices.Concat(lb, lf, lc)
	switch {
	case isIdentity(lorder):
	case len(lf) == 1 && len(lc) == 1 && isIdentity(slices.Concat(lb, lc, lf)) && lhs.shape[lc[0]] > 1 && lhs.shape[lf[0]] > 1:
		ds.transA = true
	default:
		ds.lperm = permNative(lhs, lorder)
	}
	rorder := slices.Concat(rb, rc, rf)
	switch {
	case isIdentity(rorder):
	case len(rf) == 1 && len(rc) == 1 && isIdentity(slices.Concat(rb, rf, rc)):
		ds.transB = true
	default:
		ds.rperm = permNative(rhs, rorder)
	}
	nat := &native{kind: kDot, dt: d, odt: d, dot: ds}
	if ds.lperm != nil {
		nat.scratch = cost.SatAdd(nat.scratch, lhs.bytes)
	}
	if ds.rperm != nil {
		nat.scratch = cost.SatAdd(nat.scratch, rhs.bytes)
	}
	return nat
}

// freeDims lists the dimensions of a rank-r operand that are neither batch
// nor contracting, in order; false if those overlap or are out of range.
func freeDims(r int, batch, contr []int64) ([]int64, bool) {
	used := make([]bool, r)
	for _, l := range [][]int64{batch, contr} {
		for _, x := range l {
			if x < 0 || int(x) >= r || used[x] {
				return nil, false
			}
			used[x] = true
		}
	}
	var free []int64
	for i := range used {
		if !used[i] {
			free = append(free, int64(i))
		}
	}
	return free, true
}

func isIdentity(p []int64) bool {
	for i, x := range p {
		if x != int64(i) {
			return false
		}
	}
	return true
}

// permNative is the strided copy of v into the dimension order perm.
func permNative(v *value, perm []int64) *native {
	st := rowStrides(v.shape)
	nat := &native{kind: kStrided, dt: v.dt, odt: v.dt, istr: make([]int64, len(perm)), shape: make([]int64, len(perm))}
	for i, p := range perm {
		nat.istr[i] = st[p]
		nat.shape[i] = v.shape[p]
	}
	return nat
}

// ---- elementwise evaluation on one chunk ----

type floatT interface{ ~float32 | ~float64 }
type intT interface{ ~int32 | ~int64 | ~uint8 } // uint8: bool reductions

func maxF[T floatT](x, y T) T {
	switch {
	case x != x:
		return x
	case y != y:
		return y
	case x == y:
		if math.Signbit(float64(x)) {
			return y
		}
		return x
	case x > y:
		return x
	}
	return y
}

func minF[T floatT](x, y T) T {
	switch {
	case x != x:
		return x
	case y != y:
		return y
	case x == y:
		if math.Signbit(float64(x)) {
			return x
		}
		return y
	case x < y:
		return x
	}
	return y
}

func ewFloat[T floatT](c ewCode, dst, a, b []T) {
	switch c {
	case eAdd:
		b = b[:len(a)]
		dst = dst[:len(a)]
		for i := range a {
			dst[i] = a[i] + b[i]
		}
	case eSub:
		for i := range a {
			dst[i] = a[i] - b[i]
		}
	case eMul:
		b = b[:len(a)]
		dst = dst[:len(a)]
		for i := range a {
			dst[i] = a[i] * b[i]
		}
	case eDiv:
		for i := range a {
			dst[i] = a[i] / b[i]
		}
	case eMax:
		for i := range a {
			dst[i] = maxF(a[i], b[i])
		}
	case eMin:
		for i := range a {
			dst[i] = minF(a[i], b[i])
		}
	case eNeg:
		for i := range a {
			dst[i] = -a[i]
		}
	case eAbs:
		for i := range a {
			dst[i] = T(math.Abs(float64(a[i])))
		}
	case eExp: // TODO(perf): vectorised polynomial exp; math.Exp is ~0.2 Gelem/s
		for i := range a {
			dst[i] = T(math.Exp(float64(a[i])))
		}
	case eTanh:
		for i := range a {
			dst[i] = T(math.Tanh(float64(a[i])))
		}
	case eLog:
		for i := range a {
			dst[i] = T(math.Log(float64(a[i])))
		}
	case eSqrt:
		for i := range a {
			dst[i] = T(math.Sqrt(float64(a[i])))
		}
	case eRsqrt:
		for i := range a {
			dst[i] = T(1 / math.Sqrt(float64(a[i])))
		}
	case eLogistic:
		for i := range a {
			dst[i] = T(1 / (1 + math.Exp(-float64(a[i]))))
		}
	case eSquare:
		for i := range a {
			dst[i] = a[i] * a[i]
		}
	}
}

// ewF32 runs the f32 ops that internal/kernels/vmath vectorizes; false
// for the others.
func ewF32(c ewCode, dst, a, b []float32) bool {
	if b != nil {
		b = b[:len(a)]
	}
	switch c {
	case eAdd:
		vmath.Add(dst, a, b)
	case eSub:
		vmath.Sub(dst, a, b)
	case eMul:
		vmath.Mul(dst, a, b)
	case eDiv:
		vmath.Div(dst, a, b)
	case eMax:
		vmath.Max(dst, a, b)
	case eMin:
		vmath.Min(dst, a, b)
	case eNeg:
		vmath.Neg(dst, a)
	case eAbs:
		vmath.Abs(dst, a)
	case eExp:
		vmath.Exp(dst, a)
	case eTanh:
		vmath.Tanh(dst, a)
	case eLog:
		vmath.Log(dst, a)
	case eSqrt:
		vmath.Sqrt(dst, a)
	case eRsqrt:
		vmath.Rsqrt(dst, a)
	case eLogistic:
		vmath.Logistic(dst, a)
	case eSquare:
		vmath.Mul(dst, a, a)
	default:
		return false
	}
	return true
}

func ewInt[T intT](c ewCode, dst, a, b []T) {
	switch c {
	case eAdd:
		for i := range a {
			dst[i] = a[i] + b[i]
		}
	case eSub:
		for i := range a {
			dst[i] = a[i] - b[i]
		}
	case eMul:
		for i := range a {
			dst[i] = a[i] * b[i]
		}
	case eMax:
		for i := range a {
			dst[i] = max(a[i], b[i])
		}
	case eMin:
		for i := range a {
			dst[i] = min(a[i], b[i])
		}
	case eAnd:
		for i := range a {
			dst[i] = a[i] & b[i]
		}
	case eOr:
		for i := range a {
			dst[i] = a[i] | b[i]
		}
	case eXor:
		for i := range a {
			dst[i] = a[i] ^ b[i]
		}
	case eNeg:
		for i := range a {
			dst[i] = -a[i]
		}
	case eNot:
		for i := range a {
			dst[i] = ^a[i]
		}
	}
}

func ewBool(c ewCode, dst, a, b []byte) {
	for i := range a {
		switch c {
		case eAnd:
			dst[i] = a[i] & b[i]
		case eOr:
			dst[i] = a[i] | b[i]
		case eXor:
			dst[i] = a[i] ^ b[i]
		case eNot:
			dst[i] = 1 - a[i]
		}
	}
}

func b2u(b bool) byte {
	if b {
		return 1
	}
	return 0
}

func cmp[T floatT | intT](c ewCode, dst []byte, a, b []T) {
	for i := range a {
		var r bool
		switch c {
		case eCmpEQ:
			r = a[i] == b[i]
		case eCmpNE:
			r = a[i] != b[i]
		case eCmpLT:
			r = a[i] < b[i]
		case eCmpLE:
			r = a[i] <= b[i]
		case eCmpGT:
			r = a[i] > b[i]
		case eCmpGE:
			r = a[i] >= b[i]
		}
		dst[i] = b2u(r)
	}
}

func sel[T any](dst []T, p []byte, a, b []T) {
	for i := range p {
		if p[i] != 0 {
			dst[i] = a[i]
		} else {
			dst[i] = b[i]
		}
	}
}

func conv[S, D floatT | intT](dst []D, src []S) {
	for i := range src {
		dst[i] = D(src[i])
	}
}

// evalEW computes one elementwise op on a chunk of cnt elements.
func evalEW(k *native, cnt int, dst []byte, src [][]byte) {
	arg := func(i int) []byte {
		if i < len(src) {
			return src[i]
		}
		return nil
	}
	switch k.code {
	case eSelect:
		p := src[0][:cnt]
		switch k.odt {
		case tensor.F32:
			sel(f32s(dst)[:cnt], p, f32s(src[1]), f32s(src[2]))
		case tensor.F64:
			sel(f64s(dst)[:cnt], p, f64s(src[1]), f64s(src[2]))
		case tensor.I32:
			sel(i32s(dst)[:cnt], p, i32s(src[1]), i32s(src[2]))
		case tensor.I64:
			sel(i64s(dst)[:cnt], p, i64s(src[1]), i64s(src[2]))
		case tensor.Bool:
			sel(dst[:cnt], p, src[1], src[2])
		}
		return
	case eConvert:
		convertChunk(k.dt, k.odt, cnt, dst, src[0])
		return
	case eScalar:
		evalScalar(&k.sc, k.dt, cnt, dst, src)
		return
	case eCmpEQ, eCmpNE, eCmpLT, eCmpLE, eCmpGT, eCmpGE:
		switch k.dt {
		case tensor.F32:
			cmp(k.code, dst[:cnt], f32s(src[0])[:cnt], f32s(src[1]))
		case tensor.F64:
			cmp(k.code, dst[:cnt], f64s(src[0])[:cnt], f64s(src[1]))
		case tensor.I32:
			cmp(k.code, dst[:cnt], i32s(src[0])[:cnt], i32s(src[1]))
		case tensor.I64:
			cmp(k.code, dst[:cnt], i64s(src[0])[:cnt], i64s(src[1]))
		}
		return
	}
	switch k.dt {
	case tensor.F32:
		if ewF32(k.code, f32s(dst)[:cnt], f32s(src[0])[:cnt], f32s(arg(1))) {
			return
		}
		ewFloat(k.code, f32s(dst)[:cnt], f32s(src[0])[:cnt], f32s(arg(1)))
	case tensor.F64:
		ewFloat(k.code, f64s(dst)[:cnt], f64s(src[0])[:cnt], f64s(arg(1)))
	case tensor.I32:
		ewInt(k.code, i32s(dst)[:cnt], i32s(src[0])[:cnt], i32s(arg(1)))
	case tensor.I64:
		ewInt(k.code, i64s(dst)[:cnt], i64s(src[0])[:cnt], i64s(arg(1)))
	case tensor.Bool:
		ewBool(k.code, dst[:cnt], src[0][:cnt], arg(1))
	}
}

func convertChunk(s, d tensor.DType, cnt int, dst, src []byte) {
	if s == d {
		copy(dst[:cnt*s.Size()], src)
		return
	}
	switch s {
	case tensor.Bool:
		switch d {
		case tensor.F32:
			conv(f32s(dst)[:cnt], src[:cnt])
		case tensor.F64:
			conv(f64s(dst)[:cnt], src[:cnt])
		case tensor.I32:
			conv(i32s(dst)[:cnt], src[:cnt])
		case tensor.I64:
			conv(i64s(dst)[:cnt], src[:cnt])
		}
	case tensor.F32:
		conv(f64s(dst)[:cnt], f32s(src)[:cnt])
	case tensor.F64:
		conv(f32s(dst)[:cnt], f64s(src)[:cnt])
	case tensor.I32:
		x := i32s(src)[:cnt]
		switch d {
		case tensor.F32: // via float64: exact, then one rounding
			dd := f32s(dst)[:cnt]
			for i := range x {
				dd[i] = float32(float64(x[i]))
			}
		case tensor.F64:
			conv(f64s(dst)[:cnt], x)
		case tensor.I64:
			conv(i64s(dst)[:cnt], x)
		}
	case tensor.I64:
		conv(i32s(dst)[:cnt], i64s(src)[:cnt])
	}
}

// evalScalar applies the reference's per-element function to a chunk:
// floats read exactly into float64 and rounded once (NaNs as the
// reference stores them), integers sign-extended from their width.
func evalScalar(sc *exec.ScalarFns, d tensor.DType, cnt int, dst []byte, src [][]byte) {
	switch d {
	case tensor.F32:
		o, a := f32s(dst)[:cnt], f32s(src[0])[:cnt]
		if sc.F1 != nil {
			for i := range a {
				o[i] = toF32(sc.F1(float64(a[i])))
			}
			return
		}
		b := f32s(src[1])[:cnt]
		for i := range a {
			o[i] = toF32(sc.F2(float64(a[i]), float64(b[i])))
		}
	case tensor.F64:
		o, a := f64s(dst)[:cnt], f64s(src[0])[:cnt]
		if sc.F1 != nil {
			for i := range a {
				o[i] = toF64(sc.F1(a[i]))
			}
			return
		}
		b := f64s(src[1])[:cnt]
		for i := range a {
			o[i] = toF64(sc.F2(a[i], b[i]))
		}
	case tensor.I32:
		o, a := i32s(dst)[:cnt], i32s(src[0])[:cnt]
		if sc.I1 != nil {
			for i := range a {
				o[i] = int32(sc.I1(int64(a[i]), 32))
			}
			return
		}
		b := i32s(src[1])[:cnt]
		for i := range a {
			o[i] = int32(sc.I2(int64(a[i]), int64(b[i]), 32))
		}
	case tensor.I64:
		o, a := i64s(dst)[:cnt], i64s(src[0])[:cnt]
		if sc.I1 != nil {
			for i := range a {
				o[i] = sc.I1(a[i], 64)
			}
			return
		}
		b := i64s(src[1])[:cnt]
		for i := range a {
			o[i] = sc.I2(a[i], b[i], 64)
		}
	}
}

func toF32(r float64) float32 {
	if r != r {
		return math.Float32frombits(uint32(tensor.FloatBits(tensor.F32, r)))
	}
	return float32(r)
}

func toF64(r float64) float64 {
	if r != r {
		return math.Float64frombits(tensor.FloatBits(tensor.F64, r))
	}
	return r
}
