package verify

import (
	"fmt"
	"slices"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// constant, custom_call, tuples, tokens, optimization_barrier, batch norm,
// linear algebra (cholesky, triangular_solve), fft and random numbers.

var _ = register(map[string]func(*ctx) *diag.Error{
	"stablehlo.constant":             checkConstant,
	"stablehlo.custom_call":          checkCustomCall,
	"stablehlo.tuple":                checkTuple,
	"stablehlo.get_tuple_element":    checkGetTupleElement,
	"stablehlo.after_all":            checkAfterAll,
	"stablehlo.create_token":         checkCreateToken,
	"stablehlo.optimization_barrier": checkOptimizationBarrier,
	"stablehlo.batch_norm_training":  checkBatchNormTraining,
	"stablehlo.batch_norm_inference": checkBatchNormInference,
	"stablehlo.batch_norm_grad":      checkBatchNormGrad,
	"stablehlo.cholesky":             checkCholesky,
	"stablehlo.triangular_solve":     checkTriangularSolve,
	"stablehlo.fft":                  checkFFT,
	"stablehlo.rng":                  checkRng,
	"stablehlo.rng_bit_generator":    checkRngBitGenerator,
})

func checkConstant(c *ctx) *diag.Error {
	if err := c.arity(0, 1); err != nil {
		return err
	}
	if err := c.noRegions(); err != nil {
		return err
	}
	r, err := c.resultT(0)
	if err != nil {
		return err
	}
	a := c.attr("value")
	if a == nil {
		return c.missing("value")
	}
	e, ok := a.(*ir.ElementsAttr)
	if !ok || e == nil || e.Type == nil {
		return c.badAttr("value", "a dense<...> literal", a)
	}
	if !ir.TypesEqual(e.Type, r) {
		return c.errf("types", "declare the result as "+e.Type.String(), "literal of type %s does not match the result type %s", e.Type, r)
	}
	return literalSize(c, e, "value")
}

// literalSize checks that a literal holds exactly the bytes its type needs
// (one element for a splat), without reading the elements.
func literalSize(c *ctx, e *ir.ElementsAttr, name string) *diag.Error {
	if !e.Type.IsStatic() {
		return c.errf(name, "give the literal a static type", "literal %s has a dynamic type %s", name, e.Type)
	}
	n, ok := e.NumElements()
	size := int64(e.Type.Elem.StorageDType().Size())
	if !ok || size == 0 {
		return c.errf(name, "use a smaller literal", "literal %s of type %s is too large", name, e.Type)
	}
	want := size
	if !e.Splat {
		var ok bool
		if want, ok = mulI(n, size); !ok {
			return c.errf(name, "use a smaller literal", "literal %s of type %s is too large", name, e.Type)
		}
	}
	if int64(len(e.Data)) != want {
		return c.errf(name, malformed, "literal %s holds %d bytes, its type needs %d", name, len(e.Data), want)
	}
	return nil
}

var apiVersions = map[string]int64{
	"API_VERSION_UNSPECIFIED": 0, "API_VERSION_ORIGINAL": 1, "API_VERSION_STATUS_RETURNING": 2,
	"API_VERSION_STATUS_RETURNING_UNIFIED": 3, "API_VERSION_TYPED_FFI": 4,
}

func checkCustomCall(c *ctx) *diag.Error {
	if err := c.noRegions(); err != nil {
		return err
	}
	target, _, err := c.stringAttr("call_target_name", true)
	if err != nil {
		return err
	}
	if target == "" {
		return c.errf("call_target_name", "name the target", "call_target_name is empty")
	}
	api := int64(1)
	if a := c.attr("api_version"); a != nil {
		switch x := a.(type) {
		case ir.IntAttr:
			api = x.Value
		case ir.EnumAttr:
			v, ok := apiVersions[x.Value]
			if !ok {
				return c.errf("api_version", "use api_version 0..4", "unknown api_version %s", clip(x.Value))
			}
			api = v
		default:
			return c.badAttr("api_version", "an integer", a)
		}
		if api < 0 || api > 4 {
			return c.errf("api_version", "use api_version 0..4", "api_version %d is not defined", api)
		}
	}
	if _, err := c.boolAttr("has_side_effect", false); err != nil {
		return err
	}
	if a := c.attr("backend_config"); a != nil {
		switch a.(type) {
		case ir.StringAttr:
			if api == 4 {
				return c.errf("backend_config", "use a dictionary backend_config with api_version 4", "backend_config of a typed-FFI custom_call must be a dictionary")
			}
		case ir.DictAttr:
			if api != 4 {
				return c.errf("backend_config", "use a string backend_config, or api_version 4", "a dictionary backend_config needs api_version 4")
			}
		default:
			return c.badAttr("backend_config", "a string or a dictionary", a)
		}
	}
	if a := c.attr("called_computations"); a != nil {
		arr, ok := a.(ir.ArrayAttr)
		if !ok {
			return c.badAttr("called_computations", "an array of symbol references", a)
		}
		if len(arr) > maxListLen {
			return c.errf("attr", "call fewer computations", "called_computations has more than %d entries", maxListLen)
		}
		for _, e := range arr {
			name, ok := symbolRef(e)
			if !ok {
				return c.badAttr("called_computations", "an array of symbol references", a)
			}
			if c.v.funcs[name] == nil {
				return c.undefined(name)
			}
		}
		if c.v.cyclic[c.op] {
			return c.cycle(fmt.Sprint(arr[0]))
		}
	}
	if err := c.customCallAliases(); err != nil {
		return err
	}
	if err := c.customCallLayouts(); err != nil {
		return err
	}
	if a := c.attr("indices_of_shape_operands"); a != nil {
		v, _, err := c.intsOf("indices_of_shape_operands", a)
		if err != nil {
			return err
		}
		for _, i := range v {
			if i < 0 || i >= int64(len(c.op.Operands)) {
				return c.errf("attr", "use operand indices", "indices_of_shape_operands contains %d; the op has %d operands", i, len(c.op.Operands))
			}
		}
	}
	return nil
}

// tupleIndex walks t along path (tuple indices).
func tupleIndex(t ir.Type, path []int64) (ir.Type, bool) {
	for _, i := range path {
		tt, ok := t.(*ir.TupleType)
		if !ok || i < 0 || i >= int64(len(tt.Elems)) {
			return nil, false
		}
		t = tt.Elems[i]
	}
	return t, true
}

func (c *ctx) customCallAliases() *diag.Error {
	a := c.attr("output_operand_aliases")
	if a == nil {
		return nil
	}
	arr, ok := a.(ir.ArrayAttr)
	if !ok {
		return c.badAttr("output_operand_aliases", "an array of #stablehlo.output_operand_alias", a)
	}
	if len(arr) > len(c.op.Results)+len(c.op.Operands) {
		return c.errf("aliases", "alias each output at most once", "output_operand_aliases has %d entries for %d results", len(arr), len(c.op.Results))
	}
	for k, e := range arr {
		s, ok := e.(*ir.StructAttr)
		if !ok || s == nil || s.Name != "output_operand_alias" {
			return c.badAttr("output_operand_aliases", "an array of #stablehlo.output_operand_alias", a)
		}
		outIdx, err := c.structInts(s, "output_tuple_indices", "aliases")
		if err != nil {
			return err
		}
		opIdx, err := c.structInts(s, "operand_tuple_indices", "aliases")
		if err != nil {
			return err
		}
		oi, err := c.structInt(s, "operand_index", "aliases", 0, true)
		if err != nil {
			return err
		}
		if oi < 0 || oi >= int64(len(c.op.Operands)) {
			return c.errf("aliases", "alias an existing operand", "alias #%d names operand %d; the op has %d", k, oi, len(c.op.Operands))
		}
		var outT ir.Type
		if len(c.op.Results) == 1 {
			outT = c.op.Results[0].Type
		} else {
			outT = &ir.TupleType{Elems: c.op.ResultTypes()}
		}
		ot, ok1 := tupleIndex(outT, outIdx)
		it, ok2 := tupleIndex(c.op.Operands[oi].Type, opIdx)
		if !ok1 || !ok2 {
			return c.errf("aliases", "use tuple indices that exist", "alias #%d has out-of-range tuple indices", k)
		}
		if !ir.TypesEqual(ot, it) {
			return c.errf("aliases", "alias parts of the same type", "alias #%d pairs %s with %s", k, typeStr(ot), typeStr(it))
		}
	}
	return nil
}

// customCallLayouts checks operand_layouts/result_layouts: one permutation
// of the dimensions per tensor.
func (c *ctx) customCallLayouts() *diag.Error {
	ol, rl := c.attr("operand_layouts"), c.attr("result_layouts")
	if (ol == nil) != (rl == nil) {
		return c.errf("layouts", "give both operand_layouts and result_layouts, or neither", "custom_call has only one of operand_layouts and result_layouts")
	}
	if ol == nil {
		return nil
	}
	for _, g := range []struct {
		name  string
		a     ir.Attr
		types []ir.Type
	}{{"operand_layouts", ol, c.op.OperandTypes()}, {"result_layouts", rl, c.op.ResultTypes()}} {
		arr, ok := g.a.(ir.ArrayAttr)
		if !ok {
			return c.badAttr(g.name, "an array of dense layouts", g.a)
		}
		if len(arr) != len(g.types) {
			return c.errf("layouts", "give one layout per value", "%s has %d entries for %d values", g.name, len(arr), len(g.types))
		}
		for i, e := range arr {
			t, ok := g.types[i].(*ir.TensorType)
			if !ok {
				continue // tokens and tuples carry layouts XLA ignores
			}
			perm, _, err := c.intsOf(g.name, e)
			if err != nil {
				return err
			}
			if len(perm) != len(t.Shape) {
				return c.errf("layouts", "give a permutation of the dimensions", "layout #%d of %s has %d entries for rank %d", i, g.name, len(perm), len(t.Shape))
			}
			if err := c.dimsInRange("layouts", g.name, perm, len(t.Shape)); err != nil {
				return err
			}
			if err := c.dimsUnique("layouts", g.name, perm); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkTuple(c *ctx) *diag.Error {
	if err := c.arity(-1, 1); err != nil {
		return err
	}
	if err := c.noRegions(); err != nil {
		return err
	}
	want := &ir.TupleType{Elems: c.op.OperandTypes()}
	if !ir.TypesEqual(c.op.Results[0].Type, want) {
		return c.errf("types", "declare the result as "+typeStr(want), "tuple of %s is declared as %s", typeStr(want), typeStr(c.op.Results[0].Type))
	}
	return nil
}

func checkGetTupleElement(c *ctx) *diag.Error {
	if err := c.arity(1, 1); err != nil {
		return err
	}
	if err := c.noRegions(); err != nil {
		return err
	}
	tt, ok := c.op.Operands[0].Type.(*ir.TupleType)
	if !ok {
		return c.errf("types", "pass a tuple", "operand of get_tuple_element must be a tuple, got %s", typeStr(c.op.Operands[0].Type))
	}
	i, err := c.intAttr("index", 0, true)
	if err != nil {
		return err
	}
	if i < 0 || i >= int64(len(tt.Elems)) {
		return c.errf("index", fmt.Sprintf("use an index in [0, %d)", len(tt.Elems)), "index %d is out of range for a tuple of %d elements", i, len(tt.Elems))
	}
	if !ir.TypesEqual(c.op.Results[0].Type, tt.Elems[i]) {
		return c.errf("types", "declare the result as "+typeStr(tt.Elems[i]), "element %d has type %s, result is declared %s", i, typeStr(tt.Elems[i]), typeStr(c.op.Results[0].Type))
	}
	return nil
}

func checkAfterAll(c *ctx) *diag.Error {
	if err := c.arity(-1, 1); err != nil {
		return err
	}
	if err := c.noRegions(); err != nil {
		return err
	}
	for i, o := range c.op.Operands {
		if !isToken(o.Type) {
			return c.errf("types", "pass only tokens", "operand #%d of after_all is %s, not a token", i, typeStr(o.Type))
		}
	}
	if !isToken(c.op.Results[0].Type) {
		return c.errf("types", "declare the result as !stablehlo.token", "result of after_all must be a token")
	}
	return nil
}

func checkCreateToken(c *ctx) *diag.Error {
	if err := c.arity(0, 1); err != nil {
		return err
	}
	if err := c.noRegions(); err != nil {
		return err
	}
	if !isToken(c.op.Results[0].Type) {
		return c.errf("types", "declare the result as !stablehlo.token", "result of create_token must be a token")
	}
	return nil
}

func checkOptimizationBarrier(c *ctx) *diag.Error {
	if err := c.arity(-1, len(c.op.Operands)); err != nil {
		return err
	}
	if err := c.noRegions(); err != nil {
		return err
	}
	for i, o := range c.op.Operands {
		if t, ok := o.Type.(*ir.TensorType); ok {
			if err := c.elemIn(t, cAnyNQ|cQuantPT, operandName(i)); err != nil {
				return err
			}
		} else if !isToken(o.Type) {
			return c.errf("types", "pass tensors or tokens", "operand #%d of optimization_barrier is %s", i, typeStr(o.Type))
		}
		if !ir.TypesEqual(o.Type, c.op.Results[i].Type) {
			return c.errf("types", "declare each result with its operand's type", "%s has type %s but operand #%d has %s", resultName(i), typeStr(c.op.Results[i].Type), i, typeStr(o.Type))
		}
	}
	return nil
}

// batchNorm checks the shared constraints of the batch_norm ops: operand is
// the feature-carrying tensor, vecs are 1-D tensors of dim(operand,
// feature_index) elements, all with one baseline element type.
func (c *ctx) batchNorm(x *ir.TensorType, same []*ir.TensorType, vecs []*ir.TensorType) *diag.Error {
	if _, _, err := c.floatAttr("epsilon", true); err != nil {
		return err
	}
	fi, err := c.intAttr("feature_index", 0, true)
	if err != nil {
		return err
	}
	if fi < 0 || fi >= int64(len(x.Shape)) {
		return c.errf("feature_index", "use a dimension of the operand", "feature_index %d is out of range for rank %d", fi, len(x.Shape))
	}
	if err := c.elemIn(x, cFloat|cQuantPT, "operand"); err != nil {
		return err
	}
	for _, t := range same {
		if err := c.sameBaseType(x, t, "operand", "a value"); err != nil {
			return err
		}
	}
	for _, t := range vecs {
		if err := c.sameBaseElem(x, t, "operand", "a feature vector"); err != nil {
			return err
		}
		if len(t.Shape) != 1 || !dimEq(t.Shape[0], x.Shape[fi]) {
			return c.errf("shape", fmt.Sprintf("use 1-D feature vectors of size %s", fmtShape(x.Shape[fi:fi+1])),
				"feature vector %s does not match dimension %d of the operand (%s)", t, fi, fmtShape(x.Shape[fi:fi+1]))
		}
	}
	return nil
}

func checkBatchNormTraining(c *ctx) *diag.Error {
	if err := c.arity(3, 3); err != nil {
		return err
	}
	if err := c.noRegions(); err != nil {
		return err
	}
	ts, err := c.operandTs()
	if err != nil {
		return err
	}
	rs, err := c.resultTs()
	if err != nil {
		return err
	}
	return c.batchNorm(ts[0], rs[:1], []*ir.TensorType{ts[1], ts[2], rs[1], rs[2]})
}

func checkBatchNormInference(c *ctx) *diag.Error {
	if err := c.arity(5, 1); err != nil {
		return err
	}
	if err := c.noRegions(); err != nil {
		return err
	}
	ts, err := c.operandTs()
	if err != nil {
		return err
	}
	rs, err := c.resultTs()
	if err != nil {
		return err
	}
	return c.batchNorm(ts[0], rs, ts[1:])
}

func checkBatchNormGrad(c *ctx) *diag.Error {
	if err := c.arity(5, 3); err != nil {
		return err
	}
	if err := c.noRegions(); err != nil {
		return err
	}
	ts, err := c.operandTs()
	if err != nil {
		return err
	}
	rs, err := c.resultTs()
	if err != nil {
		return err
	}
	return c.batchNorm(ts[0], []*ir.TensorType{ts[4], rs[0]}, []*ir.TensorType{ts[1], ts[2], ts[3], rs[1], rs[2]})
}

func checkCholesky(c *ctx) *diag.Error {
	a, r, err := unaryTypes(c)
	if err != nil {
		return err
	}
	if err := c.elemIn(a, cFloat|cComplex|cQuantPT, "operand"); err != nil {
		return err
	}
	if _, err := c.boolAttr("lower", false); err != nil {
		return err
	}
	n := len(a.Shape)
	if n < 2 {
		return c.errf("shape", "pass a batch of square matrices (rank >= 2)", "cholesky operand has rank %d", n)
	}
	if !dimEq(a.Shape[n-1], a.Shape[n-2]) {
		return c.errf("shape", "pass square matrices", "cholesky operand matrices are %dx%d", a.Shape[n-2], a.Shape[n-1])
	}
	return c.sameBaseType(a, r, "operand", "result")
}

func checkTriangularSolve(c *ctx) *diag.Error {
	a, b, res, err := binaryTypes(c)
	if err != nil {
		return err
	}
	if err := c.elemIn(a, cFloat|cComplex|cQuantPT, "a"); err != nil {
		return err
	}
	left, err := c.boolAttr("left_side", false)
	if err != nil {
		return err
	}
	for _, n := range []string{"lower", "unit_diagonal"} {
		if _, err := c.boolAttr(n, false); err != nil {
			return err
		}
	}
	if _, err := c.enumAttr("transpose_a", []string{"NO_TRANSPOSE", "TRANSPOSE", "ADJOINT"}, "NO_TRANSPOSE", false); err != nil {
		return err
	}
	if err := c.sameBaseElem(a, b, "a", "b"); err != nil {
		return err
	}
	r := len(a.Shape)
	if r < 2 || len(b.Shape) != r {
		return c.errf("shape", "pass a and b of the same rank, at least 2", "triangular_solve of rank-%d a and rank-%d b", r, len(b.Shape))
	}
	if !shapeCompat(a.Shape[:r-2], b.Shape[:r-2]) {
		return c.errf("shape", "use the same batch dimensions", "batch dimensions %s and %s differ", fmtShape(a.Shape[:r-2]), fmtShape(b.Shape[:r-2]))
	}
	k := b.Shape[r-1]
	if left {
		k = b.Shape[r-2]
	}
	if !dimEq(a.Shape[r-1], a.Shape[r-2]) || !dimEq(a.Shape[r-1], k) {
		return c.errf("shape", "pass square a matching b's solved dimension", "a is %dx%d, b's solved dimension is %d", a.Shape[r-2], a.Shape[r-1], k)
	}
	return c.sameBaseType(b, res, "b", "result")
}

func checkFFT(c *ctx) *diag.Error {
	x, r, err := unaryTypes(c)
	if err != nil {
		return err
	}
	typ, err := c.enumAttr("fft_type", []string{"FFT", "IFFT", "RFFT", "IRFFT"}, "", true)
	if err != nil {
		return err
	}
	lens, _, err := c.intsAttr("fft_length", true)
	if err != nil {
		return err
	}
	if len(lens) < 1 || len(lens) > 3 || len(lens) > len(x.Shape) {
		return c.errf("fft_length", "give 1 to 3 lengths, at most the operand's rank", "fft_length has %d entries for a rank-%d operand", len(lens), len(x.Shape))
	}
	for _, l := range lens {
		if l < 0 {
			return c.errf("fft_length", "use non-negative lengths", "fft_length contains %d", l)
		}
	}
	xe, re := x.Elem, r.Elem
	if xe.Quant != nil || re.Quant != nil {
		return c.errf("types", "use float or complex types", "fft does not take quantized types")
	}
	xd, rd := xe.DType, re.DType
	var real *ir.TensorType
	switch typ {
	case "FFT", "IFFT":
		if !xd.IsComplex() || xd != rd {
			return c.errf("types", "use the same complex type for operand and result", "%s of %s to %s", typ, xd, rd)
		}
	case "RFFT":
		if !xd.IsFloat() || tensor.ComplexOf(xd) != rd || rd == tensor.Invalid {
			return c.errf("types", "RFFT maps f32 to complex<f32> and f64 to complex<f64>", "RFFT of %s to %s", xd, rd)
		}
		real = x
	case "IRFFT":
		if !xd.IsComplex() || xd.ComplexPart() != rd {
			return c.errf("types", "IRFFT maps complex<f32> to f32 and complex<f64> to f64", "IRFFT of %s to %s", xd, rd)
		}
		real = r
	}
	if real == nil {
		real = x
	}
	n := len(real.Shape)
	if len(lens) > n {
		return c.errf("fft_length", "give at most one length per dimension", "fft_length has %d entries for rank %d", len(lens), n)
	}
	for i, l := range lens {
		if d := real.Shape[n-len(lens)+i]; !dimEq(d, l) {
			return c.errf("fft_length", "make fft_length equal the trailing dimensions", "fft_length %s does not match the trailing dimensions %s",
				fmtInts(lens), fmtShape(real.Shape[n-len(lens):]))
		}
	}
	want := slices.Clone(x.Shape)
	if len(want) == 0 {
		return c.errf("shape", "pass a tensor of rank >= 1", "fft operand has rank 0")
	}
	last := len(want) - 1
	half := func(d int64) int64 {
		if d < 0 {
			return ir.Dynamic
		}
		if d == 0 {
			return 0
		}
		return d/2 + 1
	}
	switch typ {
	case "RFFT":
		want[last] = half(x.Shape[last])
	case "IRFFT":
		if len(r.Shape) != len(x.Shape) {
			return c.errf("shape", "keep the operand's rank", "result rank %d differs from operand rank %d", len(r.Shape), len(x.Shape))
		}
		if h := half(r.Shape[last]); !dimEq(x.Shape[last], h) {
			return c.errf("shape", "IRFFT operand's last dimension must be n/2+1 of the result's", "operand last dimension %d, result last dimension %d", x.Shape[last], r.Shape[last])
		}
		want[last] = r.Shape[last]
	}
	return c.expectShape(r, want, "result")
}

func checkRng(c *ctx) *diag.Error {
	if err := c.arity(3, 1); err != nil {
		return err
	}
	if err := c.noRegions(); err != nil {
		return err
	}
	ts, err := c.operandTs()
	if err != nil {
		return err
	}
	r, err := c.resultT(0)
	if err != nil {
		return err
	}
	dist, err := c.enumAttr("rng_distribution", []string{"UNIFORM", "NORMAL"}, "", true)
	if err != nil {
		return err
	}
	a, b := ts[0], ts[1]
	if !isScalar(a) || !isScalar(b) {
		return c.errf("types", "pass rank-0 bounds", "a and b of rng must be rank 0")
	}
	if err := c.elemIn(a, cInt|cBool|cFloat, "a"); err != nil {
		return err
	}
	if err := c.sameElem(a, b, "a", "b"); err != nil {
		return err
	}
	if err := c.sameElem(a, r, "a", "result"); err != nil {
		return err
	}
	if dist == "NORMAL" && !a.Elem.DType.IsFloat() {
		return c.errf("rng_distribution", "use UNIFORM for non-float types", "NORMAL distribution needs a floating-point type, got %s", a.Elem)
	}
	shape, err := c.shapeOperand(2, len(r.Shape), "shape")
	if err != nil {
		return err
	}
	if shape != nil {
		return c.expectShape(r, shape, "result")
	}
	return nil
}

func checkRngBitGenerator(c *ctx) *diag.Error {
	if err := c.arity(1, 2); err != nil {
		return err
	}
	if err := c.noRegions(); err != nil {
		return err
	}
	st, err := c.operandT(0)
	if err != nil {
		return err
	}
	rs, err := c.resultTs()
	if err != nil {
		return err
	}
	alg, err := c.enumAttr("rng_algorithm", []string{"DEFAULT", "THREE_FRY", "PHILOX"}, "", true)
	if err != nil {
		return err
	}
	if len(st.Shape) != 1 || st.Elem.Quant != nil || st.Elem.DType != tensor.U64 {
		return c.errf("initial_state", "pass a 1-D tensor of ui64", "initial_state must be a 1-D ui64 tensor, got %s", st)
	}
	if n := st.Shape[0]; n >= 0 {
		switch {
		case alg == "THREE_FRY" && n != 2:
			return c.errf("initial_state", "THREE_FRY takes 2 state words", "THREE_FRY state has %d words", n)
		case alg == "PHILOX" && n != 2 && n != 3:
			return c.errf("initial_state", "PHILOX takes 2 or 3 state words", "PHILOX state has %d words", n)
		case n == 0:
			return c.errf("initial_state", "pass a non-empty state", "rng state is empty")
		}
	}
	if err := c.sameType(st, rs[0], "initial_state", "output_state"); err != nil {
		return err
	}
	return c.elemIn(rs[1], cInt|cFloat, "output")
}
