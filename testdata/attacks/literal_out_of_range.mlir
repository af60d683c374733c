// attack: an i8 literal of 300
// expect: exit=3 rule=parse.dense
module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main() -> tensor<i8> {
    %0 = stablehlo.constant dense<300> : tensor<i8>
    return %0 : tensor<i8>
  }
}
