package plan

import (
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/internal/kernels/vmath"
	"github.com/hlogate/hlogate/tensor"
)

// Native reduce_window: one operand, a scalar init and a body that applies
// add, maximum, minimum or multiply to its two arguments (f32, f64, i32,
// i64), any window dimensions, strides, dilations and padding. Each result
// element folds its window in row-major window order starting from init,
// padding and base-dilation holes contributing init — the reference
// executor's order, so results match it exactly.
//
// Trailing dimensions with a unit window, unit stride and base dilation
// and no padding (the feature dimension of an NHWC pool) form an identity
// block of L contiguous elements that is folded a row at a time; the
// other dimensions index the input through per-dimension tables of
// (output index, window index) → input offset or -1 for padding.

type winPlan struct {
	t      int      // dimensions [0, t) have windows
	l      int64    // elements of the trailing identity block
	groups int64    // output elements / l
	osh    []int64  // output shape [0, t)
	dims   []int64  // window dimensions [0, t)
	wd     []winDim // per dimension < t
	pre    bool     // whole window tables in scratch (else per-output ones)
}

// winAttrInts reads an optional integer-list attribute (def when absent).
func winAttrInts(op *ir.Op, name string, n int, def int64) ([]int64, bool) {
	a := op.Attr(name)
	if a == nil {
		v := make([]int64, n)
		for i := range v {
			v[i] = def
		}
		return v, true
	}
	v, ok := ir.Ints(a)
	return v, ok && len(v) == n
}

// windowNative plans a reduce_window, or returns nil for the fallback.
func windowNative(n *node) *native {
	if len(n.in) != 2 || len(n.op.Regions) != 1 || len(n.capt) != 0 {
		return nil
	}
	in, init, out := n.in[0], n.in[1], n.out[0]
	d := in.dt
	if !(isFloat(d) || isInt(d)) || init.dt != d || out.dt != d || len(init.shape) != 0 {
		return nil
	}
	c, ok := binopBody(n.op.Regions[0], d)
	if !ok {
		return nil
	}
	op := n.op
	r := len(in.shape)
	if len(out.shape) != r || op.Attr("window_dimensions") == nil {
		return nil
	}
	dims, ok1 := winAttrInts(op, "window_dimensions", r, 1)
	strides, ok2 := winAttrInts(op, "window_strides", r, 1)
	bdil, ok3 := winAttrInts(op, "base_dilations", r, 1)
	wdil, ok4 := winAttrInts(op, "window_dilations", r, 1)
	pad, ok5 := winAttrInts(op, "padding", 2*r, 0)
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 {
		return nil
	}
	if e, ok := op.Attr("padding").(*ir.ElementsAttr); ok {
		if len(e.Type.Shape) != 2 || e.Type.Shape[0] != int64(r) || e.Type.Shape[1] != 2 {
			return nil
		}
	}
	nwin := int64(1)
	for i := 0; i < r; i++ {
		if dims[i] <= 0 || strides[i] <= 0 || bdil[i] <= 0 || wdil[i] <= 0 {
			return nil
		}
		w, ok := windowOut(in.shape[i], bdil[i], pad[2*i], pad[2*i+1], dims[i], wdil[i], strides[i], false)
		if !ok || w != out.shape[i] {
			return nil
		}
		if nwin, ok = winMul(nwin, dims[i]); !ok {
			return nil
		}
	}
	wp := &winPlan{t: r, l: 1}
	for wp.t > 0 {
		i := wp.t - 1
		if dims[i] != 1 || strides[i] != 1 || bdil[i] != 1 || pad[2*i] != 0 || pad[2*i+1] != 0 {
			break
		}
		wp.t--
		wp.l *= out.shape[i] // == in.shape[i]; the product is ≤ out.n
	}
	wp.groups = 1
	istr := rowStrides(in.shape)
	for i := 0; i < wp.t; i++ {
		wp.groups *= out.shape[i]
		wp.osh = append(wp.osh, out.shape[i])
		wp.dims = append(wp.dims, dims[i])
		wp.wd = append(wp.wd, newWinDim(dims[i], in.shape[i], bdil[i], pad[2*i], wdil[i], strides[i], istr[i], false))
	}
	entries, pre, ok := planWindows(wp.wd, wp.osh)
	if !ok {
		return nil
	}
	wp.pre = pre
	return &native{kind: kWindow, code: c, dt: d, odt: d, win: wp, scratch: entries * 8}
}

// binopBody matches a region ^bb(%a, %b): return op(%a, %b) (or op(%b,
// %a)) over scalars of type d, op one of add, maximum, minimum, multiply.
func binopBody(r *ir.Region, d tensor.DType) (ewCode, bool) {
	if r == nil || len(r.Blocks) != 1 || len(r.Blocks[0].Args) != 2 || len(r.Blocks[0].Ops) != 2 {
		return 0, false
	}
	b := r.Blocks[0]
	for _, a := range b.Args {
		tt := ir.Tensor(a.Type)
		if tt == nil || len(tt.Shape) != 0 || tt.Elem.Quant != nil || tt.Elem.StorageDType() != d {
			return 0, false
		}
	}
	body, ret := b.Ops[0], b.Ops[1]
	if ret.Name != "stablehlo.return" || len(ret.Operands) != 1 || len(body.Results) != 1 || ret.Operands[0] != body.Results[0] ||
		len(body.Operands) != 2 || len(body.Regions) != 0 {
		return 0, false
	}
	if tt := ir.Tensor(body.Results[0].Type); tt == nil || len(tt.Shape) != 0 || tt.Elem.Quant != nil || tt.Elem.StorageDType() != d {
		return 0, false
	}
	a0, a1 := body.Operands[0], body.Operands[1]
	if !(a0 == b.Args[0] && a1 == b.Args[1] || a0 == b.Args[1] && a1 == b.Args[0]) {
		return 0, false
	}
	if d == tensor.Bool { // on {0, 1}: or is max, and is min
		switch body.Name {
		case "stablehlo.or", "stablehlo.maximum":
			return eMax, true
		case "stablehlo.and", "stablehlo.minimum":
			return eMin, true
		}
		return 0, false
	}
	switch body.Name {
	case "stablehlo.add":
		return eAdd, true
	case "stablehlo.maximum":
		return eMax, true
	case "stablehlo.minimum":
		return eMin, true
	case "stablehlo.multiply":
		return eMul, true
	}
	return 0, false
}

// window runs a planned reduce_window.
func (r *runState) window(k *native, out, in, init *tensor.Tensor, scratch []byte) error {
	buf := i64s(scratch[:k.scratch])
	switch k.dt {
	case tensor.F32:
		return windowT(r, k.win, k.code, f32s(out.Data), f32s(in.Data), f32s(init.Data)[0], buf)
	case tensor.F64:
		return windowT(r, k.win, k.code, f64s(out.Data), f64s(in.Data), f64s(init.Data)[0], buf)
	case tensor.I32:
		return windowT(r, k.win, k.code, i32s(out.Data), i32s(in.Data), i32s(init.Data)[0], buf)
	case tensor.I64:
		return windowT(r, k.win, k.code, i64s(out.Data), i64s(in.Data), i64s(init.Data)[0], buf)
	}
	return nil
}

func windowT[T floatT | intT](r *runState, w *winPlan, c ewCode, out, in []T, init T, rowBuf []int64) error {
	if len(out) == 0 {
		return nil
	}
	for i := range out {
		out[i] = init
	}
	if err := r.meter(int64(len(out))); err != nil {
		return err
	}
	L, t := w.l, w.t
	if t == 0 { // one-element windows everywhere
		winFoldRow(c, out, in[:L])
		return r.meter(L)
	}
	opos := make([]int64, t)
	widx := make([]int64, t-1)
	tabs := make([][]int64, t)
	var full [][]int64
	if w.pre {
		full = winTables(w.wd, w.osh, rowBuf)
	}
	last := t - 1
	dl := w.dims[last]
	for g := int64(0); g < w.groups; g++ {
		acc := out[g*L : (g+1)*L]
		winRows(w.wd, full, opos, rowBuf, tabs)
		tl := tabs[last]
		clear(widx)
		for {
			off, inside := int64(0), true
			for s, k := range widx {
				x := tabs[s][k]
				if x < 0 {
					inside = false
					break
				}
				off += x
			}
			if L == 1 {
				acc[0] = winFoldIdx(c, acc[0], in, off, tl, init, inside)
				if err := r.meter(dl); err != nil {
					return err
				}
			} else {
				for _, x := range tl {
					if inside && x >= 0 {
						winFoldRow(c, acc, in[off+x:off+x+L])
					} else {
						winFoldConst(c, acc, init)
					}
					if err := r.meter(L); err != nil {
						return err
					}
				}
			}
			if !winNext(widx, w.dims[:last]) {
				break
			}
		}
		winNext(opos, w.osh)
	}
	return nil
}

// winMax and winMin are maximum and minimum with the spec's float semantics
// (NaN wins, -0 < +0) — exactly the rules of Go's built-in max and min,
// which compile without branches.
func winMax[T floatT | intT](x, y T) T { return max(x, y) }

func winMin[T floatT | intT](x, y T) T { return min(x, y) }

// winFoldRow folds src into acc elementwise.
func winFoldRow[T floatT | intT](c ewCode, acc, src []T) {
	src = src[:len(acc)]
	if a, ok := any(acc).([]float32); ok && len(a) >= 8 { // vectorized, same results
		s := any(src).([]float32)
		switch c {
		case eAdd:
			vmath.Add(a, a, s)
		case eMul:
			vmath.Mul(a, a, s)
		case eMax:
			vmath.Max(a, a, s)
		case eMin:
			vmath.Min(a, a, s)
		}
		return
	}
	switch c {
	case eAdd:
		for i := range acc {
			acc[i] += src[i]
		}
	case eMul:
		for i := range acc {
			acc[i] *= src[i]
		}
	case eMax:
		for i := range acc {
			acc[i] = winMax(acc[i], src[i])
		}
	case eMin:
		for i := range acc {
			acc[i] = winMin(acc[i], src[i])
		}
	}
}

// winFoldConst folds the constant v into every element of acc.
func winFoldConst[T floatT | intT](c ewCode, acc []T, v T) {
	switch c {
	case eAdd:
		for i := range acc {
			acc[i] += v
		}
	case eMul:
		for i := range acc {
			acc[i] *= v
		}
	case eMax:
		for i := range acc {
			acc[i] = winMax(acc[i], v)
		}
	case eMin:
		for i := range acc {
			acc[i] = winMin(acc[i], v)
		}
	}
}

// winFoldIdx folds in[off + x] for x in tab (init where x < 0, or
// everywhere when !inside) into acc.
func winFoldIdx[T floatT | intT](c ewCode, acc T, in []T, off int64, tab []int64, init T, inside bool) T {
	if !inside {
		for range tab {
			acc = winFold1(c, acc, init)
		}
		return acc
	}
	switch c {
	case eAdd:
		for _, x := range tab {
			v := init
			if x >= 0 {
				v = in[off+x]
			}
			acc += v
		}
	case eMul:
		for _, x := range tab {
			v := init
			if x >= 0 {
				v = in[off+x]
			}
			acc *= v
		}
	case eMax:
		for _, x := range tab {
			v := init
			if x >= 0 {
				v = in[off+x]
			}
			acc = winMax(acc, v)
		}
	case eMin:
		for _, x := range tab {
			v := init
			if x >= 0 {
				v = in[off+x]
			}
			acc = winMin(acc, v)
		}
	}
	return acc
}

func winFold1[T floatT | intT](c ewCode, a, b T) T {
	switch c {
	case eAdd:
		return a + b
	case eMul:
		return a * b
	case eMax:
		return winMax(a, b)
	}
	return winMin(a, b)
}
