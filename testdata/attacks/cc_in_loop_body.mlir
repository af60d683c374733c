// attack: a callback hidden in a while body
// expect: exit=3 rule=policy.custom_call
module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main(%arg0: tensor<4xf32>) -> tensor<4xf32> {
    %c0 = stablehlo.constant dense<0> : tensor<i64>
    %c1 = stablehlo.constant dense<1> : tensor<i64>
    %c3 = stablehlo.constant dense<3> : tensor<i64>
    %r:2 = stablehlo.while(%i = %c0, %x = %arg0) : tensor<i64>, tensor<4xf32>
    cond {
      %t = stablehlo.compare LT, %i, %c3 : (tensor<i64>, tensor<i64>) -> tensor<i1>
      stablehlo.return %t : tensor<i1>
    } do {
      %y = stablehlo.custom_call @xla_ffi_python_cpu_callback(%x) {has_side_effect = true} : (tensor<4xf32>) -> tensor<4xf32>
      %n = stablehlo.add %i, %c1 : tensor<i64>
      stablehlo.return %n, %y : tensor<i64>, tensor<4xf32>
    }
    return %r#1 : tensor<4xf32>
  }
}
