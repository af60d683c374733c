// attack: dynamic_broadcast_in_dim to a shape read from an input (10^6 x 10^6)
// expect: exit=4 rule=limit.memory
// flags: --input inputs/million_square.json
module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main(%arg0: tensor<2xi64>) -> tensor<f32> {
    %c = stablehlo.constant dense<1.0> : tensor<f32>
    %0 = stablehlo.dynamic_broadcast_in_dim %c, %arg0, dims = [] : (tensor<f32>, tensor<2xi64>) -> tensor<?x?xf32>
    %z = stablehlo.constant dense<0.0> : tensor<f32>
    %1 = stablehlo.reduce(%0 init: %z) applies stablehlo.add across dimensions = [0, 1] : (tensor<?x?xf32>, tensor<f32>) -> tensor<f32>
    return %1 : tensor<f32>
  }
}
