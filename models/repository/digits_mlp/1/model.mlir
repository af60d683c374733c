module @jit_predict attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main(%arg0: tensor<64x32xf32> {jax.arg_info = "params['w1']", mhlo.sharding = "{replicated}"}, %arg1: tensor<32xf32> {jax.arg_info = "params['b1']", mhlo.sharding = "{replicated}"}, %arg2: tensor<32x10xf32> {jax.arg_info = "params['w2']", mhlo.sharding = "{replicated}"}, %arg3: tensor<10xf32> {jax.arg_info = "params['b2']", mhlo.sharding = "{replicated}"}, %arg4: tensor<1x64xf32> {jax.arg_info = "x", mhlo.sharding = "{replicated}"}) -> (tensor<1xi32> {jax.result_info = "['class']"}, tensor<1x10xf32> {jax.result_info = "['logits']"}, tensor<1x10xf32> {jax.result_info = "['probabilities']"}) {
    %cst = stablehlo.constant dense<1.600000e+01> : tensor<f32>
    %0 = stablehlo.broadcast_in_dim %cst, dims = [] : (tensor<f32>) -> tensor<1x64xf32>
    %1 = stablehlo.divide %arg4, %0 : tensor<1x64xf32>
    %2 = stablehlo.dot_general %1, %arg0, contracting_dims = [1] x [0], precision = [DEFAULT, DEFAULT] : (tensor<1x64xf32>, tensor<64x32xf32>) -> tensor<1x32xf32>
    %3 = stablehlo.broadcast_in_dim %arg1, dims = [1] : (tensor<32xf32>) -> tensor<1x32xf32>
    %4 = stablehlo.add %2, %3 : tensor<1x32xf32>
    %cst_0 = stablehlo.constant dense<0.000000e+00> : tensor<f32>
    %5 = stablehlo.broadcast_in_dim %cst_0, dims = [] : (tensor<f32>) -> tensor<1x32xf32>
    %6 = stablehlo.maximum %4, %5 : tensor<1x32xf32>
    %7 = stablehlo.dot_general %6, %arg2, contracting_dims = [1] x [0], precision = [DEFAULT, DEFAULT] : (tensor<1x32xf32>, tensor<32x10xf32>) -> tensor<1x10xf32>
    %8 = stablehlo.broadcast_in_dim %arg3, dims = [1] : (tensor<10xf32>) -> tensor<1x10xf32>
    %9 = stablehlo.add %7, %8 : tensor<1x10xf32>
    %cst_1 = stablehlo.constant dense<0xFF800000> : tensor<f32>
    %10 = stablehlo.reduce(%9 init: %cst_1) applies stablehlo.maximum across dimensions = [1] : (tensor<1x10xf32>, tensor<f32>) -> tensor<1xf32>
    %11 = stablehlo.broadcast_in_dim %10, dims = [0] : (tensor<1xf32>) -> tensor<1x1xf32>
    %12 = stablehlo.broadcast_in_dim %11, dims = [0, 1] : (tensor<1x1xf32>) -> tensor<1x10xf32>
    %13 = stablehlo.subtract %9, %12 : tensor<1x10xf32>
    %14 = stablehlo.exponential %13 : tensor<1x10xf32>
    %cst_2 = stablehlo.constant dense<0.000000e+00> : tensor<f32>
    %15 = stablehlo.reduce(%14 init: %cst_2) applies stablehlo.add across dimensions = [1] : (tensor<1x10xf32>, tensor<f32>) -> tensor<1xf32>
    %16 = stablehlo.broadcast_in_dim %15, dims = [0] : (tensor<1xf32>) -> tensor<1x1xf32>
    %17 = stablehlo.broadcast_in_dim %16, dims = [0, 1] : (tensor<1x1xf32>) -> tensor<1x10xf32>
    %18 = stablehlo.divide %14, %17 : tensor<1x10xf32>
    %19 = stablehlo.iota dim = 1 : tensor<1x10xi32>
    %cst_3 = stablehlo.constant dense<0xFF800000> : tensor<f32>
    %c = stablehlo.constant dense<0> : tensor<i32>
    %20:2 = stablehlo.reduce(%9 init: %cst_3), (%19 init: %c) across dimensions = [1] : (tensor<1x10xf32>, tensor<1x10xi32>, tensor<f32>, tensor<i32>) -> (tensor<1xf32>, tensor<1xi32>)
     reducer(%arg5: tensor<f32>, %arg7: tensor<f32>) (%arg6: tensor<i32>, %arg8: tensor<i32>)  {
      %21 = stablehlo.compare  GT, %arg5, %arg7,  FLOAT : (tensor<f32>, tensor<f32>) -> tensor<i1>
      %22 = stablehlo.compare  NE, %arg5, %arg5,  FLOAT : (tensor<f32>, tensor<f32>) -> tensor<i1>
      %23 = stablehlo.or %21, %22 : tensor<i1>
      %24 = stablehlo.compare  EQ, %arg5, %arg7,  FLOAT : (tensor<f32>, tensor<f32>) -> tensor<i1>
      %25 = stablehlo.compare  LT, %arg6, %arg8,  SIGNED : (tensor<i32>, tensor<i32>) -> tensor<i1>
      %26 = stablehlo.and %24, %25 : tensor<i1>
      %27 = stablehlo.or %23, %26 : tensor<i1>
      %28 = stablehlo.select %23, %arg5, %arg7 : tensor<i1>, tensor<f32>
      %29 = stablehlo.select %27, %arg6, %arg8 : tensor<i1>, tensor<i32>
      stablehlo.return %28, %29 : tensor<f32>, tensor<i32>
    }
    return %20#1, %9, %18 : tensor<1xi32>, tensor<1x10xf32>, tensor<1x10xf32>
  }
}
