// attack: a [2,3] input for a [5] argument
// expect: exit=3 rule=input.shape
// flags: --input inputs/two_by_three.json
module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main(%arg0: tensor<5xf32>) -> tensor<5xf32> {
    return %arg0 : tensor<5xf32>
  }
}
