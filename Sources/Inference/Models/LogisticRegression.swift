import RealModule
import TensorCore
import _Differentiation

/// Bayesian logistic regression with Normal(0, s²) priors on the coefficients (intercept
/// included):
/// ```
/// β ~ N(0, s² I)
/// yₙ | β ~ Bernoulli(σ(xₙᵀβ)),   log p(yₙ | β) = yₙ ηₙ − softplus(ηₙ),   ηₙ = xₙᵀβ
/// ```
/// The parameter is `coefficients`, with output names `intercept` and the feature names. The
/// likelihood of all draws is one fused primitive
/// (``bernoulliLogLikelihood(coefficients:design:outcomes:)``): a matrix product for the
/// logits, one pass for the log densities, one product for the gradient. A ``MinibatchModel``
/// for stochastic VI, and a ``ClosedFormGradientMinibatchModel``: its steps, on every row or on
/// minibatches, write the value and the gradient of a few draws into reused buffers.
public struct LogisticRegression: ClosedFormGradientMinibatchModel {
  /// The design matrix and 0/1 targets.
  public let data: RegressionData
  /// s, the prior standard deviation of every coefficient (default 1).
  public let priorStandardDeviation: Double

  /// The model of `data`.
  ///
  /// - Throws: ``InferenceError/invalidData(_:)`` naming the file, line and column (or the
  ///   row) of a target that is not 0 or 1, or for a prior scale that is not positive.
  public init(data: RegressionData, priorStandardDeviation: Double = 1) throws(InferenceError) {
    guard priorStandardDeviation > 0 && priorStandardDeviation.isFinite else {
      throw .invalidData(
        "the prior standard deviation is \(priorStandardDeviation); it must be positive")
    }
    for (row, y) in data.targets.scalars.enumerated() where y != 0 && y != 1 {
      throw .invalidData(
        "\(data.targetLocation(row: row)): logistic regression needs a target of 0s and 1s, "
          + "found \(y)")
    }
    self.data = data
    self.priorStandardDeviation = priorStandardDeviation
  }

  /// N, the number of data rows that minibatches are drawn from.
  public var rowCount: Int { data.rowCount }

  /// The parameters, with their shapes and constraints.
  public var parameters: [ParameterDeclaration] {
    [
      ParameterDeclaration(
        "coefficients", shape: [data.coefficientNames.count], elementNames: data.coefficientNames)
    ]
  }

  /// log p(θ) for each draw: [L].
  @differentiable(reverse)
  public func logPrior(_ parameters: ParameterValues) -> Tensor<Double> {
    isotropicNormalLogDensity(parameters[0], standardDeviation: priorStandardDeviation)
  }

  /// log p(y | θ) summed over the data rows `rows`, for each draw: [L].
  @differentiable(reverse, wrt: parameters)
  public func logLikelihood(_ parameters: ParameterValues, rows: [Int]) -> Tensor<Double> {
    let design = withoutDerivative(at: data.design.gathering(rows: rows))
    let targets = withoutDerivative(at: data.targets.gathering(rows: rows))
    return bernoulliLogLikelihood(coefficients: parameters[0], design: design, outcomes: targets)
  }

  /// log p(θ, y) for each draw, up to a constant: [L].
  @differentiable(reverse)
  public func logJoint(_ parameters: ParameterValues) -> Tensor<Double> {
    let coefficients = parameters[0]
    return isotropicNormalLogDensity(coefficients, standardDeviation: priorStandardDeviation)
      + bernoulliLogLikelihood(
        coefficients: coefficients, design: data.design, outcomes: data.targets)
  }

  /// The log joint and its gradient, as ``logJoint(_:)`` and its reverse-mode derivative
  /// compute them (the same bits): the likelihood's value and gradient from the fused kernel
  /// (``bernoulliLogLikelihood(coefficients:design:outcomes:)``), then the prior's
  /// −‖β‖²/(2s²) − P log(s√(2π)) and −β/s² added to them.
  public func logJointAndGradient(
    _ draws: Tensor<Double>, values: inout Tensor<Double>, gradients: inout Tensor<Double>
  ) {
    likelihoodAndGradient(draws, rows: nil, values: &values, gradients: &gradients)
    addIsotropicNormalLogDensity(
      of: draws, standardDeviation: priorStandardDeviation, values: &values,
      gradients: &gradients)
  }

  /// The minibatch log joint and its gradient, as ``logPrior(_:)`` + s · ``logLikelihood(_:rows:)``
  /// and its reverse-mode derivative compute them (the same bits): the likelihood of the rows
  /// from the fused kernel, which reads them where they are, scaled by s, then the prior.
  ///
  /// - Precondition: every row index is in `0..<rowCount`.
  public func logJointAndGradient(
    _ draws: Tensor<Double>, rows: [Int], likelihoodScale: Double, values: inout Tensor<Double>,
    gradients: inout Tensor<Double>
  ) {
    likelihoodAndGradient(draws, rows: rows, values: &values, gradients: &gradients)
    values.withUnsafeMutableBufferPointer { v in
      for i in v.indices { v[i] = likelihoodScale * v[i] }
    }
    gradients.withUnsafeMutableBufferPointer { g in
      for i in g.indices { g[i] = g[i] * likelihoodScale }
    }
    addIsotropicNormalLogDensity(
      of: draws, standardDeviation: priorStandardDeviation, values: &values,
      gradients: &gradients)
  }

  /// The log likelihood of every row, or of `rows`, and its gradient for each draw: the fused
  /// kernel for a gradient step's few draws, written over the buffers; the differentiated
  /// primitive for more (new tensors).
  func likelihoodAndGradient(
    _ draws: Tensor<Double>, rows: [Int]?, values: inout Tensor<Double>,
    gradients: inout Tensor<Double>
  ) {
    if draws.shape[0] <= fusedGradientDraws {
      logisticValueAndGradient(
        draws, data.design, data.targets, rows: rows, value: &values, gradient: &gradients)
      return
    }
    let (design, outcomes) =
      rows.map { (data.design.gathering(rows: $0), data.targets.gathering(rows: $0)) }
      ?? (data.design, data.targets)
    let (value, pullback) = _vjpLogisticLogLikelihood(
      coefficients: draws, design: design, outcomes: outcomes)
    values = value
    gradients = pullback(Tensor(repeating: 1, shape: value.shape))
  }
}
