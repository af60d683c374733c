// attack: sorting 16M elements with a 50-op comparator
// expect: exit=3 rule=cost.flops
// flags: --max-flops 1e10
module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main() -> tensor<1xf32> {
    %x = stablehlo.iota dim = 0 : tensor<16777216xf32>
    %0 = "stablehlo.sort"(%x) <{dimension = 0 : i64}> ({
    ^bb0(%a: tensor<f32>, %b: tensor<f32>):
      %m0 = stablehlo.multiply %a, %b : tensor<f32>
      %m1 = stablehlo.multiply %a, %b : tensor<f32>
      %m2 = stablehlo.multiply %a, %b : tensor<f32>
      %m3 = stablehlo.multiply %a, %b : tensor<f32>
      %m4 = stablehlo.multiply %a, %b : tensor<f32>
      %m5 = stablehlo.multiply %a, %b : tensor<f32>
      %m6 = stablehlo.multiply %a, %b : tensor<f32>
      %m7 = stablehlo.multiply %a, %b : tensor<f32>
      %m8 = stablehlo.multiply %a, %b : tensor<f32>
      %m9 = stablehlo.multiply %a, %b : tensor<f32>
      %m10 = stablehlo.multiply %a, %b : tensor<f32>
      %m11 = stablehlo.multiply %a, %b : tensor<f32>
      %m12 = stablehlo.multiply %a, %b : tensor<f32>
      %m13 = stablehlo.multiply %a, %b : tensor<f32>
      %m14 = stablehlo.multiply %a, %b : tensor<f32>
      %m15 = stablehlo.multiply %a, %b : tensor<f32>
      %m16 = stablehlo.multiply %a, %b : tensor<f32>
      %m17 = stablehlo.multiply %a, %b : tensor<f32>
      %m18 = stablehlo.multiply %a, %b : tensor<f32>
      %m19 = stablehlo.multiply %a, %b : tensor<f32>
      %m20 = stablehlo.multiply %a, %b : tensor<f32>
      %m21 = stablehlo.multiply %a, %b : tensor<f32>
      %m22 = stablehlo.multiply %a, %b : tensor<f32>
      %m23 = stablehlo.multiply %a, %b : tensor<f32>
      %m24 = stablehlo.multiply %a, %b : tensor<f32>
      %m25 = stablehlo.multiply %a, %b : tensor<f32>
      %m26 = stablehlo.multiply %a, %b : tensor<f32>
      %m27 = stablehlo.multiply %a, %b : tensor<f32>
      %m28 = stablehlo.multiply %a, %b : tensor<f32>
      %m29 = stablehlo.multiply %a, %b : tensor<f32>
      %m30 = stablehlo.multiply %a, %b : tensor<f32>
      %m31 = stablehlo.multiply %a, %b : tensor<f32>
      %m32 = stablehlo.multiply %a, %b : tensor<f32>
      %m33 = stablehlo.multiply %a, %b : tensor<f32>
      %m34 = stablehlo.multiply %a, %b : tensor<f32>
      %m35 = stablehlo.multiply %a, %b : tensor<f32>
      %m36 = stablehlo.multiply %a, %b : tensor<f32>
      %m37 = stablehlo.multiply %a, %b : tensor<f32>
      %m38 = stablehlo.multiply %a, %b : tensor<f32>
      %m39 = stablehlo.multiply %a, %b : tensor<f32>
      %m40 = stablehlo.multiply %a, %b : tensor<f32>
      %m41 = stablehlo.multiply %a, %b : tensor<f32>
      %m42 = stablehlo.multiply %a, %b : tensor<f32>
      %m43 = stablehlo.multiply %a, %b : tensor<f32>
      %m44 = stablehlo.multiply %a, %b : tensor<f32>
      %m45 = stablehlo.multiply %a, %b : tensor<f32>
      %m46 = stablehlo.multiply %a, %b : tensor<f32>
      %m47 = stablehlo.multiply %a, %b : tensor<f32>
      %m48 = stablehlo.multiply %a, %b : tensor<f32>
      %m49 = stablehlo.multiply %a, %b : tensor<f32>
      %t = stablehlo.compare LT, %m49, %b : (tensor<f32>, tensor<f32>) -> tensor<i1>
      stablehlo.return %t : tensor<i1>
    }) : (tensor<16777216xf32>) -> tensor<16777216xf32>
    %1 = stablehlo.slice %0 [0:1] : (tensor<16777216xf32>) -> tensor<1xf32>
    return %1 : tensor<1xf32>
  }
}
