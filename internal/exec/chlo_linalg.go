package exec

import (
	"sort"

	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// CHLO ops that have no single StableHLO counterpart: top_k, ragged_dot and
// scan. Their semantics are those of the CHLO dialect (ChloOps.td) and of
// upstream's chlo-legalize-to-stablehlo decompositions.

func init() {
	register("chlo.top_k", topKKernel)
	register("chlo.ragged_dot", raggedDotKernel)
	register("chlo.scan", scanKernel)
}

// topKKernel finds the k largest elements of each row (last dimension) in
// descending order, the lower index first among equals. Floats are ordered
// by IEEE totalOrder (as the decomposition's sort with a TOTALORDER
// comparison does): NaN sorts above +inf, +0 above -0.
func topKKernel(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	ts, err := linTensors(op, in, 1)
	if err != nil {
		return nil, err
	}
	x := ts[0]
	k, ok := ir.Int(op.Props.Get("k"))
	if !ok {
		return nil, linReject(op, "top_k needs an integer k")
	}
	r := len(x.Shape)
	if r < 1 {
		return nil, linReject(op, "top_k takes an operand of rank 1 or more")
	}
	n := x.Shape[r-1]
	if k < 0 || k > n {
		return nil, linReject(op, "k = %d must be between 0 and the last dimension's size %d", k, n)
	}
	if x.DType.IsComplex() || !x.DType.Valid() {
		return nil, linReject(op, "top_k cannot order %s elements", x.DType)
	}
	if len(op.Results) != 2 {
		return nil, linReject(op, "top_k has 2 results")
	}
	shape := append(append([]int64(nil), x.Shape[:r-1]...), k)
	vd, err := linCheckShape(op, 0, shape)
	if err != nil {
		return nil, err
	}
	id, err := linCheckShape(op, 1, shape)
	if err != nil {
		return nil, err
	}
	if vd != x.DType || !id.IsInteger() {
		return nil, linReject(op, "top_k returns values of the operand's type %s and integer indices, not %s and %s", x.DType, vd, id)
	}
	vals, err := c.NewTensor(vd, shape)
	if err != nil {
		return nil, err
	}
	idxs, err := c.NewTensor(id, shape)
	if err != nil {
		return nil, err
	}
	rows := linNumel(x.Shape[:r-1])
	key := linOrderKey(x)
	sz := int64(x.DType.Size())
	done, err := linScratch(c, 16*n)
	if err != nil {
		return nil, err
	}
	defer done()
	order, tmp := make([]int64, n), make([]int64, n)
	for row := int64(0); row < rows; row++ {
		base := row * n
		for i := range order {
			order[i] = int64(i)
		}
		if err := linStableSort(c, order, tmp, func(a, b int64) bool { return key(base+a) > key(base+b) }); err != nil {
			return nil, err
		}
		for j := int64(0); j < k; j++ {
			src := (base + order[j]) * sz
			copy(vals.Data[(row*k+j)*sz:(row*k+j+1)*sz], x.Data[src:src+sz])
			idxs.SetInt64(row*k+j, order[j])
		}
		if err := c.Work(k + 1); err != nil {
			return nil, err
		}
	}
	return []Val{{T: vals}, {T: idxs}}, nil
}

// linStableSort sorts xs by less, keeping equal elements in order: a
// bottom-up merge sort through tmp (same length), metered per merge pass.
func linStableSort(c *Ctx, xs, tmp []int64, less func(a, b int64) bool) error {
	n := len(xs)
	if n < 2 {
		return nil
	}
	src, dst := xs, tmp
	for width := 1; width < n; width *= 2 {
		for lo := 0; lo < n; lo += 2 * width {
			mid, hi := min(lo+width, n), min(lo+2*width, n)
			i, j, o := lo, mid, lo
			for i < mid && j < hi {
				if less(src[j], src[i]) { // take from the right only when strictly before
					dst[o], j = src[j], j+1
				} else {
					dst[o], i = src[i], i+1
				}
				o++
			}
			o += copy(dst[o:], src[i:mid])
			copy(dst[o:], src[j:hi])
		}
		src, dst = dst, src
		if err := c.Work(int64(n)); err != nil {
			return err
		}
	}
	if &src[0] != &xs[0] {
		copy(xs, src)
	}
	return nil
}

// linOrderKey maps each element of t to an unsigned key with the order of
// the values: signed integers, unsigned integers, i1, and floats in IEEE
// totalOrder (computed on the stored bits).
func linOrderKey(t *tensor.Tensor) func(i int64) uint64 {
	d := t.DType
	switch {
	case d.IsSigned():
		return func(i int64) uint64 { return uint64(t.Int64(i)) ^ 1<<63 }
	case d.IsFloat():
		w := uint(d.Bits())
		sz := int64(d.Size())
		mask := uint64(1)<<w - 1
		if w == 64 {
			mask = ^uint64(0)
		}
		return func(i int64) uint64 {
			var b uint64
			for k := sz - 1; k >= 0; k-- {
				b = b<<8 | uint64(t.Data[i*sz+k])
			}
			b &= mask
			if d == tensor.F8E8M0FNU { // unsigned exponent-only format
				return b
			}
			if b>>(w-1)&1 == 1 {
				return ^b & mask
			}
			return b | 1<<(w-1)
		}
	}
	return func(i int64) uint64 { return t.Uint64(i) }
}

// raggedDotKernel is chlo.ragged_dot (jax.lax.ragged_dot_general). The lhs
// has one ragged dimension whose extent is cut into consecutive groups by
// group_sizes (negative sizes count as 0; groups are clipped to the
// extent). Three modes, by the kind of the ragged dimension:
//
//  1. non-contracting: lhs [b,m,k], rhs [g,b,k,n] -> [b,m,n]; the rows of
//     group j use rhs slice j along the group dimension; rows past the last
//     group are zero.
//  2. contracting: lhs [b,m,k], rhs [b,k,n] -> [g,b,m,n]; slice j of the
//     result contracts only over group j's part of k.
//  3. batch: an ordinary dot_general; group_sizes does not matter.
//
// group_sizes has shape [g] or [prefix..., g], where the prefix is the lhs
// batching dimensions followed by the lhs non-contracting (mode 1) or
// contracting (mode 2) dimensions listed before the ragged one.
func raggedDotKernel(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	ts, err := linTensors(op, in, 3)
	if err != nil {
		return nil, err
	}
	lhs, rhs, gs := ts[0], ts[1], ts[2]
	s, _ := op.Props.Get("ragged_dot_dimension_numbers").(*ir.StructAttr)
	if s == nil {
		return nil, linReject(op, "ragged_dot needs ragged_dot_dimension_numbers")
	}
	// Some producers nest the dot dimension numbers.
	dnAttr := s
	if inner, ok := s.Fields.Get("dot_dimension_numbers").(*ir.StructAttr); ok {
		dnAttr = inner
	}
	dn, err := linDotDimsOf(op, dnAttr)
	if err != nil {
		return nil, err
	}
	ragged, _ := ir.Ints(s.Fields.Get("lhs_ragged_dimensions"))
	groupDims, _ := ir.Ints(s.Fields.Get("rhs_group_dimensions"))
	if len(ragged) != 1 {
		return nil, linReject(op, "ragged_dot needs exactly one lhs ragged dimension, got %v", ragged)
	}
	lr := ragged[0]
	if lr < 0 || lr >= int64(len(lhs.Shape)) {
		return nil, linReject(op, "lhs ragged dimension %d is out of range", lr)
	}
	if !gs.DType.IsInteger() || len(gs.Shape) < 1 {
		return nil, linReject(op, "group_sizes must be an integer tensor of rank 1 or more")
	}
	g := gs.Shape[len(gs.Shape)-1]
	mode := 1
	pos := -1
	for i, d := range dn.lb {
		if d == lr {
			mode, pos = 3, i
		}
	}
	for i, d := range dn.lc {
		if d == lr {
			mode, pos = 2, i
		}
	}
	if mode == 1 && len(groupDims) != 1 || mode != 1 && len(groupDims) != 0 {
		return nil, linReject(op, "rhs_group_dimensions must name one dimension when the ragged dimension is a non-contracting one, and none otherwise")
	}
	if mode == 3 {
		return linDotOp(c, op, lhs, rhs, dn)
	}
	rd := &linRagged{mode: mode, g: g, lr: lr}
	// The rhs seen by the dot: rhs without its group dimension (mode 1).
	rshape := rhs.Shape
	rdn := dn
	rg := int64(-1)
	if mode == 1 {
		rg = groupDims[0]
		if rg < 0 || rg >= int64(len(rhs.Shape)) {
			return nil, linReject(op, "rhs group dimension %d is out of range", rg)
		}
		if rhs.Shape[rg] != g {
			return nil, linReject(op, "the rhs group dimension has size %d but group_sizes lists %d groups", rhs.Shape[rg], g)
		}
		rshape = append(append([]int64(nil), rhs.Shape[:rg]...), rhs.Shape[rg+1:]...)
		drop := func(l []int64) ([]int64, error) {
			out := make([]int64, len(l))
			for i, d := range l {
				switch {
				case d == rg:
					return nil, linReject(op, "the rhs group dimension %d cannot also be a batching or contracting dimension", rg)
				case d > rg:
					d--
				}
				out[i] = d
			}
			return out, nil
		}
		if rdn.rb, err = drop(dn.rb); err != nil {
			return nil, err
		}
		if rdn.rc, err = drop(dn.rc); err != nil {
			return nil, err
		}
	}
	p, err := linPlanDot(op, lhs.Shape, rshape, rdn)
	if err != nil {
		return nil, err
	}
	if mode == 1 {
		// Strides of the virtual rhs are those of the real rhs, skipping
		// the group dimension.
		full := linStrides(rhs.Shape)
		p.rStr = append(append([]int64(nil), full[:rg]...), full[rg+1:]...)
		for i, d := range rdn.rc {
			p.rcStr[i] = p.rStr[d]
		}
		rd.groupStride = full[rg]
	}
	// The prefix dimensions of group_sizes, as lhs dimensions.
	prefix := append([]int64(nil), dn.lb...)
	if mode == 1 {
		for _, d := range p.lFree {
			if d < lr {
				prefix = append(prefix, d)
			}
		}
		for i, d := range p.lFree {
			if d == lr {
				rd.rpos = len(dn.lb) + i
			}
		}
	} else {
		prefix = append(prefix, dn.lc[:pos]...)
		rd.cpos = pos
	}
	if len(gs.Shape) > 1 {
		if len(gs.Shape)-1 != len(prefix) {
			return nil, linReject(op, "group_sizes has shape %v; it must be [%d] or list the %d prefix dimensions before the group count", gs.Shape, g, len(prefix))
		}
		for i, d := range prefix {
			if gs.Shape[i] != lhs.Shape[d] {
				return nil, linReject(op, "group_sizes has shape %v, which does not match the lhs shape %v", gs.Shape, lhs.Shape)
			}
		}
		rd.prefixShape = gs.Shape[:len(gs.Shape)-1]
	}
	rd.nb = len(dn.lb)
	rd.prefixC = len(prefix) - len(dn.lb) // prefix dims beyond the batch ones
	// Group bounds, clipped to the ragged extent.
	extent := lhs.Shape[lr]
	done, err := linScratch(c, 16*gs.NumElements())
	if err != nil {
		return nil, err
	}
	defer done()
	rd.start = make([]int64, gs.NumElements())
	rd.end = make([]int64, gs.NumElements())
	for b := int64(0); b*g < gs.NumElements(); b++ {
		at := int64(0)
		for j := int64(0); j < g; j++ {
			sz := gs.Int64(b*g + j)
			if gs.DType.IsUnsigned() && gs.Uint64(b*g+j) > 1<<62 {
				sz = 1 << 62
			}
			sz = max(sz, 0)
			rd.start[b*g+j] = min(at, extent)
			at = min(at+sz, extent) // sizes past the extent are clipped
			rd.end[b*g+j] = at
		}
		if err := c.Work(g + 1); err != nil {
			return nil, err
		}
	}
	shape := p.shape
	if mode == 2 {
		shape = append([]int64{g}, p.shape...)
	}
	d, err := linCheckShape(op, 0, shape)
	if err != nil {
		return nil, err
	}
	a, ok := newLinArith(d)
	if !ok {
		return nil, linReject(op, "ragged_dot cannot produce elements of type %s", d)
	}
	out, err := c.NewTensor(d, shape)
	if err != nil {
		return nil, err
	}
	if err := rd.run(c, a, out, lhs, rhs, p); err != nil {
		return nil, err
	}
	return []Val{{T: out}}, nil
}

type linRagged struct {
	mode        int
	g, lr       int64
	groupStride int64   // mode 1: rhs stride of the group dimension
	rpos        int     // mode 1: result position of the ragged dimension
	cpos        int     // mode 2: position of the ragged dimension among the contracting ones
	nb          int     // number of batching dimensions
	prefixC     int     // prefix dimensions after the batching ones
	prefixShape []int64 // nil when group_sizes is [g]
	start, end  []int64 // group bounds per (prefix, group)
}

// prefixIndex flattens prefix coordinates into group_sizes' prefix.
func (rd *linRagged) prefixIndex(coords []int64) int64 {
	if rd.prefixShape == nil {
		return 0
	}
	var p int64
	for i, v := range coords {
		p = p*rd.prefixShape[i] + v
	}
	return p
}

func (rd *linRagged) run(c *Ctx, a *linArith, out, lhs, rhs *tensor.Tensor, p *linDotPlan) error {
	m := &linMeter{c: c}
	nc := len(p.csize)
	lo, hi, k := make([]int64, nc), make([]int64, nc), make([]int64, nc)
	coords := make([]int64, rd.nb+rd.prefixC)
	idx := make([]int64, len(p.shape))
	n := linNumel(p.shape)
	groups := int64(1)
	if rd.mode == 2 {
		groups = rd.g
	}
	for j := int64(0); j < groups; j++ {
		for i := range idx {
			idx[i] = 0
		}
		for o := int64(0); o < n; o++ {
			lb, rb := p.base(idx)
			acc := a.zero()
			var err error
			if rd.mode == 1 {
				copy(coords, idx[:rd.nb+rd.prefixC])
				pb := rd.prefixIndex(coords) * rd.g
				r := idx[rd.rpos]
				// The group whose interval holds row r (intervals are
				// consecutive and non-decreasing).
				grp := sort.Search(int(rd.g), func(q int) bool { return rd.end[pb+int64(q)] > r })
				if int64(grp) < rd.g && rd.start[pb+int64(grp)] <= r {
					copy(hi, p.csize)
					acc, err = linSum(a, m, acc, lhs, rhs, lb, rb+int64(grp)*rd.groupStride, lo, hi, p.lcStr, p.rcStr, k)
				}
			} else {
				acc, err = rd.contract(a, m, lhs, rhs, lb, rb, j, idx, p, lo, hi, k, coords)
			}
			if err != nil {
				return err
			}
			a.store(out, j*n+o, acc)
			linNext(idx, p.shape)
			if err := m.add(1); err != nil {
				return err
			}
		}
	}
	return m.flush()
}

// contract sums group j's share of the contraction (mode 2). The leading
// contracting dimensions that index group_sizes are walked one coordinate
// at a time, each with the bounds of its own group sizes.
func (rd *linRagged) contract(a *linArith, m *linMeter, lhs, rhs *tensor.Tensor, lb, rb, j int64, idx []int64, p *linDotPlan, lo, hi, k, coords []int64) (linVal, error) {
	acc := a.zero()
	copy(coords, idx[:rd.nb])
	outer := p.csize[:rd.prefixC]
	oc := coords[rd.nb:]
	for i := range oc {
		oc[i] = 0
		if outer[i] == 0 {
			return acc, nil
		}
	}
	for {
		pb := rd.prefixIndex(coords) * rd.g
		clear(lo)
		copy(hi, p.csize)
		for i, v := range oc {
			lo[i], hi[i] = v, v+1
		}
		lo[rd.cpos], hi[rd.cpos] = rd.start[pb+j], rd.end[pb+j]
		var err error
		acc, err = linSum(a, m, acc, lhs, rhs, lb, rb, lo, hi, p.lcStr, p.rcStr, k)
		if err != nil {
			return acc, err
		}
		if !linNext(oc, outer) {
			return acc, nil
		}
	}
}

// scanKernel is chlo.scan: a loop over `dimension` of the inputs (from the
// end when is_reverse), calling the body with one slice of each input (the
// dimension removed) and the carries; the body returns the output slices
// followed by the new carries. The results are the outputs stacked along
// `dimension`, then the final carries.
func scanKernel(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	seg, ok := op.Props.Get("operandSegmentSizes").(*ir.DenseArrayAttr)
	if !ok || len(seg.Ints) != 2 || seg.Ints[0] < 0 || seg.Ints[1] < 0 || seg.Ints[0]+seg.Ints[1] != int64(len(in)) {
		return nil, linReject(op, "scan needs operandSegmentSizes = [inputs, inits] matching its %d operands", len(in))
	}
	if len(op.Regions) != 1 || len(op.Regions[0].Blocks) != 1 {
		return nil, linReject(op, "scan needs one body region")
	}
	nIn, nInit := int(seg.Ints[0]), int(seg.Ints[1])
	nOut := len(op.Results) - nInit
	if nOut < 0 {
		return nil, linReject(op, "scan has %d results, fewer than its %d carries", len(op.Results), nInit)
	}
	dim, _ := ir.Int(op.Props.Get("dimension"))
	reverse, _ := ir.Bool(op.Props.Get("is_reverse"))
	for i, v := range in {
		if v.T == nil {
			return nil, linReject(op, "operand %d of scan is not a tensor", i)
		}
	}
	// The scan length comes from the inputs, else from the result types.
	length := int64(-1)
	for _, v := range in[:nIn] {
		if dim < 0 || dim >= int64(len(v.T.Shape)) {
			return nil, linReject(op, "scan dimension %d is out of range for input shape %v", dim, v.T.Shape)
		}
		if length >= 0 && v.T.Shape[dim] != length {
			return nil, linReject(op, "the scan inputs differ in size along dimension %d", dim)
		}
		length = v.T.Shape[dim]
	}
	for i := 0; i < nOut && length < 0; i++ {
		rt, err := linResult(op, i)
		if err != nil {
			return nil, err
		}
		if dim >= 0 && dim < int64(len(rt.Shape)) && rt.Shape[dim] >= 0 {
			length = rt.Shape[dim]
		}
	}
	if length < 0 {
		if nOut > 0 {
			return nil, linReject(op, "cannot tell the scan length")
		}
		length = 0
	}
	carry := make([]Val, nInit)
	for i, v := range in[nIn:] {
		c.Retain(v)
		carry[i] = v
	}
	outs := make([]*tensor.Tensor, nOut)
	fail := func(err error) ([]Val, error) {
		c.releaseAll(carry)
		return nil, err
	}
	for step := int64(0); step < length; step++ {
		pos := step
		if reverse {
			pos = length - 1 - step
		}
		args := make([]Val, 0, nIn+nInit)
		for _, v := range in[:nIn] {
			sl, err := linSlice(c, v.T, int(dim), pos)
			if err != nil {
				c.releaseAll(args)
				return fail(err)
			}
			sv := Val{T: sl}
			c.adopt(sv) // owned with one reference, so the body can take its own
			args = append(args, sv)
		}
		args = append(args, carry...)
		res, err := c.RunRegion(op.Regions[0], args)
		c.releaseAll(args[:nIn])
		if err != nil {
			return fail(err)
		}
		if len(res) != nOut+nInit {
			c.releaseAll(res)
			return fail(linReject(op, "the scan body returns %d values; it must return %d outputs and %d carries", len(res), nOut, nInit))
		}
		for o := 0; o < nOut; o++ {
			if err := linStack(c, op, &outs[o], res[o], int(dim), pos, length); err != nil {
				c.releaseAll(res)
				return fail(err)
			}
		}
		c.releaseAll(res[:nOut])
		c.releaseAll(carry)
		carry = res[nOut:]
	}
	results := make([]Val, 0, len(op.Results))
	for o := 0; o < nOut; o++ {
		if outs[o] == nil { // an empty scan: shape from the result type
			rt, err := linResult(op, o)
			if err != nil || !rt.IsStatic() {
				return fail(linReject(op, "an empty scan needs a static type for result %d", o))
			}
			t, err := c.NewTensor(rt.Elem.DType, rt.Shape)
			if err != nil {
				return fail(err)
			}
			outs[o] = t
		}
		results = append(results, Val{T: outs[o]})
	}
	return append(results, carry...), nil
}

// linSlice copies x[..., pos, ...] (dimension dim removed) into a new tensor.
func linSlice(c *Ctx, x *tensor.Tensor, dim int, pos int64) (*tensor.Tensor, error) {
	shape := append(append([]int64(nil), x.Shape[:dim]...), x.Shape[dim+1:]...)
	t, err := c.NewTensor(x.DType, shape)
	if err != nil {
		return nil, err
	}
	outer := linNumel(x.Shape[:dim])
	inner := linNumel(x.Shape[dim+1:]) * int64(x.DType.Size())
	n := x.Shape[dim]
	for o := int64(0); o < outer; o++ {
		src := (o*n + pos) * inner
		copy(t.Data[o*inner:(o+1)*inner], x.Data[src:src+inner])
	}
	return t, c.Work(outer*inner/8 + 1)
}

// linStack copies one body output into position pos of the stacked output,
// allocating it on first use.
func linStack(c *Ctx, op *ir.Op, dst **tensor.Tensor, v Val, dim int, pos, length int64) error {
	if v.T == nil {
		return linReject(op, "scan outputs must be tensors")
	}
	x := v.T
	if dim > len(x.Shape) {
		return linReject(op, "scan dimension %d is out of range for output slice shape %v", dim, x.Shape)
	}
	shape := append(append(append([]int64(nil), x.Shape[:dim]...), length), x.Shape[dim:]...)
	if *dst == nil {
		t, err := c.NewTensor(x.DType, shape)
		if err != nil {
			return err
		}
		*dst = t
	}
	t := *dst
	if t.DType != x.DType || len(t.Shape) != len(shape) {
		return linReject(op, "scan output slices change type between steps")
	}
	for i := range shape {
		if t.Shape[i] != shape[i] {
			return linReject(op, "scan output slices change shape between steps")
		}
	}
	outer := linNumel(x.Shape[:dim])
	inner := linNumel(x.Shape[dim:]) * int64(x.DType.Size())
	for o := int64(0); o < outer; o++ {
		d := (o*length + pos) * inner
		copy(t.Data[d:d+inner], x.Data[o*inner:(o+1)*inner])
	}
	return c.Work(outer*inner/8 + 1)
}
