// A program that tries to call back into the host, as
// jax.pure_callback lowers on CPU. hlogate rejects it before anything runs.
module @jit_evil attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main(%arg0: tensor<4xf32>) -> tensor<4xf32> {
    %c = stablehlo.constant dense<94> : tensor<i64>
    %0 = stablehlo.custom_call @xla_ffi_python_cpu_callback(%c, %arg0) {api_version = 4 : i32, has_side_effect = true} : (tensor<i64>, tensor<4xf32>) -> tensor<4xf32>
    return %0 : tensor<4xf32>
  }
}
