package verify_test

import (
	"fmt"
	"testing"
)

const (
	f2   = "tensor<2xf32>"
	f3   = "tensor<3xf32>"
	f23  = "tensor<2x3xf32>"
	f32s = "tensor<f32>"
	d2   = "tensor<2xf64>"
	i2   = "tensor<2xi32>"
	i32s = "tensor<i32>"
	i64s = "tensor<i64>"
	b2   = "tensor<2xi1>"
	bs   = "tensor<i1>"
	c2   = "tensor<2xcomplex<f32>>"
	u2   = "tensor<2xui32>"
	tok  = "!stablehlo.token"
	q2   = "tensor<2x!quant.uniform<i8:f32, 0.5:1>>"
	q2b  = "tensor<2x!quant.uniform<i8:f32, 0.25:3>>"
	q2s  = "tensor<2x!quant.uniform<i16:f32, 0.5:1>>"
)

const cmpLT = `{comparison_direction = #stablehlo<comparison_direction LT>}`

// elementwiseCases covers unary and binary element-wise ops.
func elementwiseCases() []negCase {
	var cs []negCase
	add := func(name, src, rule string) { cs = append(cs, negCase{name: name, src: src, rule: rule}) }
	floatUnary := []string{"cbrt", "cosine", "sine", "tan", "tanh", "exponential", "exponential_minus_one",
		"log", "log_plus_one", "logistic", "rsqrt", "sqrt"}
	for _, op := range floatUnary {
		add(op+"/int_operand", g1("stablehlo."+op, []string{i2}, i2, ""), "verify."+op+".element_type")
		add(op+"/result_elem", g1("stablehlo."+op, []string{f2}, d2, ""), "verify."+op+".types")
		add(op+"/result_shape", g1("stablehlo."+op, []string{f2}, f3, ""), "verify."+op+".shape")
	}
	for _, op := range []string{"ceil", "floor", "round_nearest_afz", "round_nearest_even"} {
		add(op+"/complex", g1("stablehlo."+op, []string{c2}, c2, ""), "verify."+op+".element_type")
		add(op+"/int", g1("stablehlo."+op, []string{i2}, i2, ""), "verify."+op+".element_type")
	}
	add("negate/bool", g1("stablehlo.negate", []string{b2}, b2, ""), "verify.negate.element_type")
	add("negate/quant_per_axis", g1("stablehlo.negate", []string{"tensor<2x!quant.uniform<i8:f32:0, {0.5, 0.25}>>"}, "tensor<2x!quant.uniform<i8:f32:0, {0.5, 0.25}>>", ""), "verify.negate.element_type")
	add("sign/unsigned", g1("stablehlo.sign", []string{u2}, u2, ""), "verify.sign.element_type")
	add("abs/unsigned", g1("stablehlo.abs", []string{u2}, u2, ""), "verify.abs.element_type")
	add("abs/complex_result_complex", g1("stablehlo.abs", []string{c2}, c2, ""), "verify.abs.types")
	add("abs/shape", g1("stablehlo.abs", []string{f2}, f3, ""), "verify.abs.shape")
	add("not/float", g1("stablehlo.not", []string{f2}, f2, ""), "verify.not.element_type")
	add("not/result_width", g1("stablehlo.not", []string{i2}, "tensor<2xi64>", ""), "verify.not.types")
	add("popcnt/float", g1("stablehlo.popcnt", []string{f2}, f2, ""), "verify.popcnt.element_type")
	add("popcnt/bool", g1("stablehlo.popcnt", []string{b2}, b2, ""), "verify.popcnt.element_type")
	add("count_leading_zeros/bool", g1("stablehlo.count_leading_zeros", []string{b2}, b2, ""), "verify.count_leading_zeros.element_type")
	add("real/int", g1("stablehlo.real", []string{i2}, i2, ""), "verify.real.element_type")
	add("real/complex_result", g1("stablehlo.real", []string{c2}, c2, ""), "verify.real.types")
	add("imag/wrong_width", g1("stablehlo.imag", []string{c2}, d2, ""), "verify.imag.types")
	add("imag/shape", g1("stablehlo.imag", []string{c2}, f3, ""), "verify.imag.shape")
	add("is_finite/int", g1("stablehlo.is_finite", []string{i2}, b2, ""), "verify.is_finite.element_type")
	add("is_finite/float_result", g1("stablehlo.is_finite", []string{f2}, f2, ""), "verify.is_finite.types")
	add("convert/quant_operand", g1("stablehlo.convert", []string{q2}, f2, ""), "verify.convert.element_type")
	add("convert/shape", g1("stablehlo.convert", []string{f2}, "tensor<3xi32>", ""), "verify.convert.shape")
	add("bitcast_convert/complex_to_real", g1("stablehlo.bitcast_convert", []string{c2}, "tensor<2xf64>", ""), "verify.bitcast_convert.types")
	add("bitcast_convert/narrow_shape", g1("stablehlo.bitcast_convert", []string{f2}, "tensor<2xi16>", ""), "verify.bitcast_convert.shape")
	add("bitcast_convert/wide_shape", g1("stablehlo.bitcast_convert", []string{"tensor<3xi8>"}, i32s, ""), "verify.bitcast_convert.shape")
	add("bitcast_convert/same_width_shape", g1("stablehlo.bitcast_convert", []string{f2}, "tensor<3xi32>", ""), "verify.bitcast_convert.shape")
	add("reduce_precision/exponent_zero", g1("stablehlo.reduce_precision", []string{f2}, f2, " {exponent_bits = 0 : i32, mantissa_bits = 2 : i32}"), "verify.reduce_precision.exponent_bits")
	add("reduce_precision/mantissa_negative", g1("stablehlo.reduce_precision", []string{f2}, f2, " {exponent_bits = 5 : i32, mantissa_bits = -1 : i32}"), "verify.reduce_precision.mantissa_bits")
	add("reduce_precision/missing", g1("stablehlo.reduce_precision", []string{f2}, f2, " {mantissa_bits = 2 : i32}"), "verify.reduce_precision.attr")
	add("reduce_precision/int", g1("stablehlo.reduce_precision", []string{i2}, i2, " {exponent_bits = 5 : i32, mantissa_bits = 2 : i32}"), "verify.reduce_precision.element_type")
	add("reduce_precision/string_attr", g1("stablehlo.reduce_precision", []string{f2}, f2, ` {exponent_bits = "5", mantissa_bits = 2 : i32}`), "verify.reduce_precision.attr")
	add("sqrt/two_operands", g1("stablehlo.sqrt", []string{f2, f2}, f2, ""), "verify.sqrt.arity")
	add("sqrt/no_result", gop("stablehlo.sqrt", []string{f2}, nil, ""), "verify.sqrt.arity")
	add("sqrt/token_operand", g1("stablehlo.sqrt", []string{tok}, f2, ""), "verify.sqrt.types")
	add("sqrt/region", g1("stablehlo.sqrt", []string{f32s}, f32s, regions(adder(f32s))), "verify.sqrt.region")

	// binary
	add("add/elem_mismatch", g1("stablehlo.add", []string{f2, d2}, f2, ""), "verify.add.types")
	add("add/shape_mismatch", g1("stablehlo.add", []string{f2, f3}, f2, ""), "verify.add.shape")
	add("add/result_elem", g1("stablehlo.add", []string{f2, f2}, d2, ""), "verify.add.types")
	add("add/result_shape", g1("stablehlo.add", []string{f2, f2}, f3, ""), "verify.add.shape")
	add("add/quant_mix", g1("stablehlo.add", []string{q2, f2}, q2, ""), "verify.add.types")
	add("add/quant_storage", g1("stablehlo.add", []string{q2, q2s}, q2, ""), "verify.add.types")
	add("add/quant_axis", g1("stablehlo.add", []string{"tensor<2x!quant.uniform<i8:f32:0, {0.5, 0.25}>>", q2}, q2, ""), "verify.add.quant")
	add("add/one_operand", g1("stablehlo.add", []string{f2}, f2, ""), "verify.add.arity")
	add("subtract/bool", g1("stablehlo.subtract", []string{b2, b2}, b2, ""), "verify.subtract.element_type")
	add("subtract/shape", g1("stablehlo.subtract", []string{f2, f2}, f23, ""), "verify.subtract.shape")
	add("divide/bool", g1("stablehlo.divide", []string{b2, b2}, b2, ""), "verify.divide.element_type")
	add("divide/elem", g1("stablehlo.divide", []string{i2, "tensor<2xui32>"}, i2, ""), "verify.divide.types")
	add("remainder/bool", g1("stablehlo.remainder", []string{b2, b2}, b2, ""), "verify.remainder.element_type")
	add("power/bool", g1("stablehlo.power", []string{b2, b2}, b2, ""), "verify.power.element_type")
	add("atan2/int", g1("stablehlo.atan2", []string{i2, i2}, i2, ""), "verify.atan2.element_type")
	add("maximum/per_axis", g1("stablehlo.maximum", ts("tensor<2x!quant.uniform<i8:f32:0, {0.5, 0.25}>>", 2), "tensor<2x!quant.uniform<i8:f32:0, {0.5, 0.25}>>", ""), "verify.maximum.element_type")
	add("minimum/result", g1("stablehlo.minimum", []string{f2, f2}, i2, ""), "verify.minimum.types")
	add("multiply/quant_storage", g1("stablehlo.multiply", []string{q2, q2s}, q2, ""), "verify.multiply.types")
	for _, op := range []string{"and", "or", "xor"} {
		add(op+"/float", g1("stablehlo."+op, []string{f2, f2}, f2, ""), "verify."+op+".element_type")
		add(op+"/width", g1("stablehlo."+op, []string{i2, "tensor<2xi64>"}, i2, ""), "verify."+op+".types")
		add(op+"/shape", g1("stablehlo."+op, []string{i2, i2}, "tensor<3xi32>", ""), "verify."+op+".shape")
	}
	for _, op := range []string{"shift_left", "shift_right_arithmetic", "shift_right_logical"} {
		add(op+"/float", g1("stablehlo."+op, []string{f2, f2}, f2, ""), "verify."+op+".element_type")
		add(op+"/bool", g1("stablehlo."+op, []string{b2, b2}, b2, ""), "verify."+op+".element_type")
		add(op+"/signedness", g1("stablehlo."+op, []string{i2, u2}, i2, ""), "verify."+op+".types")
	}
	add("complex/f16", g1("stablehlo.complex", ts("tensor<2xf16>", 2), c2, ""), "verify.complex.element_type")
	add("complex/result_width", g1("stablehlo.complex", []string{f2, f2}, "tensor<2xcomplex<f64>>", ""), "verify.complex.types")
	add("complex/part_mismatch", g1("stablehlo.complex", []string{f2, d2}, c2, ""), "verify.complex.types")
	add("complex/shape", g1("stablehlo.complex", []string{f2, f2}, "tensor<3xcomplex<f32>>", ""), "verify.complex.shape")
	add("compare/no_direction", g1("stablehlo.compare", []string{f2, f2}, b2, ""), "verify.compare.attr")
	add("compare/bad_direction", g1("stablehlo.compare", []string{f2, f2}, b2, ` {comparison_direction = #stablehlo<comparison_direction XX>}`), "verify.compare.comparison_direction")
	add("compare/signed_on_float", g1("stablehlo.compare", []string{f2, f2}, b2, ` {comparison_direction = #stablehlo<comparison_direction LT>, compare_type = #stablehlo<comparison_type SIGNED>}`), "verify.compare.compare_type")
	add("compare/float_on_int", g1("stablehlo.compare", []string{i2, i2}, b2, ` {comparison_direction = #stablehlo<comparison_direction LT>, compare_type = #stablehlo<comparison_type FLOAT>}`), "verify.compare.compare_type")
	add("compare/signed_on_unsigned", g1("stablehlo.compare", []string{u2, u2}, b2, ` {comparison_direction = #stablehlo<comparison_direction LT>, compare_type = #stablehlo<comparison_type SIGNED>}`), "verify.compare.compare_type")
	add("compare/totalorder_on_complex", g1("stablehlo.compare", []string{c2, c2}, b2, ` {comparison_direction = #stablehlo<comparison_direction EQ>, compare_type = #stablehlo<comparison_type TOTALORDER>}`), "verify.compare.compare_type")
	add("compare/bogus_type", g1("stablehlo.compare", []string{f2, f2}, b2, ` {comparison_direction = #stablehlo<comparison_direction LT>, compare_type = #stablehlo<comparison_type BOGUS>}`), "verify.compare.compare_type")
	add("compare/float_result", g1("stablehlo.compare", []string{f2, f2}, f2, cmpLT), "verify.compare.types")
	add("compare/operand_elem", g1("stablehlo.compare", []string{f2, d2}, b2, cmpLT), "verify.compare.types")
	add("compare/result_shape", g1("stablehlo.compare", []string{f2, f2}, "tensor<3xi1>", cmpLT), "verify.compare.shape")
	add("compare/direction_int", g1("stablehlo.compare", []string{f2, f2}, b2, ` {comparison_direction = 3 : i64}`), "verify.compare.attr")
	add("select/pred_int", g1("stablehlo.select", []string{i2, f2, f2}, f2, ""), "verify.select.element_type")
	add("select/pred_shape", g1("stablehlo.select", []string{"tensor<3xi1>", f2, f2}, f2, ""), "verify.select.shape")
	add("select/branch_types", g1("stablehlo.select", []string{b2, f2, d2}, f2, ""), "verify.select.types")
	add("select/result", g1("stablehlo.select", []string{b2, f2, f2}, d2, ""), "verify.select.types")
	add("clamp/min_shape", g1("stablehlo.clamp", []string{f3, f2, f2}, f2, ""), "verify.clamp.shape")
	add("clamp/max_elem", g1("stablehlo.clamp", []string{f32s, f2, "tensor<f64>"}, f2, ""), "verify.clamp.types")
	add("clamp/result", g1("stablehlo.clamp", []string{f32s, f2, f32s}, f3, ""), "verify.clamp.shape")
	return cs
}

func shapeCases() []negCase {
	var cs []negCase
	add := func(name, src, rule string) { cs = append(cs, negCase{name: name, src: src, rule: rule}) }
	bid := func(dims, in, out string) string {
		return g1("stablehlo.broadcast_in_dim", []string{in}, out, " {broadcast_dimensions = array<i64"+dims+">}")
	}
	add("broadcast_in_dim/too_few_dims", bid("", f3, f23), "verify.broadcast_in_dim.dims")
	add("broadcast_in_dim/out_of_range", bid(": 2", f3, f23), "verify.broadcast_in_dim.dims")
	add("broadcast_in_dim/negative", bid(": -1", f3, f23), "verify.broadcast_in_dim.dims")
	add("broadcast_in_dim/duplicate", bid(": 0, 0", "tensor<1x1xf32>", f23), "verify.broadcast_in_dim.dims")
	add("broadcast_in_dim/size_mismatch", bid(": 0", f3, f23), "verify.broadcast_in_dim.shape")
	add("broadcast_in_dim/elem", bid(": 1", f3, "tensor<2x3xf64>"), "verify.broadcast_in_dim.types")
	add("broadcast_in_dim/missing", g1("stablehlo.broadcast_in_dim", []string{f3}, f23, ""), "verify.broadcast_in_dim.attr")
	add("broadcast_in_dim/float_dims", g1("stablehlo.broadcast_in_dim", []string{f3}, f23, " {broadcast_dimensions = array<f32: 1.0>}"), "verify.broadcast_in_dim.attr")
	add("broadcast/negative_size", g1("stablehlo.broadcast", []string{f3}, f23, " {broadcast_sizes = array<i64: -2>}"), "verify.broadcast.dims")
	add("broadcast/shape", g1("stablehlo.broadcast", []string{f3}, "tensor<3x3xf32>", " {broadcast_sizes = array<i64: 2>}"), "verify.broadcast.shape")
	add("dynamic_broadcast_in_dim/output_dims_size", g1("stablehlo.dynamic_broadcast_in_dim", []string{f3, "tensor<3xi64>"}, f23, " {broadcast_dimensions = array<i64: 1>}"), "verify.dynamic_broadcast_in_dim.shape")
	add("dynamic_broadcast_in_dim/output_dims_float", g1("stablehlo.dynamic_broadcast_in_dim", []string{f3, "tensor<2xf32>"}, f23, " {broadcast_dimensions = array<i64: 1>}"), "verify.dynamic_broadcast_in_dim.types")
	add("dynamic_broadcast_in_dim/expanding_range", g1("stablehlo.dynamic_broadcast_in_dim", []string{f3, "tensor<2xi64>"}, f23, " {broadcast_dimensions = array<i64: 1>, known_expanding_dimensions = array<i64: 1>}"), "verify.dynamic_broadcast_in_dim.dims")
	add("dynamic_broadcast_in_dim/expanding_overlap", g1("stablehlo.dynamic_broadcast_in_dim", []string{f3, "tensor<2xi64>"}, f23, " {broadcast_dimensions = array<i64: 1>, known_expanding_dimensions = array<i64: 0>, known_nonexpanding_dimensions = array<i64: 0>}"), "verify.dynamic_broadcast_in_dim.dims")
	add("dynamic_broadcast_in_dim/const_shape", `func.func @main(%a: tensor<3xf32>) -> tensor<2x3xf32> {
  %s = stablehlo.constant dense<[4, 3]> : tensor<2xi64>
  %r = stablehlo.dynamic_broadcast_in_dim %a, %s, dims = [1] : (tensor<3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  func.return %r : tensor<2x3xf32>
}`, "verify.dynamic_broadcast_in_dim.shape")
	add("reshape/count", g1("stablehlo.reshape", []string{f23}, "tensor<7xf32>", ""), "verify.reshape.shape")
	add("reshape/elem", g1("stablehlo.reshape", []string{f23}, "tensor<6xi32>", ""), "verify.reshape.types")
	add("dynamic_reshape/shape_len", g1("stablehlo.dynamic_reshape", []string{f23, "tensor<3xi64>"}, "tensor<?x?xf32>", ""), "verify.dynamic_reshape.shape")
	add("dynamic_reshape/shape_float", g1("stablehlo.dynamic_reshape", []string{f23, "tensor<2xf32>"}, "tensor<?x?xf32>", ""), "verify.dynamic_reshape.types")
	add("dynamic_reshape/count", g1("stablehlo.dynamic_reshape", []string{f23, "tensor<1xi64>"}, "tensor<5xf32>", ""), "verify.dynamic_reshape.shape")
	tr := func(perm, out string) string {
		return g1("stablehlo.transpose", []string{"tensor<2x3x4xf32>"}, out, " {permutation = array<i64"+perm+">}")
	}
	add("transpose/short", tr(": 1, 0", "tensor<3x2x4xf32>"), "verify.transpose.permutation")
	add("transpose/duplicate", tr(": 1, 1, 0", "tensor<3x3x2xf32>"), "verify.transpose.permutation")
	add("transpose/out_of_range", tr(": 1, 3, 0", "tensor<3x2x2xf32>"), "verify.transpose.permutation")
	add("transpose/shape", tr(": 1, 0, 2", "tensor<2x3x4xf32>"), "verify.transpose.shape")
	add("transpose/elem", tr(": 1, 0, 2", "tensor<3x2x4xf16>"), "verify.transpose.types")
	add("transpose/missing", g1("stablehlo.transpose", []string{f23}, "tensor<3x2xf32>", ""), "verify.transpose.attr")
	add("reverse/duplicate", g1("stablehlo.reverse", []string{f23}, f23, " {dimensions = array<i64: 0, 0>}"), "verify.reverse.dims")
	add("reverse/out_of_range", g1("stablehlo.reverse", []string{f23}, f23, " {dimensions = array<i64: 2>}"), "verify.reverse.dims")
	add("reverse/type", g1("stablehlo.reverse", []string{f23}, "tensor<3x2xf32>", " {dimensions = array<i64: 0>}"), "verify.reverse.shape")
	sl := func(start, limit, strides, out string) string {
		return g1("stablehlo.slice", []string{f23}, out, fmt.Sprintf(" {start_indices = array<i64: %s>, limit_indices = array<i64: %s>, strides = array<i64: %s>}", start, limit, strides))
	}
	add("slice/lengths", sl("0", "2", "1", f23), "verify.slice.indices")
	add("slice/start_after_limit", sl("1, 2", "0, 3", "1, 1", "tensor<0x1xf32>"), "verify.slice.indices")
	add("slice/limit_beyond", sl("0, 0", "2, 4", "1, 1", "tensor<2x4xf32>"), "verify.slice.indices")
	add("slice/negative_start", sl("-1, 0", "2, 3", "1, 1", "tensor<3x3xf32>"), "verify.slice.indices")
	add("slice/zero_stride", sl("0, 0", "2, 3", "1, 0", f23), "verify.slice.strides")
	add("slice/shape", sl("0, 0", "2, 3", "1, 2", f23), "verify.slice.shape")
	add("slice/elem", sl("0, 0", "2, 3", "1, 1", "tensor<2x3xi32>"), "verify.slice.types")
	add("slice/missing_strides", g1("stablehlo.slice", []string{f23}, f23, " {start_indices = array<i64: 0, 0>, limit_indices = array<i64: 2, 3>}"), "verify.slice.attr")
	ds := func(ins []string, sizes, out string) string {
		return g1("stablehlo.dynamic_slice", ins, out, " {slice_sizes = array<i64: "+sizes+">}")
	}
	add("dynamic_slice/index_count", ds([]string{f23, i32s}, "1, 2", "tensor<1x2xf32>"), "verify.dynamic_slice.indices")
	add("dynamic_slice/size_too_big", ds([]string{f23, i32s, i32s}, "1, 4", "tensor<1x4xf32>"), "verify.dynamic_slice.slice_sizes")
	add("dynamic_slice/negative_size", ds([]string{f23, i32s, i32s}, "-1, 2", "tensor<1x2xf32>"), "verify.dynamic_slice.slice_sizes")
	add("dynamic_slice/float_index", ds([]string{f23, f32s, f32s}, "1, 2", "tensor<1x2xf32>"), "verify.dynamic_slice.types")
	add("dynamic_slice/mixed_index", ds([]string{f23, i32s, i64s}, "1, 2", "tensor<1x2xf32>"), "verify.dynamic_slice.types")
	add("dynamic_slice/vector_index", ds([]string{f23, i2, i32s}, "1, 2", "tensor<1x2xf32>"), "verify.dynamic_slice.types")
	add("dynamic_slice/shape", ds([]string{f23, i32s, i32s}, "1, 2", "tensor<2x2xf32>"), "verify.dynamic_slice.shape")
	add("dynamic_update_slice/too_big", g1("stablehlo.dynamic_update_slice", []string{f23, "tensor<3x3xf32>", i32s, i32s}, f23, ""), "verify.dynamic_update_slice.shape")
	add("dynamic_update_slice/rank", g1("stablehlo.dynamic_update_slice", []string{f23, f3, i32s, i32s}, f23, ""), "verify.dynamic_update_slice.shape")
	add("dynamic_update_slice/elem", g1("stablehlo.dynamic_update_slice", []string{f23, "tensor<1x3xf16>", i32s, i32s}, f23, ""), "verify.dynamic_update_slice.types")
	add("dynamic_update_slice/index_count", g1("stablehlo.dynamic_update_slice", []string{f23, "tensor<1x3xf32>", i32s}, f23, ""), "verify.dynamic_update_slice.indices")
	add("dynamic_update_slice/result", g1("stablehlo.dynamic_update_slice", []string{f23, "tensor<1x3xf32>", i32s, i32s}, "tensor<2x3xf16>", ""), "verify.dynamic_update_slice.types")
	add("real_dynamic_slice/const_bounds", `func.func @main(%a: tensor<4xf32>) -> tensor<?xf32> {
  %s = stablehlo.constant dense<3> : tensor<1xi64>
  %l = stablehlo.constant dense<1> : tensor<1xi64>
  %st = stablehlo.constant dense<1> : tensor<1xi64>
  %r = stablehlo.real_dynamic_slice %a, %s, %l, %st : (tensor<4xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?xf32>
  func.return %r : tensor<?xf32>
}`, "verify.real_dynamic_slice.indices")
	add("real_dynamic_slice/zero_stride", `func.func @main(%a: tensor<4xf32>) -> tensor<?xf32> {
  %s = stablehlo.constant dense<0> : tensor<1xi64>
  %l = stablehlo.constant dense<2> : tensor<1xi64>
  %st = stablehlo.constant dense<0> : tensor<1xi64>
  %r = stablehlo.real_dynamic_slice %a, %s, %l, %st : (tensor<4xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?xf32>
  func.return %r : tensor<?xf32>
}`, "verify.real_dynamic_slice.strides")
	add("real_dynamic_slice/rank", g1("stablehlo.real_dynamic_slice", []string{f23, i2, i2, i2}, "tensor<?xf32>", ""), "verify.real_dynamic_slice.shape")
	add("real_dynamic_slice/mixed", g1("stablehlo.real_dynamic_slice", []string{f23, i2, "tensor<2xi64>", i2}, "tensor<?x?xf32>", ""), "verify.real_dynamic_slice.types")
	cc := func(ins []string, dim int, out string) string {
		return g1("stablehlo.concatenate", ins, out, fmt.Sprintf(" {dimension = %d : i64}", dim))
	}
	add("concatenate/dim_range", cc([]string{f23, f23}, 2, "tensor<4x3xf32>"), "verify.concatenate.dimension")
	add("concatenate/dim_negative", cc([]string{f23, f23}, -1, "tensor<4x3xf32>"), "verify.concatenate.dimension")
	add("concatenate/elem", cc([]string{f23, "tensor<2x3xf64>"}, 0, "tensor<4x3xf32>"), "verify.concatenate.types")
	add("concatenate/other_dim", cc([]string{f23, "tensor<2x4xf32>"}, 0, "tensor<4x3xf32>"), "verify.concatenate.shape")
	add("concatenate/rank", cc([]string{f23, f3}, 0, "tensor<4x3xf32>"), "verify.concatenate.shape")
	add("concatenate/result", cc([]string{f23, f23}, 0, "tensor<5x3xf32>"), "verify.concatenate.shape")
	add("concatenate/no_inputs", g1("stablehlo.concatenate", nil, f23, " {dimension = 0 : i64}"), "verify.concatenate.arity")
	add("concatenate/missing_dim", g1("stablehlo.concatenate", []string{f23}, f23, ""), "verify.concatenate.attr")
	pad := func(lo, hi, in, out string) string {
		return g1("stablehlo.pad", []string{f23, f32s}, out, fmt.Sprintf(" {edge_padding_low = array<i64: %s>, edge_padding_high = array<i64: %s>, interior_padding = array<i64: %s>}", lo, hi, in))
	}
	add("pad/lengths", pad("0", "0, 0", "0, 0", f23), "verify.pad.padding")
	add("pad/negative_interior", pad("0, 0", "0, 0", "0, -1", f23), "verify.pad.padding")
	add("pad/negative_result", pad("-3, 0", "0, 0", "0, 0", "tensor<0x3xf32>"), "verify.pad.padding")
	add("pad/shape", pad("1, 0", "0, 2", "0, 1", "tensor<3x5xf32>"), "verify.pad.shape")
	add("pad/value_elem", g1("stablehlo.pad", []string{f23, "tensor<f64>"}, f23, " {edge_padding_low = array<i64: 0, 0>, edge_padding_high = array<i64: 0, 0>, interior_padding = array<i64: 0, 0>}"), "verify.pad.types")
	add("pad/value_rank", g1("stablehlo.pad", []string{f23, "tensor<1xf32>"}, f23, " {edge_padding_low = array<i64: 0, 0>, edge_padding_high = array<i64: 0, 0>, interior_padding = array<i64: 0, 0>}"), "verify.pad.types")
	add("pad/overflow", pad("0, 0", "0, 0", "0, 9223372036854775807", "tensor<2x3xf32>"), "verify.pad.padding")
	add("dynamic_pad/rank", g1("stablehlo.dynamic_pad", []string{f23, f32s, i2, i2, "tensor<3xi32>"}, "tensor<?x?xf32>", ""), "verify.dynamic_pad.shape")
	add("dynamic_pad/result_rank", g1("stablehlo.dynamic_pad", []string{f23, f32s, i2, i2, i2}, "tensor<?xf32>", ""), "verify.dynamic_pad.shape")
	add("iota/dim_range", g1("stablehlo.iota", nil, f23, " {iota_dimension = 2 : i64}"), "verify.iota.iota_dimension")
	add("iota/scalar", g1("stablehlo.iota", nil, f32s, " {iota_dimension = 0 : i64}"), "verify.iota.iota_dimension")
	add("iota/bool", g1("stablehlo.iota", nil, b2, " {iota_dimension = 0 : i64}"), "verify.iota.element_type")
	add("iota/missing", g1("stablehlo.iota", nil, f23, ""), "verify.iota.attr")
	add("dynamic_iota/shape_len", g1("stablehlo.dynamic_iota", []string{"tensor<3xi64>"}, "tensor<?x?xf32>", " {iota_dimension = 0 : i64}"), "verify.dynamic_iota.shape")
	add("dynamic_iota/const", `func.func @main() -> tensor<2x3xf32> {
  %s = stablehlo.constant dense<[2, 4]> : tensor<2xi64>
  %r = stablehlo.dynamic_iota %s, dim = 0 : (tensor<2xi64>) -> tensor<2x3xf32>
  func.return %r : tensor<2x3xf32>
}`, "verify.dynamic_iota.shape")
	add("dynamic_iota/dim", g1("stablehlo.dynamic_iota", []string{"tensor<2xi64>"}, "tensor<?x?xf32>", " {iota_dimension = 5 : i64}"), "verify.dynamic_iota.iota_dimension")
	pa := "tensor<2x3x!quant.uniform<i8:f32:1, {0.5, 0.5, 0.5}>>"
	add("slice/per_axis", g1("stablehlo.slice", []string{pa}, pa, " {start_indices = array<i64: 0, 0>, limit_indices = array<i64: 2, 3>, strides = array<i64: 1, 1>}"), "verify.slice.element_type")
	add("reverse/per_axis", g1("stablehlo.reverse", []string{pa}, pa, " {dimensions = array<i64: 0>}"), "verify.reverse.element_type")
	add("concatenate/per_axis", g1("stablehlo.concatenate", []string{pa, pa}, "tensor<4x3x!quant.uniform<i8:f32:1, {0.5, 0.5, 0.5}>>", " {dimension = 0 : i64}"), "verify.concatenate.element_type")
	add("dynamic_slice/per_axis", g1("stablehlo.dynamic_slice", []string{pa, i32s, i32s}, "tensor<1x3x!quant.uniform<i8:f32:1, {0.5, 0.5, 0.5}>>", " {slice_sizes = array<i64: 1, 3>}"), "verify.dynamic_slice.element_type")
	add("dynamic_update_slice/per_axis", g1("stablehlo.dynamic_update_slice", []string{pa, pa, i32s, i32s}, pa, ""), "verify.dynamic_update_slice.element_type")
	add("pad/per_axis", g1("stablehlo.pad", []string{pa, "tensor<!quant.uniform<i8:f32, 0.5>>"}, pa, " {edge_padding_low = array<i64: 0, 0>, edge_padding_high = array<i64: 0, 0>, interior_padding = array<i64: 0, 0>}"), "verify.pad.element_type")
	add("dynamic_pad/per_axis", g1("stablehlo.dynamic_pad", []string{pa, "tensor<!quant.uniform<i8:f32, 0.5>>", i2, i2, i2}, "tensor<?x?x!quant.uniform<i8:f32:1, {0.5, 0.5, 0.5}>>", ""), "verify.dynamic_pad.element_type")
	add("get_dimension_size/range", g1("stablehlo.get_dimension_size", []string{f23}, i32s, " {dimension = 2 : i64}"), "verify.get_dimension_size.dimension")
	add("get_dimension_size/result", g1("stablehlo.get_dimension_size", []string{f23}, i64s, " {dimension = 1 : i64}"), "verify.get_dimension_size.types")
	return cs
}

const dotMM = `#stablehlo.dot<lhs_contracting_dimensions = [1], rhs_contracting_dimensions = [0]>`

func dotConvCases() []negCase {
	var cs []negCase
	add := func(name, src, rule string) { cs = append(cs, negCase{name: name, src: src, rule: rule}) }
	dot := func(dn string, l, r, out, extra string) string {
		return g1("stablehlo.dot_general", []string{l, r}, out, " {dot_dimension_numbers = "+dn+extra+"}")
	}
	dn := func(lb, rb, lc, rc string) string {
		return fmt.Sprintf("#stablehlo.dot<lhs_batching_dimensions = [%s], rhs_batching_dimensions = [%s], lhs_contracting_dimensions = [%s], rhs_contracting_dimensions = [%s]>", lb, rb, lc, rc)
	}
	b3 := "tensor<4x2x3xf32>"
	add("dot_general/batch_count", dot(dn("0", "", "2", "1"), b3, "tensor<4x3x5xf32>", "tensor<4x2x5xf32>", ""), "verify.dot_general.batching_dims")
	add("dot_general/contract_count", dot(dn("0", "0", "2", ""), b3, "tensor<4x3x5xf32>", "tensor<4x2x3x5xf32>", ""), "verify.dot_general.contracting_dims")
	add("dot_general/contract_range", dot(dn("", "", "3", "0"), b3, "tensor<3x5xf32>", "tensor<4x2x5xf32>", ""), "verify.dot_general.contracting_dims")
	add("dot_general/batch_range", dot(dn("3", "0", "2", "1"), b3, "tensor<4x3x5xf32>", "tensor<4x2x5xf32>", ""), "verify.dot_general.batching_dims")
	add("dot_general/overlap", dot(dn("0", "0", "0", "1"), b3, "tensor<4x3x5xf32>", "tensor<4x2x5xf32>", ""), "verify.dot_general.contracting_dims")
	add("dot_general/duplicate_batch", dot(dn("0, 0", "0, 1", "2", "2"), b3, "tensor<4x4x3x5xf32>", "tensor<4x4x2x5xf32>", ""), "verify.dot_general.batching_dims")
	add("dot_general/contract_size", dot(dotMM, f23, "tensor<4x5xf32>", "tensor<2x5xf32>", ""), "verify.dot_general.contracting_dims")
	add("dot_general/batch_size", dot(dn("0", "0", "2", "1"), b3, "tensor<5x3x5xf32>", "tensor<4x2x5xf32>", ""), "verify.dot_general.batching_dims")
	add("dot_general/shape", dot(dotMM, f23, "tensor<3x5xf32>", "tensor<5x2xf32>", ""), "verify.dot_general.shape")
	add("dot_general/shape_batch", dot(dn("0", "0", "2", "1"), b3, "tensor<4x3x5xf32>", "tensor<2x5xf32>", ""), "verify.dot_general.shape")
	add("dot_general/elem", dot(dotMM, f23, "tensor<3x5xf64>", "tensor<2x5xf32>", ""), "verify.dot_general.types")
	add("dot_general/precision_count", dot(dotMM, f23, "tensor<3x5xf32>", "tensor<2x5xf32>", ", precision_config = [#stablehlo<precision DEFAULT>]"), "verify.dot_general.precision_config")
	add("dot_general/precision_value", dot(dotMM, f23, "tensor<3x5xf32>", "tensor<2x5xf32>", ", precision_config = [#stablehlo<precision FAST>, #stablehlo<precision DEFAULT>]"), "verify.dot_general.precision_config")
	add("dot_general/missing", g1("stablehlo.dot_general", []string{f23, "tensor<3x5xf32>"}, "tensor<2x5xf32>", ""), "verify.dot_general.attr")
	add("dot_general/algorithm_precision", dot(dotMM, f23, "tensor<3x5xf32>", "tensor<2x5xf32>", ", precision_config = [#stablehlo<precision HIGH>, #stablehlo<precision DEFAULT>], algorithm = #stablehlo.dot_algorithm<lhs_precision_type = f32, rhs_precision_type = f32, accumulation_type = f32, lhs_component_count = 1, rhs_component_count = 1, num_primitive_operations = 1, allow_imprecise_accumulation = false>"), "verify.dot_general.algorithm")
	add("dot_general/algorithm_count", dot(dotMM, f23, "tensor<3x5xf32>", "tensor<2x5xf32>", ", algorithm = #stablehlo.dot_algorithm<lhs_precision_type = f32, rhs_precision_type = f32, accumulation_type = f32, lhs_component_count = 0, rhs_component_count = 1, num_primitive_operations = 1, allow_imprecise_accumulation = false>"), "verify.dot_general.algorithm")
	add("dot_general/algorithm_int_type", dot(dotMM, f23, "tensor<3x5xf32>", "tensor<2x5xf32>", ", algorithm = #stablehlo.dot_algorithm<lhs_precision_type = i32, rhs_precision_type = f32, accumulation_type = f32, lhs_component_count = 1, rhs_component_count = 1, num_primitive_operations = 1, allow_imprecise_accumulation = false>"), "verify.dot_general.algorithm")
	qa := "tensor<2x3x!quant.uniform<i8:f32, 0.5:0>>"
	qb := "tensor<3x5x!quant.uniform<i8:f32, 0.5:0>>"
	qr := "tensor<2x5x!quant.uniform<i32:f32, 0.25:0>>"
	add("dot_general/quant_lhs_float_rhs", dot(dotMM, qa, "tensor<3x5xf32>", qr, ""), "verify.dot_general.types")
	add("dot_general/quant_result_float", dot(dotMM, qa, qb, "tensor<2x5xf32>", ""), "verify.dot_general.types")
	add("dot_general/quant_rhs_zero_point", dot(dotMM, qa, "tensor<3x5x!quant.uniform<i8:f32, 0.5:3>>", qr, ""), "verify.dot_general.quant")
	add("dot_general/quant_storage", dot(dotMM, qa, "tensor<3x5x!quant.uniform<i16:f32, 0.5:0>>", qr, ""), "verify.dot_general.types")
	add("dot_general/hybrid_wrong_float", dot(dotMM, "tensor<2x3xf16>", qb, "tensor<2x5xf16>", ""), "verify.dot_general.types")
	add("dot_general/rhs_axis_contracting", dot(dotMM, qa, "tensor<3x5x!quant.uniform<i8:f32:0, {0.5, 0.5, 0.5}>>", "tensor<2x5x!quant.uniform<i32:f32:1, {0.25, 0.25, 0.25, 0.25, 0.25}>>", ""), "verify.dot_general.quant")
	add("dot/rank3", g1("stablehlo.dot", []string{"tensor<2x3x4xf32>", "tensor<4x5xf32>"}, "tensor<2x3x5xf32>", ""), "verify.dot.shape")
	add("dot/contract", g1("stablehlo.dot", []string{f23, "tensor<4x5xf32>"}, "tensor<2x5xf32>", ""), "verify.dot.contracting_dims")
	add("dot/result", g1("stablehlo.dot", []string{f23, "tensor<3x5xf32>"}, "tensor<2x6xf32>", ""), "verify.dot.shape")

	// convolution: lhs 1x4x4x2 (b,0,1,f), rhs 3x3x2x8 (0,1,i,o) -> 1x2x2x8
	lhs, rhs, out := "tensor<1x4x4x2xf32>", "tensor<3x3x2x8xf32>", "tensor<1x2x2x8xf32>"
	const dn2d = "dimension_numbers = #stablehlo.conv<[b, 0, 1, f]x[0, 1, i, o]->[b, 0, 1, f]>"
	conv := func(l, r, o, extra string) string {
		return g1("stablehlo.convolution", []string{l, r}, o, " {"+dn2d+", feature_group_count = 1 : i64, batch_group_count = 1 : i64"+extra+"}")
	}
	add("convolution/rank", conv(lhs, "tensor<3x2x8xf32>", out, ""), "verify.convolution.shape")
	add("convolution/strides_len", conv(lhs, rhs, out, ", window_strides = array<i64: 1>"), "verify.convolution.window")
	add("convolution/stride_zero", conv(lhs, rhs, out, ", window_strides = array<i64: 1, 0>"), "verify.convolution.window")
	add("convolution/lhs_dilation_zero", conv(lhs, rhs, out, ", lhs_dilation = array<i64: 0, 1>"), "verify.convolution.window")
	add("convolution/rhs_dilation_len", conv(lhs, rhs, out, ", rhs_dilation = array<i64: 1, 1, 1>"), "verify.convolution.window")
	add("convolution/padding_shape", conv(lhs, rhs, out, ", padding = dense<0> : tensor<3x2xi64>"), "verify.convolution.window")
	add("convolution/padding_negative_total", conv(lhs, rhs, out, ", padding = dense<[[-5, 0], [0, 0]]> : tensor<2x2xi64>"), "verify.convolution.window")
	add("convolution/reversal_len", conv(lhs, rhs, out, ", window_reversal = array<i1: true>"), "verify.convolution.window")
	add("convolution/feature_group_zero", g1("stablehlo.convolution", []string{lhs, rhs}, out, " {"+dn2d+", feature_group_count = 0 : i64, batch_group_count = 1 : i64}"), "verify.convolution.feature_group_count")
	add("convolution/batch_group_zero", g1("stablehlo.convolution", []string{lhs, rhs}, out, " {"+dn2d+", feature_group_count = 1 : i64, batch_group_count = 0 : i64}"), "verify.convolution.batch_group_count")
	add("convolution/both_groups", g1("stablehlo.convolution", []string{"tensor<2x4x4x2xf32>", "tensor<3x3x1x8xf32>"}, out, " {"+dn2d+", feature_group_count = 2 : i64, batch_group_count = 2 : i64}"), "verify.convolution.batch_group_count")
	add("convolution/feature_group_divides", g1("stablehlo.convolution", []string{"tensor<1x4x4x3xf32>", "tensor<3x3x1x8xf32>"}, out, " {"+dn2d+", feature_group_count = 2 : i64, batch_group_count = 1 : i64}"), "verify.convolution.feature_group_count")
	add("convolution/batch_group_divides", g1("stablehlo.convolution", []string{lhs, rhs}, out, " {"+dn2d+", feature_group_count = 1 : i64, batch_group_count = 2 : i64}"), "verify.convolution.batch_group_count")
	add("convolution/kernel_in_features", conv(lhs, "tensor<3x3x3x8xf32>", out, ""), "verify.convolution.kernel")
	add("convolution/kernel_out_groups", g1("stablehlo.convolution", []string{"tensor<1x4x4x4xf32>", "tensor<3x3x2x7xf32>"}, "tensor<1x2x2x7xf32>", " {"+dn2d+", feature_group_count = 2 : i64, batch_group_count = 1 : i64}"), "verify.convolution.kernel")
	add("convolution/shape", conv(lhs, rhs, "tensor<1x3x2x8xf32>", ""), "verify.convolution.shape")
	add("convolution/shape_stride", conv(lhs, rhs, out, ", window_strides = array<i64: 2, 2>"), "verify.convolution.shape")
	add("convolution/elem", conv(lhs, "tensor<3x3x2x8xf16>", out, ""), "verify.convolution.types")
	add("convolution/precision", conv(lhs, rhs, out, ", precision_config = [#stablehlo<precision DEFAULT>]"), "verify.convolution.precision_config")
	add("convolution/dims_duplicate", g1("stablehlo.convolution", []string{lhs, rhs}, out, " {dimension_numbers = #stablehlo.conv<raw input_batch_dimension = 0, input_feature_dimension = 0, input_spatial_dimensions = [1, 2], kernel_input_feature_dimension = 2, kernel_output_feature_dimension = 3, kernel_spatial_dimensions = [0, 1], output_batch_dimension = 0, output_feature_dimension = 3, output_spatial_dimensions = [1, 2]>, feature_group_count = 1 : i64, batch_group_count = 1 : i64}"), "verify.convolution.dimension_numbers")
	add("convolution/dims_range", g1("stablehlo.convolution", []string{lhs, rhs}, out, " {dimension_numbers = #stablehlo.conv<raw input_batch_dimension = 0, input_feature_dimension = 3, input_spatial_dimensions = [1, 2], kernel_input_feature_dimension = 2, kernel_output_feature_dimension = 4, kernel_spatial_dimensions = [0, 1], output_batch_dimension = 0, output_feature_dimension = 3, output_spatial_dimensions = [1, 2]>, feature_group_count = 1 : i64, batch_group_count = 1 : i64}"), "verify.convolution.dimension_numbers")
	add("convolution/dims_spatial_count", g1("stablehlo.convolution", []string{lhs, rhs}, out, " {dimension_numbers = #stablehlo.conv<raw input_batch_dimension = 0, input_feature_dimension = 3, input_spatial_dimensions = [1], kernel_input_feature_dimension = 2, kernel_output_feature_dimension = 3, kernel_spatial_dimensions = [0, 1], output_batch_dimension = 0, output_feature_dimension = 3, output_spatial_dimensions = [1, 2]>, feature_group_count = 1 : i64, batch_group_count = 1 : i64}"), "verify.convolution.dimension_numbers")
	add("convolution/missing_dims", g1("stablehlo.convolution", []string{lhs, rhs}, out, " {feature_group_count = 1 : i64, batch_group_count = 1 : i64}"), "verify.convolution.attr")
	add("dynamic_conv/padding_type", g1("stablehlo.dynamic_conv", []string{lhs, rhs, "tensor<2x3xi64>"}, "tensor<1x?x?x8xf32>", " {"+dn2d+", feature_group_count = 1 : i64, batch_group_count = 1 : i64}"), "verify.dynamic_conv.window")
	add("dynamic_conv/const_padding_shape", `func.func @main(%l: tensor<1x4x4x2xf32>, %r: tensor<3x3x2x8xf32>) -> tensor<1x2x2x8xf32> {
  %p = stablehlo.constant dense<1> : tensor<2x2xi64>
  %o = "stablehlo.dynamic_conv"(%l, %r, %p) {`+dn2d+`, feature_group_count = 1 : i64, batch_group_count = 1 : i64} : (tensor<1x4x4x2xf32>, tensor<3x3x2x8xf32>, tensor<2x2xi64>) -> tensor<1x2x2x8xf32>
  func.return %o : tensor<1x2x2x8xf32>
}`, "verify.dynamic_conv.shape")
	return cs
}

func reduceCases() []negCase {
	var cs []negCase
	add := func(name, src, rule string) { cs = append(cs, negCase{name: name, src: src, rule: rule}) }
	red := func(ins []string, out []string, dims string, body string) string {
		return gop("stablehlo.reduce", ins, out, regions(body)+" {dimensions = array<i64: "+dims+">}")
	}
	add("reduce/odd_operands", red([]string{f23, f32s, f32s}, []string{f2}, "1", adder(f32s)), "verify.reduce.arity")
	add("reduce/dims_range", red([]string{f23, f32s}, []string{f2}, "2", adder(f32s)), "verify.reduce.dimensions")
	add("reduce/dims_duplicate", red([]string{f23, f32s}, []string{f32s}, "1, 1", adder(f32s)), "verify.reduce.dimensions")
	add("reduce/init_rank", red([]string{f23, f2}, []string{f2}, "1", adder(f32s)), "verify.reduce.types")
	add("reduce/init_elem", red([]string{f23, "tensor<f64>"}, []string{f2}, "1", adder(f32s)), "verify.reduce.types")
	add("reduce/body_arity", red([]string{f23, f32s}, []string{f2}, "1", region([]string{f32s}, nil, []string{"%x0"}, []string{f32s})), "verify.reduce.region")
	add("reduce/body_arg_types", red([]string{f23, f32s}, []string{f2}, "1", region([]string{f32s, "tensor<f64>"}, nil, []string{"%x0"}, []string{f32s})), "verify.reduce.region")
	add("reduce/body_arg_rank", red([]string{f23, f32s}, []string{f2}, "1", region([]string{f2, f2}, nil, []string{"%x0"}, []string{f2})), "verify.reduce.region")
	add("reduce/body_returns_two", red([]string{f23, f32s}, []string{f2}, "1", region([]string{f32s, f32s}, nil, []string{"%x0", "%x1"}, []string{f32s, f32s})), "verify.reduce.region")
	add("reduce/body_return_type", red([]string{f23, f32s}, []string{f2}, "1", region([]string{f32s, f32s}, []string{`%s = "stablehlo.convert"(%x0) : (tensor<f32>) -> tensor<f64>`}, []string{"%s"}, []string{"tensor<f64>"})), "verify.reduce.region")
	add("reduce/body_demotes", red([]string{f23, f32s}, []string{"tensor<2xf16>"}, "1", adder("tensor<f16>")), "verify.reduce.region")
	add("reduce/body_no_return", red([]string{f23, f32s}, []string{f2}, "1", `{
  ^bb0(%x0: tensor<f32>, %x1: tensor<f32>):
    %s = "stablehlo.add"(%x0, %x1) : (tensor<f32>, tensor<f32>) -> tensor<f32>
  }`), "verify.reduce.region")
	add("reduce/result_shape", red([]string{f23, f32s}, []string{f3}, "1", adder(f32s)), "verify.reduce.shape")
	add("reduce/result_elem", red([]string{f23, f32s}, []string{d2}, "1", adder(f32s)), "verify.reduce.types")
	add("reduce/no_region", gop("stablehlo.reduce", []string{f23, f32s}, []string{f2}, " {dimensions = array<i64: 1>}"), "verify.reduce.region")
	add("reduce/inputs_shape", red([]string{f23, "tensor<3x3xf32>", f32s, f32s}, []string{f2, f2}, "1", region([]string{f32s, f32s, f32s, f32s}, nil, []string{"%x0", "%x1"}, []string{f32s, f32s})), "verify.reduce.shape")
	add("reduce/func_return_in_region", red([]string{f23, f32s}, []string{f2}, "1", `{
  ^bb0(%x0: tensor<f32>, %x1: tensor<f32>):
    func.return %x0 : tensor<f32>
  }`), "verify.reduce.region")
	rw := func(in, out, attrs string, body string) string {
		return gop("stablehlo.reduce_window", []string{in, f32s}, []string{out}, regions(body)+" {"+attrs+"}")
	}
	add("reduce_window/dims_len", rw(f23, f23, "window_dimensions = array<i64: 1>", adder(f32s)), "verify.reduce_window.window")
	add("reduce_window/dims_zero", rw(f23, f23, "window_dimensions = array<i64: 1, 0>", adder(f32s)), "verify.reduce_window.window")
	add("reduce_window/strides_zero", rw(f23, f23, "window_dimensions = array<i64: 1, 1>, window_strides = array<i64: 0, 1>", adder(f32s)), "verify.reduce_window.window")
	add("reduce_window/base_dil_len", rw(f23, f23, "window_dimensions = array<i64: 1, 1>, base_dilations = array<i64: 1>", adder(f32s)), "verify.reduce_window.window")
	add("reduce_window/win_dil_zero", rw(f23, f23, "window_dimensions = array<i64: 1, 1>, window_dilations = array<i64: 1, 0>", adder(f32s)), "verify.reduce_window.window")
	add("reduce_window/padding_shape", rw(f23, f23, "window_dimensions = array<i64: 1, 1>, padding = dense<0> : tensor<2x3xi64>", adder(f32s)), "verify.reduce_window.window")
	add("reduce_window/missing", rw(f23, f23, "window_strides = array<i64: 1, 1>", adder(f32s)), "verify.reduce_window.attr")
	add("reduce_window/shape", rw(f23, f23, "window_dimensions = array<i64: 2, 2>", adder(f32s)), "verify.reduce_window.shape")
	add("reduce_window/body", rw(f23, "tensor<1x2xf32>", "window_dimensions = array<i64: 2, 2>", adder("tensor<f16>")), "verify.reduce_window.region")
	add("reduce_window/promoted_result", rw(f23, "tensor<1x2xf32>", "window_dimensions = array<i64: 2, 2>", adder("tensor<f64>")), "verify.reduce_window.types")
	add("reduce_window/init_elem", gop("stablehlo.reduce_window", []string{f23, "tensor<f16>"}, []string{"tensor<1x2xf32>"}, regions(adder(f32s))+" {window_dimensions = array<i64: 2, 2>}"), "verify.reduce_window.types")
	sas := func(in, src, out, attrs string, sel, sc string) string {
		return gop("stablehlo.select_and_scatter", []string{in, src, f32s}, []string{out}, regions(sel, sc)+" {"+attrs+"}")
	}
	sel := region([]string{f32s, f32s}, []string{`%s = "stablehlo.compare"(%x0, %x1) {comparison_direction = #stablehlo<comparison_direction GE>} : (tensor<f32>, tensor<f32>) -> tensor<i1>`}, []string{"%s"}, []string{bs})
	add("select_and_scatter/source_shape", sas("tensor<4x4xf32>", "tensor<3x2xf32>", "tensor<4x4xf32>", "window_dimensions = array<i64: 2, 2>, window_strides = array<i64: 2, 2>", sel, adder(f32s)), "verify.select_and_scatter.shape")
	add("select_and_scatter/select_returns_float", sas("tensor<4x4xf32>", "tensor<2x2xf32>", "tensor<4x4xf32>", "window_dimensions = array<i64: 2, 2>, window_strides = array<i64: 2, 2>", adder(f32s), adder(f32s)), "verify.select_and_scatter.region")
	add("select_and_scatter/scatter_args", sas("tensor<4x4xf32>", "tensor<2x2xf32>", "tensor<4x4xf32>", "window_dimensions = array<i64: 2, 2>, window_strides = array<i64: 2, 2>", sel, region([]string{f32s}, nil, []string{"%x0"}, []string{f32s})), "verify.select_and_scatter.region")
	add("select_and_scatter/result", sas("tensor<4x4xf32>", "tensor<2x2xf32>", "tensor<4x3xf32>", "window_dimensions = array<i64: 2, 2>, window_strides = array<i64: 2, 2>", sel, adder(f32s)), "verify.select_and_scatter.shape")
	add("select_and_scatter/source_elem", sas("tensor<4x4xf32>", "tensor<2x2xf16>", "tensor<4x4xf32>", "window_dimensions = array<i64: 2, 2>, window_strides = array<i64: 2, 2>", sel, adder(f32s)), "verify.select_and_scatter.types")
	add("select_and_scatter/one_region", gop("stablehlo.select_and_scatter", []string{"tensor<4x4xf32>", "tensor<2x2xf32>", f32s}, []string{"tensor<4x4xf32>"}, regions(sel)+" {window_dimensions = array<i64: 2, 2>, window_strides = array<i64: 2, 2>}"), "verify.select_and_scatter.region")
	add("select_and_scatter/strides_len", sas("tensor<4x4xf32>", "tensor<2x2xf32>", "tensor<4x4xf32>", "window_dimensions = array<i64: 2, 2>, window_strides = array<i64: 2>", sel, adder(f32s)), "verify.select_and_scatter.window")
	srt := func(ins []string, outs []string, attrs string, body string) string {
		return gop("stablehlo.sort", ins, outs, regions(body)+" {"+attrs+"}")
	}
	add("sort/dimension", srt([]string{f23}, []string{f23}, "dimension = 2 : i64", comparator(f32s)), "verify.sort.dimension")
	add("sort/dimension_negative", srt([]string{f23}, []string{f23}, "dimension = -3 : i64", comparator(f32s)), "verify.sort.dimension")
	add("sort/comparator_returns_float", srt([]string{f23}, []string{f23}, "dimension = 0 : i64", adder(f32s)), "verify.sort.region")
	add("sort/comparator_arity", srt([]string{f23, "tensor<2x3xi32>"}, []string{f23, "tensor<2x3xi32>"}, "dimension = 0 : i64", comparator(f32s)), "verify.sort.region")
	add("sort/result_type", srt([]string{f23}, []string{"tensor<2x3xf64>"}, "dimension = 0 : i64", comparator(f32s)), "verify.sort.types")
	add("sort/shapes", srt([]string{f23, "tensor<3x3xi32>"}, []string{f23, "tensor<3x3xi32>"}, "dimension = 0 : i64", region([]string{f32s, f32s, i32s, i32s}, []string{`%s = "stablehlo.compare"(%x0, %x1) {comparison_direction = #stablehlo<comparison_direction LT>} : (tensor<f32>, tensor<f32>) -> tensor<i1>`}, []string{"%s"}, []string{bs})), "verify.sort.shape")
	add("sort/no_inputs", gop("stablehlo.sort", nil, nil, regions(comparator(f32s))), "verify.sort.arity")
	mp := func(ins []string, out, dims string, body string) string {
		return g1("stablehlo.map", ins, out, regions(body)+" {dimensions = array<i64: "+dims+">}")
	}
	add("map/dimensions", mp([]string{f23, f23}, f23, "1, 0", adder(f32s)), "verify.map.dimensions")
	add("map/dimensions_short", mp([]string{f23, f23}, f23, "0", adder(f32s)), "verify.map.dimensions")
	add("map/body_args", mp([]string{f23, f23}, f23, "0, 1", adder("tensor<f64>")), "verify.map.region")
	add("map/body_result", mp([]string{f23, f23}, "tensor<2x3xi32>", "0, 1", adder(f32s)), "verify.map.region")
	add("map/shape", mp([]string{f23, "tensor<3x3xf32>"}, f23, "0, 1", adder(f32s)), "verify.map.shape")
	return cs
}

const gatherDN = `dimension_numbers = #stablehlo.gather<offset_dims = [1], collapsed_slice_dims = [0], start_index_map = [0], index_vector_dim = 1>`

func gatherScatterCases() []negCase {
	var cs []negCase
	add := func(name, src, rule string) { cs = append(cs, negCase{name: name, src: src, rule: rule}) }
	// operand 5x3, indices 4x1, gather rows -> 4x3
	ga := func(dn, sizes, idx, out string) string {
		return g1("stablehlo.gather", []string{"tensor<5x3xf32>", idx}, out, " {dimension_numbers = #stablehlo.gather<"+dn+">, slice_sizes = array<i64: "+sizes+">}")
	}
	const ok = "offset_dims = [1], collapsed_slice_dims = [0], start_index_map = [0], index_vector_dim = 1"
	add("gather/offset_unsorted", ga("offset_dims = [2, 1], collapsed_slice_dims = [], start_index_map = [0], index_vector_dim = 1", "1, 3", "tensor<4x1xi32>", "tensor<4x1x3xf32>"), "verify.gather.dimension_numbers")
	add("gather/offset_range", ga("offset_dims = [2], collapsed_slice_dims = [0], start_index_map = [0], index_vector_dim = 1", "1, 3", "tensor<4x1xi32>", "tensor<4x3xf32>"), "verify.gather.dimension_numbers")
	add("gather/collapsed_range", ga("offset_dims = [1], collapsed_slice_dims = [2], start_index_map = [0], index_vector_dim = 1", "1, 3", "tensor<4x1xi32>", "tensor<4x3xf32>"), "verify.gather.dimension_numbers")
	add("gather/rank_sum", ga("offset_dims = [1], collapsed_slice_dims = [], start_index_map = [0], index_vector_dim = 1", "1, 3", "tensor<4x1xi32>", "tensor<4x3xf32>"), "verify.gather.dimension_numbers")
	add("gather/start_index_map_size", ga("offset_dims = [1], collapsed_slice_dims = [0], start_index_map = [0, 1], index_vector_dim = 1", "1, 3", "tensor<4x1xi32>", "tensor<4x3xf32>"), "verify.gather.dimension_numbers")
	add("gather/start_index_map_range", ga("offset_dims = [1], collapsed_slice_dims = [0], start_index_map = [2], index_vector_dim = 1", "1, 3", "tensor<4x1xi32>", "tensor<4x3xf32>"), "verify.gather.dimension_numbers")
	add("gather/index_vector_dim", ga("offset_dims = [1], collapsed_slice_dims = [0], start_index_map = [0], index_vector_dim = 3", "1, 3", "tensor<4x1xi32>", "tensor<4x3xf32>"), "verify.gather.dimension_numbers")
	add("gather/collapsed_batching_overlap", ga("offset_dims = [1], collapsed_slice_dims = [0], operand_batching_dims = [0], start_indices_batching_dims = [0], start_index_map = [0], index_vector_dim = 1", "1, 3", "tensor<4x1xi32>", "tensor<4x3xf32>"), "verify.gather.dimension_numbers")
	add("gather/batching_count", ga("offset_dims = [1], collapsed_slice_dims = [], operand_batching_dims = [0], start_index_map = [], index_vector_dim = 1", "1, 3", "tensor<4x0xi32>", "tensor<4x3xf32>"), "verify.gather.dimension_numbers")
	add("gather/sizes_len", ga(ok, "1", "tensor<4x1xi32>", "tensor<4x3xf32>"), "verify.gather.slice_sizes")
	add("gather/size_too_big", ga(ok, "1, 4", "tensor<4x1xi32>", "tensor<4x4xf32>"), "verify.gather.slice_sizes")
	add("gather/collapsed_size", ga(ok, "2, 3", "tensor<4x1xi32>", "tensor<4x3xf32>"), "verify.gather.slice_sizes")
	add("gather/result_shape", ga(ok, "1, 3", "tensor<4x1xi32>", "tensor<4x2xf32>"), "verify.gather.shape")
	add("gather/result_rank", ga(ok, "1, 3", "tensor<4x1xi32>", "tensor<4x3x1xf32>"), "verify.gather.shape")
	add("gather/float_indices", ga(ok, "1, 3", "tensor<4x1xf32>", "tensor<4x3xf32>"), "verify.gather.element_type")
	add("gather/result_elem", ga(ok, "1, 3", "tensor<4x1xi32>", "tensor<4x3xf64>"), "verify.gather.types")
	add("gather/missing_sizes", g1("stablehlo.gather", []string{"tensor<5x3xf32>", "tensor<4x1xi32>"}, "tensor<4x3xf32>", " {"+gatherDN+"}"), "verify.gather.attr")
	add("gather/missing_dn", g1("stablehlo.gather", []string{"tensor<5x3xf32>", "tensor<4x1xi32>"}, "tensor<4x3xf32>", " {slice_sizes = array<i64: 1, 3>}"), "verify.gather.attr")
	add("dynamic_gather/sizes_len", g1("stablehlo.dynamic_gather", []string{"tensor<5x3xf32>", "tensor<4x1xi32>", "tensor<3xi32>"}, "tensor<4x3xf32>", " {"+gatherDN+"}"), "verify.dynamic_gather.shape")
	add("dynamic_gather/batching", g1("stablehlo.dynamic_gather", []string{"tensor<5x3xf32>", "tensor<4x1xi32>", i2}, "tensor<4x3xf32>", " {dimension_numbers = #stablehlo.gather<offset_dims = [1], operand_batching_dims = [0], start_indices_batching_dims = [0], start_index_map = [0], index_vector_dim = 1>}"), "verify.dynamic_gather.dimension_numbers")
	add("dynamic_gather/const_sizes", `func.func @main(%a: tensor<5x3xf32>, %i: tensor<4x1xi32>) -> tensor<4x3xf32> {
  %s = stablehlo.constant dense<[1, 2]> : tensor<2xi32>
  %r = "stablehlo.dynamic_gather"(%a, %i, %s) {`+gatherDN+`} : (tensor<5x3xf32>, tensor<4x1xi32>, tensor<2xi32>) -> tensor<4x3xf32>
  func.return %r : tensor<4x3xf32>
}`, "verify.dynamic_gather.shape")
	// scatter: input 5x3, indices 4x1, updates 4x3
	sc := func(dn string, ins []string, out string, body string) string {
		return g1("stablehlo.scatter", ins, out, regions(body)+" {scatter_dimension_numbers = #stablehlo.scatter<"+dn+">}")
	}
	const sok = "update_window_dims = [1], inserted_window_dims = [0], scatter_dims_to_operand_dims = [0], index_vector_dim = 1"
	sins := []string{"tensor<5x3xf32>", "tensor<4x1xi32>", "tensor<4x3xf32>"}
	add("scatter/even_operands", sc(sok, []string{"tensor<5x3xf32>", "tensor<4x1xi32>"}, "tensor<5x3xf32>", adder(f32s)), "verify.scatter.arity")
	add("scatter/window_unsorted", sc("update_window_dims = [1, 0], inserted_window_dims = [], scatter_dims_to_operand_dims = [0], index_vector_dim = 1", []string{"tensor<5x3xf32>", "tensor<4x1xi32>", "tensor<5x3xf32>"}, "tensor<5x3xf32>", adder(f32s)), "verify.scatter.dimension_numbers")
	add("scatter/inserted_range", sc("update_window_dims = [1], inserted_window_dims = [2], scatter_dims_to_operand_dims = [0], index_vector_dim = 1", sins, "tensor<5x3xf32>", adder(f32s)), "verify.scatter.dimension_numbers")
	add("scatter/rank_sum", sc("update_window_dims = [1], inserted_window_dims = [], scatter_dims_to_operand_dims = [0], index_vector_dim = 1", sins, "tensor<5x3xf32>", adder(f32s)), "verify.scatter.dimension_numbers")
	add("scatter/sdod_size", sc("update_window_dims = [1], inserted_window_dims = [0], scatter_dims_to_operand_dims = [0, 1], index_vector_dim = 1", sins, "tensor<5x3xf32>", adder(f32s)), "verify.scatter.dimension_numbers")
	add("scatter/sdod_range", sc("update_window_dims = [1], inserted_window_dims = [0], scatter_dims_to_operand_dims = [5], index_vector_dim = 1", sins, "tensor<5x3xf32>", adder(f32s)), "verify.scatter.dimension_numbers")
	add("scatter/index_vector_dim", sc("update_window_dims = [1], inserted_window_dims = [0], scatter_dims_to_operand_dims = [0], index_vector_dim = 3", sins, "tensor<5x3xf32>", adder(f32s)), "verify.scatter.dimension_numbers")
	add("scatter/updates_scatter_dim", sc(sok, []string{"tensor<5x3xf32>", "tensor<4x1xi32>", "tensor<3x3xf32>"}, "tensor<5x3xf32>", adder(f32s)), "verify.scatter.shape")
	add("scatter/updates_window", sc(sok, []string{"tensor<5x3xf32>", "tensor<4x1xi32>", "tensor<4x4xf32>"}, "tensor<5x3xf32>", adder(f32s)), "verify.scatter.shape")
	add("scatter/updates_rank", sc(sok, []string{"tensor<5x3xf32>", "tensor<4x1xi32>", "tensor<4x3x1xf32>"}, "tensor<5x3xf32>", adder(f32s)), "verify.scatter.shape")
	add("scatter/updates_elem", sc(sok, []string{"tensor<5x3xf32>", "tensor<4x1xi32>", "tensor<4x3xf16>"}, "tensor<5x3xf32>", adder(f32s)), "verify.scatter.types")
	add("scatter/region", sc(sok, sins, "tensor<5x3xf32>", adder("tensor<f16>")), "verify.scatter.region")
	add("scatter/result_shape", sc(sok, sins, "tensor<5x4xf32>", adder(f32s)), "verify.scatter.shape")
	add("scatter/result_elem", sc(sok, sins, "tensor<5x3xf64>", adder(f32s)), "verify.scatter.types")
	add("scatter/float_indices", sc(sok, []string{"tensor<5x3xf32>", "tensor<4x1xf32>", "tensor<4x3xf32>"}, "tensor<5x3xf32>", adder(f32s)), "verify.scatter.element_type")
	add("scatter/missing_dn", g1("stablehlo.scatter", sins, "tensor<5x3xf32>", regions(adder(f32s))), "verify.scatter.attr")
	return cs
}

func controlCases() []negCase {
	var cs []negCase
	add := func(name, src, rule string) { cs = append(cs, negCase{name: name, src: src, rule: rule}) }
	cond := func(t, ret string) string {
		return region([]string{t}, []string{fmt.Sprintf(`%%c = "stablehlo.constant"() {value = dense<true> : tensor<i1>} : () -> tensor<i1>`)}, []string{"%c"}, []string{ret})
	}
	body := func(t string) string { return region([]string{t}, nil, []string{"%x0"}, []string{t}) }
	add("while/cond_returns_int", gop("stablehlo.while", []string{i32s}, []string{i32s}, regions(region([]string{i32s}, nil, []string{"%x0"}, []string{i32s}), body(i32s))), "verify.while.region")
	add("while/body_returns_wrong", gop("stablehlo.while", []string{i32s}, []string{i32s}, regions(cond(i32s, bs), region([]string{i32s}, []string{`%s = "stablehlo.convert"(%x0) : (tensor<i32>) -> tensor<i64>`}, []string{"%s"}, []string{i64s}))), "verify.while.region")
	add("while/cond_arity", gop("stablehlo.while", []string{i32s}, []string{i32s}, regions(region([]string{i32s, i32s}, []string{`%c = "stablehlo.constant"() {value = dense<true> : tensor<i1>} : () -> tensor<i1>`}, []string{"%c"}, []string{bs}), body(i32s))), "verify.while.region")
	add("while/body_arg_type", gop("stablehlo.while", []string{i32s}, []string{i32s}, regions(cond(i32s, bs), body(i64s))), "verify.while.region")
	add("while/results", gop("stablehlo.while", []string{i32s}, []string{i64s}, regions(cond(i32s, bs), body(i32s))), "verify.while.types")
	add("while/result_count", gop("stablehlo.while", []string{i32s}, []string{i32s, i32s}, regions(cond(i32s, bs), body(i32s))), "verify.while.arity")
	add("while/one_region", gop("stablehlo.while", []string{i32s}, []string{i32s}, regions(cond(i32s, bs))), "verify.while.region")
	add("while/cond_returns_vector", gop("stablehlo.while", []string{i32s}, []string{i32s}, regions(region([]string{i32s}, []string{`%c = "stablehlo.constant"() {value = dense<true> : tensor<2xi1>} : () -> tensor<2xi1>`}, []string{"%c"}, []string{b2}), body(i32s))), "verify.while.region")
	br := func(t string) string {
		return region(nil, []string{fmt.Sprintf(`%%c = "stablehlo.constant"() {value = dense<0> : %s} : () -> %s`, t, t)}, []string{"%c"}, []string{t})
	}
	add("if/pred_int", gop("stablehlo.if", []string{i32s}, []string{i32s}, regions(br(i32s), br(i32s))), "verify.if.types")
	add("if/pred_vector", gop("stablehlo.if", []string{b2}, []string{i32s}, regions(br(i32s), br(i32s))), "verify.if.types")
	add("if/branch_type", gop("stablehlo.if", []string{bs}, []string{i32s}, regions(br(i32s), br(i64s))), "verify.if.region")
	add("if/branch_args", gop("stablehlo.if", []string{bs}, []string{i32s}, regions(region([]string{i32s}, nil, []string{"%x0"}, []string{i32s}), br(i32s))), "verify.if.region")
	add("if/branch_count", gop("stablehlo.if", []string{bs}, []string{i32s}, regions(br(i32s))), "verify.if.region")
	add("if/result_count", gop("stablehlo.if", []string{bs}, []string{i32s, i32s}, regions(br(i32s), br(i32s))), "verify.if.region")
	add("case/index_i64", gop("stablehlo.case", []string{i64s}, []string{i32s}, regions(br(i32s), br(i32s))), "verify.case.types")
	add("case/no_branches", gop("stablehlo.case", []string{i32s}, []string{i32s}, ""), "verify.case.region")
	add("case/branch_type", gop("stablehlo.case", []string{i32s}, []string{i32s}, regions(br(i32s), br("tensor<ui32>"), br(i32s))), "verify.case.region")

	add("call/undefined", `func.func @main(%a: tensor<f32>) -> tensor<f32> {
  %r = func.call @nope(%a) : (tensor<f32>) -> tensor<f32>
  func.return %r : tensor<f32>
}`, "verify.symbol.undefined")
	add("call/self_recursion", `func.func @main(%a: tensor<f32>) -> tensor<f32> {
  %r = func.call @main(%a) : (tensor<f32>) -> tensor<f32>
  func.return %r : tensor<f32>
}`, "verify.call.cycle")
	add("call/mutual_recursion", `module {
  func.func @main(%a: tensor<f32>) -> tensor<f32> {
    %r = func.call @f(%a) : (tensor<f32>) -> tensor<f32>
    func.return %r : tensor<f32>
  }
  func.func private @f(%a: tensor<f32>) -> tensor<f32> {
    %r = func.call @g(%a) : (tensor<f32>) -> tensor<f32>
    func.return %r : tensor<f32>
  }
  func.func private @g(%a: tensor<f32>) -> tensor<f32> {
    %r = func.call @f(%a) : (tensor<f32>) -> tensor<f32>
    func.return %r : tensor<f32>
  }
}`, "verify.call.cycle")
	add("call/three_cycle_in_region", `module {
  func.func @main(%a: tensor<f32>) -> tensor<f32> {
    %r = func.call @f(%a) : (tensor<f32>) -> tensor<f32>
    func.return %r : tensor<f32>
  }
  func.func private @f(%a: tensor<f32>) -> tensor<f32> {
    %p = "stablehlo.constant"() {value = dense<true> : tensor<i1>} : () -> tensor<i1>
    %r = "stablehlo.if"(%p) ({
      %x = func.call @g(%a) : (tensor<f32>) -> tensor<f32>
      "stablehlo.return"(%x) : (tensor<f32>) -> ()
    }, {
      "stablehlo.return"(%a) : (tensor<f32>) -> ()
    }) : (tensor<i1>) -> tensor<f32>
    func.return %r : tensor<f32>
  }
  func.func private @g(%a: tensor<f32>) -> tensor<f32> {
    %r = func.call @h(%a) : (tensor<f32>) -> tensor<f32>
    func.return %r : tensor<f32>
  }
  func.func private @h(%a: tensor<f32>) -> tensor<f32> {
    %r = func.call @f(%a) : (tensor<f32>) -> tensor<f32>
    func.return %r : tensor<f32>
  }
}`, "verify.call.cycle")
	add("call/arg_type", `module {
  func.func @main(%a: tensor<f32>) -> tensor<f32> {
    %r = func.call @f(%a) : (tensor<f32>) -> tensor<f32>
    func.return %r : tensor<f32>
  }
  func.func private @f(%a: tensor<f64>) -> tensor<f32> {
    %c = stablehlo.constant dense<1.0> : tensor<f32>
    func.return %c : tensor<f32>
  }
}`, "verify.call.types")
	add("call/arg_count", `module {
  func.func @main(%a: tensor<f32>) -> tensor<f32> {
    %r = func.call @f(%a, %a) : (tensor<f32>, tensor<f32>) -> tensor<f32>
    func.return %r : tensor<f32>
  }
  func.func private @f(%a: tensor<f32>) -> tensor<f32> {
    func.return %a : tensor<f32>
  }
}`, "verify.call.types")
	add("call/result_type", `module {
  func.func @main(%a: tensor<f32>) -> tensor<2xf32> {
    %r = func.call @f(%a) : (tensor<f32>) -> tensor<2xf32>
    func.return %r : tensor<2xf32>
  }
  func.func private @f(%a: tensor<f32>) -> tensor<f32> {
    func.return %a : tensor<f32>
  }
}`, "verify.call.types")
	add("call/result_count", `module {
  func.func @main(%a: tensor<f32>) {
    func.call @f(%a) : (tensor<f32>) -> ()
    func.return
  }
  func.func private @f(%a: tensor<f32>) -> tensor<f32> {
    func.return %a : tensor<f32>
  }
}`, "verify.call.types")
	add("call/dynamic_vs_static", `module {
  func.func @main(%a: tensor<?xf32>) -> tensor<?xf32> {
    %r = func.call @f(%a) : (tensor<?xf32>) -> tensor<?xf32>
    func.return %r : tensor<?xf32>
  }
  func.func private @f(%a: tensor<2xf32>) -> tensor<?xf32> {
    %b = "stablehlo.convert"(%a) : (tensor<2xf32>) -> tensor<?xf32>
    func.return %b : tensor<?xf32>
  }
}`, "verify.call.types")
	add("func/return_type", `func.func @main(%a: tensor<f32>) -> tensor<f64> {
  func.return %a : tensor<f32>
}`, "verify.func.return")
	add("func/return_count", `func.func @main(%a: tensor<f32>) -> (tensor<f32>, tensor<f32>) {
  func.return %a : tensor<f32>
}`, "verify.func.return")
	add("func/return_shape", `func.func @main(%a: tensor<?xf32>) -> tensor<2xf32> {
  func.return %a : tensor<?xf32>
}`, "verify.func.return")
	add("func/no_return", `func.func @main() {
  %c = stablehlo.constant dense<1.0> : tensor<f32>
}`, "verify.func.return")
	add("func/empty_body", `func.func @main() {
}`, "verify.func.return")
	add("func/return_mid_body", `func.func @main(%a: tensor<f32>) -> tensor<f32> {
  func.return %a : tensor<f32>
  %c = stablehlo.constant dense<1.0> : tensor<f32>
  func.return %c : tensor<f32>
}`, "verify.func.return")
	add("func/stablehlo_return", `func.func @main(%a: tensor<f32>) -> tensor<f32> {
  "stablehlo.return"(%a) : (tensor<f32>) -> ()
}`, "verify.return.placement")
	add("func/declaration", `module {
  func.func private @ext(%a: tensor<f32>) -> tensor<f32>
  func.func @main(%a: tensor<f32>) -> tensor<f32> {
    func.return %a : tensor<f32>
  }
}`, "verify.func.body")
	add("func/declaration_called", `module {
  func.func @main(%a: tensor<f32>) -> tensor<f32> {
    %r = func.call @system(%a) : (tensor<f32>) -> tensor<f32>
    func.return %r : tensor<f32>
  }
  func.func private @system(%a: tensor<f32>) -> tensor<f32>
}`, "verify.func.body")
	add("composite/undefined", g1("stablehlo.composite", []string{f32s}, f32s, ` {name = "my.op", decomposition = @nope}`), "verify.symbol.undefined")
	add("composite/name", `module {
  func.func @main(%a: tensor<f32>) -> tensor<f32> {
    %r = "stablehlo.composite"(%a) {name = "noperiod", decomposition = @impl} : (tensor<f32>) -> tensor<f32>
    func.return %r : tensor<f32>
  }
  func.func private @impl(%a: tensor<f32>) -> tensor<f32> {
    func.return %a : tensor<f32>
  }
}`, "verify.composite.name")
	add("composite/types", `module {
  func.func @main(%a: tensor<f32>) -> tensor<f32> {
    %r = "stablehlo.composite"(%a) {name = "my.op", decomposition = @impl} : (tensor<f32>) -> tensor<f32>
    func.return %r : tensor<f32>
  }
  func.func private @impl(%a: tensor<f64>) -> tensor<f32> {
    %c = stablehlo.constant dense<1.0> : tensor<f32>
    func.return %c : tensor<f32>
  }
}`, "verify.composite.types")
	add("composite/recursion", `module {
  func.func @main(%a: tensor<f32>) -> tensor<f32> {
    %r = "stablehlo.composite"(%a) {name = "my.op", decomposition = @main} : (tensor<f32>) -> tensor<f32>
    func.return %r : tensor<f32>
  }
}`, "verify.call.cycle")
	add("composite/version", `module {
  func.func @main(%a: tensor<f32>) -> tensor<f32> {
    %r = "stablehlo.composite"(%a) {name = "my.op", decomposition = @impl, version = -1 : i32} : (tensor<f32>) -> tensor<f32>
    func.return %r : tensor<f32>
  }
  func.func private @impl(%a: tensor<f32>) -> tensor<f32> {
    func.return %a : tensor<f32>
  }
}`, "verify.composite.attr")
	add("custom_call/called_computation_cycle", `module {
  func.func @main(%a: tensor<f32>) -> tensor<f32> {
    %r = "stablehlo.custom_call"(%a) {call_target_name = "Sharding", called_computations = [@main]} : (tensor<f32>) -> tensor<f32>
    func.return %r : tensor<f32>
  }
}`, "verify.call.cycle")
	return cs
}

func miscCases() []negCase {
	var cs []negCase
	add := func(name, src, rule string) { cs = append(cs, negCase{name: name, src: src, rule: rule}) }
	add("constant/type", g1("stablehlo.constant", nil, "tensor<f64>", " {value = dense<1.0> : tensor<f32>}"), "verify.constant.types")
	add("constant/missing", g1("stablehlo.constant", nil, f32s, ""), "verify.constant.attr")
	add("constant/not_dense", g1("stablehlo.constant", nil, f32s, " {value = 1.0 : f32}"), "verify.constant.attr")
	add("constant/operand", g1("stablehlo.constant", []string{f32s}, f32s, " {value = dense<1.0> : tensor<f32>}"), "verify.constant.arity")
	cc := func(attrs string, ins []string, outs []string) string {
		return gop("stablehlo.custom_call", ins, outs, " {"+attrs+"}")
	}
	add("custom_call/missing_target", cc(`api_version = 1 : i32`, []string{f32s}, []string{f32s}), "verify.custom_call.attr")
	add("custom_call/empty_target", cc(`call_target_name = ""`, []string{f32s}, []string{f32s}), "verify.custom_call.call_target_name")
	add("custom_call/target_not_string", cc(`call_target_name = 3 : i32`, []string{f32s}, []string{f32s}), "verify.custom_call.attr")
	add("custom_call/api_version", cc(`call_target_name = "Sharding", api_version = 7 : i32`, []string{f32s}, []string{f32s}), "verify.custom_call.api_version")
	add("custom_call/dict_config_old_api", cc(`call_target_name = "Sharding", backend_config = {a = 1 : i32}`, []string{f32s}, []string{f32s}), "verify.custom_call.backend_config")
	add("custom_call/string_config_ffi", cc(`call_target_name = "Sharding", api_version = 4 : i32, backend_config = "x"`, []string{f32s}, []string{f32s}), "verify.custom_call.backend_config")
	add("custom_call/undefined_computation", cc(`call_target_name = "Sharding", called_computations = [@nope]`, []string{f32s}, []string{f32s}), "verify.symbol.undefined")
	add("custom_call/alias_operand", cc(`call_target_name = "Sharding", output_operand_aliases = [#stablehlo.output_operand_alias<output_tuple_indices = [], operand_index = 3, operand_tuple_indices = []>]`, []string{f32s}, []string{f32s}), "verify.custom_call.aliases")
	add("custom_call/alias_type", cc(`call_target_name = "Sharding", output_operand_aliases = [#stablehlo.output_operand_alias<output_tuple_indices = [], operand_index = 0, operand_tuple_indices = []>]`, []string{f32s}, []string{"tensor<f64>"}), "verify.custom_call.aliases")
	add("custom_call/alias_tuple_index", cc(`call_target_name = "Sharding", output_operand_aliases = [#stablehlo.output_operand_alias<output_tuple_indices = [5], operand_index = 0, operand_tuple_indices = []>]`, []string{f32s}, []string{f32s, f32s}), "verify.custom_call.aliases")
	add("custom_call/layout_len", cc(`call_target_name = "Sharding", operand_layouts = [dense<[0]> : tensor<1xindex>], result_layouts = [dense<[1, 0]> : tensor<2xindex>]`, []string{f23}, []string{f23}), "verify.custom_call.layouts")
	add("custom_call/layout_dup", cc(`call_target_name = "Sharding", operand_layouts = [dense<[0, 0]> : tensor<2xindex>], result_layouts = [dense<[1, 0]> : tensor<2xindex>]`, []string{f23}, []string{f23}), "verify.custom_call.layouts")
	add("custom_call/layout_one_side", cc(`call_target_name = "Sharding", operand_layouts = [dense<[1, 0]> : tensor<2xindex>]`, []string{f23}, []string{f23}), "verify.custom_call.layouts")
	add("custom_call/layout_count", cc(`call_target_name = "Sharding", operand_layouts = [], result_layouts = [dense<[1, 0]> : tensor<2xindex>]`, []string{f23}, []string{f23}), "verify.custom_call.layouts")
	add("custom_call/shape_operand_index", cc(`call_target_name = "Sharding", indices_of_shape_operands = dense<[4]> : tensor<1xi64>`, []string{f23}, []string{f23}), "verify.custom_call.attr")
	add("custom_call/side_effect_type", cc(`call_target_name = "Sharding", has_side_effect = "yes"`, []string{f32s}, []string{f32s}), "verify.custom_call.attr")
	add("custom_call/region", gop("stablehlo.custom_call", []string{f32s}, []string{f32s}, regions(adder(f32s))+` {call_target_name = "Sharding"}`), "verify.custom_call.region")
	add("tuple/result", g1("stablehlo.tuple", []string{f32s, i32s}, "tuple<tensor<f32>, tensor<i64>>", ""), "verify.tuple.types")
	add("tuple/result_not_tuple", g1("stablehlo.tuple", []string{f32s}, f32s, ""), "verify.tuple.types")
	add("get_tuple_element/index", g1("stablehlo.get_tuple_element", []string{"tuple<tensor<f32>, tensor<i32>>"}, f32s, " {index = 2 : i32}"), "verify.get_tuple_element.index")
	add("get_tuple_element/negative", g1("stablehlo.get_tuple_element", []string{"tuple<tensor<f32>, tensor<i32>>"}, f32s, " {index = -1 : i32}"), "verify.get_tuple_element.index")
	add("get_tuple_element/type", g1("stablehlo.get_tuple_element", []string{"tuple<tensor<f32>, tensor<i32>>"}, f32s, " {index = 1 : i32}"), "verify.get_tuple_element.types")
	add("get_tuple_element/not_tuple", g1("stablehlo.get_tuple_element", []string{f32s}, f32s, " {index = 0 : i32}"), "verify.get_tuple_element.types")
	add("after_all/tensor", g1("stablehlo.after_all", []string{tok, f32s}, tok, ""), "verify.after_all.types")
	add("after_all/result", g1("stablehlo.after_all", []string{tok}, f32s, ""), "verify.after_all.types")
	add("create_token/result", g1("stablehlo.create_token", nil, f32s, ""), "verify.create_token.types")
	add("optimization_barrier/types", gop("stablehlo.optimization_barrier", []string{f32s, i32s}, []string{f32s, i64s}, ""), "verify.optimization_barrier.types")
	add("optimization_barrier/count", gop("stablehlo.optimization_barrier", []string{f32s, i32s}, []string{f32s}, ""), "verify.optimization_barrier.arity")
	add("optimization_barrier/tuple", gop("stablehlo.optimization_barrier", []string{"tuple<tensor<f32>>"}, []string{"tuple<tensor<f32>>"}, ""), "verify.optimization_barrier.types")
	bni := func(ins []string, out, attrs string) string {
		return g1("stablehlo.batch_norm_inference", ins, out, " {"+attrs+"}")
	}
	x := "tensor<2x3x4xf32>"
	v4 := "tensor<4xf32>"
	add("batch_norm_inference/feature_index", bni([]string{x, v4, v4, v4, v4}, x, "epsilon = 1.0e-3 : f32, feature_index = 3 : i64"), "verify.batch_norm_inference.feature_index")
	add("batch_norm_inference/scale_size", bni([]string{x, f3, v4, v4, v4}, x, "epsilon = 1.0e-3 : f32, feature_index = 2 : i64"), "verify.batch_norm_inference.shape")
	add("batch_norm_inference/scale_rank", bni([]string{x, "tensor<1x4xf32>", v4, v4, v4}, x, "epsilon = 1.0e-3 : f32, feature_index = 2 : i64"), "verify.batch_norm_inference.shape")
	add("batch_norm_inference/int", bni([]string{"tensor<2x3x4xi32>", "tensor<4xi32>", "tensor<4xi32>", "tensor<4xi32>", "tensor<4xi32>"}, "tensor<2x3x4xi32>", "epsilon = 1.0e-3 : f32, feature_index = 2 : i64"), "verify.batch_norm_inference.element_type")
	add("batch_norm_inference/epsilon", bni([]string{x, v4, v4, v4, v4}, x, "feature_index = 2 : i64"), "verify.batch_norm_inference.attr")
	add("batch_norm_inference/result", bni([]string{x, v4, v4, v4, v4}, "tensor<2x3x5xf32>", "epsilon = 1.0e-3 : f32, feature_index = 2 : i64"), "verify.batch_norm_inference.shape")
	add("batch_norm_inference/mean_elem", bni([]string{x, v4, v4, "tensor<4xf64>", v4}, x, "epsilon = 1.0e-3 : f32, feature_index = 2 : i64"), "verify.batch_norm_inference.types")
	add("batch_norm_training/batch_var", gop("stablehlo.batch_norm_training", []string{x, v4, v4}, []string{x, v4, f3}, " {epsilon = 1.0e-3 : f32, feature_index = 2 : i64}"), "verify.batch_norm_training.shape")
	add("batch_norm_training/result_count", gop("stablehlo.batch_norm_training", []string{x, v4, v4}, []string{x, v4}, " {epsilon = 1.0e-3 : f32, feature_index = 2 : i64}"), "verify.batch_norm_training.arity")
	add("batch_norm_training/feature_index", gop("stablehlo.batch_norm_training", []string{x, v4, v4}, []string{x, v4, v4}, " {epsilon = 1.0e-3 : f32, feature_index = -1 : i64}"), "verify.batch_norm_training.feature_index")
	add("batch_norm_grad/grad_output_shape", gop("stablehlo.batch_norm_grad", []string{x, v4, v4, v4, "tensor<2x3x3xf32>"}, []string{x, v4, v4}, " {epsilon = 1.0e-3 : f32, feature_index = 2 : i64}"), "verify.batch_norm_grad.shape")
	add("batch_norm_grad/grad_offset", gop("stablehlo.batch_norm_grad", []string{x, v4, v4, v4, x}, []string{x, v4, "tensor<4xf16>"}, " {epsilon = 1.0e-3 : f32, feature_index = 2 : i64}"), "verify.batch_norm_grad.types")
	add("cholesky/rank1", g1("stablehlo.cholesky", []string{f3}, f3, ""), "verify.cholesky.shape")
	add("cholesky/not_square", g1("stablehlo.cholesky", []string{f23}, f23, ""), "verify.cholesky.shape")
	add("cholesky/int", g1("stablehlo.cholesky", []string{"tensor<3x3xi32>"}, "tensor<3x3xi32>", ""), "verify.cholesky.element_type")
	add("cholesky/result", g1("stablehlo.cholesky", []string{"tensor<3x3xf32>"}, "tensor<3x3xf64>", ""), "verify.cholesky.types")
	ts := func(a, b, out, attrs string) string {
		return g1("stablehlo.triangular_solve", []string{a, b}, out, " {"+attrs+"}")
	}
	const tsa = "left_side = true, lower = true, unit_diagonal = false, transpose_a = #stablehlo<transpose NO_TRANSPOSE>"
	add("triangular_solve/rank", ts("tensor<3x3xf32>", "tensor<2x3x4xf32>", "tensor<2x3x4xf32>", tsa), "verify.triangular_solve.shape")
	add("triangular_solve/not_square", ts(f23, f23, f23, tsa), "verify.triangular_solve.shape")
	add("triangular_solve/left_mismatch", ts("tensor<3x3xf32>", "tensor<4x3xf32>", "tensor<4x3xf32>", tsa), "verify.triangular_solve.shape")
	add("triangular_solve/transpose_a", ts("tensor<3x3xf32>", "tensor<3x4xf32>", "tensor<3x4xf32>", "left_side = true, lower = true, unit_diagonal = false, transpose_a = #stablehlo<transpose CONJUGATE>"), "verify.triangular_solve.transpose_a")
	add("triangular_solve/elem", ts("tensor<3x3xf32>", "tensor<3x4xf64>", "tensor<3x4xf64>", tsa), "verify.triangular_solve.types")
	add("triangular_solve/batch", ts("tensor<2x3x3xf32>", "tensor<5x3x4xf32>", "tensor<5x3x4xf32>", tsa), "verify.triangular_solve.shape")
	fft := func(in, out, typ, lens string) string {
		return g1("stablehlo.fft", []string{in}, out, " {fft_type = #stablehlo<fft_type "+typ+">, fft_length = array<i64"+lens+">}")
	}
	add("fft/too_many_lengths", fft("tensor<2x2x2x2xcomplex<f32>>", "tensor<2x2x2x2xcomplex<f32>>", "FFT", ": 2, 2, 2, 2"), "verify.fft.fft_length")
	add("fft/no_lengths", fft(c2, c2, "FFT", ""), "verify.fft.fft_length")
	add("fft/fft_real", fft(f2, c2, "FFT", ": 2"), "verify.fft.types")
	add("fft/rfft_complex", fft(c2, c2, "RFFT", ": 2"), "verify.fft.types")
	add("fft/irfft_width", fft(c2, d2, "IRFFT", ": 2"), "verify.fft.types")
	add("fft/rfft_shape", fft("tensor<8xf32>", "tensor<8xcomplex<f32>>", "RFFT", ": 8"), "verify.fft.shape")
	add("fft/rfft_length", fft("tensor<8xf32>", "tensor<5xcomplex<f32>>", "RFFT", ": 4"), "verify.fft.fft_length")
	add("fft/bad_type", fft(c2, c2, "DCT", ": 2"), "verify.fft.fft_type")
	add("fft/irfft_shape", fft("tensor<4xcomplex<f32>>", "tensor<8xf32>", "IRFFT", ": 8"), "verify.fft.shape")
	rng := func(a, b, shp, out, dist string) string {
		return g1("stablehlo.rng", []string{a, b, shp}, out, " {rng_distribution = #stablehlo<rng_distribution "+dist+">}")
	}
	add("rng/normal_int", rng(i32s, i32s, "tensor<1xi64>", i2, "NORMAL"), "verify.rng.rng_distribution")
	add("rng/bounds_rank", rng(f2, f2, "tensor<1xi64>", f2, "UNIFORM"), "verify.rng.types")
	add("rng/elem", rng(f32s, f32s, "tensor<1xi64>", d2, "UNIFORM"), "verify.rng.types")
	add("rng/shape_len", rng(f32s, f32s, "tensor<2xi64>", f2, "UNIFORM"), "verify.rng.shape")
	add("rng/complex", rng("tensor<complex<f32>>", "tensor<complex<f32>>", "tensor<1xi64>", c2, "UNIFORM"), "verify.rng.element_type")
	add("rng/missing_distribution", g1("stablehlo.rng", []string{f32s, f32s, "tensor<1xi64>"}, f2, ""), "verify.rng.attr")
	add("rng/const_shape", `func.func @main(%a: tensor<f32>, %b: tensor<f32>) -> tensor<2xf32> {
  %s = stablehlo.constant dense<3> : tensor<1xi64>
  %r = "stablehlo.rng"(%a, %b, %s) {rng_distribution = #stablehlo<rng_distribution UNIFORM>} : (tensor<f32>, tensor<f32>, tensor<1xi64>) -> tensor<2xf32>
  func.return %r : tensor<2xf32>
}`, "verify.rng.shape")
	rbg := func(st string, outs []string, alg string) string {
		return gop("stablehlo.rng_bit_generator", []string{st}, outs, " {rng_algorithm = #stablehlo<rng_algorithm "+alg+">}")
	}
	add("rng_bit_generator/three_fry_size", rbg("tensor<3xui64>", []string{"tensor<3xui64>", "tensor<4xui32>"}, "THREE_FRY"), "verify.rng_bit_generator.initial_state")
	add("rng_bit_generator/philox_size", rbg("tensor<4xui64>", []string{"tensor<4xui64>", "tensor<4xui32>"}, "PHILOX"), "verify.rng_bit_generator.initial_state")
	add("rng_bit_generator/state_type", rbg("tensor<2xi64>", []string{"tensor<2xi64>", "tensor<4xui32>"}, "DEFAULT"), "verify.rng_bit_generator.initial_state")
	add("rng_bit_generator/output_state", rbg("tensor<2xui64>", []string{"tensor<3xui64>", "tensor<4xui32>"}, "THREE_FRY"), "verify.rng_bit_generator.shape")
	add("rng_bit_generator/output_bool", rbg("tensor<2xui64>", []string{"tensor<2xui64>", "tensor<4xi1>"}, "THREE_FRY"), "verify.rng_bit_generator.element_type")
	add("rng_bit_generator/algorithm", rbg("tensor<2xui64>", []string{"tensor<2xui64>", "tensor<4xui32>"}, "MT19937"), "verify.rng_bit_generator.rng_algorithm")
	add("uniform_quantize/float_result", g1("stablehlo.uniform_quantize", []string{f2}, f2, ""), "verify.uniform_quantize.element_type")
	add("uniform_quantize/int_operand", g1("stablehlo.uniform_quantize", []string{i2}, q2, ""), "verify.uniform_quantize.element_type")
	add("uniform_quantize/expressed", g1("stablehlo.uniform_quantize", []string{d2}, q2, ""), "verify.uniform_quantize.types")
	add("uniform_quantize/shape", g1("stablehlo.uniform_quantize", []string{f3}, q2, ""), "verify.uniform_quantize.shape")
	add("uniform_dequantize/float_operand", g1("stablehlo.uniform_dequantize", []string{f2}, f2, ""), "verify.uniform_dequantize.element_type")
	add("uniform_dequantize/result", g1("stablehlo.uniform_dequantize", []string{q2}, d2, ""), "verify.uniform_dequantize.types")
	add("uniform_dequantize/shape", g1("stablehlo.uniform_dequantize", []string{q2}, f3, ""), "verify.uniform_dequantize.shape")
	// types
	add("type/quant_scale_negative", `func.func @main(%a: tensor<2x!quant.uniform<i8:f32, -0.5:0>>) -> tensor<2x!quant.uniform<i8:f32, -0.5:0>> {
  func.return %a : tensor<2x!quant.uniform<i8:f32, -0.5:0>>
}`, "verify.type.quant")
	add("type/quant_scale_zero", `func.func @main(%a: tensor<2x!quant.uniform<i8:f32, 0.0:0>>) -> tensor<2xf32> {
  %r = stablehlo.uniform_dequantize %a : (tensor<2x!quant.uniform<i8:f32, 0.0:0>>) -> tensor<2xf32>
  func.return %r : tensor<2xf32>
}`, "verify.type.quant")
	add("type/quant_zero_point", `func.func @main(%a: tensor<2x!quant.uniform<i8:f32, 0.5:300>>) -> tensor<2xf32> {
  %r = stablehlo.uniform_dequantize %a : (tensor<2x!quant.uniform<i8:f32, 0.5:300>>) -> tensor<2xf32>
  func.return %r : tensor<2xf32>
}`, "verify.type.quant")
	add("type/quant_range", `func.func @main(%a: tensor<2x!quant.uniform<i8<-200:100>:f32, 0.5:0>>) -> tensor<2xf32> {
  %r = stablehlo.uniform_dequantize %a : (tensor<2x!quant.uniform<i8<-200:100>:f32, 0.5:0>>) -> tensor<2xf32>
  func.return %r : tensor<2xf32>
}`, "verify.type.quant")
	add("type/quant_range_empty", `func.func @main(%a: tensor<2x!quant.uniform<i8<5:5>:f32, 0.5:5>>) -> tensor<2xf32> {
  %r = stablehlo.uniform_dequantize %a : (tensor<2x!quant.uniform<i8<5:5>:f32, 0.5:5>>) -> tensor<2xf32>
  func.return %r : tensor<2xf32>
}`, "verify.type.quant")
	add("type/quant_axis_scales", `func.func @main(%a: tensor<2x!quant.uniform<i8:f32:0, {0.5, 0.5, 0.5}>>) -> tensor<2xf32> {
  %r = stablehlo.uniform_dequantize %a : (tensor<2x!quant.uniform<i8:f32:0, {0.5, 0.5, 0.5}>>) -> tensor<2xf32>
  func.return %r : tensor<2xf32>
}`, "verify.type.quant")
	add("type/quant_axis_rank", `func.func @main(%a: tensor<2x!quant.uniform<i8:f32:1, {0.5, 0.5}>>) -> tensor<2xf32> {
  %r = stablehlo.uniform_dequantize %a : (tensor<2x!quant.uniform<i8:f32:1, {0.5, 0.5}>>) -> tensor<2xf32>
  func.return %r : tensor<2xf32>
}`, "verify.type.quant")
	add("type/quant_unsigned_zp", `func.func @main(%a: tensor<2x!quant.uniform<ui8:f32, 0.5:-1>>) -> tensor<2xf32> {
  %r = stablehlo.uniform_dequantize %a : (tensor<2x!quant.uniform<ui8:f32, 0.5:-1>>) -> tensor<2xf32>
  func.return %r : tensor<2xf32>
}`, "verify.type.quant")
	add("type/quant_op_result", g1("stablehlo.uniform_quantize", []string{f2}, "tensor<2x!quant.uniform<i8:f32, 0.5:-200>>", ""), "verify.type.quant")
	add("type/bounds_static", `func.func @main(%a: tensor<2xf32, #stablehlo.bounds<4>>) -> tensor<2xf32, #stablehlo.bounds<4>> {
  func.return %a : tensor<2xf32, #stablehlo.bounds<4>>
}`, "verify.type.bounds")
	add("type/index", `func.func @main(%a: tensor<2xindex>) -> tensor<2xindex> {
  func.return %a : tensor<2xindex>
}`, "verify.type.element")
	add("type/index_result", g1("stablehlo.convert", []string{i2}, "tensor<2xindex>", ""), "verify.type.element")
	add("type/index_block_arg", gop("stablehlo.reduce", []string{"tensor<2xi32>", i32s}, []string{i32s}, regions(adder("tensor<index>"))+" {dimensions = array<i64: 0>}"), "verify.type.element")
	return cs
}

func collectiveCases() []negCase {
	var cs []negCase
	add := func(name, src, rule string) { cs = append(cs, negCase{name: name, src: src, rule: rule}) }
	const rg = `replica_groups = dense<[[0, 1]]> : tensor<1x2xi64>`
	add("all_gather/dim", g1("stablehlo.all_gather", []string{f23}, "tensor<2x6xf32>", " {all_gather_dim = 2 : i64, "+rg+"}"), "verify.all_gather.all_gather_dim")
	add("all_gather/shape", g1("stablehlo.all_gather", []string{f23}, "tensor<2x3xf32>", " {all_gather_dim = 1 : i64, "+rg+"}"), "verify.all_gather.shape")
	add("all_gather/groups_dup", g1("stablehlo.all_gather", []string{f23}, "tensor<2x6xf32>", " {all_gather_dim = 1 : i64, replica_groups = dense<[[0, 0]]> : tensor<1x2xi64>}"), "verify.all_gather.replica_groups")
	add("all_gather/groups_negative", g1("stablehlo.all_gather", []string{f23}, "tensor<2x6xf32>", " {all_gather_dim = 1 : i64, replica_groups = dense<[[0, -5]]> : tensor<1x2xi64>}"), "verify.all_gather.replica_groups")
	add("all_gather/groups_rank", g1("stablehlo.all_gather", []string{f23}, "tensor<2x6xf32>", " {all_gather_dim = 1 : i64, replica_groups = dense<[0, 1]> : tensor<2xi64>}"), "verify.all_gather.replica_groups")
	add("all_gather/global_ids", g1("stablehlo.all_gather", []string{f23}, "tensor<2x6xf32>", " {all_gather_dim = 1 : i64, "+rg+", use_global_device_ids}"), "verify.all_gather.channel_handle")
	add("all_reduce/body", g1("stablehlo.all_reduce", []string{f23}, f23, regions(adder("tensor<f16>"))+" {"+rg+"}"), "verify.all_reduce.region")
	add("all_reduce/result", g1("stablehlo.all_reduce", []string{f23}, f3, regions(adder(f32s))+" {"+rg+"}"), "verify.all_reduce.shape")
	add("all_reduce/missing_groups", g1("stablehlo.all_reduce", []string{f23}, f23, regions(adder(f32s))), "verify.all_reduce.attr")
	a2a := func(in, out, attrs string) string {
		return g1("stablehlo.all_to_all", []string{in}, out, " {"+attrs+", "+rg+"}")
	}
	add("all_to_all/split_count_zero", a2a("tensor<2x4xf32>", "tensor<4x2xf32>", "split_dimension = 1 : i64, concat_dimension = 0 : i64, split_count = 0 : i64"), "verify.all_to_all.split_count")
	add("all_to_all/split_not_dividing", a2a("tensor<2x3xf32>", "tensor<4x1xf32>", "split_dimension = 1 : i64, concat_dimension = 0 : i64, split_count = 2 : i64"), "verify.all_to_all.split_count")
	add("all_to_all/split_dim", a2a("tensor<2x4xf32>", "tensor<4x2xf32>", "split_dimension = 2 : i64, concat_dimension = 0 : i64, split_count = 2 : i64"), "verify.all_to_all.split_dimension")
	add("all_to_all/concat_dim", a2a("tensor<2x4xf32>", "tensor<4x2xf32>", "split_dimension = 1 : i64, concat_dimension = -1 : i64, split_count = 2 : i64"), "verify.all_to_all.concat_dimension")
	add("all_to_all/shape", a2a("tensor<2x4xf32>", "tensor<2x4xf32>", "split_dimension = 1 : i64, concat_dimension = 0 : i64, split_count = 2 : i64"), "verify.all_to_all.shape")
	add("all_to_all/group_size", g1("stablehlo.all_to_all", []string{"tensor<2x4xf32>"}, "tensor<8x1xf32>", " {split_dimension = 1 : i64, concat_dimension = 0 : i64, split_count = 4 : i64, "+rg+"}"), "verify.all_to_all.replica_groups")
	add("reduce_scatter/not_dividing", g1("stablehlo.reduce_scatter", []string{f23}, f23, regions(adder(f32s))+" {scatter_dimension = 1 : i64, "+rg+"}"), "verify.reduce_scatter.scatter_dimension")
	add("reduce_scatter/shape", g1("stablehlo.reduce_scatter", []string{"tensor<2x4xf32>"}, "tensor<2x4xf32>", regions(adder(f32s))+" {scatter_dimension = 1 : i64, "+rg+"}"), "verify.reduce_scatter.shape")
	add("reduce_scatter/dim", g1("stablehlo.reduce_scatter", []string{"tensor<2x4xf32>"}, "tensor<2x2xf32>", regions(adder(f32s))+" {scatter_dimension = 3 : i64, "+rg+"}"), "verify.reduce_scatter.scatter_dimension")
	cp := func(pairs, typ string) string {
		return g1("stablehlo.collective_permute", []string{f23}, f23, " {source_target_pairs = dense<"+pairs+"> : "+typ+"}")
	}
	add("collective_permute/dup_source", cp("[[0, 1], [0, 2]]", "tensor<2x2xi64>"), "verify.collective_permute.source_target_pairs")
	add("collective_permute/dup_target", cp("[[0, 1], [2, 1]]", "tensor<2x2xi64>"), "verify.collective_permute.source_target_pairs")
	add("collective_permute/width", cp("[[0, 1, 2]]", "tensor<1x3xi64>"), "verify.collective_permute.source_target_pairs")
	add("collective_permute/negative", cp("[[0, -1]]", "tensor<1x2xi64>"), "verify.collective_permute.source_target_pairs")
	add("collective_permute/type", g1("stablehlo.collective_permute", []string{f23}, "tensor<2x3xf16>", " {source_target_pairs = dense<[[0, 1]]> : tensor<1x2xi64>}"), "verify.collective_permute.types")
	add("collective_permute/missing", g1("stablehlo.collective_permute", []string{f23}, f23, ""), "verify.collective_permute.attr")
	add("collective_broadcast/type", g1("stablehlo.collective_broadcast", []string{f23}, "tensor<2x3xi32>", " {"+rg+"}"), "verify.collective_broadcast.types")
	add("collective_broadcast/root", g1("stablehlo.collective_broadcast", []string{f23, "tensor<2xi32>"}, f23, " {"+rg+", has_dynamic_root}"), "verify.collective_broadcast.types")
	add("collective_reduce/body", g1("stablehlo.collective_reduce", []string{f23}, f23, regions(adder("tensor<i32>"))+" {"+rg+"}"), "verify.collective_reduce.region")
	add("partition_id/result", g1("stablehlo.partition_id", nil, i32s, ""), "verify.partition_id.types")
	add("replica_id/result", g1("stablehlo.replica_id", nil, "tensor<2xui32>", ""), "verify.replica_id.types")
	add("infeed/last_not_token", gop("stablehlo.infeed", []string{tok}, []string{f23, f23}, ""), "verify.infeed.types")
	add("infeed/operand", gop("stablehlo.infeed", []string{f23}, []string{f23, tok}, ""), "verify.infeed.types")
	add("infeed/tuple_result", gop("stablehlo.infeed", []string{tok}, []string{"tuple<tensor<f32>>", tok}, ""), "verify.infeed.types")
	add("outfeed/no_token", g1("stablehlo.outfeed", []string{f23}, tok, ""), "verify.outfeed.types")
	add("outfeed/result", g1("stablehlo.outfeed", []string{f23, tok}, f23, ""), "verify.outfeed.types")
	const ch = `channel_handle = #stablehlo.channel_handle<handle = 1, type = 1>`
	add("send/missing_channel", g1("stablehlo.send", []string{f23, tok}, tok, ""), "verify.send.attr")
	add("send/host_type", g1("stablehlo.send", []string{f23, tok}, tok, " {"+ch+", is_host_transfer = true}"), "verify.send.channel_handle")
	add("send/bad_channel_type", g1("stablehlo.send", []string{f23, tok}, tok, " {channel_handle = #stablehlo.channel_handle<handle = 1, type = 9>}"), "verify.send.channel_handle")
	add("recv/host_type", gop("stablehlo.recv", []string{tok}, []string{f23, tok}, " {channel_handle = #stablehlo.channel_handle<handle = 1, type = 2>, is_host_transfer = true}"), "verify.recv.channel_handle")
	add("recv/last_not_token", gop("stablehlo.recv", []string{tok}, []string{f23}, " {"+ch+"}"), "verify.recv.types")
	add("async_start", g1("stablehlo.async_start", []string{f23}, f23, ""), "verify.async_start.types")
	add("async_done", g1("stablehlo.async_done", []string{f23}, f23, ""), "verify.async_done.types")
	return cs
}

func moduleCases() []negCase {
	var cs []negCase
	add := func(name, src, rule string) { cs = append(cs, negCase{name: name, src: src, rule: rule}) }
	body := "  func.func @main(%a: tensor<f32>) -> tensor<f32> {\n    func.return %a : tensor<f32>\n  }\n}"
	add("module/num_partitions", "module attributes {mhlo.num_partitions = 2 : i32} {\n"+body, "verify.module.partitions")
	add("module/num_replicas", "module attributes {mhlo.num_replicas = 8 : i32} {\n"+body, "verify.module.partitions")
	add("module/num_partitions_zero", "module attributes {mhlo.num_partitions = 0 : i32, mhlo.num_replicas = 1 : i32} {\n"+body, "verify.module.partitions")
	add("module/num_partitions_string", "module attributes {mhlo.num_partitions = \"1\"} {\n"+body, "verify.module.partitions")
	add("module/no_public", "module {\n  func.func private @f(%a: tensor<f32>) -> tensor<f32> {\n    func.return %a : tensor<f32>\n  }\n}", "verify.module.entry")
	add("module/private_main", "module {\n  func.func private @main(%a: tensor<f32>) -> tensor<f32> {\n    func.return %a : tensor<f32>\n  }\n}", "verify.module.entry")
	add("module/empty", "module {\n}", "verify.module.entry")
	for _, op := range []string{"stablehlo.foo", "stablehlo.einsum", "stablehlo.torch_index_select", "stablehlo.unary_einsum", "stablehlo.compute_reshape_shape", "mhlo.add", "chlo.frobnicate", "arith.addf", "tensor.empty", "shape.shape_of", "func.func2", "check.nope", "interpreter.nope", "tf.Add", "stablehlo.set_dimension_size"} {
		add("unknown/"+op, g1(op, []string{f2, f2}, f2, ""), "verify.op.unknown")
	}
	// parse-level rejections
	add("parse/operand_type", `func.func @main(%a: tensor<2xf32>) -> tensor<2xf32> {
  %r = "stablehlo.add"(%a, %a) : (tensor<2xf32>, tensor<3xf32>) -> tensor<2xf32>
  func.return %r : tensor<2xf32>
}`, "parse.operand_type")
	add("parse/undefined_value", `func.func @main(%a: tensor<2xf32>) -> tensor<2xf32> {
  %r = "stablehlo.add"(%a, %b) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  func.return %r : tensor<2xf32>
}`, "parse.undefined_value")
	add("parse/result_count", `func.func @main(%a: tensor<2xf32>) -> tensor<2xf32> {
  %r:2 = "stablehlo.add"(%a, %a) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  func.return %r#0 : tensor<2xf32>
}`, "parse.result_count")
	add("parse/check_const_type", `func.func @main(%a: tensor<2xf32>) {
  check.expect_eq_const %a, dense<1.0> : tensor<3xf32>
  func.return
}`, "parse.operand_type")
	add("parse/redefinition", `func.func @main(%a: tensor<2xf32>) -> tensor<2xf32> {
  %a = "stablehlo.add"(%a, %a) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  func.return %a : tensor<2xf32>
}`, "parse.redefinition")
	return cs
}

func chloCheckCases() []negCase {
	var cs []negCase
	add := func(name, src, rule string) { cs = append(cs, negCase{name: name, src: src, rule: rule}) }
	add("chlo.top_k/k_too_big", gop("chlo.top_k", []string{f23}, []string{"tensor<2x4xf32>", "tensor<2x4xi32>"}, " {k = 4 : i64}"), "verify.chlo.top_k.k")
	add("chlo.top_k/indices_type", gop("chlo.top_k", []string{f23}, []string{"tensor<2x2xf32>", "tensor<2x2xi64>"}, " {k = 2 : i64}"), "verify.chlo.top_k.types")
	add("chlo.top_k/shape", gop("chlo.top_k", []string{f23}, []string{"tensor<2x3xf32>", "tensor<2x3xi32>"}, " {k = 2 : i64}"), "verify.chlo.top_k.shape")
	add("chlo.top_k/missing_k", gop("chlo.top_k", []string{f23}, []string{"tensor<2x2xf32>", "tensor<2x2xi32>"}, ""), "verify.chlo.top_k.attr")
	add("chlo.broadcast_add/shape", g1("chlo.broadcast_add", []string{f23, "tensor<4xf32>"}, f23, ""), "verify.chlo.broadcast_add.shape")
	add("chlo.broadcast_add/result", g1("chlo.broadcast_add", []string{f23, f3}, "tensor<3x3xf32>", ""), "verify.chlo.broadcast_add.shape")
	add("chlo.broadcast_add/elem", g1("chlo.broadcast_add", []string{f23, "tensor<3xf64>"}, f23, ""), "verify.chlo.broadcast_add.types")
	add("chlo.broadcast_and/float", g1("chlo.broadcast_and", []string{f23, f3}, f23, ""), "verify.chlo.broadcast_and.element_type")
	add("chlo.broadcast_compare/result", g1("chlo.broadcast_compare", []string{f23, f3}, f23, cmpLT), "verify.chlo.broadcast_compare.types")
	add("chlo.broadcast_add/dims", g1("chlo.broadcast_add", []string{f23, f3}, f23, " {broadcast_dimensions = array<i64: 5>}"), "verify.chlo.broadcast_add.dims")
	add("chlo.is_inf/result", g1("chlo.is_inf", []string{f2}, f2, ""), "verify.chlo.is_inf.types")
	add("chlo.erf/int", g1("chlo.erf", []string{i2}, i2, ""), "verify.chlo.erf.element_type")
	add("chlo.lgamma/complex", g1("chlo.lgamma", []string{c2}, c2, ""), "verify.chlo.lgamma.element_type")
	add("chlo.acosh/shape", g1("chlo.acosh", []string{f2}, f3, ""), "verify.chlo.acosh.shape")
	add("chlo.mulhi/float", g1("chlo.mulhi", []string{f2, f2}, f2, ""), "verify.chlo.mulhi.element_type")
	add("chlo.next_after/int", g1("chlo.next_after", []string{i2, i2}, i2, ""), "verify.chlo.next_after.element_type")
	add("chlo.ragged_dot/shape", g1("chlo.ragged_dot", []string{"tensor<11x5xf32>", "tensor<3x5x7xf32>", "tensor<3xi64>"}, "tensor<11x8xf32>", ` {ragged_dot_dimension_numbers = #chlo.ragged_dot<lhs_batching_dimensions = [], rhs_batching_dimensions = [], lhs_contracting_dimensions = [1], rhs_contracting_dimensions = [1], lhs_ragged_dimensions = [0], rhs_group_dimensions = [0]>}`), "verify.chlo.ragged_dot.shape")
	add("chlo.ragged_dot/contract", g1("chlo.ragged_dot", []string{"tensor<11x5xf32>", "tensor<3x6x7xf32>", "tensor<3xi64>"}, "tensor<11x7xf32>", ` {ragged_dot_dimension_numbers = #chlo.ragged_dot<lhs_batching_dimensions = [], rhs_batching_dimensions = [], lhs_contracting_dimensions = [1], rhs_contracting_dimensions = [1], lhs_ragged_dimensions = [0], rhs_group_dimensions = [0]>}`), "verify.chlo.ragged_dot.dimension_numbers")
	add("chlo.ragged_dot/no_group", g1("chlo.ragged_dot", []string{"tensor<11x5xf32>", "tensor<5x7xf32>", "tensor<3xi64>"}, "tensor<11x7xf32>", ` {ragged_dot_dimension_numbers = #chlo.ragged_dot<lhs_batching_dimensions = [], rhs_batching_dimensions = [], lhs_contracting_dimensions = [1], rhs_contracting_dimensions = [0], lhs_ragged_dimensions = [0], rhs_group_dimensions = []>}`), "verify.chlo.ragged_dot.dimension_numbers")
	add("chlo.scan/dimension", `func.func @main(%a: tensor<4xi32>, %i: tensor<i32>) -> (tensor<4xi32>, tensor<i32>) {
  %0:2 = chlo.scan(%a) inits(%i) dimension=1 {
  ^bb0(%x: tensor<i32>, %y: tensor<i32>):
    %s = stablehlo.add %x, %y : tensor<i32>
    stablehlo.return %s, %s : tensor<i32>, tensor<i32>
  } : (tensor<4xi32>, tensor<i32>) -> (tensor<4xi32>, tensor<i32>)
  func.return %0#0, %0#1 : tensor<4xi32>, tensor<i32>
}`, "verify.chlo.scan.dimension")
	add("chlo.scan/carry", `func.func @main(%a: tensor<4xi32>, %i: tensor<i32>) -> (tensor<4xi32>, tensor<i32>) {
  %0:2 = chlo.scan(%a) inits(%i) dimension=0 {
  ^bb0(%x: tensor<i32>, %y: tensor<i64>):
    stablehlo.return %x, %x : tensor<i32>, tensor<i32>
  } : (tensor<4xi32>, tensor<i32>) -> (tensor<4xi32>, tensor<i32>)
  func.return %0#0, %0#1 : tensor<4xi32>, tensor<i32>
}`, "verify.chlo.scan.region")
	add("check.expect_eq/types", gop("check.expect_eq", []string{f2, d2}, nil, ""), "verify.check.expect_eq.types")
	add("check.expect_almost_eq/tolerance", gop("check.expect_almost_eq", []string{f2, f2}, nil, " {tolerance = -1.0 : f64}"), "verify.check.expect_almost_eq.tolerance")
	add("check.expect_close/ulp", gop("check.expect_close", []string{f2, f2}, nil, " {max_ulp_difference = 1 : i64, min_ulp_difference = 3 : i64}"), "verify.check.expect_close.tolerance")
	add("check.expect_eq_const/generic_type", gop("check.expect_eq_const", []string{f2}, nil, " {value = dense<1.0> : tensor<3xf32>}"), "verify.check.expect_eq_const.types")
	add("check.expect_eq_const/missing", gop("check.expect_eq_const", []string{f2}, nil, ""), "verify.check.expect_eq_const.attr")
	add("check.expect_serialized_eq/probe", gop("check.expect_serialized_eq", []string{f2}, nil, ""), "verify.check.expect_serialized_eq.attr")
	add("interpreter.probe/type", g1("interpreter.probe", []string{f2}, d2, ` {probe_id = "p"}`), "verify.interpreter.probe.types")
	add("interpreter.run_parallel/undefined", gop("interpreter.run_parallel", []string{f2}, []string{f2}, ` {programs = [[@nope]]}`), "verify.symbol.undefined")
	add("interpreter.run_parallel/types", `module {
  func.func @p(%a: tensor<2xf32>) -> tensor<2xf32> {
    func.return %a : tensor<2xf32>
  }
  func.func @main(%a: tensor<2xf32>) -> (tensor<2xf32>) {
    %r = "interpreter.run_parallel"(%a, %a) {programs = [[@p]]} : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
    func.return %r : tensor<2xf32>
  }
}`, "verify.interpreter.run_parallel.types")
	add("interpreter.run_parallel/ragged", `module {
  func.func @p(%a: tensor<2xf32>) -> tensor<2xf32> {
    func.return %a : tensor<2xf32>
  }
  func.func @main(%a: tensor<2xf32>) -> (tensor<2xf32>) {
    %r:3 = "interpreter.run_parallel"(%a, %a, %a) {programs = [[@p, @p], [@p]]} : (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>)
    func.return %r#0 : tensor<2xf32>
  }
}`, "verify.interpreter.run_parallel.programs")
	return cs
}

// policyCases are valid programs the default policy must refuse.
func policyCases() []negCase {
	var cs []negCase
	add := func(name, src, rule string, st stage) {
		cs = append(cs, negCase{name: name, src: src, rule: rule, stage: st})
	}
	for _, target := range []string{
		"xla_python_cpu_callback", "xla_python_gpu_callback", "xla_ffi_python_cpu_callback", "xla_ffi_python_gpu_callback",
		"xla_ffi_partitioned_python_cpu_callback", "tpu_custom_call", "mosaic_gpu", "mosaic_gpu_v2", "CustomSPMDPartitioning",
		"CustomSPMDPartitioner", "__gpu$xla.gpu.triton", "triton_kernel_call", "__cudnn$convForward", "__cublas$gemm",
		"system", "dlopen", "execve", "popen", "lapack_spotrf", "lapack_spotrf_ffi ", "sharding", "Sharding2", "SPMDFullToShardShape_",
		"lapack_xpotrf_ffi", "lapack_sungqr_ffi", "lapack_cheevd", "cu_threefry2x32", "shape_assertion2", "stablehlo.dynamic_reduce_window",
		"check.expect_eq", "check.eq", "CreateBuffer", "Pin", "Unpin", "annotate_device_placement", "MoveToHost", "MoveToDevice",
		"X64Combine", "../../libc.so.6", "TPU_CUSTOM_CALL",
	} {
		src := gop("stablehlo.custom_call", []string{f2}, []string{f2}, fmt.Sprintf(" {call_target_name = %q}", target))
		add(fmt.Sprintf("policy/custom_call/%q", target), src, "policy.custom_call", withDefault)
	}
	for _, src := range []struct{ name, src string }{
		{"infeed", gop("stablehlo.infeed", []string{tok}, []string{f23, tok}, "")},
		{"outfeed", g1("stablehlo.outfeed", []string{f23, tok}, tok, "")},
		{"send", g1("stablehlo.send", []string{f23, tok}, tok, " {channel_handle = #stablehlo.channel_handle<handle = 1, type = 1>}")},
		{"recv", gop("stablehlo.recv", []string{tok}, []string{f23, tok}, " {channel_handle = #stablehlo.channel_handle<handle = 1, type = 1>}")},
		{"all_reduce", g1("stablehlo.all_reduce", []string{f23}, f23, regions(adder(f32s))+" {replica_groups = dense<[[0]]> : tensor<1x1xi64>}")},
		{"all_gather", g1("stablehlo.all_gather", []string{f23}, f23, " {all_gather_dim = 1 : i64, replica_groups = dense<[[0]]> : tensor<1x1xi64>}")},
		{"all_to_all", g1("stablehlo.all_to_all", []string{f23}, f23, " {split_dimension = 1 : i64, concat_dimension = 1 : i64, split_count = 1 : i64, replica_groups = dense<[[0]]> : tensor<1x1xi64>}")},
		{"reduce_scatter", g1("stablehlo.reduce_scatter", []string{f23}, f23, regions(adder(f32s))+" {scatter_dimension = 1 : i64, replica_groups = dense<[[0]]> : tensor<1x1xi64>}")},
		{"collective_permute", g1("stablehlo.collective_permute", []string{f23}, f23, " {source_target_pairs = dense<[[0, 0]]> : tensor<1x2xi64>}")},
		{"collective_broadcast", g1("stablehlo.collective_broadcast", []string{f23}, f23, " {replica_groups = dense<[[0]]> : tensor<1x1xi64>}")},
		{"collective_reduce", g1("stablehlo.collective_reduce", []string{f23}, f23, regions(adder(f32s))+" {replica_groups = dense<[[0]]> : tensor<1x1xi64>}")},
		{"rng", g1("stablehlo.rng", []string{f32s, f32s, "tensor<1xi64>"}, f2, " {rng_distribution = #stablehlo<rng_distribution UNIFORM>}")},
		{"nested_infeed", `func.func @main(%t: !stablehlo.token, %p: tensor<i1>) -> tensor<2xf32> {
  %r = "stablehlo.if"(%p) ({
    %x:2 = "stablehlo.infeed"(%t) : (!stablehlo.token) -> (tensor<2xf32>, !stablehlo.token)
    "stablehlo.return"(%x#0) : (tensor<2xf32>) -> ()
  }, {
    %c = stablehlo.constant dense<0.0> : tensor<2xf32>
    "stablehlo.return"(%c) : (tensor<2xf32>) -> ()
  }) : (tensor<i1>) -> tensor<2xf32>
  func.return %r : tensor<2xf32>
}`},
	} {
		add("policy/op/"+src.name, src.src, "policy.op", withDefault)
		add("policy/conformance_op/"+src.name, src.src, "policy.op", withConformance)
	}
	checkConst := `func.func @main(%a: tensor<2xf32>) {
  check.expect_eq_const %a, dense<1.0> : tensor<2xf32>
  func.return
}`
	add("policy/check_op", checkConst, "policy.dialect", withDefault)
	add("policy/interpreter_print", gop("interpreter.print", []string{f2}, nil, ""), "policy.dialect", withDefault)
	add("policy/interpreter_probe", g1("interpreter.probe", []string{f2}, f2, ` {probe_id = "p"}`), "policy.dialect", withDefault)
	add("policy/run_parallel_conformance", `module {
  func.func @p(%a: tensor<2xf32>) -> tensor<2xf32> {
    func.return %a : tensor<2xf32>
  }
  func.func @main(%a: tensor<2xf32>) -> (tensor<2xf32>) {
    %r = "interpreter.run_parallel"(%a) {programs = [[@p]]} : (tensor<2xf32>) -> tensor<2xf32>
    func.return %r : tensor<2xf32>
  }
}`, "policy.op", withConformance)
	add("policy/custom_call_in_region", `func.func @main(%p: tensor<i1>, %a: tensor<2xf32>) -> tensor<2xf32> {
  %r = "stablehlo.if"(%p) ({
    %x = stablehlo.custom_call @xla_ffi_python_cpu_callback(%a) {api_version = 4 : i32, backend_config = {index = 0 : ui64}} : (tensor<2xf32>) -> tensor<2xf32>
    "stablehlo.return"(%x) : (tensor<2xf32>) -> ()
  }, {
    "stablehlo.return"(%a) : (tensor<2xf32>) -> ()
  }) : (tensor<i1>) -> tensor<2xf32>
  func.return %r : tensor<2xf32>
}`, "policy.custom_call", withDefault)
	add("policy/custom_call_conformance", gop("stablehlo.custom_call", []string{f2}, []string{f2}, ` {call_target_name = "xla_python_cpu_callback"}`), "policy.custom_call", withConformance)
	return cs
}

func allNegCases() []negCase {
	var all []negCase
	for _, f := range []func() []negCase{elementwiseCases, shapeCases, dotConvCases, reduceCases, gatherScatterCases,
		controlCases, miscCases, collectiveCases, moduleCases, chloCheckCases, policyCases} {
		all = append(all, f()...)
	}
	return all
}

func TestNegative(t *testing.T) {
	cases := allNegCases()
	if len(cases) < 300 {
		t.Fatalf("only %d hand-written negative cases", len(cases))
	}
	runNeg(t, cases)
	t.Logf("%d hand-written negative cases", len(cases))
}
