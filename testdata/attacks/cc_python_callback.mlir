// attack: xla_python_cpu_callback with a raw host pointer as operand 0
// expect: exit=3 rule=policy.custom_call
module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main(%arg0: tensor<4xf32>) -> tensor<4xf32> {
    %p = stablehlo.constant dense<140737488355328> : tensor<ui64>
    %0 = stablehlo.custom_call @xla_python_cpu_callback(%p, %arg0) {has_side_effect = true} : (tensor<ui64>, tensor<4xf32>) -> tensor<4xf32>
    return %0 : tensor<4xf32>
  }
}
