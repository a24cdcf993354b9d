import TensorCore
import TestSupport
import Testing
import VAE
import _Differentiation

/// Each shipped VAE lists every stored tensor once, for the model and for its gradient, passes
/// them to optimisers in that order, and names each once in checkpoints
/// (``checkParameterListing(_:gradient:names:exempt:sourceLocation:)``).
@Suite struct ParameterListingTests {
  /// The MLP VAE with a per-pixel learnt scale (so `logScale` has a gradient) and two hidden
  /// layers.
  @Test func mlpModelListsEveryTensorOnce() {
    var configuration = VAETestData.tinyModel
    configuration.hiddenSizes = [5, 4]
    configuration.likelihood = .gaussianPerPixelScale
    var generator = Xoshiro256StarStar(seed: 9)
    let model = MLPVAE(configuration: configuration, using: &generator)
    let x = VAEEvaluation.batch(VAETestData.tinyImages(count: 4, seed: 2), 0..<4)
    let noise = Tensor<Float>(randomNormal: [4, 2], using: &generator)
    let gradient = _Differentiation.gradient(at: model) { model in
      model.negativeELBOTerms(x, noise: noise, klWeight: 1).sum().scalarized()
    }
    checkParameterListing(model, gradient: gradient, names: model.parameterNames)
  }

  /// The convolutional encoder and decoder.
  @Test func convModelListsEveryTensorOnce() {
    let (model, x, noise) = VAETestData.tinyConvProblem(seed: 4, count: 2, imageSeed: 5)
    let gradient = _Differentiation.gradient(at: model) { model in
      model.negativeELBOTerms(x, noise: noise, klWeight: 1).sum().scalarized()
    }
    checkParameterListing(model, gradient: gradient, names: model.parameterNames)
  }
}
