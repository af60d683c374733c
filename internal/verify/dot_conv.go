package verify

import (
	"fmt"
	"slices"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
)

// dot_general, the deprecated dot, convolution and dynamic_conv.

var _ = register(map[string]func(*ctx) *diag.Error{
	"stablehlo.dot_general":  checkDotGeneral,
	"stablehlo.dot":          checkDot,
	"stablehlo.convolution":  checkConvolution,
	"stablehlo.dynamic_conv": checkDynamicConv,
})

var precisions = []string{"DEFAULT", "HIGH", "HIGHEST"}

// precisionConfig checks C11/C24: absent, empty, or two of DEFAULT, HIGH,
// HIGHEST. It returns the values.
func (c *ctx) precisionConfig() ([]string, *diag.Error) {
	a := c.attr("precision_config")
	if a == nil {
		return nil, nil
	}
	arr, ok := a.(ir.ArrayAttr)
	if !ok {
		return nil, c.errf("precision_config", "write precision_config = [DEFAULT, DEFAULT]", "precision_config must be an array, got %s", attrKind(a))
	}
	if len(arr) != 0 && len(arr) != 2 {
		return nil, c.errf("precision_config", "give two precisions (lhs, rhs)", "precision_config has %d entries, expected 2", len(arr))
	}
	out := make([]string, len(arr))
	for i, e := range arr {
		var v string
		switch x := e.(type) {
		case ir.EnumAttr:
			v = x.Value
		case ir.StringAttr:
			v = string(x)
		}
		if !slices.Contains(precisions, v) {
			return nil, c.errf("precision_config", "use DEFAULT, HIGH or HIGHEST", "precision_config entry %d is not DEFAULT, HIGH or HIGHEST", i)
		}
		out[i] = v
	}
	return out, nil
}

// structInts reads an integer-list field of a struct attribute (absent
// means empty).
func (c *ctx) structInts(s *ir.StructAttr, field, what string) ([]int64, *diag.Error) {
	a := s.Fields.Get(field)
	if a == nil {
		return nil, nil
	}
	switch x := a.(type) {
	case *ir.DenseArrayAttr:
		if x == nil || x.Floats != nil {
			return nil, c.errf(what, "write "+field+" as a list of integers", "field %s must be a list of integers", field)
		}
		if len(x.Ints) > maxListLen {
			return nil, c.errf(what, "shorten "+field, "field %s has more than %d elements", field, maxListLen)
		}
	case ir.ArrayAttr:
		if len(x) > maxListLen {
			return nil, c.errf(what, "shorten "+field, "field %s has more than %d elements", field, maxListLen)
		}
	default:
		return nil, c.errf(what, "write "+field+" as a list of integers", "field %s must be a list of integers", field)
	}
	v, ok := ir.Ints(a)
	if !ok {
		return nil, c.errf(what, "write "+field+" as a list of integers", "field %s must be a list of integers", field)
	}
	return v, nil
}

func (c *ctx) structInt(s *ir.StructAttr, field, what string, def int64, required bool) (int64, *diag.Error) {
	a := s.Fields.Get(field)
	if a == nil {
		if required {
			return 0, c.errf(what, "add the field "+field, "%s needs the field %s", c.op.Name, field)
		}
		return def, nil
	}
	v, ok := ir.Int(a)
	if !ok {
		return 0, c.errf(what, "write "+field+" as an integer", "field %s must be an integer, got %s", field, attrKind(a))
	}
	return v, nil
}

func (c *ctx) structAttr(name, structName string) (*ir.StructAttr, *diag.Error) {
	a := c.attr(name)
	if a == nil {
		return nil, c.missing(name)
	}
	s, ok := a.(*ir.StructAttr)
	if !ok || s == nil || s.Name != structName {
		return nil, c.badAttr(name, "#stablehlo."+structName+"<...>", a)
	}
	return s, nil
}

// dotElems checks the element-type constraints C13-C20 of dot_general
// (shared with convolution's C27-C34, which differ only in the per-axis
// rules passed as rhsAxisOK and resAxisOK).
func (c *ctx) dotElems(l, r, res *ir.TensorType, rhsAxisOK func(int) bool, resAxisOK func(int) bool) *diag.Error {
	ql, qr, qs := isQuant(l.Elem), isQuant(r.Elem), isQuant(res.Elem)
	if !ql && !qr && !qs {
		if !l.Elem.Equal(r.Elem) {
			return c.errf("types", "make lhs and rhs element types agree", "lhs has element type %s but rhs has %s", l.Elem, r.Elem)
		}
		return nil
	}
	if isPerAxis(l.Elem) {
		return c.errf("quant", "quantize lhs per tensor", "lhs of %s must not be per-axis quantized", c.op.Name)
	}
	if !qr {
		return c.errf("types", "quantize rhs too", "%s with quantized types needs a quantized rhs, got %s", c.op.Name, r.Elem)
	}
	rq := r.Elem.Quant
	if rq.Axis >= 0 && rhsAxisOK != nil && !rhsAxisOK(rq.Axis) {
		return c.errf("quant", "quantize rhs along its output feature (non-contracting) dimension",
			"rhs quantization dimension %d is not allowed here", rq.Axis)
	}
	if ql {
		if !qs {
			return c.errf("types", "quantize the result too", "%s of quantized lhs and rhs needs a quantized result, got %s", c.op.Name, res.Elem)
		}
		lq, sq := l.Elem.Quant, res.Elem.Quant
		if lq.Storage != rq.Storage {
			return c.errf("types", "use the same storage type for lhs and rhs", "lhs storage %s, rhs storage %s", lq.Storage, rq.Storage)
		}
		if lq.Expressed != rq.Expressed || lq.Expressed != sq.Expressed {
			return c.errf("types", "use one expressed type", "expressed types of lhs, rhs and result differ")
		}
		if rq.Axis < 0 && sq.Axis >= 0 {
			return c.errf("quant", "quantize the result per tensor when rhs is", "rhs is per-tensor quantized but the result is per-axis")
		}
		if sq.Axis >= 0 && resAxisOK != nil && !resAxisOK(sq.Axis) {
			return c.errf("quant", "quantize the result along its feature dimension", "result quantization dimension %d is not allowed here", sq.Axis)
		}
		return nil
	}
	// Hybrid: float lhs, quantized rhs (C20 / C34).
	if qs || l.Elem.DType != rq.Expressed || res.Elem.DType != rq.Expressed {
		return c.errf("types", "use rhs's expressed type for lhs and result",
			"hybrid %s needs lhs and result of type %s (rhs expressed type), got %s and %s", c.op.Name, rq.Expressed, l.Elem, res.Elem)
	}
	return nil
}

func checkDotGeneral(c *ctx) *diag.Error {
	l, r, res, err := binaryTypes(c)
	if err != nil {
		return err
	}
	dn, err := c.structAttr("dot_dimension_numbers", "dot")
	if err != nil {
		return err
	}
	lb, err := c.structInts(dn, "lhs_batching_dimensions", "batching_dims")
	if err != nil {
		return err
	}
	rb, err := c.structInts(dn, "rhs_batching_dimensions", "batching_dims")
	if err != nil {
		return err
	}
	lc, err := c.structInts(dn, "lhs_contracting_dimensions", "contracting_dims")
	if err != nil {
		return err
	}
	rc, err := c.structInts(dn, "rhs_contracting_dimensions", "contracting_dims")
	if err != nil {
		return err
	}
	lr, rr := len(l.Shape), len(r.Shape)
	if len(lb) != len(rb) {
		return c.errf("batching_dims", "give lhs and rhs the same number of batching dimensions",
			"lhs has %d batching dimensions, rhs %d", len(lb), len(rb))
	}
	if len(lc) != len(rc) {
		return c.errf("contracting_dims", "give lhs and rhs the same number of contracting dimensions",
			"lhs has %d contracting dimensions, rhs %d", len(lc), len(rc))
	}
	if err := c.dimsInRange("batching_dims", "lhs_batching_dimensions", lb, lr); err != nil {
		return err
	}
	if err := c.dimsInRange("batching_dims", "rhs_batching_dimensions", rb, rr); err != nil {
		return err
	}
	if err := c.dimsInRange("contracting_dims", "lhs_contracting_dimensions", lc, lr); err != nil {
		return err
	}
	if err := c.dimsInRange("contracting_dims", "rhs_contracting_dimensions", rc, rr); err != nil {
		return err
	}
	if err := c.dimsUnique("batching_dims", "lhs_batching_dimensions", lb); err != nil {
		return err
	}
	if err := c.dimsUnique("batching_dims", "rhs_batching_dimensions", rb); err != nil {
		return err
	}
	if err := c.dimsUnique("contracting_dims", "lhs batching + contracting dimensions", append(slices.Clone(lb), lc...)); err != nil {
		return err
	}
	if err := c.dimsUnique("contracting_dims", "rhs batching + contracting dimensions", append(slices.Clone(rb), rc...)); err != nil {
		return err
	}
	for i := range lb {
		if !dimEq(l.Shape[lb[i]], r.Shape[rb[i]]) {
			return c.errf("batching_dims", "batch over dimensions of equal size",
				"lhs batching dimension %d (size %d) and rhs batching dimension %d (size %d) differ", lb[i], l.Shape[lb[i]], rb[i], r.Shape[rb[i]])
		}
	}
	for i := range lc {
		if !dimEq(l.Shape[lc[i]], r.Shape[rc[i]]) {
			return c.errf("contracting_dims", "contract dimensions of equal size",
				"lhs contracting dimension %d (size %d) and rhs contracting dimension %d (size %d) differ", lc[i], l.Shape[lc[i]], rc[i], r.Shape[rc[i]])
		}
	}
	prec, err := c.precisionConfig()
	if err != nil {
		return err
	}
	if err := c.dotAlgorithm(prec); err != nil {
		return err
	}
	rhsAxisOK := func(ax int) bool { return !contains(rc, int64(ax)) }
	if err := c.dotElems(l, r, res, rhsAxisOK, nil); err != nil {
		return err
	}
	if isQuant(r.Elem) {
		for _, z := range r.Elem.Quant.ZeroPoints {
			if z != 0 {
				return c.errf("quant", "quantize rhs symmetrically (zero point 0)", "rhs zero point is %d; dot_general needs 0", z)
			}
		}
	}
	// C12.
	want := make([]int64, 0, lr+rr)
	for _, d := range lb {
		want = append(want, l.Shape[d])
	}
	for d := range lr {
		if !contains(lb, int64(d)) && !contains(lc, int64(d)) {
			want = append(want, l.Shape[d])
		}
	}
	for d := range rr {
		if !contains(rb, int64(d)) && !contains(rc, int64(d)) {
			want = append(want, r.Shape[d])
		}
	}
	return c.expectShape(res, want, "result")
}

// dotAlgorithm checks C21-C24.
func (c *ctx) dotAlgorithm(prec []string) *diag.Error {
	a := c.attr("algorithm")
	if a == nil {
		return nil
	}
	s, ok := a.(*ir.StructAttr)
	if !ok || s == nil || s.Name != "dot_algorithm" {
		return c.badAttr("algorithm", "#stablehlo.dot_algorithm<...>", a)
	}
	for _, p := range prec {
		if p != "DEFAULT" {
			return c.errf("algorithm", "use precision DEFAULT with an explicit algorithm", "precision_config must be DEFAULT when an algorithm is given")
		}
	}
	for _, f := range []string{"lhs_component_count", "rhs_component_count", "num_primitive_operations"} {
		v, err := c.structInt(s, f, "algorithm", 1, false)
		if err != nil {
			return err
		}
		if v <= 0 || v > 1<<31-1 {
			return c.errf("algorithm", f+" must be positive", "%s of the dot algorithm is %d", f, v)
		}
	}
	for _, f := range []string{"lhs_precision_type", "rhs_precision_type", "accumulation_type"} {
		fa := s.Fields.Get(f)
		if fa == nil {
			continue
		}
		ok := false
		switch x := fa.(type) {
		case ir.TypeAttr:
			t, isT := x.Type.(*ir.TensorType)
			ok = isT && len(t.Shape) == 0 && t.Elem.Quant == nil && t.Elem.DType.IsFloat()
		case ir.EnumAttr:
			ok = x.Value == "tf32"
		}
		if !ok {
			return c.errf("algorithm", "write "+f+" as a floating-point type or tf32", "%s of the dot algorithm must be a floating-point type", f)
		}
	}
	if fa := s.Fields.Get("allow_imprecise_accumulation"); fa != nil {
		if _, ok := ir.Bool(fa); !ok {
			return c.errf("algorithm", "write allow_imprecise_accumulation as true or false", "allow_imprecise_accumulation must be a boolean")
		}
	}
	return nil
}

// checkDot verifies the deprecated stablehlo.dot (vector/matrix products).
func checkDot(c *ctx) *diag.Error {
	l, r, res, err := binaryTypes(c)
	if err != nil {
		return err
	}
	lr, rr := len(l.Shape), len(r.Shape)
	if lr < 1 || lr > 2 || rr < 1 || rr > 2 {
		return c.errf("shape", "use stablehlo.dot_general for other ranks", "dot takes rank-1 or rank-2 operands, got ranks %d and %d", lr, rr)
	}
	if !dimEq(l.Shape[lr-1], r.Shape[0]) {
		return c.errf("contracting_dims", "contract dimensions of equal size", "dot contracts size %d with size %d", l.Shape[lr-1], r.Shape[0])
	}
	if _, err := c.precisionConfig(); err != nil {
		return err
	}
	if err := c.dotElems(l, r, res, func(ax int) bool { return ax != 0 }, nil); err != nil {
		return err
	}
	want := append(slices.Clone(l.Shape[:lr-1]), r.Shape[1:]...)
	return c.expectShape(res, want, "result")
}

// convDims is a convolution's dimension numbers.
type convDims struct {
	inB, inF, kIn, kOut, outB, outF int64
	inS, kS, outS                   []int64
}

func (c *ctx) readConvDims(n int) (*convDims, *diag.Error) {
	s, err := c.structAttr("dimension_numbers", "conv")
	if err != nil {
		return nil, err
	}
	const what = "dimension_numbers"
	d := &convDims{}
	ints := []*int64{&d.inB, &d.inF, &d.kIn, &d.kOut, &d.outB, &d.outF}
	for i, f := range []string{"input_batch_dimension", "input_feature_dimension", "kernel_input_feature_dimension",
		"kernel_output_feature_dimension", "output_batch_dimension", "output_feature_dimension"} {
		v, err := c.structInt(s, f, what, 0, true)
		if err != nil {
			return nil, err
		}
		*ints[i] = v
	}
	lists := []*[]int64{&d.inS, &d.kS, &d.outS}
	for i, f := range []string{"input_spatial_dimensions", "kernel_spatial_dimensions", "output_spatial_dimensions"} {
		v, err := c.structInts(s, f, what)
		if err != nil {
			return nil, err
		}
		if len(v) != n-2 {
			return nil, c.errf(what, fmt.Sprintf("give %d spatial dimensions", max(n-2, 0)), "%s has %d entries for rank %d", f, len(v), n)
		}
		*lists[i] = v
	}
	for _, g := range []struct {
		name string
		dims []int64
	}{
		{"input dimensions", append(append([]int64{d.inB}, d.inS...), d.inF)},
		{"kernel dimensions", append(slices.Clone(d.kS), d.kIn, d.kOut)},
		{"output dimensions", append(append([]int64{d.outB}, d.outS...), d.outF)},
	} {
		if err := c.dimsInRange(what, g.name, g.dims, n); err != nil {
			return nil, err
		}
		if err := c.dimsUnique(what, g.name, g.dims); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// windowSize is the number of windows along one dimension
// (convolution C25, reduce_window C15); Dynamic when d is.
func (c *ctx) windowSize(d, lo, hi, baseDil, k, winDil, stride int64) (int64, *diag.Error) {
	if d < 0 {
		return ir.Dynamic, nil
	}
	dil := int64(0)
	if d > 0 {
		x, ok := mulI(d-1, baseDil)
		if !ok {
			return 0, c.overflow("window")
		}
		dil = x + 1
	}
	p, ok1 := addI(lo, dil)
	p, ok2 := addI(p, hi)
	if !ok1 || !ok2 {
		return 0, c.overflow("window")
	}
	if p < 0 {
		return 0, c.errf("window", "reduce the negative padding", "padding makes a padded input dimension negative (%d)", p)
	}
	if k < 0 {
		return ir.Dynamic, nil
	}
	w := int64(0)
	if k > 0 {
		x, ok := mulI(k-1, winDil)
		if !ok {
			return 0, c.overflow("window")
		}
		w = x + 1
	}
	if p == 0 || w > p {
		return 0, nil
	}
	return (p-w)/stride + 1, nil
}

// windowAttr reads a per-spatial-dimension list attribute with a default
// of def, checking length n and positivity.
func (c *ctx) windowAttr(name string, n int, def int64, what string) ([]int64, *diag.Error) {
	v, present, err := c.intsAttr(name, false)
	if err != nil {
		return nil, err
	}
	if !present {
		out := make([]int64, n)
		for i := range out {
			out[i] = def
		}
		return out, nil
	}
	if len(v) != n {
		return nil, c.errf(what, fmt.Sprintf("give %d values", n), "%s has %d entries, expected %d", name, len(v), n)
	}
	for _, x := range v {
		if x <= 0 {
			return nil, c.errf(what, "use positive values", "%s contains %d; values must be positive", name, x)
		}
	}
	return v, nil
}

// paddingAttr reads an n x 2 padding literal (zeros when absent).
func (c *ctx) paddingAttr(n int, what string) ([]int64, *diag.Error) {
	a := c.attr("padding")
	if a == nil {
		return make([]int64, 2*n), nil
	}
	e, ok := a.(*ir.ElementsAttr)
	if !ok || e == nil || e.Type == nil {
		if v, ok := ir.Ints(a); ok && len(v) == 2*n && n == 0 {
			return v, nil
		}
		return nil, c.badAttr("padding", "a dense<...> : tensor<Nx2xi64> literal", a)
	}
	if len(e.Type.Shape) != 2 || e.Type.Shape[0] != int64(n) || e.Type.Shape[1] != 2 {
		return nil, c.errf(what, fmt.Sprintf("give padding of shape [%d, 2]", n), "padding has shape %s, expected [%d, 2]", fmtShape(e.Type.Shape), n)
	}
	v, ok := ir.ElementsInts(e)
	if !ok {
		return nil, c.badAttr("padding", "an integer literal", a)
	}
	return v, nil
}

func checkConvolution(c *ctx) *diag.Error {
	if err := c.arity(2, 1); err != nil {
		return err
	}
	return c.conv(nil)
}

func checkDynamicConv(c *ctx) *diag.Error {
	if err := c.arity(3, 1); err != nil {
		return err
	}
	pt, err := c.operandT(2)
	if err != nil {
		return err
	}
	return c.conv(pt)
}

// conv checks convolution (padTensor nil) or dynamic_conv (padding is
// operand #2 of type padTensor).
func (c *ctx) conv(padTensor *ir.TensorType) *diag.Error {
	if err := c.noRegions(); err != nil {
		return err
	}
	l, err := c.operandT(0)
	if err != nil {
		return err
	}
	r, err := c.operandT(1)
	if err != nil {
		return err
	}
	res, err := c.resultT(0)
	if err != nil {
		return err
	}
	n := len(l.Shape)
	if len(r.Shape) != n || n < 2 {
		return c.errf("shape", "give lhs and rhs the same rank, at least 2", "convolution of rank-%d lhs and rank-%d rhs", n, len(r.Shape))
	}
	if len(res.Shape) != n {
		return c.errf("shape", fmt.Sprintf("declare a rank-%d result", n), "result has rank %d, expected %d", len(res.Shape), n)
	}
	ns := n - 2
	strides, err := c.windowAttr("window_strides", ns, 1, "window")
	if err != nil {
		return err
	}
	var pad []int64
	if padTensor == nil {
		if pad, err = c.paddingAttr(ns, "window"); err != nil {
			return err
		}
	} else {
		if len(padTensor.Shape) != 2 || classOf(padTensor.Elem)&cInt == 0 || !dimEq(padTensor.Shape[0], int64(ns)) || !dimEq(padTensor.Shape[1], 2) {
			return c.errf("window", fmt.Sprintf("pass padding as an integer tensor of shape [%d, 2]", ns), "padding operand has type %s", padTensor)
		}
		pad, _ = constInts(c.op.Operands[2], 2*int64(ns))
		if pad != nil && len(pad) != 2*ns {
			pad = nil
		}
	}
	lhsDil, err := c.windowAttr("lhs_dilation", ns, 1, "window")
	if err != nil {
		return err
	}
	rhsDil, err := c.windowAttr("rhs_dilation", ns, 1, "window")
	if err != nil {
		return err
	}
	if rev, present, err := c.boolsAttr("window_reversal"); err != nil {
		return err
	} else if present && len(rev) != ns {
		return c.errf("window", fmt.Sprintf("give %d window_reversal values", ns), "window_reversal has %d entries, expected %d", len(rev), ns)
	}
	d, err := c.readConvDims(n)
	if err != nil {
		return err
	}
	fgc, err := c.intAttr("feature_group_count", 1, false)
	if err != nil {
		return err
	}
	bgc, err := c.intAttr("batch_group_count", 1, false)
	if err != nil {
		return err
	}
	if fgc <= 0 {
		return c.errf("feature_group_count", "use a positive feature_group_count", "feature_group_count is %d", fgc)
	}
	if bgc <= 0 {
		return c.errf("batch_group_count", "use a positive batch_group_count", "batch_group_count is %d", bgc)
	}
	if fgc != 1 && bgc != 1 {
		return c.errf("batch_group_count", "set feature_group_count or batch_group_count to 1", "feature_group_count %d and batch_group_count %d are both above 1", fgc, bgc)
	}
	if b := l.Shape[d.inB]; b >= 0 && b%bgc != 0 {
		return c.errf("batch_group_count", "use a batch_group_count that divides the batch size", "batch size %d is not divisible by batch_group_count %d", b, bgc)
	}
	inF := l.Shape[d.inF]
	if inF >= 0 && inF%fgc != 0 {
		return c.errf("feature_group_count", "use a feature_group_count that divides the input features", "input feature size %d is not divisible by feature_group_count %d", inF, fgc)
	}
	if kIn := r.Shape[d.kIn]; inF >= 0 && kIn >= 0 && kIn != inF/fgc {
		return c.errf("kernel", "make the kernel input features equal input features / feature_group_count",
			"kernel input feature size %d, expected %d / %d", kIn, inF, fgc)
	}
	kOut := r.Shape[d.kOut]
	if kOut >= 0 && (kOut%bgc != 0 || kOut%fgc != 0) {
		return c.errf("kernel", "make the kernel output features divisible by the group counts",
			"kernel output feature size %d is not divisible by batch_group_count %d and feature_group_count %d", kOut, bgc, fgc)
	}
	if _, err := c.precisionConfig(); err != nil {
		return err
	}
	rhsAxisOK := func(ax int) bool { return int64(ax) == d.kOut }
	resAxisOK := func(ax int) bool { return int64(ax) == d.outF }
	if err := c.dotElems(l, r, res, rhsAxisOK, resAxisOK); err != nil {
		return err
	}
	// C25.
	want := make([]int64, n)
	if b := l.Shape[d.inB]; b >= 0 {
		want[d.outB] = b / bgc
	} else {
		want[d.outB] = ir.Dynamic
	}
	want[d.outF] = kOut
	for i := range ns {
		if pad == nil {
			want[d.outS[i]] = ir.Dynamic
			continue
		}
		w, err := c.windowSize(l.Shape[d.inS[i]], pad[2*i], pad[2*i+1], lhsDil[i], r.Shape[d.kS[i]], rhsDil[i], strides[i])
		if err != nil {
			return err
		}
		want[d.outS[i]] = w
	}
	return c.expectShape(res, want, "result")
}
