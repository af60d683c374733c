// attack: a ragged nested literal
// expect: exit=3 rule=parse.dense
module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main() -> tensor<2x2xi32> {
    %0 = stablehlo.constant dense<[[1, 2], [3]]> : tensor<2x2xi32>
    return %0 : tensor<2x2xi32>
  }
}
