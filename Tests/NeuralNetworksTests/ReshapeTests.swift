import NeuralNetworks
import TensorCore
import TestSupport
import Testing
import _Differentiation

/// Reshaping layers keep the batch axis and pass gradients through.
@Suite struct ReshapeTests {
  @Test func flattenAndUnflatten() {
    let x: Tensor<Float> = randomTensor([3, 2, 4, 5], seed: 1)
    let flat = Reshape<Float>.flatten(x)
    #expect(flat.shape == [3, 40])
    #expect(flat.scalars == x.scalars)
    #expect(Reshape<Float>(to: [2, 4, 5])(flat) == x)
    #expect(Reshape<Float>(to: [-1, 5])(flat).shape == [3, 8, 5])
  }

  @Test func gradientPassesThrough() {
    let x: Tensor<Double> = randomTensor([2, 3, 2], seed: 2)
    checkGradients(of: { Reshape<Double>.flatten($0[0]) }, at: [x], tolerance: 1e-6)
  }
}
