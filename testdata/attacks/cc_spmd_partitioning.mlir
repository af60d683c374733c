// attack: CustomSPMDPartitioning runs Python at compile time
// expect: exit=3 rule=policy.custom_call
module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main(%arg0: tensor<4xf32>) -> tensor<4xf32> {
    %c = stablehlo.constant dense<94> : tensor<i64>
    %0 = stablehlo.custom_call @CustomSPMDPartitioning(%c, %arg0) {api_version = 4 : i32, has_side_effect = true} : (tensor<i64>, tensor<4xf32>) -> tensor<4xf32>
    return %0 : tensor<4xf32>
  }
}
