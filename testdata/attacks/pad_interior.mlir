// attack: interior padding that multiplies a small tensor into 16 GiB
// expect: exit=3 rule=cost.memory
// flags: --input inputs/five.json
module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main(%arg0: tensor<5xf32>) -> tensor<1xf32> {
    %z = stablehlo.constant dense<0.0> : tensor<f32>
    %0 = stablehlo.pad %arg0, %z, low = [0], high = [0], interior = [1073741823] : (tensor<5xf32>, tensor<f32>) -> tensor<4294967297xf32>
    %1 = stablehlo.slice %0 [0:1] : (tensor<4294967297xf32>) -> tensor<1xf32>
    return %1 : tensor<1xf32>
  }
}
