import Inference
import TensorCore
import TestSupport
import Testing

/// Each variational family lists every stored tensor once, for the family and for its
/// gradient, passes them to optimisers in that order, and checks each for NaN
/// (``checkParameterListing(_:gradient:names:exempt:sourceLocation:)``).
@Suite struct ParameterListingTests {
  static let mean = Tensor<Double>([0.5, -1, 2])

  @Test func meanFieldListsEveryTensorOnce() {
    checkParameterListing(MeanFieldGaussian(mean: Self.mean), gradient: .zero)
  }

  @Test func fullRankListsEveryTensorOnce() {
    checkParameterListing(FullRankGaussian(mean: Self.mean), gradient: .zero)
  }

  @Test func lowRankListsEveryTensorOnce() {
    var generator = Xoshiro256StarStar(seed: 1)
    let family = LowRankGaussian(mean: Self.mean, rank: 2, using: &generator)
    checkParameterListing(family, gradient: .zero)
  }
}
