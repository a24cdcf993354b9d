import NeuralNetworks
import Optimizers
import TensorCore
import TestSupport
import Testing
import _Differentiation

/// A small convolutional autoencoder on 8×8 images, written as a user would: a struct of
/// layers, its forward pass, and its parameter key paths listed once.
struct TinyAutoencoder: Layer {
  var encoder: Conv2D<Float>
  var bottleneck: MLP<Float>
  var decoder: ConvTranspose2D<Float>
  @noDerivative let flatten = Reshape<Float>.flatten
  @noDerivative let unflatten = Reshape<Float>(to: [4, 4, 4])

  init(using generator: inout some RandomNumberGenerator) {
    encoder = Conv2D(
      inputChannels: 1, outputChannels: 4, kernelSize: 4, stride: 2, padding: 1,
      activation: .relu, using: &generator)
    bottleneck = MLP(sizes: [64, 8, 64], activation: .relu, using: &generator)
    decoder = ConvTranspose2D(
      inputChannels: 4, outputChannels: 1, kernelSize: 4, stride: 2, padding: 1,
      using: &generator)
  }

  @differentiable(reverse)
  func callAsFunction(_ input: Tensor<Float>) -> Tensor<Float> {
    decoder(unflatten(bottleneck(flatten(encoder(input)))))
  }
}

extension TinyAutoencoder: ParameterGroup {
  var parameterKeyPaths: [WritableKeyPath<TinyAutoencoder, Tensor<Float>>] {
    parameterKeyPaths(of: \.encoder) + parameterKeyPaths(of: \.bottleneck)
      + parameterKeyPaths(of: \.decoder)
  }

  var tangentKeyPaths: [WritableKeyPath<TangentVector, Tensor<Float>>] {
    tangentKeyPaths(of: \.encoder, \.encoder) + tangentKeyPaths(of: \.bottleneck, \.bottleneck)
      + tangentKeyPaths(of: \.decoder, \.decoder)
  }
}

/// A dense layer whose tangent key paths are listed in the wrong order, to show that the
/// gradient checker catches it.
struct MislistedDense: Layer {
  var dense: Dense<Double>

  @differentiable(reverse)
  func callAsFunction(_ input: Tensor<Double>) -> Tensor<Double> { dense(input) }
}

extension MislistedDense: ParameterGroup {
  var parameterKeyPaths: [WritableKeyPath<MislistedDense, Tensor<Double>>] {
    [\.dense.weight, \.dense.bias]
  }

  var tangentKeyPaths: [WritableKeyPath<TangentVector, Tensor<Double>>] {
    [\.dense.bias, \.dense.weight]
  }
}

/// Layers composed into a model train with an optimiser through their key paths.
@Suite struct ModelCompositionTests {
  @Test func keyPathsCoverEveryLayer() {
    var generator = Xoshiro256StarStar(seed: 1)
    let model = TinyAutoencoder(using: &generator)
    #expect(model.parameterKeyPaths.count == 8)
    #expect(model.tangentKeyPaths.count == 8)
    let x = Tensor<Float>(randomUniform: [2, 1, 8, 8], using: &generator)
    #expect(model(x).shape == [2, 1, 8, 8])
    let gradient = _Differentiation.gradient(at: model) { model in
      model(x).squared().mean().scalarized()
    }
    let shapes = model.tensors(of: gradient).map(\.shape)
    #expect(shapes == model.parameters.map(\.shape))
  }

  @Test func adamReducesTheReconstructionError() {
    var generator = Xoshiro256StarStar(seed: 2)
    var model = TinyAutoencoder(using: &generator)
    var optimizer = Adam(for: model, learningRate: 0.01)
    let x = Tensor<Float>(randomUniform: [4, 1, 8, 8], using: &generator)
    func loss(_ model: TinyAutoencoder) -> Float { (model(x) - x).squared().mean().scalarized() }
    let before = loss(model)
    for _ in 0..<100 {
      var gradient = _Differentiation.gradient(at: model) { model in
        (model(x) - x).squared().mean().scalarized()
      }
      model.clipByGlobalNorm(&gradient, maximumNorm: 10)
      optimizer.update(&model, along: gradient)
    }
    #expect(loss(model) < 0.3 * before)
  }

  @Test func checkerCatchesMislistedKeyPaths() {
    var generator = Xoshiro256StarStar(seed: 3)
    let model = MislistedDense(dense: Dense(inputSize: 3, outputSize: 2, using: &generator))
    withKnownIssue {
      checkParameterGradients(of: model, at: randomTensor([2, 3], seed: 4), tolerance: 1e-6)
    }
  }
}
