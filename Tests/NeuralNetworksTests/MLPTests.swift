import NeuralNetworks
import Optimizers
import TensorCore
import TestSupport
import Testing
import _Differentiation

/// The multilayer perceptron: structure, gradients through its array of layers, training.
@Suite struct MLPTests {
  @Test func hiddenLayersAreActivatedAndTheLastIsLinear() {
    var generator = Xoshiro256StarStar(seed: 1)
    let mlp = MLP<Float>(sizes: [4, 8, 6, 2], activation: .relu, using: &generator)
    #expect(mlp.layers.map(\.activation) == [.relu, .relu, .identity])
    #expect(mlp.layers.map(\.weight.shape) == [[4, 8], [8, 6], [6, 2]])
    let x = randomTensor([3, 4], seed: 2, as: Float.self)
    let manual = mlp.layers[2](mlp.layers[1](mlp.layers[0](x)))
    #expect(mlp(x) == manual)
    #expect(mlp(x).shape == [3, 2])
  }

  @Test func gradientThroughKeyPathsInDouble() {
    var generator = Xoshiro256StarStar(seed: 3)
    let mlp = MLP<Double>(sizes: [3, 5, 4, 2], activation: .tanh, using: &generator)
    checkParameterGradients(of: mlp, at: randomTensor([2, 3], seed: 4), tolerance: 1e-6)
  }

  @Test func gradientThroughKeyPathsInFloat() {
    var generator = Xoshiro256StarStar(seed: 5)
    let mlp = MLP<Float>(
      sizes: [3, 5, 2], activation: .softplus, outputActivation: .sigmoid, using: &generator)
    checkParameterGradients(of: mlp, at: randomTensor([4, 3], seed: 6), tolerance: 1e-2)
  }

  @Test func inputGradientInDouble() {
    var generator = Xoshiro256StarStar(seed: 7)
    let mlp = MLP<Double>(sizes: [3, 4, 2], activation: .sigmoid, using: &generator)
    checkGradients(of: { mlp($0[0]) }, at: [randomTensor([2, 3], seed: 8)], tolerance: 1e-6)
  }

  /// `applyInOrder(_:toData:)` gives the values and layer gradients of `applyInOrder(_:to:)`.
  @Test func applyingToDataMatchesApplyingTo() {
    var generator = Xoshiro256StarStar(seed: 10)
    let mlp = MLP<Double>(sizes: [3, 5, 4, 2], activation: .relu, using: &generator)
    let x = randomTensor([4, 3], seed: 11, as: Double.self)
    let weights = randomTensor([4, 2], seed: 12, as: Double.self)
    #expect(applyInOrder(mlp.layers, toData: x) == mlp(x))
    let (value, gradient) = valueWithGradient(at: mlp.layers) { layers in
      (applyInOrder(layers, toData: x) * weights).sum().scalarized()
    }
    let (expectedValue, expected) = valueWithGradient(at: mlp.layers) { layers in
      (applyInOrder(layers, to: x) * weights).sum().scalarized()
    }
    #expect(value == expectedValue)
    for index in mlp.layers.indices {
      assertClose(
        gradient.base[index].weight, expected.base[index].weight, relativeTolerance: 1e-12)
      assertClose(gradient.base[index].bias, expected.base[index].bias, relativeTolerance: 1e-12)
    }
  }

  /// No layers: the identity, with an empty gradient.
  @Test func applyingNoLayersToDataIsTheIdentity() {
    let x = randomTensor([2, 3], seed: 13, as: Double.self)
    let (value, pullback) = valueWithPullback(at: [Dense<Double>]()) { layers in
      applyInOrder(layers, toData: x)
    }
    #expect(value == x)
    #expect(pullback(x).base.isEmpty)
  }

  @Test func keyPathsReachEveryLayer() {
    var generator = Xoshiro256StarStar(seed: 9)
    let mlp = MLP<Float>(sizes: [2, 3, 1], activation: .relu, using: &generator)
    #expect(
      mlp.parameterKeyPaths == [
        \MLP<Float>.layers[0].weight, \MLP<Float>.layers[0].bias,
        \MLP<Float>.layers[1].weight, \MLP<Float>.layers[1].bias,
      ])
    #expect(mlp.tangentKeyPaths[3] == \MLP<Float>.TangentVector.layers.base[1].bias)
  }

  /// Optimisers update the layers inside the array in place: no parameter is copied.
  @Test func optimisersUpdateInPlace() {
    var generator = Xoshiro256StarStar(seed: 11)
    var mlp = MLP<Float>(sizes: [3, 4, 2], activation: .relu, using: &generator)
    var optimizer = Adam(for: mlp)
    let x = randomTensor([2, 3], seed: 12, as: Float.self)
    let gradient = _Differentiation.gradient(at: mlp) { mlp in mlp(x).sum().scalarized() }
    optimizer.update(&mlp, along: gradient)
    let addresses = mlp.parameters.map { $0.withUnsafeBufferPointer { $0.baseAddress } }
    // Copies of the scalars, not of the tensors, which would share (and so force a copy of)
    // the storage.
    let before = mlp.parameters.map(\.scalars)
    optimizer.update(&mlp, along: gradient)
    #expect(mlp.parameters.map { $0.withUnsafeBufferPointer { $0.baseAddress } } == addresses)
    #expect(mlp.parameters.map(\.scalars) != before)
  }

  /// Adam fits y = sin(2x) on a grid well below the variance of y.
  @Test func adamFitsASmoothFunction() {
    var generator = Xoshiro256StarStar(seed: 10)
    var mlp = MLP<Float>(sizes: [1, 32, 32, 1], activation: .tanh, using: &generator)
    var optimizer = Adam(for: mlp, learningRate: 0.01)
    let xs = (0..<64).map { Float($0) / 32 - 1 }
    let x = Tensor(shape: [64, 1], scalars: xs)
    let y = Tensor(shape: [64, 1], scalars: xs.map { Float.sin(2 * $0) })
    var loss: Float = 0
    for _ in 0..<500 {
      let (value, gradient) = valueWithGradient(at: mlp) { mlp in
        (mlp(x) - y).squared().mean().scalarized()
      }
      loss = value
      optimizer.update(&mlp, along: gradient)
    }
    #expect(loss < 2e-3)
  }
}
