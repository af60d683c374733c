// attack: a splat constant of 2^47 elements
// expect: exit=3 rule=cost.memory
module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main() -> tensor<1x1xi8> {
    %0 = stablehlo.constant dense<7> : tensor<8388608x16777216xi8>
    %1 = stablehlo.slice %0 [0:1, 0:1] : (tensor<8388608x16777216xi8>) -> tensor<1x1xi8>
    return %1 : tensor<1x1xi8>
  }
}
