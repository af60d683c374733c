module @jit_encoder_block attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main(%arg0: tensor<16xf32> {jax.arg_info = "params['ln1_scale']", mhlo.sharding = "{replicated}"}, %arg1: tensor<16xf32> {jax.arg_info = "params['ln1_bias']", mhlo.sharding = "{replicated}"}, %arg2: tensor<16x16xf32> {jax.arg_info = "params['wq']", mhlo.sharding = "{replicated}"}, %arg3: tensor<16xf32> {jax.arg_info = "params['bq']", mhlo.sharding = "{replicated}"}, %arg4: tensor<16x16xf32> {jax.arg_info = "params['wk']", mhlo.sharding = "{replicated}"}, %arg5: tensor<16xf32> {jax.arg_info = "params['bk']", mhlo.sharding = "{replicated}"}, %arg6: tensor<16x16xf32> {jax.arg_info = "params['wv']", mhlo.sharding = "{replicated}"}, %arg7: tensor<16xf32> {jax.arg_info = "params['bv']", mhlo.sharding = "{replicated}"}, %arg8: tensor<16x16xf32> {jax.arg_info = "params['wo']", mhlo.sharding = "{replicated}"}, %arg9: tensor<16xf32> {jax.arg_info = "params['bo']", mhlo.sharding = "{replicated}"}, %arg10: tensor<16xf32> {jax.arg_info = "params['ln2_scale']", mhlo.sharding = "{replicated}"}, %arg11: tensor<16xf32> {jax.arg_info = "params['ln2_bias']", mhlo.sharding = "{replicated}"}, %arg12: tensor<16x32xf32> {jax.arg_info = "params['w1']", mhlo.sharding = "{replicated}"}, %arg13: tensor<32xf32> {jax.arg_info = "params['b1']", mhlo.sharding = "{replicated}"}, %arg14: tensor<32x16xf32> {jax.arg_info = "params['w2']", mhlo.sharding = "{replicated}"}, %arg15: tensor<16xf32> {jax.arg_info = "params['b2']", mhlo.sharding = "{replicated}"}, %arg16: tensor<8x16xf32> {jax.arg_info = "x", mhlo.sharding = "{replicated}"}) -> (tensor<2x8x8xf32> {jax.result_info = "['attention']"}, tensor<8x16xf32> {jax.result_info = "['y']"}) {
    %cst = stablehlo.constant dense<0.000000e+00> : tensor<f32>
    %0 = stablehlo.reduce(%arg16 init: %cst) applies stablehlo.add across dimensions = [1] : (tensor<8x16xf32>, tensor<f32>) -> tensor<8xf32>
    %cst_0 = stablehlo.constant dense<1.600000e+01> : tensor<f32>
    %1 = stablehlo.broadcast_in_dim %cst_0, dims = [] : (tensor<f32>) -> tensor<8xf32>
    %2 = stablehlo.divide %0, %1 : tensor<8xf32>
    %3 = stablehlo.broadcast_in_dim %2, dims = [0] : (tensor<8xf32>) -> tensor<8x16xf32>
    %4 = stablehlo.subtract %arg16, %3 : tensor<8x16xf32>
    %5 = stablehlo.multiply %4, %4 : tensor<8x16xf32>
    %cst_1 = stablehlo.constant dense<0.000000e+00> : tensor<f32>
    %6 = stablehlo.reduce(%5 init: %cst_1) applies stablehlo.add across dimensions = [1] : (tensor<8x16xf32>, tensor<f32>) -> tensor<8xf32>
    %cst_2 = stablehlo.constant dense<1.600000e+01> : tensor<f32>
    %7 = stablehlo.broadcast_in_dim %cst_2, dims = [] : (tensor<f32>) -> tensor<8xf32>
    %8 = stablehlo.divide %6, %7 : tensor<8xf32>
    %cst_3 = stablehlo.constant dense<1.000000e-06> : tensor<f32>
    %9 = stablehlo.broadcast_in_dim %cst_3, dims = [] : (tensor<f32>) -> tensor<8xf32>
    %10 = stablehlo.add %8, %9 : tensor<8xf32>
    %11 = stablehlo.rsqrt %10 : tensor<8xf32>
    %12 = stablehlo.broadcast_in_dim %11, dims = [0] : (tensor<8xf32>) -> tensor<8x16xf32>
    %13 = stablehlo.multiply %4, %12 : tensor<8x16xf32>
    %14 = stablehlo.broadcast_in_dim %arg0, dims = [1] : (tensor<16xf32>) -> tensor<8x16xf32>
    %15 = stablehlo.multiply %13, %14 : tensor<8x16xf32>
    %16 = stablehlo.broadcast_in_dim %arg1, dims = [1] : (tensor<16xf32>) -> tensor<8x16xf32>
    %17 = stablehlo.add %15, %16 : tensor<8x16xf32>
    %18 = stablehlo.dot_general %17, %arg2, contracting_dims = [1] x [0], precision = [DEFAULT, DEFAULT] : (tensor<8x16xf32>, tensor<16x16xf32>) -> tensor<8x16xf32>
    %19 = stablehlo.broadcast_in_dim %arg3, dims = [1] : (tensor<16xf32>) -> tensor<8x16xf32>
    %20 = stablehlo.add %18, %19 : tensor<8x16xf32>
    %21 = stablehlo.reshape %20 : (tensor<8x16xf32>) -> tensor<8x2x8xf32>
    %22 = stablehlo.transpose %21, dims = [1, 0, 2] : (tensor<8x2x8xf32>) -> tensor<2x8x8xf32>
    %23 = stablehlo.dot_general %17, %arg4, contracting_dims = [1] x [0], precision = [DEFAULT, DEFAULT] : (tensor<8x16xf32>, tensor<16x16xf32>) -> tensor<8x16xf32>
    %24 = stablehlo.broadcast_in_dim %arg5, dims = [1] : (tensor<16xf32>) -> tensor<8x16xf32>
    %25 = stablehlo.add %23, %24 : tensor<8x16xf32>
    %26 = stablehlo.reshape %25 : (tensor<8x16xf32>) -> tensor<8x2x8xf32>
    %27 = stablehlo.transpose %26, dims = [1, 0, 2] : (tensor<8x2x8xf32>) -> tensor<2x8x8xf32>
    %28 = stablehlo.dot_general %17, %arg6, contracting_dims = [1] x [0], precision = [DEFAULT, DEFAULT] : (tensor<8x16xf32>, tensor<16x16xf32>) -> tensor<8x16xf32>
    %29 = stablehlo.broadcast_in_dim %arg7, dims = [1] : (tensor<16xf32>) -> tensor<8x16xf32>
    %30 = stablehlo.add %28, %29 : tensor<8x16xf32>
    %31 = stablehlo.reshape %30 : (tensor<8x16xf32>) -> tensor<8x2x8xf32>
    %32 = stablehlo.transpose %31, dims = [1, 0, 2] : (tensor<8x2x8xf32>) -> tensor<2x8x8xf32>
    %33 = stablehlo.dot_general %22, %27, batching_dims = [0] x [0], contracting_dims = [2] x [2], precision = [DEFAULT, DEFAULT] : (tensor<2x8x8xf32>, tensor<2x8x8xf32>) -> tensor<2x8x8xf32>
    %cst_4 = stablehlo.constant dense<3.535534e-01> : tensor<f32>
    %34 = stablehlo.broadcast_in_dim %cst_4, dims = [] : (tensor<f32>) -> tensor<2x8x8xf32>
    %35 = stablehlo.multiply %33, %34 : tensor<2x8x8xf32>
    %cst_5 = stablehlo.constant dense<0xFF800000> : tensor<f32>
    %36 = stablehlo.reduce(%35 init: %cst_5) applies stablehlo.maximum across dimensions = [2] : (tensor<2x8x8xf32>, tensor<f32>) -> tensor<2x8xf32>
    %37 = stablehlo.broadcast_in_dim %36, dims = [0, 1] : (tensor<2x8xf32>) -> tensor<2x8x1xf32>
    %38 = stablehlo.broadcast_in_dim %37, dims = [0, 1, 2] : (tensor<2x8x1xf32>) -> tensor<2x8x8xf32>
    %39 = stablehlo.subtract %35, %38 : tensor<2x8x8xf32>
    %40 = stablehlo.exponential %39 : tensor<2x8x8xf32>
    %cst_6 = stablehlo.constant dense<0.000000e+00> : tensor<f32>
    %41 = stablehlo.reduce(%40 init: %cst_6) applies stablehlo.add across dimensions = [2] : (tensor<2x8x8xf32>, tensor<f32>) -> tensor<2x8xf32>
    %42 = stablehlo.broadcast_in_dim %41, dims = [0, 1] : (tensor<2x8xf32>) -> tensor<2x8x1xf32>
    %43 = stablehlo.broadcast_in_dim %42, dims = [0, 1, 2] : (tensor<2x8x1xf32>) -> tensor<2x8x8xf32>
    %44 = stablehlo.divide %40, %43 : tensor<2x8x8xf32>
    %45 = stablehlo.dot_general %44, %32, batching_dims = [0] x [0], contracting_dims = [2] x [1], precision = [DEFAULT, DEFAULT] : (tensor<2x8x8xf32>, tensor<2x8x8xf32>) -> tensor<2x8x8xf32>
    %46 = stablehlo.transpose %45, dims = [1, 0, 2] : (tensor<2x8x8xf32>) -> tensor<8x2x8xf32>
    %47 = stablehlo.reshape %46 : (tensor<8x2x8xf32>) -> tensor<8x16xf32>
    %48 = stablehlo.dot_general %47, %arg8, contracting_dims = [1] x [0], precision = [DEFAULT, DEFAULT] : (tensor<8x16xf32>, tensor<16x16xf32>) -> tensor<8x16xf32>
    %49 = stablehlo.broadcast_in_dim %arg9, dims = [1] : (tensor<16xf32>) -> tensor<8x16xf32>
    %50 = stablehlo.add %48, %49 : tensor<8x16xf32>
    %51 = stablehlo.add %arg16, %50 : tensor<8x16xf32>
    %cst_7 = stablehlo.constant dense<0.000000e+00> : tensor<f32>
    %52 = stablehlo.reduce(%51 init: %cst_7) applies stablehlo.add across dimensions = [1] : (tensor<8x16xf32>, tensor<f32>) -> tensor<8xf32>
    %cst_8 = stablehlo.constant dense<1.600000e+01> : tensor<f32>
    %53 = stablehlo.broadcast_in_dim %cst_8, dims = [] : (tensor<f32>) -> tensor<8xf32>
    %54 = stablehlo.divide %52, %53 : tensor<8xf32>
    %55 = stablehlo.broadcast_in_dim %54, dims = [0] : (tensor<8xf32>) -> tensor<8x16xf32>
    %56 = stablehlo.subtract %51, %55 : tensor<8x16xf32>
    %57 = stablehlo.multiply %56, %56 : tensor<8x16xf32>
    %cst_9 = stablehlo.constant dense<0.000000e+00> : tensor<f32>
    %58 = stablehlo.reduce(%57 init: %cst_9) applies stablehlo.add across dimensions = [1] : (tensor<8x16xf32>, tensor<f32>) -> tensor<8xf32>
    %cst_10 = stablehlo.constant dense<1.600000e+01> : tensor<f32>
    %59 = stablehlo.broadcast_in_dim %cst_10, dims = [] : (tensor<f32>) -> tensor<8xf32>
    %60 = stablehlo.divide %58, %59 : tensor<8xf32>
    %cst_11 = stablehlo.constant dense<1.000000e-06> : tensor<f32>
    %61 = stablehlo.broadcast_in_dim %cst_11, dims = [] : (tensor<f32>) -> tensor<8xf32>
    %62 = stablehlo.add %60, %61 : tensor<8xf32>
    %63 = stablehlo.rsqrt %62 : tensor<8xf32>
    %64 = stablehlo.broadcast_in_dim %63, dims = [0] : (tensor<8xf32>) -> tensor<8x16xf32>
    %65 = stablehlo.multiply %56, %64 : tensor<8x16xf32>
    %66 = stablehlo.broadcast_in_dim %arg10, dims = [1] : (tensor<16xf32>) -> tensor<8x16xf32>
    %67 = stablehlo.multiply %65, %66 : tensor<8x16xf32>
    %68 = stablehlo.broadcast_in_dim %arg11, dims = [1] : (tensor<16xf32>) -> tensor<8x16xf32>
    %69 = stablehlo.add %67, %68 : tensor<8x16xf32>
    %70 = stablehlo.dot_general %69, %arg12, contracting_dims = [1] x [0], precision = [DEFAULT, DEFAULT] : (tensor<8x16xf32>, tensor<16x32xf32>) -> tensor<8x32xf32>
    %71 = stablehlo.broadcast_in_dim %arg13, dims = [1] : (tensor<32xf32>) -> tensor<8x32xf32>
    %72 = stablehlo.add %70, %71 : tensor<8x32xf32>
    %73 = stablehlo.multiply %72, %72 : tensor<8x32xf32>
    %74 = stablehlo.multiply %73, %72 : tensor<8x32xf32>
    %cst_12 = stablehlo.constant dense<4.471500e-02> : tensor<f32>
    %75 = stablehlo.broadcast_in_dim %cst_12, dims = [] : (tensor<f32>) -> tensor<8x32xf32>
    %76 = stablehlo.multiply %75, %74 : tensor<8x32xf32>
    %77 = stablehlo.add %72, %76 : tensor<8x32xf32>
    %cst_13 = stablehlo.constant dense<7.978846e-01> : tensor<f32>
    %78 = stablehlo.broadcast_in_dim %cst_13, dims = [] : (tensor<f32>) -> tensor<8x32xf32>
    %79 = stablehlo.multiply %78, %77 : tensor<8x32xf32>
    %80 = stablehlo.tanh %79 : tensor<8x32xf32>
    %cst_14 = stablehlo.constant dense<1.000000e+00> : tensor<f32>
    %81 = stablehlo.broadcast_in_dim %cst_14, dims = [] : (tensor<f32>) -> tensor<8x32xf32>
    %82 = stablehlo.add %81, %80 : tensor<8x32xf32>
    %cst_15 = stablehlo.constant dense<5.000000e-01> : tensor<f32>
    %83 = stablehlo.broadcast_in_dim %cst_15, dims = [] : (tensor<f32>) -> tensor<8x32xf32>
    %84 = stablehlo.multiply %83, %72 : tensor<8x32xf32>
    %85 = stablehlo.multiply %84, %82 : tensor<8x32xf32>
    %86 = stablehlo.dot_general %85, %arg14, contracting_dims = [1] x [0], precision = [DEFAULT, DEFAULT] : (tensor<8x32xf32>, tensor<32x16xf32>) -> tensor<8x16xf32>
    %87 = stablehlo.broadcast_in_dim %arg15, dims = [1] : (tensor<16xf32>) -> tensor<8x16xf32>
    %88 = stablehlo.add %86, %87 : tensor<8x16xf32>
    %89 = stablehlo.add %51, %88 : tensor<8x16xf32>
    return %44, %89 : tensor<2x8x8xf32>, tensor<8x16xf32>
  }
}
