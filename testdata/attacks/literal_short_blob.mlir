// attack: a hex literal shorter than its type says
// expect: exit=3 rule=parse.dense
module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main() -> tensor<4xf32> {
    %0 = stablehlo.constant dense<"0x0000803F0000"> : tensor<4xf32>
    return %0 : tensor<4xf32>
  }
}
