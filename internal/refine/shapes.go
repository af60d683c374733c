package refine

import (
	"strings"

	"github.com/hlogate/hlogate/internal/ir"
)

// elementwise ops: the result has the shape of the operands of its rank
// (select's predicate and clamp's bounds may be scalars).
var elementwise = map[string]bool{}

func init() {
	for _, n := range []string{
		"abs", "add", "and", "atan2", "cbrt", "ceil", "clamp", "compare", "complex", "convert", "cosine",
		"count_leading_zeros", "divide", "exponential", "exponential_minus_one", "floor", "imag", "is_finite",
		"log", "log_plus_one", "logistic", "maximum", "minimum", "multiply", "negate", "not", "or", "popcnt",
		"power", "real", "reduce_precision", "remainder", "round_nearest_afz", "round_nearest_even", "rsqrt",
		"select", "shift_left", "shift_right_arithmetic", "shift_right_logical", "sign", "sine", "sqrt",
		"subtract", "tan", "tanh", "xor", "map", "uniform_quantize", "uniform_dequantize",
	} {
		elementwise["stablehlo."+n] = true
	}
	for _, n := range []string{
		"acos", "acosh", "asin", "asinh", "atan", "atanh", "bessel_i1e", "conj", "cosh", "digamma", "erf",
		"erf_inv", "erfc", "is_inf", "is_neg_inf", "is_pos_inf", "lgamma", "mulhi", "next_after", "polygamma",
		"sinh", "square", "tan", "zeta",
	} {
		elementwise["chlo."+n] = true
	}
}

func shapeOf(v *ir.Value) []int64 {
	if tt := ir.Tensor(v.Type); tt != nil {
		return tt.Shape
	}
	return nil
}

func sameShape(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func attrInts(o *ir.Op, name string) ([]int64, bool) { return ir.Ints(o.Attr(name)) }

func attrIntsDefault(o *ir.Op, name string, n int, def int64) ([]int64, bool) {
	if o.Attr(name) == nil {
		v := make([]int64, n)
		for i := range v {
			v[i] = def
		}
		return v, true
	}
	v, ok := ir.Ints(o.Attr(name))
	return v, ok && len(v) == n
}

func structInts(s *ir.StructAttr, f string) []int64 {
	if s == nil {
		return nil
	}
	v, _ := ir.Ints(s.Fields.Get(f))
	return v
}

func structInt(s *ir.StructAttr, f string) (int64, bool) {
	if s == nil {
		return 0, false
	}
	return ir.Int(s.Fields.Get(f))
}

func contains(xs []int64, x int64) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// inferShapes returns the result shapes of o for refined operands ins;
// known is false when o has no shape rule here (its declared result types
// are then kept if they are static). A nil entry keeps that result's
// declared type.
func (r *refiner) inferShapes(o *ir.Op, ins []*ir.Value) (shapes [][]int64, known bool, err error) {
	one := func(s []int64) ([][]int64, bool, error) { return [][]int64{s}, true, nil }
	bad := func(format string, args ...any) ([][]int64, bool, error) {
		return nil, true, unsupportedf(o, o.Pos, format, args...)
	}
	in := make([][]int64, len(ins))
	for i, v := range ins {
		in[i] = shapeOf(v)
	}
	if elementwise[o.Name] {
		if len(o.Results) != 1 {
			return nil, false, nil
		}
		rt := ir.Tensor(o.Results[0].Type)
		if rt == nil {
			return nil, false, nil
		}
		var s []int64
		for i, v := range ins {
			if ir.Tensor(v.Type) == nil {
				return bad("operand %d is not a tensor", i)
			}
			if len(in[i]) != len(rt.Shape) {
				continue
			}
			if s == nil {
				s = in[i]
			} else if !sameShape(s, in[i]) {
				return nil, true, shapeErr(o, "operands have shapes %s and %s", fmtShape(s), fmtShape(in[i]))
			}
		}
		if s == nil {
			if len(rt.Shape) == 0 {
				return one([]int64{})
			}
			return bad("no operand has the result's rank")
		}
		return one(append([]int64(nil), s...))
	}
	if strings.HasPrefix(o.Name, "chlo.broadcast_") {
		return r.chloBroadcast(o, in)
	}
	// Operands every rule below reads; verification guarantees them, this
	// keeps a malformed op from indexing out of range.
	need := 1
	switch o.Name {
	case "stablehlo.constant", "stablehlo.iota", "stablehlo.rng_bit_generator", "stablehlo.rng",
		"stablehlo.after_all", "stablehlo.create_token", "stablehlo.custom_call":
		need = 0
	case "stablehlo.dot_general", "stablehlo.dot", "stablehlo.convolution", "stablehlo.gather", "stablehlo.triangular_solve":
		need = 2
	}
	if len(in) < need || len(o.Results) == 0 {
		return nil, false, nil
	}
	for i := range need {
		if ir.Tensor(ins[i].Type) == nil {
			return nil, false, nil
		}
	}
	switch o.Name {
	case "stablehlo.constant", "stablehlo.iota", "stablehlo.rng_bit_generator", "stablehlo.rng",
		"stablehlo.after_all", "stablehlo.create_token":
		return nil, false, nil
	case "stablehlo.bitcast_convert":
		rt := ir.Tensor(o.Results[0].Type)
		it := ir.Tensor(ins[0].Type)
		if rt == nil || it == nil {
			return nil, false, nil
		}
		a, b := it.Elem.StorageDType().Bits(), rt.Elem.StorageDType().Bits()
		s := append([]int64(nil), in[0]...)
		switch {
		case a == b:
		case a > b && b > 0:
			s = append(s, int64(a/b))
		case a < b && len(s) > 0:
			s = s[:len(s)-1]
		default:
			return bad("bitcast between %d and %d bits", a, b)
		}
		return one(s)
	case "stablehlo.broadcast_in_dim":
		dims, ok := attrInts(o, "broadcast_dimensions")
		rt := ir.Tensor(o.Results[0].Type)
		if !ok || rt == nil || len(dims) != len(in[0]) {
			return bad("malformed broadcast_dimensions")
		}
		s := append([]int64(nil), rt.Shape...)
		for i := range s {
			if s[i] >= 0 {
				continue
			}
			for j, d := range dims {
				if d == int64(i) {
					s[i] = in[0][j]
				}
			}
			if s[i] < 0 {
				return bad("result dimension %d is dynamic and not taken from the operand", i)
			}
		}
		for j, d := range dims {
			if d < 0 || d >= int64(len(s)) {
				return bad("broadcast dimension out of range")
			}
			if in[0][j] != 1 && in[0][j] != s[d] {
				return nil, true, shapeErr(o, "operand dimension %d of size %d cannot broadcast to size %d", j, in[0][j], s[d])
			}
		}
		return one(s)
	case "stablehlo.reshape":
		rt := ir.Tensor(o.Results[0].Type)
		if rt == nil {
			return bad("result is not a tensor")
		}
		total, ok := ir.ShapeElements(in[0])
		if !ok {
			return bad("operand too large")
		}
		s := append([]int64(nil), rt.Shape...)
		q, prod := -1, int64(1)
		for i, d := range s {
			if d < 0 {
				if q >= 0 {
					return bad("reshape to a type with several dynamic dimensions")
				}
				q = i
				continue
			}
			prod *= d
		}
		if q >= 0 {
			if prod == 0 || total%prod != 0 {
				return nil, true, shapeErr(o, "cannot reshape %d elements into %s", total, rt)
			}
			s[q] = total / prod
		} else if prod != total {
			return nil, true, shapeErr(o, "cannot reshape %s (%d elements) into %s", fmtShape(in[0]), total, rt)
		}
		return one(s)
	case "stablehlo.transpose":
		p, ok := attrInts(o, "permutation")
		if !ok || len(p) != len(in[0]) {
			return bad("malformed permutation")
		}
		s := make([]int64, len(p))
		for i, d := range p {
			if d < 0 || d >= int64(len(p)) {
				return bad("malformed permutation")
			}
			s[i] = in[0][d]
		}
		return one(s)
	case "stablehlo.reverse", "stablehlo.cholesky", "stablehlo.select_and_scatter",
		"stablehlo.dynamic_update_slice", "stablehlo.batch_norm_inference":
		return one(append([]int64(nil), in[0]...))
	case "stablehlo.triangular_solve":
		return one(append([]int64(nil), in[1]...))
	case "stablehlo.sort", "stablehlo.scatter":
		n := len(o.Results)
		if len(in) < n {
			return bad("fewer operands than results")
		}
		out := make([][]int64, n)
		for i := range out {
			out[i] = append([]int64(nil), in[i]...)
		}
		return out, true, nil
	case "stablehlo.batch_norm_training", "stablehlo.batch_norm_grad":
		fi, ok := ir.Int(o.Attr("feature_index"))
		if !ok || fi < 0 || fi >= int64(len(in[0])) || len(o.Results) != 3 {
			return bad("malformed batch norm")
		}
		f := []int64{in[0][fi]}
		return [][]int64{append([]int64(nil), in[0]...), f, append([]int64(nil), f...)}, true, nil
	case "stablehlo.concatenate":
		d, ok := ir.Int(o.Attr("dimension"))
		if !ok || len(in) == 0 || d < 0 || d >= int64(len(in[0])) {
			return bad("malformed concatenate")
		}
		s := append([]int64(nil), in[0]...)
		for i := 1; i < len(in); i++ {
			if len(in[i]) != len(s) {
				return bad("operands of different ranks")
			}
			for k := range s {
				if int64(k) == d {
					var ok bool
					if s[k], ok = addCheck(s[k], in[i][k]); !ok {
						return bad("size overflow")
					}
				} else if s[k] != in[i][k] {
					return nil, true, shapeErr(o, "operand %d has shape %s, operand 0 %s", i, fmtShape(in[i]), fmtShape(in[0]))
				}
			}
		}
		return one(s)
	case "stablehlo.slice":
		st, ok1 := attrInts(o, "start_indices")
		li, ok2 := attrInts(o, "limit_indices")
		sd, ok3 := attrIntsDefault(o, "strides", len(in[0]), 1)
		if !ok1 || !ok2 || !ok3 || len(st) != len(in[0]) || len(li) != len(in[0]) {
			return bad("malformed slice")
		}
		s, err := sliceShape(o, in[0], st, li, sd)
		if err != nil {
			return nil, true, err
		}
		return one(s)
	case "stablehlo.dynamic_slice":
		sz, ok := attrInts(o, "slice_sizes")
		if !ok || len(sz) != len(in[0]) {
			return bad("malformed slice_sizes")
		}
		for i, z := range sz {
			if z < 0 || z > in[0][i] {
				return nil, true, shapeErr(o, "slice size %d of dimension %d exceeds the operand's %d", z, i, in[0][i])
			}
		}
		return one(append([]int64(nil), sz...))
	case "stablehlo.pad":
		n := len(in[0])
		lo, ok1 := attrInts(o, "edge_padding_low")
		hi, ok2 := attrInts(o, "edge_padding_high")
		it, ok3 := attrIntsDefault(o, "interior_padding", n, 0)
		if !ok1 || !ok2 || !ok3 || len(lo) != n || len(hi) != n {
			return bad("malformed padding")
		}
		s, err := padShape(o, in[0], lo, hi, it)
		if err != nil {
			return nil, true, err
		}
		return one(s)
	case "stablehlo.reduce":
		n := len(o.Results)
		dims, ok := attrInts(o, "dimensions")
		if !ok || len(in) != 2*n {
			return bad("malformed reduce")
		}
		out := make([][]int64, n)
		for i := range out {
			var s []int64
			for k, d := range in[i] {
				if !contains(dims, int64(k)) {
					s = append(s, d)
				}
			}
			if s == nil {
				s = []int64{}
			}
			if i > 0 && !sameShape(in[i], in[0]) {
				return nil, true, shapeErr(o, "inputs have shapes %s and %s", fmtShape(in[0]), fmtShape(in[i]))
			}
			out[i] = s
		}
		return out, true, nil
	case "stablehlo.reduce_window":
		return r.reduceWindow(o, in)
	case "stablehlo.dot_general":
		return r.dotGeneral(o, in)
	case "stablehlo.dot":
		a, b := in[0], in[1]
		switch {
		case len(a) == 1 && len(b) == 1:
			return one([]int64{})
		case len(a) == 2 && len(b) == 1:
			return one([]int64{a[0]})
		case len(a) == 1 && len(b) == 2:
			return one([]int64{b[1]})
		case len(a) == 2 && len(b) == 2:
			return one([]int64{a[0], b[1]})
		}
		return bad("dot of ranks %d and %d", len(a), len(b))
	case "stablehlo.convolution":
		pad, err := convPadding(o.Attr("padding"), len(in[0])-2)
		if err != nil {
			return bad("%s", err.Msg)
		}
		return r.convolution(o, in, pad)
	case "stablehlo.gather":
		sz, ok := attrInts(o, "slice_sizes")
		if !ok {
			return bad("malformed slice_sizes")
		}
		return r.gather(o, in, sz)
	case "chlo.top_k":
		k, ok := ir.Int(o.Attr("k"))
		if !ok || len(in[0]) == 0 {
			return bad("malformed top_k")
		}
		if k < 0 || k > in[0][len(in[0])-1] {
			return nil, true, shapeErr(o, "k = %d does not fit the last dimension of %s", k, fmtShape(in[0]))
		}
		s := append([]int64(nil), in[0]...)
		s[len(s)-1] = k
		return [][]int64{s, append([]int64(nil), s...)}, true, nil
	case "stablehlo.fft":
		return r.fft(o, in)
	case "stablehlo.custom_call":
		t, _ := o.Props.Get("call_target_name").(ir.StringAttr)
		switch string(t) {
		case "Sharding", "SPMDFullToShardShape", "SPMDShardToFullShape":
			if len(in) == 1 && len(o.Results) == 1 {
				return one(append([]int64(nil), in[0]...))
			}
		}
		return nil, false, nil
	}
	return nil, false, nil
}

func sliceShape(o *ir.Op, x, st, li, sd []int64) ([]int64, error) {
	if len(sd) != len(x) {
		return nil, unsupportedf(o, o.Pos, "malformed strides")
	}
	s := make([]int64, len(x))
	for i := range x {
		if sd[i] <= 0 {
			return nil, shapeErr(o, "stride %d of dimension %d is not positive", sd[i], i)
		}
		if st[i] < 0 || st[i] > li[i] || li[i] > x[i] {
			return nil, shapeErr(o, "slice [%d:%d] of dimension %d does not fit its size %d", st[i], li[i], i, x[i])
		}
		s[i] = (li[i] - st[i] + sd[i] - 1) / sd[i]
	}
	return s, nil
}

func padShape(o *ir.Op, x, lo, hi, it []int64) ([]int64, error) {
	s := make([]int64, len(x))
	for i, d := range x {
		if it[i] < 0 {
			return nil, shapeErr(o, "interior padding %d is negative", it[i])
		}
		inner := int64(0)
		if d > 0 {
			var ok bool
			if inner, ok = mulCheck(d-1, it[i]); !ok {
				return nil, shapeErr(o, "padded size overflows")
			}
		}
		v, ok1 := addCheck(d, inner)
		v, ok2 := addCheck(v, lo[i])
		v, ok3 := addCheck(v, hi[i])
		if !ok1 || !ok2 || !ok3 || v < 0 {
			return nil, shapeErr(o, "padding dimension %d of size %d gives a negative or overflowing size", i, d)
		}
		s[i] = v
	}
	return s, nil
}

// windows is the number of windows along one dimension (convolution and
// reduce_window).
func windows(o *ir.Op, d, lo, hi, baseDil, k, winDil, stride int64) (int64, error) {
	if baseDil <= 0 || winDil <= 0 || stride <= 0 {
		return 0, unsupportedf(o, o.Pos, "non-positive stride or dilation")
	}
	dil := int64(0)
	if d > 0 {
		x, ok := mulCheck(d-1, baseDil)
		if !ok {
			return 0, shapeErr(o, "dilated size overflows")
		}
		dil = x + 1
	}
	p, ok1 := addCheck(lo, dil)
	p, ok2 := addCheck(p, hi)
	if !ok1 || !ok2 || p < 0 {
		return 0, shapeErr(o, "padding makes a dimension of size %d negative", d)
	}
	w := int64(0)
	if k > 0 {
		x, ok := mulCheck(k-1, winDil)
		if !ok {
			return 0, shapeErr(o, "dilated window overflows")
		}
		w = x + 1
	}
	if p == 0 || w > p {
		return 0, nil
	}
	return (p-w)/stride + 1, nil
}

func (r *refiner) reduceWindow(o *ir.Op, in [][]int64) ([][]int64, bool, error) {
	n := len(o.Results)
	if len(in) != 2*n || n == 0 {
		return nil, true, unsupportedf(o, o.Pos, "malformed reduce_window")
	}
	x := in[0]
	rank := len(x)
	wd, ok1 := attrInts(o, "window_dimensions")
	ws, ok2 := attrIntsDefault(o, "window_strides", rank, 1)
	bd, ok3 := attrIntsDefault(o, "base_dilations", rank, 1)
	wdl, ok4 := attrIntsDefault(o, "window_dilations", rank, 1)
	pad, perr := convPadding(o.Attr("padding"), rank)
	if !ok1 || !ok2 || !ok3 || !ok4 || perr != nil || len(wd) != rank {
		return nil, true, unsupportedf(o, o.Pos, "malformed window attributes")
	}
	s := make([]int64, rank)
	for i := range s {
		v, err := windows(o, x[i], pad[2*i], pad[2*i+1], bd[i], wd[i], wdl[i], ws[i])
		if err != nil {
			return nil, true, err
		}
		s[i] = v
	}
	out := make([][]int64, n)
	for i := range out {
		if !sameShape(in[i], x) {
			return nil, true, shapeErr(o, "inputs have shapes %s and %s", fmtShape(x), fmtShape(in[i]))
		}
		out[i] = append([]int64(nil), s...)
	}
	return out, true, nil
}

// convPadding reads an n x 2 padding literal (zeros when absent).
func convPadding(a ir.Attr, n int) ([]int64, *diagErr) {
	if n < 0 {
		return nil, &diagErr{"negative spatial rank"}
	}
	if a == nil {
		return make([]int64, 2*n), nil
	}
	v, ok := ir.Ints(a)
	if e, isE := a.(*ir.ElementsAttr); isE {
		v, ok = ir.ElementsInts(e)
	}
	if !ok || len(v) != 2*n {
		return nil, &diagErr{"malformed padding"}
	}
	return v, nil
}

type diagErr struct{ Msg string }

func (r *refiner) convolution(o *ir.Op, in [][]int64, pad []int64) ([][]int64, bool, error) {
	l, k := in[0], in[1]
	n := len(l)
	if len(k) != n || n < 2 {
		return nil, true, unsupportedf(o, o.Pos, "convolution of ranks %d and %d", n, len(k))
	}
	ns := n - 2
	dn, _ := o.Attr("dimension_numbers").(*ir.StructAttr)
	inB, ok1 := structInt(dn, "input_batch_dimension")
	kOut, ok2 := structInt(dn, "kernel_output_feature_dimension")
	outB, ok3 := structInt(dn, "output_batch_dimension")
	outF, ok4 := structInt(dn, "output_feature_dimension")
	inS := structInts(dn, "input_spatial_dimensions")
	kS := structInts(dn, "kernel_spatial_dimensions")
	outS := structInts(dn, "output_spatial_dimensions")
	if !ok1 || !ok2 || !ok3 || !ok4 || len(inS) != ns || len(kS) != ns || len(outS) != ns {
		return nil, true, unsupportedf(o, o.Pos, "malformed dimension_numbers")
	}
	for _, d := range append(append(append([]int64{inB, kOut, outB, outF}, inS...), kS...), outS...) {
		if d < 0 || d >= int64(n) {
			return nil, true, unsupportedf(o, o.Pos, "dimension number out of range")
		}
	}
	strides, ok5 := attrIntsDefault(o, "window_strides", ns, 1)
	lhsDil, ok6 := attrIntsDefault(o, "lhs_dilation", ns, 1)
	rhsDil, ok7 := attrIntsDefault(o, "rhs_dilation", ns, 1)
	if !ok5 || !ok6 || !ok7 {
		return nil, true, unsupportedf(o, o.Pos, "malformed window attributes")
	}
	bgc, ok := ir.Int(o.Attr("batch_group_count"))
	if !ok {
		bgc = 1
	}
	if bgc <= 0 || l[inB]%bgc != 0 {
		return nil, true, shapeErr(o, "batch size %d is not divisible by batch_group_count %d", l[inB], bgc)
	}
	s := make([]int64, n)
	s[outB] = l[inB] / bgc
	s[outF] = k[kOut]
	for i := range ns {
		w, err := windows(o, l[inS[i]], pad[2*i], pad[2*i+1], lhsDil[i], k[kS[i]], rhsDil[i], strides[i])
		if err != nil {
			return nil, true, err
		}
		s[outS[i]] = w
	}
	return [][]int64{s}, true, nil
}

func (r *refiner) dotGeneral(o *ir.Op, in [][]int64) ([][]int64, bool, error) {
	a, b := in[0], in[1]
	dn, _ := o.Attr("dot_dimension_numbers").(*ir.StructAttr)
	if dn == nil {
		return nil, true, unsupportedf(o, o.Pos, "no dot_dimension_numbers")
	}
	lb := structInts(dn, "lhs_batching_dimensions")
	rb := structInts(dn, "rhs_batching_dimensions")
	lc := structInts(dn, "lhs_contracting_dimensions")
	rc := structInts(dn, "rhs_contracting_dimensions")
	if len(lb) != len(rb) || len(lc) != len(rc) {
		return nil, true, unsupportedf(o, o.Pos, "malformed dot_dimension_numbers")
	}
	for _, d := range append(append([]int64(nil), lb...), lc...) {
		if d < 0 || d >= int64(len(a)) {
			return nil, true, unsupportedf(o, o.Pos, "dimension out of range")
		}
	}
	for _, d := range append(append([]int64(nil), rb...), rc...) {
		if d < 0 || d >= int64(len(b)) {
			return nil, true, unsupportedf(o, o.Pos, "dimension out of range")
		}
	}
	for i := range lb {
		if a[lb[i]] != b[rb[i]] {
			return nil, true, shapeErr(o, "batch dimensions have sizes %d and %d", a[lb[i]], b[rb[i]])
		}
	}
	for i := range lc {
		if a[lc[i]] != b[rc[i]] {
			return nil, true, shapeErr(o, "contracting dimensions have sizes %d and %d", a[lc[i]], b[rc[i]])
		}
	}
	s := []int64{}
	for _, d := range lb {
		s = append(s, a[d])
	}
	for i, d := range a {
		if !contains(lb, int64(i)) && !contains(lc, int64(i)) {
			s = append(s, d)
		}
	}
	for i, d := range b {
		if !contains(rb, int64(i)) && !contains(rc, int64(i)) {
			s = append(s, d)
		}
	}
	return [][]int64{s}, true, nil
}

func (r *refiner) gather(o *ir.Op, in [][]int64, sizes []int64) ([][]int64, bool, error) {
	x, idx := in[0], in[1]
	dn, _ := o.Attr("dimension_numbers").(*ir.StructAttr)
	if dn == nil {
		return nil, true, unsupportedf(o, o.Pos, "no dimension_numbers")
	}
	offset := structInts(dn, "offset_dims")
	collapsed := structInts(dn, "collapsed_slice_dims")
	obatch := structInts(dn, "operand_batching_dims")
	ivd, ok := structInt(dn, "index_vector_dim")
	if !ok {
		ivd = 0 // the attribute's default
	}
	if len(sizes) != len(x) || ivd < 0 || ivd > int64(len(idx)) {
		return nil, true, unsupportedf(o, o.Pos, "malformed gather attributes")
	}
	for i, z := range sizes {
		if z < 0 || z > x[i] {
			return nil, true, shapeErr(o, "slice size %d of dimension %d exceeds the operand's %d", z, i, x[i])
		}
	}
	var batch []int64
	for i, d := range idx {
		if int64(i) != ivd {
			batch = append(batch, d)
		}
	}
	var offs []int64
	for i, z := range sizes {
		if !contains(collapsed, int64(i)) && !contains(obatch, int64(i)) {
			offs = append(offs, z)
		}
	}
	rank := len(batch) + len(offset)
	if len(offs) != len(offset) {
		return nil, true, unsupportedf(o, o.Pos, "offset_dims does not match slice_sizes")
	}
	s := make([]int64, rank)
	bi, oi := 0, 0
	for d := range rank {
		if contains(offset, int64(d)) {
			s[d] = offs[oi]
			oi++
		} else {
			if bi >= len(batch) {
				return nil, true, unsupportedf(o, o.Pos, "malformed gather dimensions")
			}
			s[d] = batch[bi]
			bi++
		}
	}
	return [][]int64{s}, true, nil
}

func (r *refiner) fft(o *ir.Op, in [][]int64) ([][]int64, bool, error) {
	ft, _ := ir.Enum(o.Attr("fft_type"))
	fl, ok := attrInts(o, "fft_length")
	x := in[0]
	if !ok || len(fl) == 0 || len(fl) > len(x) {
		return nil, true, unsupportedf(o, o.Pos, "malformed fft_length")
	}
	s := append([]int64(nil), x...)
	last := len(s) - 1
	switch ft {
	case "FFT", "IFFT":
	case "RFFT":
		s[last] = fl[len(fl)-1]/2 + 1
	case "IRFFT":
		s[last] = fl[len(fl)-1]
	default:
		return nil, true, unsupportedf(o, o.Pos, "unknown fft_type %q", ft)
	}
	return [][]int64{s}, true, nil
}

// chloBroadcast implements numpy-style broadcasting of the chlo.broadcast_*
// ops without explicit broadcast_dimensions.
func (r *refiner) chloBroadcast(o *ir.Op, in [][]int64) ([][]int64, bool, error) {
	if o.Attr("broadcast_dimensions") != nil || len(o.Results) != 1 {
		return nil, false, nil
	}
	rank := 0
	for _, s := range in {
		rank = max(rank, len(s))
	}
	out := make([]int64, rank)
	for i := range out {
		out[i] = 1
	}
	for _, s := range in {
		off := rank - len(s)
		for k, d := range s {
			switch {
			case out[off+k] == 1:
				out[off+k] = d
			case d == 1 || d == out[off+k]:
			default:
				return nil, true, shapeErr(o, "operand shapes %s do not broadcast", fmtShape(s))
			}
		}
	}
	return [][]int64{out}, true, nil
}
