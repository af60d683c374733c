// attack: dense_resource pointing at an external blob
// expect: exit=3 rule=parse.dense_resource
module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main() -> tensor<4xf32> {
    %0 = stablehlo.constant dense_resource<__elided__> : tensor<4xf32>
    return %0 : tensor<4xf32>
  }
}
