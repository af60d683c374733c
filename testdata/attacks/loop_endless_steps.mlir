// attack: an endless loop stopped by the step meter
// expect: exit=4 rule=limit.steps
// flags: --max-steps 100000
module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main() -> tensor<i64> {
    %c0 = stablehlo.constant dense<0> : tensor<i64>
    %c1 = stablehlo.constant dense<1> : tensor<i64>
    %r = stablehlo.while(%i = %c0) : tensor<i64>
    cond {
      %t = stablehlo.compare GE, %i, %c0 : (tensor<i64>, tensor<i64>) -> tensor<i1>
      stablehlo.return %t : tensor<i1>
    } do {
      %k = stablehlo.add %i, %c1 : tensor<i64>
      stablehlo.return %k : tensor<i64>
    }
    return %r : tensor<i64>
  }
}
