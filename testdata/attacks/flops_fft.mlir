// attack: an FFT of length 2^26
// expect: exit=3 rule=cost.flops
// flags: --max-flops 1e9 --max-memory 8GiB
module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main() -> tensor<1xcomplex<f32>> {
    %x = stablehlo.constant dense<(1.0, 0.0)> : tensor<67108864xcomplex<f32>>
    %0 = stablehlo.fft %x, type = FFT, length = [67108864] : (tensor<67108864xcomplex<f32>>) -> tensor<67108864xcomplex<f32>>
    %1 = stablehlo.slice %0 [0:1] : (tensor<67108864xcomplex<f32>>) -> tensor<1xcomplex<f32>>
    return %1 : tensor<1xcomplex<f32>>
  }
}
