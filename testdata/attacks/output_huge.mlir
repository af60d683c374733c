// attack: a 1 GiB output
// expect: exit=3 rule=cost.output
// flags: --max-memory 2GiB
module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main() -> tensor<268435456xf32> {
    %c = stablehlo.constant dense<1.0> : tensor<f32>
    %0 = stablehlo.broadcast_in_dim %c, dims = [] : (tensor<f32>) -> tensor<268435456xf32>
    return %0 : tensor<268435456xf32>
  }
}
