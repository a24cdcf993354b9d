import RealModule
import TensorCore
import _Differentiation

// The bijectors of `Constraint`, vectorised over Monte-Carlo draws: unconstrained values arrive
// as a [L, k] matrix, one row per draw, and the log Jacobian determinants leave as [L].

extension Constraint {
  /// x = T(ζ) for each row ζ of `unconstrained` ([L, k]; for a simplex [L, K − 1] → [L, K]).
  @differentiable(reverse, wrt: unconstrained)
  public func constrain(_ unconstrained: Tensor<Double>) -> Tensor<Double> {
    switch self {
    case .real:
      return unconstrained
    case .positive:
      return exp(unconstrained)
    case .greaterThan(let lower):
      return exp(unconstrained) + lower
    case .lessThan(let upper):
      return upper - exp(unconstrained)
    case .interval(let lower, let upper):
      return sigmoid(unconstrained) * (upper - lower) + lower
    case .unitInterval:
      return sigmoid(unconstrained)
    case .simplex:
      return stickBreaking(unconstrained)
    }
  }

  /// log |det ∂T(ζ)/∂ζ| for each row ζ of `unconstrained`, of shape [L].
  @differentiable(reverse, wrt: unconstrained)
  public func logAbsDeterminant(_ unconstrained: Tensor<Double>) -> Tensor<Double> {
    switch self {
    case .real:
      let rows = withoutDerivative(at: unconstrained.shape[0])
      return Tensor(zeros: [rows])
    case .positive, .greaterThan, .lessThan:
      return unconstrained.sum(squeezingAxes: [1])
    case .interval(let lower, let upper):
      let logistic = logSigmoid(unconstrained) + logSigmoid(-unconstrained)
      let width = withoutDerivative(at: Double(unconstrained.shape[1]))
      return logistic.sum(squeezingAxes: [1]) + width * Double.log(upper - lower)
    case .unitInterval:
      return (logSigmoid(unconstrained) + logSigmoid(-unconstrained)).sum(squeezingAxes: [1])
    case .simplex:
      return stickBreakingLogAbsDeterminant(unconstrained)
    }
  }

  /// ζ = T⁻¹(x) for each row x of `constrained` (not differentiable): how initial values given
  /// in the constrained space enter the unconstrained one. Values on or outside the boundary
  /// give non-finite results.
  public func unconstrain(_ constrained: Tensor<Double>) -> Tensor<Double> {
    switch self {
    case .real:
      return constrained
    case .positive:
      return log(constrained)
    case .greaterThan(let lower):
      return log(constrained - lower)
    case .lessThan(let upper):
      return log(upper - constrained)
    case .interval(let lower, let upper):
      let u = (constrained - lower) / (upper - lower)
      return log(u) - log(1 - u)
    case .unitInterval:
      return log(constrained) - log(1 - constrained)
    case .simplex:
      return inverseStickBreaking(constrained)
    }
  }
}

/// The offsets log(K − k), k = 1, …, K − 1, that make ζ = 0 the uniform simplex.
func stickBreakingOffsets(components: Int) -> Tensor<Double> {
  Tensor((1..<components).map { Double.log(Double(components - $0)) })
}

/// The stick-breaking map [L, K − 1] → [L, K] of ``Constraint/simplex``.
@differentiable(reverse)
func stickBreaking(_ y: Tensor<Double>) -> Tensor<Double> {
  let offsets = withoutDerivative(at: stickBreakingOffsets(components: y.shape[1] + 1))
  let shifted = y - offsets
  let logZ = logSigmoid(shifted)
  let logOneMinusZ = logSigmoid(-shifted)
  let logRemaining = logOneMinusZ.cumulativeSum(alongAxis: 1)
  let logRemainingBefore = logRemaining - logOneMinusZ
  let head = exp(logRemainingBefore + logZ)
  let last = exp(logOneMinusZ.sum(alongAxes: [1]))
  return Tensor(concatenating: [head, last], alongAxis: 1)
}

/// Σₖ log zₖ + log(1 − zₖ) + log rₖ for each row: the log Jacobian determinant of
/// ``stickBreaking(_:)`` restricted to its first K − 1 outputs.
@differentiable(reverse)
func stickBreakingLogAbsDeterminant(_ y: Tensor<Double>) -> Tensor<Double> {
  let offsets = withoutDerivative(at: stickBreakingOffsets(components: y.shape[1] + 1))
  let shifted = y - offsets
  let logZ = logSigmoid(shifted)
  let logOneMinusZ = logSigmoid(-shifted)
  let logRemainingBefore = logOneMinusZ.cumulativeSum(alongAxis: 1) - logOneMinusZ
  return (logZ + logOneMinusZ + logRemainingBefore).sum(squeezingAxes: [1])
}

/// The inverse of ``stickBreaking(_:)`` for each row of an [L, K] matrix of simplex points.
func inverseStickBreaking(_ x: Tensor<Double>) -> Tensor<Double> {
  let (rows, components) = (x.shape[0], x.shape[1])
  let values = x.scalars
  var result: [Double] = []
  result.reserveCapacity(rows * (components - 1))
  for row in 0..<rows {
    var remaining = 1.0
    for k in 0..<(components - 1) {
      let xk = values[row * components + k]
      let z = xk / remaining
      result.append(Double.log(z) - Double.log(1 - z) + Double.log(Double(components - 1 - k)))
      remaining -= xk
    }
  }
  return Tensor(shape: [rows, components - 1], scalars: result)
}
