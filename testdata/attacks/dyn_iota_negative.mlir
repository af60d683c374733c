// attack: dynamic_iota with a negative length from an input
// expect: exit=3 rule=exec.dynamic_iota
// flags: --input inputs/negative_len.json
module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main(%arg0: tensor<1xi64>) -> tensor<i32> {
    %0 = stablehlo.dynamic_iota %arg0, dim = 0 : (tensor<1xi64>) -> tensor<?xi32>
    %z = stablehlo.constant dense<0> : tensor<i32>
    %1 = stablehlo.reduce(%0 init: %z) applies stablehlo.add across dimensions = [0] : (tensor<?xi32>, tensor<i32>) -> tensor<i32>
    return %1 : tensor<i32>
  }
}
