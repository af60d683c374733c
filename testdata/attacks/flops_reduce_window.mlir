// attack: reduce_window with a 2048x2048 window, stride 1, full padding
// expect: exit=3 rule=cost.flops
module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main() -> tensor<1x1xf32> {
    %x = stablehlo.constant dense<1.0> : tensor<2048x2048xf32>
    %z = stablehlo.constant dense<0.0> : tensor<f32>
    %0 = "stablehlo.reduce_window"(%x, %z) <{window_dimensions = array<i64: 2048, 2048>, padding = dense<[[1023, 1024], [1023, 1024]]> : tensor<2x2xi64>}> ({
    ^bb0(%a: tensor<f32>, %b: tensor<f32>):
      %s = stablehlo.add %a, %b : tensor<f32>
      stablehlo.return %s : tensor<f32>
    }) : (tensor<2048x2048xf32>, tensor<f32>) -> tensor<2048x2048xf32>
    %1 = stablehlo.slice %0 [0:1, 0:1] : (tensor<2048x2048xf32>) -> tensor<1x1xf32>
    return %1 : tensor<1x1xf32>
  }
}
