package plan

import (
	"math"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/internal/kernels/gemm"
	"github.com/hlogate/hlogate/tensor"
)

// Native convolution (f32, f64; feature_group_count and batch_group_count
// 1; any dimension numbers, strides, padding, dilations and reversal) as
// im2col + GEMM. Rows of the im2col matrix are (batch, output position)
// in row-major order of the output spatial dimensions; columns are
// (kernel position, input feature), kernel positions row-major in spatial
// dimension order. Positions in padding or between lhs-dilated elements
// are zeros, as in the spec's pad-then-dot definition. The kernel, viewed
// as [positions·I, O], is used in place when its layout allows and packed
// into scratch otherwise; the GEMM writes [rows, O] straight into the
// output when the output layout is [b, spatial..., f], else into scratch
// from which it is scattered. Rows go in blocks (see convBlockBytes).

// Row blocks: about convBlockBytes of im2col and result scratch (so that
// a block is still in cache when the GEMM reads it), but at least
// convMinRows rows (the GEMM packs the kernel once per block) unless that
// takes more than convMaxBlockBytes; one row if a row is larger. Variables
// for tests.
var (
	convBlockBytes    int64 = 4 << 20
	convMaxBlockBytes int64 = 32 << 20
	convMinRows       int64 = 256
)

// maxWindowTable bounds the per-dimension position tables of convolution
// and reduce_window, computed into scratch at the start of a run (entries
// over all dimensions); beyond it they are computed for one output index
// at a time. (A variable for tests.)
var maxWindowTable int64 = 1 << 20

// maxWindowRow bounds the window elements of one output index summed over
// the dimensions (the per-output tables); beyond it the fallback runs.
const maxWindowRow = 1 << 24

// kernel layouts
const (
	kerDirect = iota // [spatial..., i, o]: B is [K, O]
	kerTransB        // [o, spatial..., i]: B^T is [O, K]
	kerPack          // anything else: packed into scratch
)

type convPlan struct {
	sp      int
	o       int64   // output features
	c       int64   // input features
	k       int64   // GEMM depth: kernel positions × c
	rows    int64   // batch × output positions
	blk     int64   // rows per block
	ksz     []int64 // kernel size per spatial dim
	osz     []int64 // output size per spatial dim
	opos    int64   // output positions per batch element
	dims    []winDim
	pre     bool    // whole tables (else per-output ones)
	tabOff  int64   // scratch for the window tables
	ibStr   int64   // input batch stride
	ifStr   int64   // input feature stride
	ident   bool    // the input is its own im2col matrix
	perm    *native // transpose the input into scratch as [b, spatial..., f] first
	permOff int64
	ker     int
	kspStr  []int64 // kernel strides of the spatial dims
	kiStr   int64
	koStr   int64
	direct  bool    // output layout [b, spatial..., f]
	obStr   int64   // output batch stride
	ofStr   int64   // output feature stride
	ospStr  []int64 // output strides of the spatial dims
	colOff  int64   // scratch offsets
	tmpOff  int64
	scratch int64
}

func winMul(a, b int64) (int64, bool) {
	if a < 0 || b < 0 {
		return 0, false
	}
	if a != 0 && b > math.MaxInt64/a {
		return 0, false
	}
	return a * b, true
}

func winAdd(a, b int64) (int64, bool) {
	s := a + b
	if (b > 0 && s < a) || (b < 0 && s > a) {
		return 0, false
	}
	return s, true
}

func winAlign64(x int64) (int64, bool) { return winAdd(x, (64-x%64)%64) }

// convPropInts reads an optional integer-list property of length n (def when
// absent), as the reference executor does.
func convPropInts(op *ir.Op, name string, n int, def int64) ([]int64, bool) {
	a := op.Props.Get(name)
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

// convIsPerm reports whether dims lists distinct dimensions of a rank-n shape.
func convIsPerm(n int, dims ...[]int64) bool {
	seen := make([]bool, n)
	cnt := 0
	for _, l := range dims {
		for _, d := range l {
			if d < 0 || d >= int64(n) || seen[d] {
				return false
			}
			seen[d] = true
			cnt++
		}
	}
	return cnt == n
}

// windowOut is the number of windows along one dimension (spec C25 of
// convolution, C15 of reduce_window) with overflow checks: size input
// elements base-dilated by bdil, padded by lo and hi, a window of k
// elements dilated by wdil, stride str. With strictPad, padding that
// removes more than the whole input is an error (convolution's C25).
func windowOut(size, bdil, lo, hi, k, wdil, str int64, strictPad bool) (int64, bool) {
	dilated := int64(0)
	if size > 0 {
		v, ok := winMul(size-1, bdil)
		if ok {
			v, ok = winAdd(v, 1)
		}
		if !ok {
			return 0, false
		}
		dilated = v
	}
	dh, ok := winAdd(dilated, hi)
	if !ok {
		return 0, false
	}
	padded, ok := winAdd(lo, dh)
	if !ok {
		return 0, false
	}
	win := int64(0)
	if k > 0 {
		v, ok := winMul(k-1, wdil)
		if ok {
			v, ok = winAdd(v, 1)
		}
		if !ok {
			return 0, false
		}
		win = v
	}
	if padded < 0 && strictPad {
		return 0, false // convolution: the reference rejects it
	}
	if padded <= 0 || win > padded {
		return 0, true
	}
	return (padded-win)/str + 1, true
}

// winDim is one windowed dimension of a convolution or reduce_window: it
// maps (output index o, window index j) to the input offset idx·stride, or
// -1 for padding and dilation holes: position o·str + w·wdil - lo of the
// base-dilated input, w = j or its reverse.
type winDim struct {
	k, dilated, bdil, lo, wdil, str, stride int64
	rev                                     bool
}

// newWinDim describes one dimension. Its arguments passed windowOut, so
// every position computed lies within int64.
func newWinDim(k, size, bdil, lo, wdil, str, stride int64, rev bool) winDim {
	w := winDim{k: k, bdil: bdil, lo: lo, wdil: wdil, str: str, stride: stride, rev: rev}
	if size > 0 {
		w.dilated = (size-1)*bdil + 1
	}
	return w
}

// fill writes the offsets of output index o's window to dst[:k].
func (w *winDim) fill(o int64, dst []int64) {
	base := o*w.str - w.lo
	for j := range dst[:w.k] {
		x := int64(j)
		if w.rev {
			x = w.k - 1 - x
		}
		q := base + x*w.wdil
		t := int64(-1)
		if q >= 0 && q < w.dilated && q%w.bdil == 0 {
			t = q / w.bdil * w.stride
		}
		dst[j] = t
	}
}

// planWindows sizes the scratch tables of dims (int64 entries): whole
// [osz·k] tables when they are small in total (pre), else one window per
// dimension, recomputed per output index; ok is false when even that is
// too large.
func planWindows(dims []winDim, osz []int64) (entries int64, pre, ok bool) {
	var total, row int64
	pre = true
	for i, d := range dims {
		ts, ok := winMul(osz[i], d.k)
		if !ok || ts > maxWindowTable-total {
			pre = false
		} else {
			total += ts
		}
		if d.k > maxWindowRow-row {
			return 0, false, false
		}
		row += d.k
	}
	if pre {
		return total, true, true
	}
	return row, false, true
}

// winTables computes the whole tables of dims into buf (pre plans).
func winTables(dims []winDim, osz []int64, buf []int64) [][]int64 {
	t := make([][]int64, len(dims))
	for i := range dims {
		d := &dims[i]
		n := osz[i] * d.k
		t[i], buf = buf[:n], buf[n:]
		for o := int64(0); o < osz[i]; o++ {
			d.fill(o, t[i][o*d.k:])
		}
	}
	return t
}

// winRows points tabs[s] at the window offsets of output index pos[s]:
// into the whole tables, or computed into buf.
func winRows(dims []winDim, full [][]int64, pos []int64, buf []int64, tabs [][]int64) {
	for s := range tabs {
		k := dims[s].k
		if full != nil {
			tabs[s] = full[s][pos[s]*k : (pos[s]+1)*k]
			continue
		}
		tabs[s] = buf[:k]
		dims[s].fill(pos[s], buf)
		buf = buf[k:]
	}
}

// convNative plans a convolution, or returns nil for the fallback.
func convNative(n *node) *native {
	if len(n.in) != 2 {
		return nil
	}
	lhs, rhs, out := n.in[0], n.in[1], n.out[0]
	d := out.dt
	if !isFloat(d) || lhs.dt != d || rhs.dt != d {
		return nil
	}
	op := n.op
	s, ok := op.Props.Get("dimension_numbers").(*ir.StructAttr)
	if !ok {
		return nil
	}
	one := func(name string) int64 {
		v, ok := ir.Int(s.Fields.Get(name))
		if !ok {
			return -1
		}
		return v
	}
	list := func(name string) []int64 {
		a := s.Fields.Get(name)
		if a == nil {
			return []int64{}
		}
		v, ok := ir.Ints(a)
		if !ok {
			return nil
		}
		return v
	}
	ib, ifd, kif, kof, ob, ofd := one("input_batch_dimension"), one("input_feature_dimension"),
		one("kernel_input_feature_dimension"), one("kernel_output_feature_dimension"),
		one("output_batch_dimension"), one("output_feature_dimension")
	isp, ksp, osp := list("input_spatial_dimensions"), list("kernel_spatial_dimensions"), list("output_spatial_dimensions")
	rank := len(lhs.shape)
	sp := rank - 2
	if rank < 2 || len(rhs.shape) != rank || len(out.shape) != rank ||
		len(isp) != sp || len(ksp) != sp || len(osp) != sp ||
		!convIsPerm(rank, []int64{ib}, isp, []int64{ifd}) || !convIsPerm(rank, ksp, []int64{kif, kof}) ||
		!convIsPerm(rank, []int64{ob}, osp, []int64{ofd}) {
		return nil
	}
	strides, ok1 := convPropInts(op, "window_strides", sp, 1)
	lhsDil, ok2 := convPropInts(op, "lhs_dilation", sp, 1)
	rhsDil, ok3 := convPropInts(op, "rhs_dilation", sp, 1)
	rev, ok4 := convPropInts(op, "window_reversal", sp, 0)
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return nil
	}
	pad := make([]int64, 2*sp)
	if a := op.Props.Get("padding"); a != nil {
		p, ok := ir.Ints(a)
		if e, isDense := a.(*ir.ElementsAttr); isDense && (len(e.Type.Shape) != 2 || e.Type.Shape[1] != 2) {
			ok = false
		}
		if !ok || len(p) != 2*sp {
			return nil
		}
		pad = p
	}
	for _, name := range []string{"feature_group_count", "batch_group_count"} {
		if a := op.Props.Get(name); a != nil {
			if g, ok := ir.Int(a); !ok || g != 1 {
				return nil
			}
		}
	}
	C, O, N := lhs.shape[ifd], rhs.shape[kof], lhs.shape[ib]
	if rhs.shape[kif] != C || out.shape[ob] != N || out.shape[ofd] != O {
		return nil
	}
	cp := &convPlan{sp: sp, o: O, c: C, opos: 1}
	// From here on out.n > 0, so every product of output dimensions is at
	// most out.n, and every product of kernel dimensions at most rhs.n
	// unless the kernel is empty (then K = 0). An empty result needs
	// nothing but the checks above.
	if out.n == 0 {
		for i := 0; i < sp; i++ {
			if strides[i] <= 0 || lhsDil[i] <= 0 || rhsDil[i] <= 0 {
				return nil
			}
			w, ok := windowOut(lhs.shape[isp[i]], lhsDil[i], pad[2*i], pad[2*i+1], rhs.shape[ksp[i]], rhsDil[i], strides[i], true)
			if !ok || w != out.shape[osp[i]] {
				return nil
			}
		}
		return &native{kind: kConv, dt: d, odt: d, conv: cp}
	}
	lstr, kstr, ostr := rowStrides(lhs.shape), rowStrides(rhs.shape), rowStrides(out.shape)
	if C > 1 && !convInOrder(ib, isp, ifd) {
		// im2col reads each input element once per kernel position: with
		// the features not innermost, transpose the input once instead.
		cp.perm = permNative(lhs, append(append([]int64{ib}, isp...), ifd))
		pstr := rowStrides(cp.perm.shape)
		lstr = make([]int64, rank)
		lstr[ib], lstr[ifd] = pstr[0], 1
		for i, x := range isp {
			lstr[x] = pstr[1+i]
		}
	}
	kpos := int64(1)
	for i := 0; i < sp; i++ {
		if strides[i] <= 0 || lhsDil[i] <= 0 || rhsDil[i] <= 0 {
			return nil
		}
		ksz := rhs.shape[ksp[i]]
		w, ok := windowOut(lhs.shape[isp[i]], lhsDil[i], pad[2*i], pad[2*i+1], ksz, rhsDil[i], strides[i], true)
		if !ok || w != out.shape[osp[i]] {
			return nil
		}
		cp.ksz = append(cp.ksz, ksz)
		cp.osz = append(cp.osz, w)
		cp.opos *= w // ≤ out.n
		kpos *= ksz  // ≤ rhs.n
		cp.kspStr = append(cp.kspStr, kstr[ksp[i]])
		cp.ospStr = append(cp.ospStr, ostr[osp[i]])
	}
	for i := 0; i < sp; i++ {
		cp.dims = append(cp.dims, newWinDim(cp.ksz[i], lhs.shape[isp[i]], lhsDil[i], pad[2*i], rhsDil[i], strides[i], lstr[isp[i]], rev[i] != 0))
	}
	tabEntries, pre, ok := planWindows(cp.dims, cp.osz)
	if !ok {
		return nil
	}
	cp.pre = pre
	cp.k = kpos * C // ≤ rhs.n
	cp.rows = N * cp.opos
	if O > 0 && cp.rows*O != out.n {
		return nil
	}
	cp.ibStr, cp.ifStr = lstr[ib], lstr[ifd]
	cp.kiStr, cp.koStr = kstr[kif], kstr[kof]
	cp.obStr, cp.ofStr = ostr[ob], ostr[ofd]
	cp.direct = convInOrder(ob, osp, ofd)
	switch {
	case convInOrder(-1, ksp, kif, kof):
		cp.ker = kerDirect
	case convInOrder(kof, ksp, kif):
		cp.ker = kerTransB
	default:
		cp.ker = kerPack
	}
	cp.ident = cp.perm != nil || convInOrder(ib, isp, ifd)
	for i := 0; i < sp && cp.ident; i++ {
		cp.ident = cp.ksz[i] == 1 && strides[i] == 1 && lhsDil[i] == 1 && pad[2*i] == 0 && pad[2*i+1] == 0
	}
	// scratch: packed kernel, im2col block, result block
	es := int64(d.Size())
	var perRow int64
	if !cp.ident {
		perRow = cp.k * es // ≤ rhs.bytes
	}
	if !cp.direct {
		perRow += O * es // ≤ out.bytes
	}
	cp.blk = max(cp.rows, 1)
	if perRow > 0 {
		blk := max(convBlockBytes/perRow, min(convMinRows, convMaxBlockBytes/perRow))
		cp.blk = max(1, min(cp.rows, blk))
	}
	var off int64
	if cp.ker == kerPack {
		off = rhs.bytes
	}
	var okA bool
	if cp.perm != nil {
		if cp.permOff, okA = winAlign64(off); !okA {
			return nil
		}
		if off, okA = winAdd(cp.permOff, lhs.bytes); !okA {
			return nil
		}
	}
	if cp.colOff, okA = winAlign64(off); !okA {
		return nil
	}
	if !cp.ident {
		if off, okA = winAdd(cp.colOff, cp.blk*cp.k*es); !okA {
			return nil
		}
	}
	if cp.tmpOff, okA = winAlign64(off); !okA {
		return nil
	}
	off = cp.tmpOff
	if !cp.direct {
		if off, okA = winAdd(off, cp.blk*O*es); !okA {
			return nil
		}
	}
	if cp.tabOff, okA = winAlign64(off); !okA {
		return nil
	}
	if off, okA = winAdd(cp.tabOff, tabEntries*8); !okA { // ≤ 8·max(maxWindowTable, maxWindowRow)
		return nil
	}
	cp.scratch = off
	return &native{kind: kConv, dt: d, odt: d, conv: cp, scratch: off}
}

// conv runs a planned convolution.
func (r *runState) conv(k *native, out, lhs, rhs *tensor.Tensor, scratch []byte) error {
	if cp := k.conv; cp.perm != nil && cp.rows > 0 && cp.o > 0 && cp.k > 0 {
		t := &tensor.Tensor{DType: lhs.DType, Shape: cp.perm.shape, Data: scratch[cp.permOff : cp.permOff+int64(len(lhs.Data))]}
		if err := r.strided(cp.perm, t, lhs); err != nil {
			return err
		}
		lhs = t
	}
	if k.dt == tensor.F32 {
		return convT(r, k.conv, f32s(out.Data), f32s(lhs.Data), f32s(rhs.Data), scratch)
	}
	return convT(r, k.conv, f64s(out.Data), f64s(lhs.Data), f64s(rhs.Data), scratch)
}

// convView is the typed view of scratch bytes.
func convView[T floatT](b []byte) []T {
	var z T
	switch any(z).(type) {
	case float32:
		return any(f32s(b)).([]T)
	case float64:
		return any(f64s(b)).([]T)
	}
	return nil
}

func convGEMM[T floatT](m, n, k int, a []T, lda int, b []T, ldb int, c []T, ldc int, o gemm.Options) error {
	var err error
	switch a := any(a).(type) {
	case []float32:
		err = gemm.SGEMM(m, n, k, a, lda, any(b).([]float32), ldb, any(c).([]float32), ldc, o)
	case []float64:
		err = gemm.DGEMM(m, n, k, a, lda, any(b).([]float64), ldb, any(c).([]float64), ldc, o)
	}
	if err != nil {
		if d := diag.As(err); d.Kind == diag.Limit {
			return d
		}
		return diag.New(diag.Internal, "internal.gemm", diag.Pos{}, "%v", err)
	}
	return nil
}

func convT[T floatT](r *runState, cp *convPlan, out, in, ker []T, scratch []byte) error {
	if cp.rows == 0 || cp.o == 0 {
		return nil
	}
	es := int64(0)
	{
		var z T
		switch any(z).(type) {
		case float32:
			es = 4
		default:
			es = 8
		}
	}
	K, O := cp.k, cp.o
	if K == 0 { // empty windows or no features: sums of nothing
		clear(out)
		return r.meter(int64(len(out)))
	}
	b, ldb, transB := ker, O, false
	switch cp.ker {
	case kerTransB:
		ldb, transB = K, true
	case kerPack:
		b = convView[T](scratch[:K*O*es])
		if err := packKernel(r, cp, b, ker); err != nil {
			return err
		}
	}
	var col, tmp []T
	if !cp.ident {
		col = convView[T](scratch[cp.colOff : cp.colOff+cp.blk*K*es])
	}
	if !cp.direct {
		tmp = convView[T](scratch[cp.tmpOff : cp.tmpOff+cp.blk*O*es])
	}
	opts := gemm.Options{TransB: transB, Threads: r.p.opts.Threads, Check: func() error { return ctxErr(r.ctx) }}
	pos := make([]int64, cp.sp)
	tabBuf := i64s(scratch[cp.tabOff:cp.scratch])
	var full [][]int64
	if cp.pre && !cp.ident {
		full = winTables(cp.dims, cp.osz, tabBuf)
	}
	for r0 := int64(0); r0 < cp.rows; r0 += cp.blk {
		r1 := min(cp.rows, r0+cp.blk)
		m := r1 - r0
		var a []T
		if cp.ident {
			a = in[r0*K : r1*K]
		} else {
			a = col[:m*K]
			if err := im2col(r, cp, a, in, r0, r1, pos, full, tabBuf); err != nil {
				return err
			}
		}
		c := tmp
		if cp.direct {
			c = out[r0*O : r1*O]
		}
		if err := convGEMM(int(m), int(O), int(K), a, int(K), b, int(ldb), c[:m*O], int(O), opts); err != nil {
			return err
		}
		if !cp.direct {
			scatterRows(cp, out, tmp, r0, r1, pos)
		}
		if err := r.meter(m * O); err != nil {
			return err
		}
	}
	return nil
}

// setPos sets pos to the output position of row r and returns its batch
// index.
func (cp *convPlan) setPos(row int64, pos []int64) int64 {
	b, p := row/max(cp.opos, 1), row%max(cp.opos, 1)
	for s := cp.sp - 1; s >= 0; s-- {
		pos[s] = p % cp.osz[s]
		p /= cp.osz[s]
	}
	return b
}

// nextPos advances pos to the next row's output position and returns the
// (possibly advanced) batch index.
func (cp *convPlan) nextPos(b int64, pos []int64) int64 {
	for s := cp.sp - 1; s >= 0; s-- {
		pos[s]++
		if pos[s] < cp.osz[s] {
			return b
		}
		pos[s] = 0
	}
	return b + 1
}

// packKernel copies the kernel into dst as [positions·I, O].
func packKernel[T floatT](r *runState, cp *convPlan, dst, ker []T) error {
	kidx := make([]int64, cp.sp)
	var p int64
	for {
		koff := int64(0)
		for s, k := range kidx {
			koff += k * cp.kspStr[s]
		}
		for c := int64(0); c < cp.c; c++ {
			row := dst[p : p+cp.o]
			src := koff + c*cp.kiStr
			if cp.koStr == 1 {
				copy(row, ker[src:src+cp.o])
			} else {
				for o := range row {
					row[o] = ker[src+int64(o)*cp.koStr]
				}
			}
			p += cp.o
		}
		if err := r.meter(cp.c * cp.o); err != nil {
			return err
		}
		if !winNext(kidx, cp.ksz) {
			return nil
		}
	}
}

// winNext advances idx row-major within shape; false when it wraps.
func winNext(idx, shape []int64) bool {
	for d := len(idx) - 1; d >= 0; d-- {
		idx[d]++
		if idx[d] < shape[d] {
			return true
		}
		idx[d] = 0
	}
	return false
}

// im2col writes rows [r0, r1) of the im2col matrix into col.
func im2col[T floatT](r *runState, cp *convPlan, col, in []T, r0, r1 int64, pos []int64, full [][]int64, rowBuf []int64) error {
	K, C, sp := cp.k, cp.c, cp.sp
	var tabArr [8][]int64
	var tabs [][]int64
	if sp <= len(tabArr) {
		tabs = tabArr[:sp]
	} else {
		tabs = make([][]int64, sp)
	}
	var kidx [8]int64
	kouter := kidx[:0]
	if sp > 1 {
		if sp-1 <= len(kidx) {
			kouter = kidx[:sp-1]
		} else {
			kouter = make([]int64, sp-1)
		}
	}
	b := cp.setPos(r0, pos)
	for row := r0; row < r1; row++ {
		dst := col[(row-r0)*K : (row-r0+1)*K]
		base := b * cp.ibStr
		if sp == 0 {
			convGather(dst, in, base, cp.ifStr)
		} else {
			last := sp - 1
			kl := cp.ksz[last]
			winRows(cp.dims, full, pos, rowBuf, tabs)
			tl := tabs[last]
			clear(kouter)
			p := int64(0)
			for {
				off, inside := base, true
				for s, k := range kouter {
					t := tabs[s][k]
					if t < 0 {
						inside = false
						break
					}
					off += t
				}
				if C == 1 { // one element per kernel position
					seg := dst[p : p+kl]
					for j, t := range tl {
						var v T
						if inside && t >= 0 {
							v = in[off+t]
						}
						seg[j] = v
					}
					p += kl
				} else {
					p = im2colRun(dst, in, tl, p, off, C, cp.ifStr, inside)
				}
				if !winNext(kouter, cp.ksz[:last]) {
					break
				}
			}
		}
		if err := r.meter(K); err != nil {
			return err
		}
		b = cp.nextPos(b, pos)
	}
	return nil
}

// im2colRun writes the C features of each kernel position of tl (zeros
// in padding) at dst[p:] and returns the new p.
func im2colRun[T floatT](dst, in []T, tl []int64, p, off, C, fstr int64, inside bool) int64 {
	for _, t := range tl {
		seg := dst[p : p+C]
		if inside && t >= 0 {
			convGather(seg, in, off+t, fstr)
		} else {
			clear(seg)
		}
		p += C
	}
	return p
}

// convGather copies len(dst) elements in[off + i·str].
func convGather[T floatT](dst, in []T, off, str int64) {
	if str == 1 {
		copy(dst, in[off:off+int64(len(dst))])
		return
	}
	for i := range dst {
		dst[i] = in[off+int64(i)*str]
	}
}

// scatterRows writes result rows [r0, r1) (tmp, [rows, O]) into the
// output in its layout.
func scatterRows[T floatT](cp *convPlan, out, tmp []T, r0, r1 int64, pos []int64) {
	O := cp.o
	b := cp.setPos(r0, pos)
	for row := r0; row < r1; row++ {
		off := b * cp.obStr
		for s, x := range pos {
			off += x * cp.ospStr[s]
		}
		src := tmp[(row-r0)*O : (row-r0+1)*O]
		if cp.ofStr == 1 {
			copy(out[off:off+O], src)
		} else {
			for o, x := range src {
				out[off+int64(o)*cp.ofStr] = x
			}
		}
		b = cp.nextPos(b, pos)
	}
}

// convInOrder reports whether a layout lists first (if ≥ 0), then mid, then
// last as dimensions 0, 1, 2, ... in that order.
func convInOrder(first int64, mid []int64, last ...int64) bool {
	i := int64(0)
	if first >= 0 {
		if first != 0 {
			return false
		}
		i = 1
	}
	for _, l := range [][]int64{mid, last} {
		for _, x := range l {
			if x != i {
				return false
			}
			i++
		}
	}
	return true
}
