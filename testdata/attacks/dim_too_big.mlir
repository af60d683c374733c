// attack: one dimension of 2^50
// expect: exit=3 rule=limit.dim_size
module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main(%arg0: tensor<1125899906842624xf32>) -> tensor<1125899906842624xf32> {
    return %arg0 : tensor<1125899906842624xf32>
  }
}
