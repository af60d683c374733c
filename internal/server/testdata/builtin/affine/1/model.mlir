// y = relu(x · W + b) for a batch of 2 rows of 3 features: a tiny dense
// layer, in the form jax.jit(f).lower(x).as_text() prints.
module @jit_affine attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main(%arg0: tensor<2x3xf32>) -> (tensor<2x2xf32> {jax.result_info = "y"}) {
    %w = stablehlo.constant dense<[[1.0, -1.0], [0.5, 2.0], [-2.0, 0.25]]> : tensor<3x2xf32>
    %b = stablehlo.constant dense<[0.5, -0.5]> : tensor<2xf32>
    %0 = stablehlo.dot_general %arg0, %w, contracting_dims = [1] x [0] : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x2xf32>
    %1 = stablehlo.broadcast_in_dim %b, dims = [1] : (tensor<2xf32>) -> tensor<2x2xf32>
    %2 = stablehlo.add %0, %1 : tensor<2x2xf32>
    %zero = stablehlo.constant dense<0.0> : tensor<2x2xf32>
    %3 = stablehlo.maximum %2, %zero : tensor<2x2xf32>
    return %3 : tensor<2x2xf32>
  }
}
