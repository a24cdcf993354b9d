import NeuralNetworks
import Optimizers
import TensorCore
import Testing
import _Differentiation

/// A tensor of uniform draws on (−1, 1), fixed by `seed`.
func randomTensor<Scalar: TensorScalar>(
  _ shape: [Int], seed: UInt64, as: Scalar.Type = Scalar.self
) -> Tensor<Scalar> {
  var generator = Xoshiro256StarStar(seed: seed)
  return Tensor(randomUniform: shape, in: -1..<1, using: &generator)
}

/// Records an issue at the caller unless the gradient of Σ w ⊙ model(input) (fixed weights w)
/// with respect to every tensor in `model.parameterKeyPaths`, read from the gradient through
/// `model.tangentKeyPaths`, matches central differences taken by perturbing the parameter
/// through its key path. This checks a model's gradient and its key-path lists together.
func checkParameterGradients<Model: Layer & ParameterGroup>(
  of model: Model, at input: Tensor<Model.Scalar>, tolerance: Model.Scalar,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  typealias Scalar = Model.Scalar
  let weights = randomTensor(model(input).shape, seed: 99, as: Scalar.self) + 2
  func loss(_ model: Model) -> Scalar { (model(input) * weights).sum().scalarized() }
  let gradient = _Differentiation.gradient(at: model) { model in
    (model(input) * weights).sum().scalarized()
  }
  let analytic = model.tensors(of: gradient)
  let h = Scalar.exp(Scalar.log(Scalar.ulpOfOne) / 3)
  for (k, path) in model.parameterKeyPaths.enumerated() {
    let parameter = model[keyPath: path]
    var numerical = [Scalar]()
    for i in 0..<parameter.scalarCount {
      let x = parameter.scalars[i]
      let delta = h * (1 + Swift.abs(x))
      var plus = model
      var minus = model
      plus[keyPath: path].withUnsafeMutableBufferPointer { $0[i] = x + delta }
      minus[keyPath: path].withUnsafeMutableBufferPointer { $0[i] = x - delta }
      numerical.append((loss(plus) - loss(minus)) / (2 * delta))
    }
    let computed =
      analytic[k].shape == parameter.shape
      ? analytic[k].scalars : [Scalar](repeating: 0, count: parameter.scalarCount)
    // ‖analytic − numerical‖₂ / max(‖analytic‖₂, ‖numerical‖₂, 1e-3), as TestSupport does.
    var (difference, normA, normN): (Scalar, Scalar, Scalar) = (0, 0, 0)
    for i in numerical.indices {
      difference += (computed[i] - numerical[i]) * (computed[i] - numerical[i])
      normA += computed[i] * computed[i]
      normN += numerical[i] * numerical[i]
    }
    let error =
      difference.squareRoot() / Swift.max(normA.squareRoot(), normN.squareRoot(), 1e-3)
    if !(error <= tolerance) {
      let message =
        "parameter \(k) (shape \(parameter.shape)): relative error \(error)\n analytic "
        + "\(computed.prefix(6))\n numerical \(numerical.prefix(6))"
      Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
    }
  }
}
