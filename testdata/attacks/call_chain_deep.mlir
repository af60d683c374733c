// attack: an acyclic call chain 400 deep
// expect: exit=4 rule=limit.call_depth
// flags: --input inputs/scalar.json
module @attack attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {
  func.func public @main(%arg0: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f0(%arg0) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f0(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f1(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f1(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f2(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f2(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f3(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f3(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f4(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f4(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f5(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f5(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f6(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f6(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f7(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f7(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f8(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f8(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f9(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f9(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f10(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f10(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f11(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f11(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f12(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f12(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f13(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f13(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f14(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f14(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f15(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f15(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f16(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f16(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f17(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f17(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f18(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f18(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f19(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f19(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f20(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f20(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f21(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f21(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f22(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f22(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f23(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f23(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f24(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f24(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f25(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f25(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f26(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f26(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f27(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f27(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f28(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f28(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f29(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f29(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f30(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f30(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f31(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f31(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f32(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f32(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f33(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f33(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f34(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f34(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f35(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f35(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f36(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f36(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f37(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f37(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f38(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f38(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f39(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f39(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f40(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f40(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f41(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f41(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f42(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f42(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f43(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f43(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f44(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f44(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f45(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f45(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f46(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f46(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f47(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f47(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f48(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f48(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f49(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f49(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f50(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f50(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f51(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f51(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f52(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f52(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f53(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f53(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f54(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f54(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f55(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f55(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f56(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f56(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f57(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f57(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f58(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f58(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f59(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f59(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f60(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f60(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f61(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f61(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f62(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f62(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f63(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f63(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f64(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f64(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f65(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f65(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f66(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f66(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f67(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f67(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f68(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f68(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f69(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f69(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f70(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f70(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f71(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f71(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f72(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f72(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f73(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f73(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f74(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f74(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f75(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f75(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f76(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f76(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f77(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f77(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f78(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f78(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f79(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f79(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f80(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f80(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f81(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f81(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f82(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f82(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f83(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f83(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f84(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f84(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f85(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f85(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f86(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f86(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f87(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f87(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f88(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f88(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f89(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f89(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f90(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f90(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f91(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f91(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f92(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f92(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f93(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f93(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f94(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f94(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f95(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f95(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f96(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f96(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f97(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f97(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f98(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f98(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f99(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f99(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f100(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f100(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f101(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f101(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f102(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f102(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f103(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f103(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f104(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f104(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f105(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f105(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f106(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f106(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f107(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f107(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f108(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f108(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f109(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f109(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f110(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f110(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f111(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f111(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f112(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f112(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f113(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f113(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f114(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f114(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f115(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f115(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f116(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f116(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f117(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f117(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f118(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f118(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f119(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f119(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f120(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f120(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f121(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f121(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f122(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f122(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f123(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f123(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f124(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f124(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f125(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f125(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f126(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f126(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f127(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f127(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f128(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f128(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f129(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f129(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f130(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f130(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f131(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f131(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f132(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f132(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f133(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f133(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f134(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f134(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f135(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f135(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f136(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f136(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f137(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f137(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f138(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f138(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f139(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f139(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f140(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f140(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f141(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f141(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f142(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f142(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f143(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f143(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f144(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f144(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f145(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f145(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f146(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f146(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f147(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f147(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f148(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f148(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f149(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f149(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f150(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f150(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f151(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f151(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f152(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f152(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f153(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f153(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f154(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f154(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f155(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f155(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f156(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f156(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f157(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f157(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f158(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f158(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f159(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f159(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f160(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f160(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f161(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f161(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f162(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f162(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f163(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f163(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f164(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f164(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f165(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f165(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f166(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f166(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f167(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f167(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f168(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f168(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f169(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f169(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f170(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f170(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f171(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f171(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f172(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f172(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f173(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f173(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f174(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f174(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f175(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f175(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f176(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f176(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f177(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f177(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f178(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f178(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f179(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f179(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f180(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f180(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f181(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f181(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f182(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f182(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f183(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f183(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f184(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f184(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f185(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f185(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f186(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f186(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f187(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f187(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f188(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f188(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f189(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f189(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f190(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f190(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f191(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f191(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f192(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f192(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f193(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f193(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f194(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f194(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f195(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f195(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f196(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f196(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f197(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f197(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f198(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f198(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f199(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f199(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f200(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f200(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f201(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f201(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f202(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f202(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f203(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f203(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f204(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f204(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f205(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f205(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f206(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f206(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f207(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f207(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f208(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f208(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f209(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f209(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f210(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f210(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f211(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f211(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f212(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f212(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f213(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f213(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f214(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f214(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f215(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f215(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f216(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f216(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f217(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f217(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f218(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f218(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f219(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f219(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f220(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f220(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f221(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f221(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f222(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f222(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f223(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f223(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f224(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f224(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f225(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f225(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f226(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f226(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f227(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f227(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f228(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f228(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f229(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f229(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f230(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f230(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f231(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f231(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f232(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f232(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f233(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f233(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f234(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f234(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f235(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f235(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f236(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f236(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f237(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f237(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f238(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f238(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f239(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f239(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f240(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f240(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f241(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f241(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f242(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f242(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f243(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f243(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f244(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f244(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f245(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f245(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f246(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f246(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f247(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f247(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f248(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f248(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f249(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f249(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f250(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f250(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f251(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f251(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f252(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f252(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f253(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f253(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f254(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f254(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f255(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f255(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f256(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f256(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f257(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f257(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f258(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f258(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f259(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f259(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f260(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f260(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f261(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f261(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f262(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f262(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f263(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f263(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f264(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f264(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f265(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f265(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f266(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f266(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f267(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f267(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f268(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f268(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f269(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f269(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f270(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f270(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f271(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f271(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f272(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f272(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f273(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f273(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f274(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f274(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f275(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f275(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f276(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f276(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f277(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f277(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f278(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f278(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f279(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f279(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f280(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f280(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f281(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f281(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f282(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f282(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f283(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f283(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f284(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f284(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f285(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f285(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f286(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f286(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f287(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f287(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f288(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f288(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f289(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f289(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f290(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f290(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f291(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f291(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f292(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f292(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f293(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f293(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f294(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f294(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f295(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f295(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f296(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f296(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f297(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f297(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f298(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f298(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f299(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f299(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f300(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f300(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f301(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f301(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f302(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f302(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f303(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f303(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f304(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f304(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f305(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f305(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f306(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f306(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f307(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f307(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f308(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f308(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f309(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f309(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f310(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f310(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f311(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f311(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f312(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f312(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f313(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f313(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f314(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f314(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f315(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f315(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f316(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f316(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f317(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f317(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f318(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f318(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f319(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f319(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f320(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f320(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f321(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f321(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f322(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f322(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f323(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f323(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f324(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f324(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f325(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f325(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f326(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f326(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f327(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f327(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f328(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f328(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f329(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f329(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f330(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f330(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f331(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f331(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f332(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f332(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f333(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f333(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f334(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f334(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f335(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f335(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f336(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f336(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f337(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f337(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f338(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f338(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f339(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f339(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f340(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f340(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f341(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f341(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f342(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f342(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f343(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f343(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f344(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f344(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f345(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f345(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f346(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f346(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f347(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f347(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f348(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f348(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f349(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f349(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f350(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f350(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f351(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f351(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f352(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f352(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f353(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f353(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f354(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f354(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f355(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f355(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f356(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f356(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f357(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f357(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f358(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f358(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f359(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f359(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f360(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f360(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f361(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f361(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f362(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f362(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f363(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f363(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f364(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f364(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f365(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f365(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f366(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f366(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f367(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f367(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f368(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f368(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f369(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f369(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f370(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f370(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f371(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f371(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f372(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f372(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f373(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f373(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f374(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f374(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f375(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f375(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f376(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f376(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f377(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f377(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f378(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f378(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f379(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f379(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f380(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f380(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f381(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f381(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f382(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f382(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f383(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f383(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f384(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f384(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f385(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f385(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f386(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f386(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f387(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f387(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f388(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f388(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f389(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f389(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f390(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f390(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f391(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f391(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f392(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f392(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f393(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f393(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f394(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f394(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f395(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f395(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f396(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f396(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f397(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f397(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f398(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f398(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f399(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f399(%a: tensor<f32>) -> tensor<f32> {
    %0 = func.call @f400(%a) : (tensor<f32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
  func.func private @f400(%a: tensor<f32>) -> tensor<f32> {
    return %a : tensor<f32>
  }
}
