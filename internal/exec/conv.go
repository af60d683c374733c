package exec

import (
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// convolution and dynamic_conv, following the spec's definition directly:
// each result element is the dot product of one (padded, dilated, possibly
// reversed) window of lhs with the matching slice of rhs, summed in the
// order of the spec's dot_general (spatial dimensions in order, the feature
// dimension innermost) with linArith's arithmetic in the result type.
// Padding and lhs-dilation holes are zeros that take part in the products
// (so 0 * inf gives NaN exactly as the spec's pad-then-dot does).

func init() {
	register("stablehlo.convolution", convolutionKernel)
	register("stablehlo.dynamic_conv", dynamicConvKernel)
}

// linConv is a checked convolution configuration.
type linConv struct {
	ib, ifd int64 // input batch and feature dimensions
	isp     []int64
	kif     int64 // kernel input and output feature dimensions
	kof     int64
	ksp     []int64
	ob, ofd int64 // output batch and feature dimensions
	osp     []int64

	strides, lhsDil, rhsDil []int64
	padLo, padHi            []int64
	rev                     []bool
	groups, batchGroups     int64 // feature_group_count, batch_group_count

	// derived
	dilated []int64 // per spatial dim: dilated lhs size
	window  []int64 // per spatial dim: number of kernel positions
	shape   []int64 // result shape
}

func convolutionKernel(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	ts, err := linTensors(op, in, 2)
	if err != nil {
		return nil, err
	}
	var pad []int64
	if a := op.Props.Get("padding"); a != nil {
		p, ok := ir.Ints(a)
		if e, isDense := a.(*ir.ElementsAttr); isDense && (len(e.Type.Shape) != 2 || e.Type.Shape[1] != 2) {
			ok = false
		}
		if !ok {
			return nil, linReject(op, "padding must be an integer tensor of shape [N-2, 2]")
		}
		pad = p
	}
	return linConvOp(c, op, ts[0], ts[1], pad)
}

func dynamicConvKernel(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	ts, err := linTensors(op, in, 3)
	if err != nil {
		return nil, err
	}
	p := ts[2]
	if !p.DType.IsInteger() || len(p.Shape) != 2 || p.Shape[1] != 2 {
		return nil, linReject(op, "padding must be an integer tensor of shape [N-2, 2], got %s%v", p.DType, p.Shape)
	}
	pad := make([]int64, p.NumElements())
	for i := range pad {
		if p.DType.IsUnsigned() && p.Uint64(int64(i)) > 1<<62 {
			return nil, linReject(op, "padding value %d is too large", p.Uint64(int64(i)))
		}
		pad[i] = p.Int64(int64(i))
	}
	return linConvOp(c, op, ts[0], ts[1], pad)
}

func linConvOp(c *Ctx, op *ir.Op, lhs, rhs *tensor.Tensor, pad []int64) ([]Val, error) {
	cv, err := linPlanConv(op, lhs.Shape, rhs.Shape, pad)
	if err != nil {
		return nil, err
	}
	d, err := linCheckShape(op, 0, cv.shape)
	if err != nil {
		return nil, err
	}
	a, ok := newLinArith(d)
	if !ok {
		return nil, linReject(op, "%s cannot produce elements of type %s", op.Name, d)
	}
	out, err := c.NewTensor(d, cv.shape)
	if err != nil {
		return nil, err
	}
	if err := cv.run(c, a, out, lhs, rhs); err != nil {
		return nil, err
	}
	return []Val{{T: out}}, nil
}

// linConvInt reads one integer field of the conv dimension numbers.
func linConvInt(op *ir.Op, s *ir.StructAttr, name string) (int64, error) {
	v, ok := ir.Int(s.Fields.Get(name))
	if !ok {
		return 0, linReject(op, "dimension_numbers lacks %s", name)
	}
	return v, nil
}

func linConvInts(op *ir.Op, s *ir.StructAttr, name string) ([]int64, error) {
	a := s.Fields.Get(name)
	if a == nil {
		return []int64{}, nil
	}
	v, ok := ir.Ints(a)
	if !ok {
		return nil, linReject(op, "dimension_numbers field %s must be a list of integers", name)
	}
	return v, nil
}

// linAttrInts reads an optional integer-list attribute of length n, filling
// def when it is absent.
func linAttrInts(op *ir.Op, name string, n int, def int64) ([]int64, error) {
	a := op.Props.Get(name)
	if a == nil {
		v := make([]int64, n)
		for i := range v {
			v[i] = def
		}
		return v, nil
	}
	v, ok := ir.Ints(a)
	if !ok || len(v) != n {
		return nil, linReject(op, "%s must list %d integers", name, n)
	}
	return v, nil
}

func linPlanConv(op *ir.Op, ls, rs []int64, pad []int64) (*linConv, error) {
	s, ok := op.Props.Get("dimension_numbers").(*ir.StructAttr)
	if !ok {
		return nil, linReject(op, "%s needs dimension_numbers", op.Name)
	}
	cv := &linConv{}
	var err error
	for _, f := range []struct {
		name string
		dst  *int64
	}{
		{"input_batch_dimension", &cv.ib}, {"input_feature_dimension", &cv.ifd},
		{"kernel_input_feature_dimension", &cv.kif}, {"kernel_output_feature_dimension", &cv.kof},
		{"output_batch_dimension", &cv.ob}, {"output_feature_dimension", &cv.ofd},
	} {
		if *f.dst, err = linConvInt(op, s, f.name); err != nil {
			return nil, err
		}
	}
	for _, f := range []struct {
		name string
		dst  *[]int64
	}{
		{"input_spatial_dimensions", &cv.isp}, {"kernel_spatial_dimensions", &cv.ksp}, {"output_spatial_dimensions", &cv.osp},
	} {
		if *f.dst, err = linConvInts(op, s, f.name); err != nil {
			return nil, err
		}
	}
	n := len(ls)
	if len(rs) != n || n < 2 {
		return nil, linReject(op, "lhs and rhs must have the same rank of at least 2, got %d and %d", n, len(rs))
	}
	sp := n - 2
	if len(cv.isp) != sp || len(cv.ksp) != sp || len(cv.osp) != sp {
		return nil, linReject(op, "dimension_numbers must list %d spatial dimensions for lhs, rhs and result", sp)
	}
	if _, err := linDimSet(op, "input", n, []int64{cv.ib}, cv.isp, []int64{cv.ifd}); err != nil {
		return nil, err
	}
	if _, err := linDimSet(op, "kernel", n, cv.ksp, []int64{cv.kif, cv.kof}); err != nil {
		return nil, err
	}
	if _, err := linDimSet(op, "output", n, []int64{cv.ob}, cv.osp, []int64{cv.ofd}); err != nil {
		return nil, err
	}
	if cv.strides, err = linAttrInts(op, "window_strides", sp, 1); err != nil {
		return nil, err
	}
	if cv.lhsDil, err = linAttrInts(op, "lhs_dilation", sp, 1); err != nil {
		return nil, err
	}
	if cv.rhsDil, err = linAttrInts(op, "rhs_dilation", sp, 1); err != nil {
		return nil, err
	}
	rev, err := linAttrInts(op, "window_reversal", sp, 0)
	if err != nil {
		return nil, err
	}
	for i := 0; i < sp; i++ {
		if cv.strides[i] <= 0 || cv.lhsDil[i] <= 0 || cv.rhsDil[i] <= 0 {
			return nil, linReject(op, "window strides and dilations must be positive")
		}
		cv.rev = append(cv.rev, rev[i] != 0)
	}
	if pad == nil {
		pad = make([]int64, 2*sp)
	}
	if len(pad) != 2*sp {
		return nil, linReject(op, "padding must have shape [%d, 2]", sp)
	}
	for i := 0; i < sp; i++ {
		cv.padLo = append(cv.padLo, pad[2*i])
		cv.padHi = append(cv.padHi, pad[2*i+1])
	}
	cv.groups, cv.batchGroups = 1, 1
	if a := op.Props.Get("feature_group_count"); a != nil {
		if cv.groups, ok = ir.Int(a); !ok {
			return nil, linReject(op, "feature_group_count must be an integer")
		}
	}
	if a := op.Props.Get("batch_group_count"); a != nil {
		if cv.batchGroups, ok = ir.Int(a); !ok {
			return nil, linReject(op, "batch_group_count must be an integer")
		}
	}
	g, bg := cv.groups, cv.batchGroups
	if g <= 0 || bg <= 0 || (g > 1 && bg > 1) {
		return nil, linReject(op, "feature_group_count (%d) and batch_group_count (%d) must be positive and not both above 1", g, bg)
	}
	inF, outF := ls[cv.ifd], rs[cv.kof]
	if ls[cv.ib]%bg != 0 {
		return nil, linReject(op, "the lhs batch size %d is not a multiple of batch_group_count %d", ls[cv.ib], bg)
	}
	if inF%g != 0 || rs[cv.kif] != inF/g {
		return nil, linReject(op, "the lhs has %d features; with feature_group_count %d the kernel input feature size must be %d, got %d", inF, g, inF/g, rs[cv.kif])
	}
	if outF%bg != 0 || outF%g != 0 {
		return nil, linReject(op, "the kernel output feature size %d must be a multiple of feature_group_count %d and batch_group_count %d", outF, g, bg)
	}
	cv.shape = make([]int64, n)
	cv.shape[cv.ob] = ls[cv.ib] / bg
	cv.shape[cv.ofd] = outF
	for i := 0; i < sp; i++ {
		w, dil, err := cv.windows(op, i, ls[cv.isp[i]], rs[cv.ksp[i]])
		if err != nil {
			return nil, err
		}
		cv.shape[cv.osp[i]] = w
		cv.dilated = append(cv.dilated, dil)
		cv.window = append(cv.window, rs[cv.ksp[i]])
	}
	return cv, nil
}

// windows computes the number of windows along spatial dimension i (spec
// C25) with overflow checks, and the dilated lhs size.
func (cv *linConv) windows(op *ir.Op, i int, size, ksize int64) (int64, int64, error) {
	tooBig := func() error {
		return linReject(op, "the window along spatial dimension %d is too large to compute", i)
	}
	dilated := int64(0)
	if size > 0 {
		v, ok := linMul(size-1, cv.lhsDil[i])
		if ok {
			v, ok = linAdd(v, 1)
		}
		if !ok {
			return 0, 0, tooBig()
		}
		dilated = v
	}
	// padded = lo + (dilated + hi); dilated + hi is kept representable so
	// that positions inside the padded input never overflow.
	dh, ok := linAdd(dilated, cv.padHi[i])
	if !ok {
		return 0, 0, tooBig()
	}
	padded, ok := linAdd(cv.padLo[i], dh)
	if !ok {
		return 0, 0, tooBig()
	}
	if padded < 0 {
		return 0, 0, linReject(op, "padding along spatial dimension %d removes more than the whole input", i)
	}
	win := int64(0)
	if ksize > 0 {
		v, ok := linMul(ksize-1, cv.rhsDil[i])
		if ok {
			v, ok = linAdd(v, 1)
		}
		if !ok {
			return 0, 0, tooBig()
		}
		win = v
	}
	if padded == 0 || win > padded {
		return 0, dilated, nil
	}
	return (padded-win)/cv.strides[i] + 1, dilated, nil
}

// run computes every result element.
func (cv *linConv) run(c *Ctx, a *linArith, out, lhs, rhs *tensor.Tensor) error {
	sp := len(cv.isp)
	lstr, rstr := linStrides(lhs.Shape), linStrides(rhs.Shape)
	outF := rhs.Shape[cv.kof]
	inPerGroup := rhs.Shape[cv.kif]
	batchPerGroup := cv.shape[cv.ob]
	featPerGroup := outF / cv.groups
	featPerBatchGroup := outF / cv.batchGroups
	m := &linMeter{c: c}
	idx := make([]int64, len(cv.shape))
	k := make([]int64, sp) // kernel spatial position
	n := out.NumElements()
	for o := int64(0); o < n; o++ {
		b, f := idx[cv.ob], idx[cv.ofd]
		lb := b
		if cv.batchGroups > 1 {
			lb = (f/featPerBatchGroup)*batchPerGroup + b
		}
		fbase := (f / featPerGroup) * inPerGroup
		lbase := lb*lstr[cv.ib] + fbase*lstr[cv.ifd]
		rbase := f * rstr[cv.kof]
		acc := a.zero()
		empty := false
		for s := range k {
			k[s] = 0
			empty = empty || cv.window[s] == 0
		}
		for !empty {
			// Locate the lhs element under kernel position k, or find that
			// it is padding.
			loff, roff, inside := lbase, rbase, true
			for s := 0; s < sp; s++ {
				w := k[s]
				if cv.rev[s] {
					w = cv.window[s] - 1 - k[s]
				}
				q := idx[cv.osp[s]]*cv.strides[s] + w*cv.rhsDil[s] - cv.padLo[s]
				if q < 0 || q >= cv.dilated[s] || q%cv.lhsDil[s] != 0 {
					inside = false
				} else {
					loff += (q / cv.lhsDil[s]) * lstr[cv.isp[s]]
				}
				roff += k[s] * rstr[cv.ksp[s]]
			}
			for ci := int64(0); ci < inPerGroup; ci++ {
				x := a.zero()
				if inside {
					x = a.load(lhs, loff+ci*lstr[cv.ifd])
				}
				acc = a.add(acc, a.mul(x, a.load(rhs, roff+ci*rstr[cv.kif])))
			}
			if err := m.add(inPerGroup + 1); err != nil {
				return err
			}
			if !linNext(k, cv.window) {
				break
			}
		}
		a.store(out, o, acc)
		linNext(idx, cv.shape)
		if err := m.add(1); err != nil {
			return err
		}
	}
	return m.flush()
}
