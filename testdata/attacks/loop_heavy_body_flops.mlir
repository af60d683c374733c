// attack: an unprovable loop of 256x256 matmuls stopped by the FLOP meter
// expect: exit=4 rule=limit.flops
// flags: --max-flops 1e8 --max-steps 1e15
module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main() -> tensor<i64> {
    %c0 = stablehlo.constant dense<0> : tensor<i64>
    %c1 = stablehlo.constant dense<1> : tensor<i64>
    %m = stablehlo.constant dense<0.5> : tensor<256x256xf32>
    %r:2 = stablehlo.while(%i = %c0, %x = %m) : tensor<i64>, tensor<256x256xf32>
    cond {
      %t = stablehlo.compare GE, %i, %c0 : (tensor<i64>, tensor<i64>) -> tensor<i1>
      stablehlo.return %t : tensor<i1>
    } do {
      %y = stablehlo.dot_general %x, %x, contracting_dims = [1] x [0] : (tensor<256x256xf32>, tensor<256x256xf32>) -> tensor<256x256xf32>
      %k = stablehlo.add %i, %c1 : tensor<i64>
      stablehlo.return %k, %y : tensor<i64>, tensor<256x256xf32>
    }
    return %r#0 : tensor<i64>
  }
}
