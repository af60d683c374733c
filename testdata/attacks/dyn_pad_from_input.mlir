// attack: dynamic_pad with padding read from an input (2^40)
// expect: exit=4 rule=limit.memory
// flags: --input inputs/five.json --input inputs/pad_2_40.json --input inputs/zero1.json
module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main(%arg0: tensor<5xf32>, %arg1: tensor<1xi64>, %arg2: tensor<1xi64>) -> tensor<f32> {
    %z = stablehlo.constant dense<0.0> : tensor<f32>
    %0 = stablehlo.dynamic_pad %arg0, %z, %arg1, %arg1, %arg2 : (tensor<5xf32>, tensor<f32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?xf32>
    %1 = stablehlo.reduce(%0 init: %z) applies stablehlo.add across dimensions = [0] : (tensor<?xf32>, tensor<f32>) -> tensor<f32>
    return %1 : tensor<f32>
  }
}
