import Distributions
import RealModule
import TensorCore
import _Differentiation

/// Bayesian linear regression with Normal(0, s²) priors on the coefficients (intercept
/// included) and a HalfNormal prior on the noise scale, or a known noise scale:
/// ```
/// β ~ N(0, s² I)                 coefficients, named after the features
/// σ ~ HalfNormal(σ₀)             unless σ is given
/// yₙ | β, σ ~ N(xₙᵀβ, σ²)
/// ```
/// Parameters: `coefficients` (with output names `intercept` and the feature names) and
/// `sigma` (positive) when the noise scale is unknown. Vectorised over draws as one matrix
/// product, XBᵀ of shape [N, L] (as [L, N]); a ``MinibatchModel`` for stochastic VI.
public struct LinearRegression: MinibatchModel {
  /// The design matrix and targets.
  public let data: RegressionData
  /// σ when known; nil makes σ a parameter.
  public let noiseStandardDeviation: Double?
  /// s, the prior standard deviation of every coefficient (default 1).
  public let priorStandardDeviation: Double
  /// σ₀, the scale of σ's HalfNormal prior (default 1).
  public let noisePriorScale: Double

  /// The model of `data`.
  ///
  /// - Throws: ``InferenceError/invalidData(_:)`` when a scale is not positive and finite.
  public init(
    data: RegressionData, noiseStandardDeviation: Double? = nil,
    priorStandardDeviation: Double = 1, noisePriorScale: Double = 1
  ) throws(InferenceError) {
    for (name, value) in [
      ("noise standard deviation", noiseStandardDeviation ?? 1),
      ("prior standard deviation", priorStandardDeviation), ("noise prior scale", noisePriorScale),
    ] where !(value > 0 && value.isFinite) {
      throw .invalidData("the \(name) is \(value); it must be positive and finite")
    }
    self.data = data
    self.noiseStandardDeviation = noiseStandardDeviation
    self.priorStandardDeviation = priorStandardDeviation
    self.noisePriorScale = noisePriorScale
  }

  /// N, the number of data rows that minibatches are drawn from.
  public var rowCount: Int { data.rowCount }

  /// The parameters, with their shapes and constraints.
  public var parameters: [ParameterDeclaration] {
    let coefficients = ParameterDeclaration(
      "coefficients", shape: [data.coefficientNames.count],
      elementNames: data.coefficientNames)
    guard noiseStandardDeviation == nil else { return [coefficients] }
    return [coefficients, ParameterDeclaration("sigma", constraint: .positive)]
  }

  /// log p(θ) for each draw: [L].
  @differentiable(reverse)
  public func logPrior(_ parameters: ParameterValues) -> Tensor<Double> {
    var result = isotropicNormalLogDensity(
      parameters[0], standardDeviation: priorStandardDeviation)
    if noiseStandardDeviation == nil {
      let sigma = parameters[1]
      let prior = HalfNormal(scale: Tensor(noisePriorScale)).logProbability(of: sigma)
      result = result + prior.sum(squeezingAxes: [1])
    }
    return result
  }

  /// log p(y | θ) summed over the data rows `rows`, for each draw: [L].
  @differentiable(reverse, wrt: parameters)
  public func logLikelihood(_ parameters: ParameterValues, rows: [Int]) -> Tensor<Double> {
    let design = withoutDerivative(at: data.design.gathering(rows: rows))
    let targets = withoutDerivative(at: data.targets.gathering(rows: rows))
    return likelihood(parameters, design: design, targets: targets)
  }

  /// The full-data log joint, without gathering rows.
  @differentiable(reverse)
  public func logJoint(_ parameters: ParameterValues) -> Tensor<Double> {
    logPrior(parameters) + likelihood(parameters, design: data.design, targets: data.targets)
  }

  /// Σₙ log N(yₙ; xₙᵀβ, σ²) for each draw.
  @differentiable(reverse, wrt: parameters)
  func likelihood(
    _ parameters: ParameterValues, design: Tensor<Double>, targets: Tensor<Double>
  ) -> Tensor<Double> {
    let mean = matmul(parameters[0], constant: design, constantTransposed: true)
    let residuals = targets - mean
    let n = withoutDerivative(at: Double(targets.shape[0]))
    let constant = n * Double.log(2 * Double.pi) / 2
    if let known = noiseStandardDeviation {
      return residuals.squared().sum(squeezingAxes: [1]) * (-0.5 / (known * known))
        - (n * Double.log(known) + constant)
    }
    let sigma = parameters[1]
    return -0.5 * (residuals / sigma).squared().sum(squeezingAxes: [1])
      - n * log(sigma).sum(squeezingAxes: [1]) - constant
  }
}
