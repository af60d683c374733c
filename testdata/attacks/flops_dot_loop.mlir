// attack: a 1024^3 matmul repeated a million times in a provable loop
// expect: exit=3 rule=cost.flops
// flags: --max-steps 1e12
module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main() -> tensor<1x1xf32> {
    %c0 = stablehlo.constant dense<0> : tensor<i64>
    %c1 = stablehlo.constant dense<1> : tensor<i64>
    %n = stablehlo.constant dense<1000000> : tensor<i64>
    %m = stablehlo.constant dense<0.5> : tensor<1024x1024xf32>
    %r:2 = stablehlo.while(%i = %c0, %x = %m) : tensor<i64>, tensor<1024x1024xf32>
    cond {
      %t = stablehlo.compare LT, %i, %n : (tensor<i64>, tensor<i64>) -> tensor<i1>
      stablehlo.return %t : tensor<i1>
    } do {
      %y = stablehlo.dot_general %x, %x, contracting_dims = [1] x [0] : (tensor<1024x1024xf32>, tensor<1024x1024xf32>) -> tensor<1024x1024xf32>
      %k = stablehlo.add %i, %c1 : tensor<i64>
      stablehlo.return %k, %y : tensor<i64>, tensor<1024x1024xf32>
    }
    %s = stablehlo.slice %r#1 [0:1, 0:1] : (tensor<1024x1024xf32>) -> tensor<1x1xf32>
    return %s : tensor<1x1xf32>
  }
}
