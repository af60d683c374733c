// attack: broadcast a scalar to 10^13 elements
// expect: exit=3 rule=cost.memory
module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main() -> tensor<f32> {
    %c = stablehlo.constant dense<1.0> : tensor<f32>
    %0 = stablehlo.broadcast_in_dim %c, dims = [] : (tensor<f32>) -> tensor<10000000x1000000xf32>
    %1 = stablehlo.reduce(%0 init: %c) applies stablehlo.add across dimensions = [0, 1] : (tensor<10000000x1000000xf32>, tensor<f32>) -> tensor<f32>
    return %1 : tensor<f32>
  }
}
