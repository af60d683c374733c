module @jit_top_k attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main(%arg0: tensor<16xf32> {jax.arg_info = "x", mhlo.sharding = "{replicated}"}) -> (tensor<3xf32> {jax.result_info = "['values']"}, tensor<3xi32> {jax.result_info = "['indices']"}) {
    %values, %indices = chlo.top_k(%arg0, k = 3) : tensor<16xf32> -> (tensor<3xf32>, tensor<3xi32>)
    return %values, %indices : tensor<3xf32>, tensor<3xi32>
  }
}
