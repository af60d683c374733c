// attack: .npy with a 4 GiB header length
// expect: exit=3 rule=input.npy.header
// flags: --input GEN:huge_header.npy
module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main(%arg0: tensor<5xf32>) -> tensor<5xf32> {
    return %arg0 : tensor<5xf32>
  }
}
