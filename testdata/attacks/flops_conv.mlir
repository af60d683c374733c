// attack: a convolution with a 64x64 window over 8x1024x1024
// expect: exit=3 rule=cost.flops
// flags: --max-memory 2GiB
module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main() -> tensor<1x1x1x1xf32> {
    %x = stablehlo.constant dense<1.0> : tensor<1x8x1024x1024xf32>
    %w = stablehlo.constant dense<1.0> : tensor<64x8x64x64xf32>
    %0 = stablehlo.convolution(%x, %w) dim_numbers = [b, f, 0, 1]x[o, i, 0, 1]->[b, f, 0, 1], window = {} {batch_group_count = 1 : i64, feature_group_count = 1 : i64} : (tensor<1x8x1024x1024xf32>, tensor<64x8x64x64xf32>) -> tensor<1x64x961x961xf32>
    %1 = stablehlo.slice %0 [0:1, 0:1, 0:1, 0:1] : (tensor<1x64x961x961xf32>) -> tensor<1x1x1x1xf32>
    return %1 : tensor<1x1x1x1xf32>
  }
}
