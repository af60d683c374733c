package cost

import (
	"github.com/hlogate/hlogate/internal/ir"
)

// The FLOP table. One table serves the static estimator and the run-time
// meter, so an estimate and a measurement can only differ by how often each
// op runs. Rules count one op execution and exclude its regions (the ops in
// a region are counted each time the region runs):
//
//   - elementwise arithmetic, comparison, logic, select, clamp, convert:
//     1 per output element (complex: 4);
//   - transcendentals (exp, log, tanh, logistic, sine, cosine, tan, atan2,
//     power, sqrt, rsqrt, cbrt, erf and the other chlo special functions):
//     TranscendentalCost per output element (complex: 4×);
//   - dot_general / dot: 2·K per output element, K the product of the
//     contracting dimensions (2·M·N·K for a matmul);
//   - convolution: 2·K per output element, K = kernel input features ×
//     kernel spatial window;
//   - fft: 5·n·log2(n) per transformed row of length n;
//   - triangular_solve: m·m·n for an m×m system with n right-hand sides;
//     cholesky: n³/3 per matrix;
//   - data movement (reshape, broadcast, transpose, slice, gather, pad, ...),
//     constants and control flow: 0 (their cost is bytes, counted apart).

// TranscendentalCost is the FLOP weight of one transcendental evaluation.
const TranscendentalCost = 8

var arithOps = setOf(
	"stablehlo.abs", "stablehlo.add", "stablehlo.and", "stablehlo.ceil", "stablehlo.clamp",
	"stablehlo.compare", "stablehlo.complex", "stablehlo.convert", "stablehlo.count_leading_zeros",
	"stablehlo.divide", "stablehlo.floor", "stablehlo.imag", "stablehlo.is_finite",
	"stablehlo.maximum", "stablehlo.minimum", "stablehlo.multiply", "stablehlo.negate",
	"stablehlo.not", "stablehlo.or", "stablehlo.popcnt", "stablehlo.real", "stablehlo.remainder",
	"stablehlo.round_nearest_afz", "stablehlo.round_nearest_even", "stablehlo.select",
	"stablehlo.shift_left", "stablehlo.shift_right_arithmetic", "stablehlo.shift_right_logical",
	"stablehlo.sign", "stablehlo.subtract", "stablehlo.xor", "stablehlo.reduce_precision",
	"stablehlo.uniform_quantize", "stablehlo.uniform_dequantize", "chlo.mulhi", "chlo.next_after",
	"chlo.conj", "chlo.is_inf", "chlo.is_neg_inf", "chlo.is_pos_inf", "chlo.square",
)

var transcendentalOps = setOf(
	"stablehlo.atan2", "stablehlo.cbrt", "stablehlo.cosine", "stablehlo.exponential",
	"stablehlo.exponential_minus_one", "stablehlo.log", "stablehlo.log_plus_one",
	"stablehlo.logistic", "stablehlo.power", "stablehlo.rsqrt", "stablehlo.sine",
	"stablehlo.sqrt", "stablehlo.tan", "stablehlo.tanh",
	"chlo.acos", "chlo.acosh", "chlo.asin", "chlo.asinh", "chlo.atan", "chlo.atanh",
	"chlo.cosh", "chlo.sinh", "chlo.tan", "chlo.erf", "chlo.erfc", "chlo.erf_inv",
	"chlo.lgamma", "chlo.digamma", "chlo.bessel_i1e", "chlo.polygamma", "chlo.zeta",
)

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// Shape lists the dimensions of one operand or result; nil for a
// non-tensor.
type Shape []int64

func elems(s Shape) int64 {
	n := int64(1)
	for _, d := range s {
		if d < 0 {
			return Unbounded
		}
		n = satMul(n, d)
	}
	return n
}

// OpFLOPs returns the FLOPs of one execution of op with the given operand
// and result shapes (static shapes for the estimator, actual ones for the
// meter). Unknown (dynamic) sizes give Unbounded.
func OpFLOPs(op *ir.Op, in, out []Shape) int64 {
	name := op.Name
	if len(out) == 0 {
		return 0
	}
	n := elems(out[0])
	complexFactor := int64(1)
	if len(op.Results) > 0 {
		if tt := ir.Tensor(op.Results[0].Type); tt != nil && tt.Elem.DType.IsComplex() {
			complexFactor = 4
		}
	}
	switch {
	case arithOps[name]:
		return satMul(n, complexFactor)
	case transcendentalOps[name]:
		return satMul(n, TranscendentalCost*complexFactor)
	}
	switch name {
	case "stablehlo.dot_general", "stablehlo.dot", "chlo.ragged_dot":
		return satMul(satMul(2, n), contractSize(op, in))
	case "stablehlo.convolution", "stablehlo.dynamic_conv":
		return satMul(satMul(2, n), convWindow(op, in))
	case "stablehlo.fft":
		return fftFLOPs(op, in)
	case "stablehlo.triangular_solve":
		if len(in) == 2 && len(in[0]) >= 2 {
			m := in[0][len(in[0])-1]
			return satMul(satMul(elems(in[1]), m), 1)
		}
	case "stablehlo.custom_call":
		target, _ := op.Attr("call_target_name").(ir.StringAttr)
		shapes := make([][]int64, len(in))
		for i, s := range in {
			shapes[i] = s
		}
		if f := LapackFLOPs(string(target), shapes); f >= 0 {
			return f
		}
		return 0
	case "stablehlo.cholesky":
		if len(in) == 1 && len(in[0]) >= 2 {
			m := in[0][len(in[0])-1]
			return satMul(elems(in[0]), max(m/3, 1))
		}
	}
	return 0
}

// contractSize is the product of the lhs contracting dimensions.
func contractSize(op *ir.Op, in []Shape) int64 {
	if len(in) < 1 {
		return 0
	}
	lhs := in[0]
	var dims []int64
	if op.Name == "stablehlo.dot_general" {
		dn, _ := op.Attr("dot_dimension_numbers").(*ir.StructAttr)
		if dn != nil {
			dims, _ = ir.Ints(dn.Fields.Get("lhs_contracting_dimensions"))
		}
	} else if op.Name == "chlo.ragged_dot" {
		dn, _ := op.Attr("ragged_dot_dimension_numbers").(*ir.StructAttr)
		if dn != nil {
			dims, _ = ir.Ints(dn.Fields.Get("lhs_contracting_dimensions"))
		}
	} else if len(lhs) > 0 { // dot: contract the last lhs dimension
		dims = []int64{int64(len(lhs) - 1)}
	}
	k := int64(1)
	for _, d := range dims {
		if d < 0 || d >= int64(len(lhs)) {
			return Unbounded
		}
		if lhs[d] < 0 {
			return Unbounded
		}
		k = satMul(k, lhs[d])
	}
	return k
}

// convWindow is kernel input features × kernel spatial window size.
func convWindow(op *ir.Op, in []Shape) int64 {
	if len(in) < 2 {
		return 0
	}
	kernel := in[1]
	dn, _ := op.Attr("dimension_numbers").(*ir.StructAttr)
	if dn == nil {
		return elems(kernel)
	}
	outF, ok := ir.Int(dn.Fields.Get("kernel_output_feature_dimension"))
	if !ok || outF < 0 || outF >= int64(len(kernel)) || kernel[outF] <= 0 {
		return elems(kernel)
	}
	return elems(kernel) / kernel[outF]
}

func fftFLOPs(op *ir.Op, in []Shape) int64 {
	lens, _ := ir.Ints(op.Attr("fft_length"))
	if len(in) != 1 {
		return 0
	}
	total := elems(in[0])
	if total == Unbounded {
		return Unbounded
	}
	n := int64(1)
	for _, l := range lens {
		n = satMul(n, max(l, 1))
	}
	log2 := int64(1)
	for v := n; v > 1; v >>= 1 {
		log2++
	}
	return satMul(satMul(5, max(total, n)), log2)
}

// ShapesOf returns the static shapes of values (nil for non-tensors).
func ShapesOf(vs []*ir.Value) []Shape {
	out := make([]Shape, len(vs))
	for i, v := range vs {
		if tt := ir.Tensor(v.Type); tt != nil {
			out[i] = Shape(tt.Shape)
		}
	}
	return out
}

// Bytes returns the storage bytes of a value's type (tuples summed; tokens
// 0); Unbounded for dynamic shapes.
func Bytes(t ir.Type) int64 {
	switch t := t.(type) {
	case *ir.TensorType:
		return satMul(elems(t.Shape), int64(t.Elem.StorageDType().Size()))
	case *ir.TupleType:
		var n int64
		for _, e := range t.Elems {
			n = satAdd(n, Bytes(e))
		}
		return n
	}
	return 0
}
