// attack: .npy whose header promises more data than the file has
// expect: exit=3 rule=input.npy.data
// flags: --input GEN:lying.npy
module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main(%arg0: tensor<5xf32>) -> tensor<5xf32> {
    return %arg0 : tensor<5xf32>
  }
}
