// attack: JSON nested 100000 deep
// expect: exit=3 rule=input.json.depth
// flags: --input GEN:deep.json
module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main(%arg0: tensor<5xf32>) -> tensor<5xf32> {
    return %arg0 : tensor<5xf32>
  }
}
