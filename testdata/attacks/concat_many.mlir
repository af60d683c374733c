// attack: concatenate eight 256 MiB tensors into 2 GiB
// expect: exit=3 rule=cost.memory
module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main() -> tensor<1xf32> {
    %c = stablehlo.constant dense<1.0> : tensor<f32>
    %b0 = stablehlo.broadcast_in_dim %c, dims = [] : (tensor<f32>) -> tensor<67108864xf32>
    %b1 = stablehlo.broadcast_in_dim %c, dims = [] : (tensor<f32>) -> tensor<67108864xf32>
    %b2 = stablehlo.broadcast_in_dim %c, dims = [] : (tensor<f32>) -> tensor<67108864xf32>
    %b3 = stablehlo.broadcast_in_dim %c, dims = [] : (tensor<f32>) -> tensor<67108864xf32>
    %b4 = stablehlo.broadcast_in_dim %c, dims = [] : (tensor<f32>) -> tensor<67108864xf32>
    %b5 = stablehlo.broadcast_in_dim %c, dims = [] : (tensor<f32>) -> tensor<67108864xf32>
    %b6 = stablehlo.broadcast_in_dim %c, dims = [] : (tensor<f32>) -> tensor<67108864xf32>
    %b7 = stablehlo.broadcast_in_dim %c, dims = [] : (tensor<f32>) -> tensor<67108864xf32>
    %0 = stablehlo.concatenate %b0, %b1, %b2, %b3, %b4, %b5, %b6, %b7, dim = 0 : (tensor<67108864xf32>, tensor<67108864xf32>, tensor<67108864xf32>, tensor<67108864xf32>, tensor<67108864xf32>, tensor<67108864xf32>, tensor<67108864xf32>, tensor<67108864xf32>) -> tensor<536870912xf32>
    %1 = stablehlo.slice %0 [0:1] : (tensor<536870912xf32>) -> tensor<1xf32>
    return %1 : tensor<1xf32>
  }
}
