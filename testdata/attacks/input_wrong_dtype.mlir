// attack: an f64 input for an f32 argument
// expect: exit=3 rule=input.dtype
// flags: --input inputs/five_f64.json
module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main(%arg0: tensor<5xf32>) -> tensor<5xf32> {
    return %arg0 : tensor<5xf32>
  }
}
