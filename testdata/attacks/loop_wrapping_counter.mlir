// attack: an i8 counter stepping by 100 towards 127: wraps forever
// expect: exit=4 rule=limit.steps
// flags: --max-steps 100000
module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main() -> tensor<i8> {
    %c0 = stablehlo.constant dense<0> : tensor<i8>
    %c100 = stablehlo.constant dense<100> : tensor<i8>
    %n = stablehlo.constant dense<127> : tensor<i8>
    %r = stablehlo.while(%i = %c0) : tensor<i8>
    cond {
      %t = stablehlo.compare LT, %i, %n : (tensor<i8>, tensor<i8>) -> tensor<i1>
      stablehlo.return %t : tensor<i1>
    } do {
      %k = stablehlo.add %i, %c100 : tensor<i8>
      stablehlo.return %k : tensor<i8>
    }
    return %r : tensor<i8>
  }
}
