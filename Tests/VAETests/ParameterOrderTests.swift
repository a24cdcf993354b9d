import Optimizers
import TensorCore
import Testing
import VAE
import _Differentiation

/// A model that passes its tensors to optimisers directly (`updateParameters(along:_:)`) must
/// pass the same tensors, in the same order, as its key paths name them: the optimiser's state
/// and the checkpoint are numbered by that order.
@Suite struct ParameterOrderTests {
  @Test func directUpdateFollowsTheKeyPaths() {
    var configuration = VAETestData.tinyModel
    configuration.hiddenSizes = [5, 4]
    configuration.likelihood = .gaussianPerPixelScale
    var generator = Xoshiro256StarStar(seed: 9)
    var model = MLPVAE(configuration: configuration, using: &generator)
    let x = VAEEvaluation.batch(VAETestData.tinyImages(count: 4, seed: 2), 0..<4)
    let noise = Tensor<Float>(randomNormal: [4, 2], using: &generator)
    let gradient = _Differentiation.gradient(at: model) { model in
      model.negativeELBOTerms(x, noise: noise, klWeight: 1).sum().scalarized()
    }
    let parameters = model.parameters
    let gradients = model.tensors(of: gradient)
    // Encoder 2 layers, head 1, decoder 3 (weight and bias each), and the log scale.
    #expect(parameters.count == 13)
    var visited: [Int] = []
    model.updateParameters(along: gradient) { index, parameter, g in
      visited.append(index)
      #expect(parameter.shape == parameters[index].shape)
      #expect(parameter.scalars == parameters[index].scalars)
      #expect(g.shape == gradients[index].shape)
      #expect(g.scalars == gradients[index].scalars)
      parameter = parameter + Float(index + 1)
    }
    #expect(visited == Array(parameters.indices))
    // The changes land where the key paths point.
    for (index, path) in model.parameterKeyPaths.enumerated() {
      #expect(model[keyPath: path].scalars == (parameters[index] + Float(index + 1)).scalars)
    }
  }
}
