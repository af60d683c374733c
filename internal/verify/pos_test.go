package verify_test

import (
	"testing"
)

// TestPositive checks valid programs, most of them one change away from a
// negative case, including ops the corpus does not exercise.
func TestPositive(t *testing.T) {
	q2pa := "tensor<2x!quant.uniform<i8:f32:0, {0.5, 0.25}>>"
	sel := region([]string{f32s, f32s}, []string{`%s = "stablehlo.compare"(%x0, %x1) {comparison_direction = #stablehlo<comparison_direction GE>} : (tensor<f32>, tensor<f32>) -> tensor<i1>`}, []string{"%s"}, []string{bs})
	const dn2d = "dimension_numbers = #stablehlo.conv<[b, 0, 1, f]x[0, 1, i, o]->[b, 0, 1, f]>"
	cases := map[string]string{
		"sqrt":                 g1("stablehlo.sqrt", []string{f2}, f2, ""),
		"sqrt_dynamic":         g1("stablehlo.sqrt", []string{"tensor<?xf32>"}, f2, ""),
		"sqrt_complex":         g1("stablehlo.sqrt", []string{c2}, c2, ""),
		"sqrt_quant_params":    g1("stablehlo.sqrt", []string{q2}, q2b, ""),
		"abs_complex":          g1("stablehlo.abs", []string{c2}, f2, ""),
		"abs_int":              g1("stablehlo.abs", []string{i2}, i2, ""),
		"negate_quant":         g1("stablehlo.negate", []string{q2}, q2, ""),
		"not_bool":             g1("stablehlo.not", []string{b2}, b2, ""),
		"real_float":           g1("stablehlo.real", []string{f2}, f2, ""),
		"imag_complex":         g1("stablehlo.imag", []string{c2}, f2, ""),
		"is_finite":            g1("stablehlo.is_finite", []string{f2}, b2, ""),
		"convert_complex":      g1("stablehlo.convert", []string{i2}, c2, ""),
		"bitcast_narrow":       g1("stablehlo.bitcast_convert", []string{f2}, "tensor<2x2xi16>", ""),
		"bitcast_wide":         g1("stablehlo.bitcast_convert", []string{"tensor<4xi8>"}, i32s, ""),
		"bitcast_quant":        g1("stablehlo.bitcast_convert", []string{q2}, "tensor<2xi8>", ""),
		"reduce_precision":     g1("stablehlo.reduce_precision", []string{f2}, f2, " {exponent_bits = 5 : i32, mantissa_bits = 2 : i32}"),
		"add_bool":             g1("stablehlo.add", []string{b2, b2}, b2, ""),
		"add_quant":            g1("stablehlo.add", []string{q2, q2b}, q2, ""),
		"add_per_axis":         g1("stablehlo.add", []string{q2pa, q2}, q2pa, ""),
		"add_dynamic":          g1("stablehlo.add", []string{"tensor<?xf32>", f2}, "tensor<?xf32>", ""),
		"multiply_bool":        g1("stablehlo.multiply", []string{b2, b2}, b2, ""),
		"maximum_quant":        g1("stablehlo.maximum", []string{q2, q2b}, q2, ""),
		"shift":                g1("stablehlo.shift_left", []string{u2, u2}, u2, ""),
		"complex":              g1("stablehlo.complex", []string{d2, d2}, "tensor<2xcomplex<f64>>", ""),
		"compare_float":        g1("stablehlo.compare", []string{f2, f2}, b2, ` {comparison_direction = #stablehlo<comparison_direction LT>, compare_type = #stablehlo<comparison_type TOTALORDER>}`),
		"compare_bool":         g1("stablehlo.compare", []string{b2, b2}, b2, ` {comparison_direction = #stablehlo<comparison_direction EQ>, compare_type = #stablehlo<comparison_type UNSIGNED>}`),
		"compare_quant":        g1("stablehlo.compare", []string{q2, q2b}, b2, cmpLT),
		"select_scalar_pred":   g1("stablehlo.select", []string{bs, f2, f2}, f2, ""),
		"clamp_scalar":         g1("stablehlo.clamp", []string{f32s, f2, f32s}, f2, ""),
		"broadcast_in_dim":     g1("stablehlo.broadcast_in_dim", []string{"tensor<1x3xf32>"}, "tensor<2x4x3xf32>", " {broadcast_dimensions = array<i64: 0, 2>}"),
		"broadcast_in_dim_arr": g1("stablehlo.broadcast_in_dim", []string{f3}, f23, " {broadcast_dimensions = [1]}"),
		"broadcast_in_dim_pa":  g1("stablehlo.broadcast_in_dim", []string{q2pa}, "tensor<3x2x!quant.uniform<i8:f32:1, {0.5, 0.25}>>", " {broadcast_dimensions = array<i64: 1>}"),
		"broadcast":            g1("stablehlo.broadcast", []string{f3}, f23, " {broadcast_sizes = array<i64: 2>}"),
		"dynamic_bid":          g1("stablehlo.dynamic_broadcast_in_dim", []string{f3, "tensor<2xi64>"}, "tensor<?x3xf32>", " {broadcast_dimensions = array<i64: 1>, known_expanding_dimensions = array<i64: 0>}"),
		"reshape":              g1("stablehlo.reshape", []string{f23}, "tensor<3x2xf32>", ""),
		"reshape_quant":        g1("stablehlo.reshape", []string{q2pa}, "tensor<1x2x!quant.uniform<i8:f32:1, {0.5, 0.25}>>", ""),
		"transpose":            g1("stablehlo.transpose", []string{"tensor<2x3x4xf32>"}, "tensor<4x2x3xf32>", " {permutation = array<i64: 2, 0, 1>}"),
		"reverse":              g1("stablehlo.reverse", []string{f23}, f23, " {dimensions = array<i64: 1, 0>}"),
		"slice":                g1("stablehlo.slice", []string{f23}, "tensor<1x2xf32>", " {start_indices = array<i64: 1, 0>, limit_indices = array<i64: 2, 3>, strides = array<i64: 1, 2>}"),
		"slice_empty":          g1("stablehlo.slice", []string{f23}, "tensor<0x3xf32>", " {start_indices = array<i64: 2, 0>, limit_indices = array<i64: 2, 3>, strides = array<i64: 1, 1>}"),
		"dynamic_slice":        g1("stablehlo.dynamic_slice", []string{f23, i64s, i64s}, "tensor<1x3xf32>", " {slice_sizes = array<i64: 1, 3>}"),
		"dynamic_update_slice": g1("stablehlo.dynamic_update_slice", []string{f23, "tensor<1x3xf32>", i32s, i32s}, f23, ""),
		"concatenate":          g1("stablehlo.concatenate", []string{f23, "tensor<1x3xf32>", "tensor<?x3xf32>"}, "tensor<?x3xf32>", " {dimension = 0 : i64}"),
		"concatenate_static":   g1("stablehlo.concatenate", []string{f23, "tensor<1x3xf32>"}, "tensor<3x3xf32>", " {dimension = 0 : i64}"),
		"pad":                  g1("stablehlo.pad", []string{f23, f32s}, "tensor<3x7xf32>", " {edge_padding_low = array<i64: 1, -1>, edge_padding_high = array<i64: 0, 3>, interior_padding = array<i64: 0, 1>}"),
		"iota":                 g1("stablehlo.iota", nil, f23, " {iota_dimension = 1 : i64}"),
		"get_dimension_size":   g1("stablehlo.get_dimension_size", []string{f23}, i32s, " {dimension = 1 : i64}"),
		"dot_general":          g1("stablehlo.dot_general", []string{"tensor<4x2x3xf32>", "tensor<4x3x5xf32>"}, "tensor<4x2x5xf32>", " {dot_dimension_numbers = #stablehlo.dot<lhs_batching_dimensions = [0], rhs_batching_dimensions = [0], lhs_contracting_dimensions = [2], rhs_contracting_dimensions = [1]>, precision_config = [#stablehlo<precision HIGH>, #stablehlo<precision HIGHEST>]}"),
		"dot_general_outer":    g1("stablehlo.dot_general", []string{f2, f3}, f23, " {dot_dimension_numbers = #stablehlo.dot<>}"),
		"dot_general_mixed":    g1("stablehlo.dot_general", []string{"tensor<2x3xi8>", "tensor<3x5xi8>"}, "tensor<2x5xi32>", " {dot_dimension_numbers = "+dotMM+"}"),
		"dot_general_hybrid":   g1("stablehlo.dot_general", []string{f23, "tensor<3x5x!quant.uniform<i8:f32, 0.5:0>>"}, "tensor<2x5xf32>", " {dot_dimension_numbers = "+dotMM+"}"),
		"dot_general_quant":    g1("stablehlo.dot_general", []string{"tensor<2x3x!quant.uniform<i8:f32, 0.5:0>>", "tensor<3x5x!quant.uniform<i8:f32:1, {0.5, 0.5, 0.5, 0.5, 0.5}>>"}, "tensor<2x5x!quant.uniform<i32:f32:1, {0.25, 0.25, 0.25, 0.25, 0.25}>>", " {dot_dimension_numbers = "+dotMM+"}"),
		"dot":                  g1("stablehlo.dot", []string{f23, f3}, f2, ""),
		"convolution":          g1("stablehlo.convolution", []string{"tensor<1x4x4x2xf32>", "tensor<3x3x2x8xf32>"}, "tensor<1x2x2x8xf32>", " {"+dn2d+", feature_group_count = 1 : i64, batch_group_count = 1 : i64}"),
		"convolution_window":   g1("stablehlo.convolution", []string{"tensor<1x4x4x2xf32>", "tensor<3x3x2x8xf32>"}, "tensor<1x3x2x8xf32>", " {"+dn2d+", feature_group_count = 1 : i64, batch_group_count = 1 : i64, window_strides = array<i64: 2, 1>, padding = dense<[[2, 2], [0, 0]]> : tensor<2x2xi64>, lhs_dilation = array<i64: 1, 1>, rhs_dilation = array<i64: 1, 1>, window_reversal = array<i1: false, true>}"),
		"convolution_groups":   g1("stablehlo.convolution", []string{"tensor<1x4x4x4xf32>", "tensor<3x3x2x8xf32>"}, "tensor<1x2x2x8xf32>", " {"+dn2d+", feature_group_count = 2 : i64, batch_group_count = 1 : i64}"),
		"convolution_bgroups":  g1("stablehlo.convolution", []string{"tensor<4x4x4x2xf32>", "tensor<3x3x2x8xf32>"}, "tensor<2x2x2x8xf32>", " {"+dn2d+", feature_group_count = 1 : i64, batch_group_count = 2 : i64}"),
		"dynamic_conv":         g1("stablehlo.dynamic_conv", []string{"tensor<1x4x4x2xf32>", "tensor<3x3x2x8xf32>", "tensor<2x2xi32>"}, "tensor<1x?x?x8xf32>", " {"+dn2d+", feature_group_count = 1 : i64, batch_group_count = 1 : i64}"),
		"reduce":               gop("stablehlo.reduce", []string{f23, f32s}, []string{f2}, regions(adder(f32s))+" {dimensions = array<i64: 1>}"),
		"reduce_promote":       gop("stablehlo.reduce", []string{"tensor<2x3xf16>", "tensor<f16>"}, []string{f2}, regions(adder(f32s))+" {dimensions = array<i64: 1>}"),
		"reduce_window":        gop("stablehlo.reduce_window", []string{f23, f32s}, []string{"tensor<2x2xf32>"}, regions(adder(f32s))+" {window_dimensions = array<i64: 2, 2>, padding = dense<[[1, 0], [0, 0]]> : tensor<2x2xi64>}"),
		"select_and_scatter":   gop("stablehlo.select_and_scatter", []string{"tensor<4x4xf32>", "tensor<2x2xf32>", f32s}, []string{"tensor<4x4xf32>"}, regions(sel, adder(f32s))+" {window_dimensions = array<i64: 2, 2>, window_strides = array<i64: 2, 2>}"),
		"sort":                 gop("stablehlo.sort", []string{f23}, []string{f23}, regions(comparator(f32s))+" {dimension = -1 : i64, is_stable = true}"),
		"map":                  g1("stablehlo.map", []string{f23, f23}, f23, regions(adder(f32s))+" {dimensions = array<i64: 0, 1>}"),
		"gather":               g1("stablehlo.gather", []string{"tensor<5x3xf32>", "tensor<4x1xi32>"}, "tensor<4x3xf32>", " {"+gatherDN+", slice_sizes = array<i64: 1, 3>, indices_are_sorted = false}"),
		"gather_batching":      g1("stablehlo.gather", []string{"tensor<2x5x3xf32>", "tensor<2x4x1xi32>"}, "tensor<2x4x3xf32>", " {dimension_numbers = #stablehlo.gather<offset_dims = [2], collapsed_slice_dims = [1], operand_batching_dims = [0], start_indices_batching_dims = [0], start_index_map = [1], index_vector_dim = 2>, slice_sizes = array<i64: 1, 1, 3>}"),
		"dynamic_gather":       g1("stablehlo.dynamic_gather", []string{"tensor<5x3xf32>", "tensor<4x1xi32>", i2}, "tensor<4x3xf32>", " {"+gatherDN+"}"),
		"scatter":              g1("stablehlo.scatter", []string{"tensor<5x3xf32>", "tensor<4x1xi32>", "tensor<4x3xf32>"}, "tensor<5x3xf32>", regions(adder(f32s))+" {scatter_dimension_numbers = #stablehlo.scatter<update_window_dims = [1], inserted_window_dims = [0], scatter_dims_to_operand_dims = [0], index_vector_dim = 1>, unique_indices = true}"),
		"while": gop("stablehlo.while", []string{i32s}, []string{i32s}, regions(
			region([]string{i32s}, []string{`%c = "stablehlo.constant"() {value = dense<true> : tensor<i1>} : () -> tensor<i1>`}, []string{"%c"}, []string{bs}),
			region([]string{i32s}, nil, []string{"%x0"}, []string{i32s}))),
		"if": gop("stablehlo.if", []string{bs}, []string{i32s}, regions(
			region(nil, []string{`%c = "stablehlo.constant"() {value = dense<0> : tensor<i32>} : () -> tensor<i32>`}, []string{"%c"}, []string{i32s}),
			region(nil, []string{`%c = "stablehlo.constant"() {value = dense<1> : tensor<i32>} : () -> tensor<i32>`}, []string{"%c"}, []string{i32s}))),
		"case":                   gop("stablehlo.case", []string{i32s}, nil, regions(region(nil, nil, nil, nil))),
		"custom_call_ffi":        gop("stablehlo.custom_call", []string{f23}, []string{f23}, ` {call_target_name = "lapack_spotrf_ffi", api_version = 4 : i32, backend_config = {uplo = 76 : ui8}, operand_layouts = [dense<[0, 1]> : tensor<2xindex>], result_layouts = [dense<[1, 0]> : tensor<2xindex>], output_operand_aliases = [#stablehlo.output_operand_alias<output_tuple_indices = [], operand_index = 0, operand_tuple_indices = []>]}`),
		"tuple":                  g1("stablehlo.tuple", []string{f32s, tok}, "tuple<tensor<f32>, !stablehlo.token>", ""),
		"get_tuple_element":      g1("stablehlo.get_tuple_element", []string{"tuple<tensor<f32>, tensor<i32>>"}, i32s, " {index = 1 : i32}"),
		"after_all":              g1("stablehlo.after_all", []string{tok, tok}, tok, ""),
		"after_all_empty":        g1("stablehlo.after_all", nil, tok, ""),
		"create_token":           g1("stablehlo.create_token", nil, tok, ""),
		"optimization_barrier":   gop("stablehlo.optimization_barrier", []string{f32s, tok}, []string{f32s, tok}, ""),
		"batch_norm_inference":   g1("stablehlo.batch_norm_inference", []string{"tensor<2x3x4xf32>", "tensor<4xf32>", "tensor<4xf32>", "tensor<4xf32>", "tensor<4xf32>"}, "tensor<2x3x4xf32>", " {epsilon = 1.0e-3 : f32, feature_index = 2 : i64}"),
		"batch_norm_training":    gop("stablehlo.batch_norm_training", []string{"tensor<2x3x4xf32>", "tensor<3xf32>", "tensor<3xf32>"}, []string{"tensor<2x3x4xf32>", "tensor<3xf32>", "tensor<3xf32>"}, " {epsilon = 1.0e-3 : f32, feature_index = 1 : i64}"),
		"batch_norm_grad":        gop("stablehlo.batch_norm_grad", []string{"tensor<2x3x4xf32>", "tensor<2xf32>", "tensor<2xf32>", "tensor<2xf32>", "tensor<2x3x4xf32>"}, []string{"tensor<2x3x4xf32>", "tensor<2xf32>", "tensor<2xf32>"}, " {epsilon = 1.0e-3 : f32, feature_index = 0 : i64}"),
		"cholesky":               g1("stablehlo.cholesky", []string{"tensor<2x3x3xf32>"}, "tensor<2x3x3xf32>", " {lower = true}"),
		"triangular_solve":       g1("stablehlo.triangular_solve", []string{"tensor<3x3xf32>", "tensor<4x3xf32>"}, "tensor<4x3xf32>", " {left_side = false, lower = true, unit_diagonal = false, transpose_a = #stablehlo<transpose ADJOINT>}"),
		"fft":                    g1("stablehlo.fft", []string{"tensor<3x8xcomplex<f32>>"}, "tensor<3x8xcomplex<f32>>", " {fft_type = #stablehlo<fft_type IFFT>, fft_length = array<i64: 8>}"),
		"rfft":                   g1("stablehlo.fft", []string{"tensor<3x8xf64>"}, "tensor<3x5xcomplex<f64>>", " {fft_type = #stablehlo<fft_type RFFT>, fft_length = array<i64: 8>}"),
		"irfft":                  g1("stablehlo.fft", []string{"tensor<3x5xcomplex<f32>>"}, "tensor<3x8xf32>", " {fft_type = #stablehlo<fft_type IRFFT>, fft_length = array<i64: 8>}"),
		"rng":                    g1("stablehlo.rng", []string{f32s, f32s, "tensor<1xi64>"}, f2, " {rng_distribution = #stablehlo<rng_distribution NORMAL>}"),
		"rng_bit_generator":      gop("stablehlo.rng_bit_generator", []string{"tensor<3xui64>"}, []string{"tensor<3xui64>", "tensor<2x2xf32>"}, " {rng_algorithm = #stablehlo<rng_algorithm PHILOX>}"),
		"uniform_quantize":       g1("stablehlo.uniform_quantize", []string{f2}, q2, ""),
		"requantize":             g1("stablehlo.uniform_quantize", []string{q2}, q2s, ""),
		"uniform_dequantize":     g1("stablehlo.uniform_dequantize", []string{q2pa}, f2, ""),
		"quant_range":            g1("stablehlo.uniform_quantize", []string{f2}, "tensor<2x!quant.uniform<i8<-127:127>:f32, 0.5:-127>>", ""),
		"quant_ui64":             g1("stablehlo.uniform_quantize", []string{f2}, "tensor<2x!quant.uniform<ui64:f32, 0.5:7>>", ""),
		"bounds":                 g1("stablehlo.sqrt", []string{"tensor<?xf32, #stablehlo.bounds<4>>"}, "tensor<?xf32, #stablehlo.bounds<4>>", ""),
		"partition_id":           g1("stablehlo.partition_id", nil, "tensor<ui32>", ""),
		"all_reduce":             g1("stablehlo.all_reduce", []string{f23}, f23, regions(adder(f32s))+" {replica_groups = dense<[[0, 1]]> : tensor<1x2xi64>, channel_handle = #stablehlo.channel_handle<handle = 1, type = 1>, use_global_device_ids}"),
		"chlo_top_k":             gop("chlo.top_k", []string{f23}, []string{"tensor<2x2xf32>", "tensor<2x2xi32>"}, " {k = 2 : i64}"),
		"chlo_broadcast_add":     g1("chlo.broadcast_add", []string{"tensor<2x1xf32>", f3}, f23, ""),
		"chlo_broadcast_dims":    g1("chlo.broadcast_add", []string{f23, "tensor<2xf32>"}, f23, " {broadcast_dimensions = array<i64: 0>}"),
		"chlo_broadcast_compare": g1("chlo.broadcast_compare", []string{f23, f3}, "tensor<2x3xi1>", cmpLT),
		"chlo_broadcast_select":  g1("chlo.broadcast_select", []string{bs, f23, f3}, f23, ""),
		"chlo_constant_like":     g1("chlo.constant_like", []string{f23}, f23, " {value = 1.0 : f32}"),
		"chlo_is_inf":            g1("chlo.is_inf", []string{f2}, b2, ""),
		"check_ops": `func.func @main(%a: tensor<2xf32>) {
  check.expect_almost_eq %a, %a, tolerance = 0.1 : tensor<2xf32>
  check.expect_close %a, %a, max_ulp_difference = 3 : tensor<2xf32>, tensor<2xf32>
  check.expect_eq_const %a, dense<1.0> : tensor<2xf32>
  %p = interpreter.probe %a, probe_id = "p" : tensor<2xf32>
  check.expect_serialized_eq %p, probe_id = "p" : tensor<2xf32>
  func.return
}`,
		"nested_call_in_region": `module {
  func.func @main(%p: tensor<i1>, %a: tensor<f32>) -> tensor<f32> {
    %r = "stablehlo.if"(%p) ({
      %x = func.call @f(%a) : (tensor<f32>) -> tensor<f32>
      "stablehlo.return"(%x) : (tensor<f32>) -> ()
    }, {
      "stablehlo.return"(%a) : (tensor<f32>) -> ()
    }) : (tensor<i1>) -> tensor<f32>
    func.return %r : tensor<f32>
  }
  func.func private @f(%a: tensor<f32>) -> tensor<f32> {
    %r = func.call @g(%a) : (tensor<f32>) -> tensor<f32>
    %s = func.call @g(%r) : (tensor<f32>) -> tensor<f32>
    func.return %s : tensor<f32>
  }
  func.func private @g(%a: tensor<f32>) -> tensor<f32> {
    func.return %a : tensor<f32>
  }
}`,
		"partitions_one": "module attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {\n  func.func @main() {\n    func.return\n  }\n}",
	}
	for name, src := range cases {
		runPos(t, name, src, verifyOnly)
	}
	// Policy-admitted custom calls.
	for _, target := range []string{"Sharding", "SPMDFullToShardShape", "SPMDShardToFullShape", "shape_assertion",
		"stablehlo.dynamic_top_k", "stablehlo.dynamic_approx_top_k", "lapack_strsm_ffi", "lapack_zgesdd_ffi", "lapack_cungqr_ffi", "lapack_dsyevd_ffi", "lapack_cheevd_ffi", "lapack_sgeev_ffi"} {
		runPos(t, "policy/"+target, gop("stablehlo.custom_call", []string{f2}, []string{f2}, ` {call_target_name = "`+target+`"}`), withDefault)
	}
	runPos(t, "policy/rng_bit_generator", cases["rng_bit_generator"], withDefault)
	runPos(t, "policy/chlo", cases["chlo_top_k"], withDefault)
	runPos(t, "policy/check_conformance", cases["check_ops"], withConformance)
	runPos(t, "policy/check_target_conformance", gop("stablehlo.custom_call", []string{f2, f2}, nil, ` {call_target_name = "check.expect_close", has_side_effect = true}`), withConformance)
}
