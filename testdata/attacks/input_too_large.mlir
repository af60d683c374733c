// attack: an input file larger than --max-input
// expect: exit=3 rule=input.size
// flags: --input GEN:big.json --max-input 1MiB
module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main(%arg0: tensor<5xf32>) -> tensor<5xf32> {
    return %arg0 : tensor<5xf32>
  }
}
