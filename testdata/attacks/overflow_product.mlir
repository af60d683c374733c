// attack: a type whose element count overflows int64
// expect: exit=3 rule=limit.elements
module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main(%arg0: tensor<4294967296x4294967296x4294967296xf32>) -> tensor<4294967296x4294967296x4294967296xf32> {
    return %arg0 : tensor<4294967296x4294967296x4294967296xf32>
  }
}
