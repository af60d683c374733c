// attack: dynamic_reshape to a shape whose product disagrees with the operand
// expect: exit=3 rule=exec.dynamic_reshape
// flags: --input inputs/six.json --input inputs/reshape_lie.json
module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main(%arg0: tensor<6xf32>, %arg1: tensor<2xi64>) -> tensor<f32> {
    %0 = stablehlo.dynamic_reshape %arg0, %arg1 : (tensor<6xf32>, tensor<2xi64>) -> tensor<?x?xf32>
    %z = stablehlo.constant dense<0.0> : tensor<f32>
    %1 = stablehlo.reduce(%0 init: %z) applies stablehlo.add across dimensions = [0, 1] : (tensor<?x?xf32>, tensor<f32>) -> tensor<f32>
    return %1 : tensor<f32>
  }
}
