// attack: iota of 2^40 elements
// expect: exit=3 rule=cost.memory
module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main() -> tensor<i8> {
    %0 = stablehlo.iota dim = 0 : tensor<1099511627776xi8>
    %c = stablehlo.constant dense<0> : tensor<i8>
    %1 = stablehlo.reduce(%0 init: %c) applies stablehlo.add across dimensions = [0] : (tensor<1099511627776xi8>, tensor<i8>) -> tensor<i8>
    return %1 : tensor<i8>
  }
}
