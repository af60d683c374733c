// attack: a literal nested deeper than the rank limit
// expect: exit=3 rule=limit.rank
module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main() -> tensor<1xi32> {
    %0 = stablehlo.constant dense<[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]> : tensor<1xi32>
    return %0 : tensor<1xi32>
  }
}
