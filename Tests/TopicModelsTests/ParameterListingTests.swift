import TensorCore
import TestSupport
import Testing
import TopicModels

/// ProdLDA's networks list every stored tensor once, for the networks and for their gradient,
/// and pass them to Adam in that order
/// (``checkParameterListing(_:gradient:names:exempt:sourceLocation:)``).
@Suite struct ParameterListingTests {
  @Test func prodLDANetworkListsEveryTensorOnce() {
    var generator = Xoshiro256StarStar(seed: 1)
    let network = ProdLDANetwork(
      vocabularySize: 7, topics: 3, hiddenSize: 4, using: &generator)
    checkParameterListing(network, gradient: .zero)
  }
}
