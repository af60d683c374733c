module @jit_transformer attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main(%arg0: tensor<128x256xf32>, %arg1: tensor<256xf32>, %arg2: tensor<256xf32>, %arg3: tensor<256x768xf32>, %arg4: tensor<768xf32>, %arg5: tensor<256x256xf32>, %arg6: tensor<256xf32>, %arg7: tensor<256xf32>, %arg8: tensor<256xf32>, %arg9: tensor<256x1024xf32>, %arg10: tensor<1024xf32>, %arg11: tensor<1024x256xf32>, %arg12: tensor<256xf32>) -> (tensor<128x256xf32> {jax.result_info = "result"}) {
    %cst = stablehlo.constant dense<0.000000e+00> : tensor<f32>
    %0 = stablehlo.reduce(%arg0 init: %cst) applies stablehlo.add across dimensions = [1] : (tensor<128x256xf32>, tensor<f32>) -> tensor<128xf32>
    %1 = stablehlo.broadcast_in_dim %0, dims = [0] : (tensor<128xf32>) -> tensor<128x1xf32>
    %cst_0 = stablehlo.constant dense<2.560000e+02> : tensor<f32>
    %2 = stablehlo.broadcast_in_dim %cst_0, dims = [] : (tensor<f32>) -> tensor<128x1xf32>
    %3 = stablehlo.divide %1, %2 : tensor<128x1xf32>
    %4 = stablehlo.broadcast_in_dim %3, dims = [0, 1] : (tensor<128x1xf32>) -> tensor<128x256xf32>
    %5 = stablehlo.subtract %arg0, %4 : tensor<128x256xf32>
    %6 = chlo.square %5 : tensor<128x256xf32> -> tensor<128x256xf32>
    %cst_1 = stablehlo.constant dense<0.000000e+00> : tensor<f32>
    %7 = stablehlo.reduce(%6 init: %cst_1) applies stablehlo.add across dimensions = [1] : (tensor<128x256xf32>, tensor<f32>) -> tensor<128xf32>
    %8 = stablehlo.broadcast_in_dim %7, dims = [0] : (tensor<128xf32>) -> tensor<128x1xf32>
    %cst_2 = stablehlo.constant dense<2.560000e+02> : tensor<f32>
    %9 = stablehlo.broadcast_in_dim %cst_2, dims = [] : (tensor<f32>) -> tensor<128x1xf32>
    %10 = stablehlo.divide %8, %9 : tensor<128x1xf32>
    %11 = stablehlo.broadcast_in_dim %3, dims = [0, 1] : (tensor<128x1xf32>) -> tensor<128x256xf32>
    %12 = stablehlo.subtract %arg0, %11 : tensor<128x256xf32>
    %cst_3 = stablehlo.constant dense<9.99999974E-6> : tensor<f32>
    %13 = stablehlo.broadcast_in_dim %cst_3, dims = [] : (tensor<f32>) -> tensor<128x1xf32>
    %14 = stablehlo.add %10, %13 : tensor<128x1xf32>
    %15 = stablehlo.rsqrt %14 : tensor<128x1xf32>
    %16 = stablehlo.broadcast_in_dim %15, dims = [0, 1] : (tensor<128x1xf32>) -> tensor<128x256xf32>
    %17 = stablehlo.multiply %12, %16 : tensor<128x256xf32>
    %18 = stablehlo.broadcast_in_dim %arg1, dims = [1] : (tensor<256xf32>) -> tensor<1x256xf32>
    %19 = stablehlo.broadcast_in_dim %18, dims = [0, 1] : (tensor<1x256xf32>) -> tensor<128x256xf32>
    %20 = stablehlo.multiply %17, %19 : tensor<128x256xf32>
    %21 = stablehlo.broadcast_in_dim %arg2, dims = [1] : (tensor<256xf32>) -> tensor<1x256xf32>
    %22 = stablehlo.broadcast_in_dim %21, dims = [0, 1] : (tensor<1x256xf32>) -> tensor<128x256xf32>
    %23 = stablehlo.add %20, %22 : tensor<128x256xf32>
    %24 = stablehlo.dot_general %23, %arg3, contracting_dims = [1] x [0], precision = [DEFAULT, DEFAULT] : (tensor<128x256xf32>, tensor<256x768xf32>) -> tensor<128x768xf32>
    %25 = stablehlo.broadcast_in_dim %arg4, dims = [1] : (tensor<768xf32>) -> tensor<1x768xf32>
    %26 = stablehlo.broadcast_in_dim %25, dims = [0, 1] : (tensor<1x768xf32>) -> tensor<128x768xf32>
    %27 = stablehlo.add %24, %26 : tensor<128x768xf32>
    %28 = stablehlo.reshape %27 : (tensor<128x768xf32>) -> tensor<128x3x4x64xf32>
    %29 = stablehlo.slice %28 [0:128, 0:1, 0:4, 0:64] : (tensor<128x3x4x64xf32>) -> tensor<128x1x4x64xf32>
    %30 = stablehlo.reshape %29 : (tensor<128x1x4x64xf32>) -> tensor<128x4x64xf32>
    %31 = stablehlo.slice %28 [0:128, 1:2, 0:4, 0:64] : (tensor<128x3x4x64xf32>) -> tensor<128x1x4x64xf32>
    %32 = stablehlo.reshape %31 : (tensor<128x1x4x64xf32>) -> tensor<128x4x64xf32>
    %33 = stablehlo.slice %28 [0:128, 2:3, 0:4, 0:64] : (tensor<128x3x4x64xf32>) -> tensor<128x1x4x64xf32>
    %34 = stablehlo.reshape %33 : (tensor<128x1x4x64xf32>) -> tensor<128x4x64xf32>
    %35 = stablehlo.dot_general %30, %32, batching_dims = [1] x [1], contracting_dims = [2] x [2], precision = [DEFAULT, DEFAULT] : (tensor<128x4x64xf32>, tensor<128x4x64xf32>) -> tensor<4x128x128xf32>
    %cst_4 = stablehlo.constant dense<8.000000e+00> : tensor<f32>
    %36 = stablehlo.broadcast_in_dim %cst_4, dims = [] : (tensor<f32>) -> tensor<4x128x128xf32>
    %37 = stablehlo.divide %35, %36 : tensor<4x128x128xf32>
    %cst_5 = stablehlo.constant dense<0xFF800000> : tensor<f32>
    %38 = stablehlo.reduce(%37 init: %cst_5) applies stablehlo.maximum across dimensions = [2] : (tensor<4x128x128xf32>, tensor<f32>) -> tensor<4x128xf32>
    %cst_6 = stablehlo.constant dense<0xFF800000> : tensor<f32>
    %39 = stablehlo.broadcast_in_dim %cst_6, dims = [] : (tensor<f32>) -> tensor<4x128xf32>
    %40 = stablehlo.maximum %39, %38 : tensor<4x128xf32>
    %41 = stablehlo.broadcast_in_dim %40, dims = [0, 1] : (tensor<4x128xf32>) -> tensor<4x128x1xf32>
    %42 = stablehlo.broadcast_in_dim %41, dims = [0, 1, 2] : (tensor<4x128x1xf32>) -> tensor<4x128x128xf32>
    %43 = stablehlo.subtract %37, %42 : tensor<4x128x128xf32>
    %44 = stablehlo.exponential %43 : tensor<4x128x128xf32>
    %cst_7 = stablehlo.constant dense<0.000000e+00> : tensor<f32>
    %45 = stablehlo.reduce(%44 init: %cst_7) applies stablehlo.add across dimensions = [2] : (tensor<4x128x128xf32>, tensor<f32>) -> tensor<4x128xf32>
    %46 = stablehlo.broadcast_in_dim %45, dims = [0, 1] : (tensor<4x128xf32>) -> tensor<4x128x1xf32>
    %47 = stablehlo.broadcast_in_dim %46, dims = [0, 1, 2] : (tensor<4x128x1xf32>) -> tensor<4x128x128xf32>
    %48 = stablehlo.divide %44, %47 : tensor<4x128x128xf32>
    %49 = stablehlo.dot_general %34, %48, batching_dims = [1] x [0], contracting_dims = [0] x [2], precision = [DEFAULT, DEFAULT] : (tensor<128x4x64xf32>, tensor<4x128x128xf32>) -> tensor<4x64x128xf32>
    %50 = stablehlo.transpose %49, dims = [2, 0, 1] : (tensor<4x64x128xf32>) -> tensor<128x4x64xf32>
    %51 = stablehlo.reshape %50 : (tensor<128x4x64xf32>) -> tensor<128x256xf32>
    %52 = stablehlo.dot_general %51, %arg5, contracting_dims = [1] x [0], precision = [DEFAULT, DEFAULT] : (tensor<128x256xf32>, tensor<256x256xf32>) -> tensor<128x256xf32>
    %53 = stablehlo.broadcast_in_dim %arg6, dims = [1] : (tensor<256xf32>) -> tensor<1x256xf32>
    %54 = stablehlo.broadcast_in_dim %53, dims = [0, 1] : (tensor<1x256xf32>) -> tensor<128x256xf32>
    %55 = stablehlo.add %52, %54 : tensor<128x256xf32>
    %56 = stablehlo.add %arg0, %55 : tensor<128x256xf32>
    %cst_8 = stablehlo.constant dense<0.000000e+00> : tensor<f32>
    %57 = stablehlo.reduce(%56 init: %cst_8) applies stablehlo.add across dimensions = [1] : (tensor<128x256xf32>, tensor<f32>) -> tensor<128xf32>
    %58 = stablehlo.broadcast_in_dim %57, dims = [0] : (tensor<128xf32>) -> tensor<128x1xf32>
    %cst_9 = stablehlo.constant dense<2.560000e+02> : tensor<f32>
    %59 = stablehlo.broadcast_in_dim %cst_9, dims = [] : (tensor<f32>) -> tensor<128x1xf32>
    %60 = stablehlo.divide %58, %59 : tensor<128x1xf32>
    %61 = stablehlo.broadcast_in_dim %60, dims = [0, 1] : (tensor<128x1xf32>) -> tensor<128x256xf32>
    %62 = stablehlo.subtract %56, %61 : tensor<128x256xf32>
    %63 = chlo.square %62 : tensor<128x256xf32> -> tensor<128x256xf32>
    %cst_10 = stablehlo.constant dense<0.000000e+00> : tensor<f32>
    %64 = stablehlo.reduce(%63 init: %cst_10) applies stablehlo.add across dimensions = [1] : (tensor<128x256xf32>, tensor<f32>) -> tensor<128xf32>
    %65 = stablehlo.broadcast_in_dim %64, dims = [0] : (tensor<128xf32>) -> tensor<128x1xf32>
    %cst_11 = stablehlo.constant dense<2.560000e+02> : tensor<f32>
    %66 = stablehlo.broadcast_in_dim %cst_11, dims = [] : (tensor<f32>) -> tensor<128x1xf32>
    %67 = stablehlo.divide %65, %66 : tensor<128x1xf32>
    %68 = stablehlo.broadcast_in_dim %60, dims = [0, 1] : (tensor<128x1xf32>) -> tensor<128x256xf32>
    %69 = stablehlo.subtract %56, %68 : tensor<128x256xf32>
    %cst_12 = stablehlo.constant dense<9.99999974E-6> : tensor<f32>
    %70 = stablehlo.broadcast_in_dim %cst_12, dims = [] : (tensor<f32>) -> tensor<128x1xf32>
    %71 = stablehlo.add %67, %70 : tensor<128x1xf32>
    %72 = stablehlo.rsqrt %71 : tensor<128x1xf32>
    %73 = stablehlo.broadcast_in_dim %72, dims = [0, 1] : (tensor<128x1xf32>) -> tensor<128x256xf32>
    %74 = stablehlo.multiply %69, %73 : tensor<128x256xf32>
    %75 = stablehlo.broadcast_in_dim %arg7, dims = [1] : (tensor<256xf32>) -> tensor<1x256xf32>
    %76 = stablehlo.broadcast_in_dim %75, dims = [0, 1] : (tensor<1x256xf32>) -> tensor<128x256xf32>
    %77 = stablehlo.multiply %74, %76 : tensor<128x256xf32>
    %78 = stablehlo.broadcast_in_dim %arg8, dims = [1] : (tensor<256xf32>) -> tensor<1x256xf32>
    %79 = stablehlo.broadcast_in_dim %78, dims = [0, 1] : (tensor<1x256xf32>) -> tensor<128x256xf32>
    %80 = stablehlo.add %77, %79 : tensor<128x256xf32>
    %81 = stablehlo.dot_general %80, %arg9, contracting_dims = [1] x [0], precision = [DEFAULT, DEFAULT] : (tensor<128x256xf32>, tensor<256x1024xf32>) -> tensor<128x1024xf32>
    %82 = stablehlo.broadcast_in_dim %arg10, dims = [1] : (tensor<1024xf32>) -> tensor<1x1024xf32>
    %83 = stablehlo.broadcast_in_dim %82, dims = [0, 1] : (tensor<1x1024xf32>) -> tensor<128x1024xf32>
    %84 = stablehlo.add %81, %83 : tensor<128x1024xf32>
    %85 = stablehlo.multiply %84, %84 : tensor<128x1024xf32>
    %86 = stablehlo.multiply %85, %84 : tensor<128x1024xf32>
    %cst_13 = stablehlo.constant dense<4.471500e-02> : tensor<f32>
    %87 = stablehlo.broadcast_in_dim %cst_13, dims = [] : (tensor<f32>) -> tensor<128x1024xf32>
    %88 = stablehlo.multiply %87, %86 : tensor<128x1024xf32>
    %89 = stablehlo.add %84, %88 : tensor<128x1024xf32>
    %cst_14 = stablehlo.constant dense<0.797884583> : tensor<f32>
    %90 = stablehlo.broadcast_in_dim %cst_14, dims = [] : (tensor<f32>) -> tensor<128x1024xf32>
    %91 = stablehlo.multiply %90, %89 : tensor<128x1024xf32>
    %92 = stablehlo.tanh %91 : tensor<128x1024xf32>
    %cst_15 = stablehlo.constant dense<1.000000e+00> : tensor<f32>
    %93 = stablehlo.broadcast_in_dim %cst_15, dims = [] : (tensor<f32>) -> tensor<128x1024xf32>
    %94 = stablehlo.add %93, %92 : tensor<128x1024xf32>
    %cst_16 = stablehlo.constant dense<5.000000e-01> : tensor<f32>
    %95 = stablehlo.broadcast_in_dim %cst_16, dims = [] : (tensor<f32>) -> tensor<128x1024xf32>
    %96 = stablehlo.multiply %95, %94 : tensor<128x1024xf32>
    %97 = stablehlo.multiply %84, %96 : tensor<128x1024xf32>
    %98 = stablehlo.dot_general %97, %arg11, contracting_dims = [1] x [0], precision = [DEFAULT, DEFAULT] : (tensor<128x1024xf32>, tensor<1024x256xf32>) -> tensor<128x256xf32>
    %99 = stablehlo.broadcast_in_dim %arg12, dims = [1] : (tensor<256xf32>) -> tensor<1x256xf32>
    %100 = stablehlo.broadcast_in_dim %99, dims = [0, 1] : (tensor<1x256xf32>) -> tensor<128x256xf32>
    %101 = stablehlo.add %98, %100 : tensor<128x256xf32>
    %102 = stablehlo.add %56, %101 : tensor<128x256xf32>
    return %102 : tensor<128x256xf32>
  }
}
