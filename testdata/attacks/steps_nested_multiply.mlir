// attack: two nested provable loops of 10^5 each (10^10 together)
// expect: exit=3 rule=cost.steps
module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main() -> tensor<i64> {
    %c0 = stablehlo.constant dense<0> : tensor<i64>
    %c1 = stablehlo.constant dense<1> : tensor<i64>
    %n = stablehlo.constant dense<100000> : tensor<i64>
    %r:2 = stablehlo.while(%i = %c0, %s = %c0) : tensor<i64>, tensor<i64>
    cond {
      %t = stablehlo.compare LT, %i, %n : (tensor<i64>, tensor<i64>) -> tensor<i1>
      stablehlo.return %t : tensor<i1>
    } do {
      %in:2 = stablehlo.while(%j = %c0, %u = %s) : tensor<i64>, tensor<i64>
      cond {
        %t2 = stablehlo.compare LT, %j, %n : (tensor<i64>, tensor<i64>) -> tensor<i1>
        stablehlo.return %t2 : tensor<i1>
      } do {
        %j2 = stablehlo.add %j, %c1 : tensor<i64>
        %u2 = stablehlo.add %u, %c1 : tensor<i64>
        stablehlo.return %j2, %u2 : tensor<i64>, tensor<i64>
      }
      %k = stablehlo.add %i, %c1 : tensor<i64>
      stablehlo.return %k, %in#1 : tensor<i64>, tensor<i64>
    }
    return %r#1 : tensor<i64>
  }
}
