// attack: .npz zip bomb: 1 GiB of zeros compressed to about a megabyte
// expect: exit=3 rule=input.npz.size
// flags: --input GEN:bomb.npz --max-input 64MiB
module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main(%arg0: tensor<5xf32>) -> tensor<5xf32> {
    return %arg0 : tensor<5xf32>
  }
}
