// attack: broadcast to 10^15 elements (over the type element cap)
// expect: exit=3 rule=limit.elements
module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main() -> tensor<f32> {
    %c = stablehlo.constant dense<1.0> : tensor<f32>
    %0 = stablehlo.broadcast_in_dim %c, dims = [] : (tensor<f32>) -> tensor<1000000000x1000000xf32>
    return %c : tensor<f32>
  }
}
