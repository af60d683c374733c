module @jit_chain attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main(%arg0: tensor<16777216xf32>, %arg1: tensor<16777216xf32>, %arg2: tensor<16777216xf32>) -> (tensor<16777216xf32> {jax.result_info = "result"}) {
    %0 = stablehlo.multiply %arg0, %arg1 : tensor<16777216xf32>
    %1 = stablehlo.add %0, %arg2 : tensor<16777216xf32>
    %cst = stablehlo.constant dense<0.000000e+00> : tensor<f32>
    %2 = stablehlo.broadcast_in_dim %cst, dims = [] : (tensor<f32>) -> tensor<16777216xf32>
    %3 = stablehlo.maximum %1, %2 : tensor<16777216xf32>
    return %3 : tensor<16777216xf32>
  }
}
