import CKernels
import RealModule
import TensorCore
import _Differentiation

/// The log likelihood of 0/1 outcomes y under Bernoulli(σ(l)) with logits l, summed over the
/// last axis: for logits of shape [L, N] (one row per Monte-Carlo draw) and outcomes [N],
/// ```
/// ℓ_l = Σₙ yₙ l_ln − softplus(l_ln),    softplus(l) = max(l, 0) + log(1 + e^{−|l|}),
/// ```
/// of shape [L]. The fused form of `Bernoulli(logits:).logProbability(of:)` for logistic
/// regression: one pass computes e^{−|l|} once for the value and keeps σ(l) for the vector–
/// Jacobian product l̄_ln = ℓ̄_l (yₙ − σ(l_ln)), so no [L, N] intermediate of the log density is
/// allocated. Finite for every finite logit. Outcomes are data and get no gradient.
///
/// - Precondition: `logits` is [L, N] and `outcomes` is [N].
@differentiable(reverse, wrt: logits)
public func bernoulliLogLikelihood(
  logits: Tensor<Double>, outcomes: Tensor<Double>
) -> Tensor<Double> {
  bernoulliLogLikelihoodAndProbabilities(logits, outcomes).value
}

@usableFromInline
@derivative(of: bernoulliLogLikelihood, wrt: logits)
func _vjpBernoulliLogLikelihood(
  logits: Tensor<Double>, outcomes: Tensor<Double>
) -> (value: Tensor<Double>, pullback: (Tensor<Double>) -> Tensor<Double>) {
  let (value, probabilities) = bernoulliLogLikelihoodAndProbabilities(logits, outcomes)
  let (rows, columns) = (logits.shape[0], logits.shape[1])
  return (
    value,
    { g in
      let g = g.shape == [rows] ? g : g.broadcasted(to: [rows])
      return g.withUnsafeBufferPointer { g in
        outcomes.withUnsafeBufferPointer { y in
          probabilities.withUnsafeBufferPointer { p in
            Tensor<Double>(shape: [rows, columns]) { result in
              for row in 0..<rows {
                let scale = g[row]
                let offset = row * columns
                for n in 0..<columns { result[offset + n] = scale * (y[n] - p[offset + n]) }
              }
            }
          }
        }
      }
    }
  )
}

/// The log likelihood ([L]) and σ(l) ([L, N]), in one pass.
func bernoulliLogLikelihoodAndProbabilities(
  _ logits: Tensor<Double>, _ outcomes: Tensor<Double>
) -> (value: Tensor<Double>, probabilities: Tensor<Double>) {
  precondition(
    logits.rank == 2 && outcomes.shape == [logits.shape[1]],
    "bernoulliLogLikelihood: logits \(logits.shape) and outcomes \(outcomes.shape) need shapes "
      + "[L, N] and [N]")
  let (rows, columns) = (logits.shape[0], logits.shape[1])
  var probabilities = Tensor<Double>(zeros: [rows, columns])
  var totals = [Double](repeating: 0, count: rows)
  logits.withUnsafeBufferPointer { l in
    outcomes.withUnsafeBufferPointer { y in
      probabilities.withUnsafeMutableBufferPointer { p in
        for row in 0..<rows {
          var total = 0.0
          var logOnePlus = LogProductAccumulator()
          let offset = row * columns
          for n in 0..<columns {
            let logit = l[offset + n]
            let e = Double.exp(-Swift.abs(logit))
            total += y[n] * logit - Swift.max(logit, 0)
            logOnePlus.multiply(by: 1 + e)
            p[offset + n] = logit >= 0 ? 1 / (1 + e) : e / (1 + e)
          }
          totals[row] = total - logOnePlus.logarithm
        }
      }
    }
  }
  return (Tensor(totals), probabilities)
}

/// The log likelihood of logistic regression for each row βₗ of `coefficients` ([L, P]), with
/// the logits Xβₗ of a design matrix X ([N, P]) and 0/1 outcomes y ([N]):
/// ```
/// ℓₗ = Σₙ yₙ ηₗₙ − softplus(ηₗₙ),   ηₗ = Xβₗ,
/// β̄ₗ = ℓ̄ₗ Xᵀ(y − σ(ηₗ)),
/// ```
/// of shape [L]: ``matmul(_:transposed:constant:constantTransposed:)`` and
/// ``bernoulliLogLikelihood(logits:outcomes:)`` fused, so that the logits and the residuals
/// y − σ(η) share one [L, N] buffer and the gradient is one more product with X. The design and
/// outcomes are data and get no gradient.
///
/// - Precondition: `coefficients` is [L, P], `design` [N, P] and `outcomes` [N].
@differentiable(reverse, wrt: coefficients)
public func bernoulliLogLikelihood(
  coefficients: Tensor<Double>, design: Tensor<Double>, outcomes: Tensor<Double>
) -> Tensor<Double> {
  logisticValueAndResiduals(coefficients, design, outcomes).value
}

@usableFromInline
@derivative(of: bernoulliLogLikelihood(coefficients:design:outcomes:), wrt: coefficients)
func _vjpLogisticLogLikelihood(
  coefficients: Tensor<Double>, design: Tensor<Double>, outcomes: Tensor<Double>
) -> (value: Tensor<Double>, pullback: (Tensor<Double>) -> Tensor<Double>) {
  let (value, residuals) = logisticValueAndResiduals(coefficients, design, outcomes)
  let rows = coefficients.shape[0]
  return (
    value,
    { g in
      let g = g.shape == [rows] ? g : g.broadcasted(to: [rows])
      var gradient = constantProduct(residuals, false, design, false)
      let width = gradient.shape[1]
      g.withUnsafeBufferPointer { g in
        gradient.withUnsafeMutableBufferPointer { result in
          for row in 0..<rows {
            for j in 0..<width { result[row * width + j] *= g[row] }
          }
        }
      }
      return gradient
    }
  )
}

/// ℓ ([L]) and the residuals y − σ(η) ([L, N]), in one pass over the logits.
func logisticValueAndResiduals(
  _ coefficients: Tensor<Double>, _ design: Tensor<Double>, _ outcomes: Tensor<Double>
) -> (value: Tensor<Double>, residuals: Tensor<Double>) {
  precondition(
    coefficients.rank == 2 && design.rank == 2 && design.shape[1] == coefficients.shape[1]
      && outcomes.shape == [design.shape[0]],
    "bernoulliLogLikelihood: coefficients \(coefficients.shape), design \(design.shape) and "
      + "outcomes \(outcomes.shape) need shapes [L, P], [N, P] and [N]")
  var residuals = constantProduct(coefficients, false, design, true)
  let (rows, columns) = (residuals.shape[0], residuals.shape[1])
  var totals = Tensor<Double>(zeros: [rows])
  outcomes.withUnsafeBufferPointer { y in
    residuals.withUnsafeMutableBufferPointer { r in
      totals.withUnsafeMutableBufferPointer { t in
        variational_logistic_rows(r.baseAddress!, y.baseAddress!, rows, columns, t.baseAddress!)
      }
    }
  }
  return (totals, residuals)
}

/// Σᵢ log xᵢ for factors xᵢ in [1, 2], with one logarithm per 32 factors instead of one per
/// factor: the running product of 32 such factors stays below 2³², and rounding it costs at most
/// 32 ulp relative, 7e-15 absolute in its logarithm. Summing softplus(l) = max(l, 0) + log(1 +
/// e^{−|l|}) this way makes the logistic likelihood's one pass about twice as fast, since
/// `log1p` costs several times what `exp` does; the absolute error of a sum of N terms stays
/// below N · 2.3e-16.
struct LogProductAccumulator {
  private var product = 1.0
  private var factors = 0
  private var sum = 0.0

  /// Adds log `factor` to the sum; `factor` must lie in [1, 2].
  @inline(__always)
  mutating func multiply(by factor: Double) {
    product *= factor
    factors += 1
    if factors == 32 {
      sum += Double.log(product)
      product = 1
      factors = 0
    }
  }

  /// The sum of the logarithms of the factors so far.
  var logarithm: Double { sum + Double.log(product) }
}
