import CKernels
import TensorCore
import _Differentiation

/// The log likelihood of 0/1 outcomes y under Bernoulli(σ(l)) with logits l, summed over the
/// last axis: for logits of shape [L, N] (one row per Monte-Carlo draw) and outcomes [N],
/// ```
/// ℓ_l = Σₙ yₙ l_ln − softplus(l_ln),    softplus(l) = max(l, 0) + log(1 + e^{−|l|}),
/// ```
/// of shape [L]. The fused form of `Bernoulli(logits:).logProbability(of:)` for logistic
/// regression: one pass (`variational_logistic_rows` in CKernels) computes e^{−|l|} once for
/// the value and keeps the residuals yₙ − σ(l_ln) for the vector–Jacobian product
/// l̄_ln = ℓ̄_l (yₙ − σ(l_ln)), so no [L, N] intermediate of the log density is allocated.
/// Finite for every finite logit. Outcomes are data and get no gradient.
///
/// - Precondition: `logits` is [L, N] and `outcomes` is [N].
@differentiable(reverse, wrt: logits)
public func bernoulliLogLikelihood(
  logits: Tensor<Double>, outcomes: Tensor<Double>
) -> Tensor<Double> {
  bernoulliLogLikelihoodAndResiduals(logits, outcomes).value
}

@usableFromInline
@derivative(of: bernoulliLogLikelihood, wrt: logits)
func _vjpBernoulliLogLikelihood(
  logits: Tensor<Double>, outcomes: Tensor<Double>
) -> (value: Tensor<Double>, pullback: (Tensor<Double>) -> Tensor<Double>) {
  let (value, residuals) = bernoulliLogLikelihoodAndResiduals(logits, outcomes)
  let (rows, columns) = (logits.shape[0], logits.shape[1])
  return (
    value,
    { g in
      let g = g.shape == [rows] ? g : g.broadcasted(to: [rows])
      var gradient = residuals
      scaleRows(&gradient, by: g, rows: rows, columns: columns)
      return gradient
    }
  )
}

/// The log likelihood ([L]) and the residuals y − σ(l) ([L, N]), in one pass.
func bernoulliLogLikelihoodAndResiduals(
  _ logits: Tensor<Double>, _ outcomes: Tensor<Double>
) -> (value: Tensor<Double>, residuals: Tensor<Double>) {
  userPrecondition(
    logits.rank == 2 && outcomes.shape == [logits.shape[1]],
    "bernoulliLogLikelihood: logits \(logits.shape) and outcomes \(outcomes.shape) need shapes "
      + "[L, N] and [N]")
  var residuals = logits
  return (logisticRows(&residuals, outcomes), residuals)
}

/// ℓ for each row of `logits` ([L, N]), overwriting the logits with the residuals y − σ(l)
/// (`variational_logistic_rows` in CKernels).
func logisticRows(_ logits: inout Tensor<Double>, _ outcomes: Tensor<Double>) -> Tensor<Double> {
  let (rows, columns) = (logits.shape[0], logits.shape[1])
  var totals = Tensor<Double>(zeros: [rows])
  outcomes.withUnsafeBufferPointer { y in
    logits.withUnsafeMutableBufferPointer { r in
      totals.withUnsafeMutableBufferPointer { t in
        variational_logistic_rows(r.baseAddress!, y.baseAddress!, rows, columns, t.baseAddress!)
      }
    }
  }
  return totals
}

/// Multiplies row r of `matrix` ([rows, columns]) by `scales[r]`, in place.
func scaleRows(_ matrix: inout Tensor<Double>, by scales: Tensor<Double>, rows: Int, columns: Int) {
  scales.withUnsafeBufferPointer { g in
    matrix.withUnsafeMutableBufferPointer { m in
      for row in 0..<rows {
        for j in 0..<columns { m[row * columns + j] *= g[row] }
      }
    }
  }
}

/// The log likelihood of logistic regression for each row βₗ of `coefficients` ([L, P]), with
/// the logits Xβₗ of a design matrix X ([N, P]) and 0/1 outcomes y ([N]):
/// ```
/// ℓₗ = Σₙ yₙ ηₗₙ − softplus(ηₗₙ),   ηₗ = Xβₗ,
/// β̄ₗ = ℓ̄ₗ Xᵀ(y − σ(ηₗ)),
/// ```
/// of shape [L]: `matmul(_:constant:)` (TensorCore) and
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
  let rows = coefficients.shape[0]
  if rows <= fusedGradientDraws {
    // A few draws (a step's): the value and the whole gradient Xᵀ(y − σ(η)) in one pass over
    // X per draw (its rows split over two cores when X is large); the pullback only scales it.
    let (value, gradient) = logisticValueAndGradient(coefficients, design, outcomes)
    return (
      value,
      { g in
        let g = g.shape == [rows] ? g : g.broadcasted(to: [rows])
        // A step seeds every draw with 1: the gradient as it is, without a scaled copy.
        if g.withUnsafeBufferPointer({ $0.allSatisfy { $0 == 1 } }) { return gradient }
        var gradient = gradient
        scaleRows(&gradient, by: g, rows: rows, columns: gradient.shape[1])
        return gradient
      }
    )
  }
  let (value, residuals) = logisticValueAndResiduals(coefficients, design, outcomes)
  return (
    value,
    { g in
      let g = g.shape == [rows] ? g : g.broadcasted(to: [rows])
      var gradient = constantProduct(residuals, false, design, false)
      scaleRows(&gradient, by: g, rows: rows, columns: gradient.shape[1])
      return gradient
    }
  )
}

/// Up to this many draws, the gradient of the logistic log likelihood is computed with its
/// value in one pass over the design per draw (`variational_logistic_value_and_gradient`);
/// more draws go through two matrix products, which reuse the design across draws.
let fusedGradientDraws = 8

/// ℓ ([L]) and its gradient Xᵀ(y − σ(ηₗ)) for each draw ([L, P]), in one pass over X per
/// draw.
func logisticValueAndGradient(
  _ coefficients: Tensor<Double>, _ design: Tensor<Double>, _ outcomes: Tensor<Double>
) -> (value: Tensor<Double>, gradient: Tensor<Double>) {
  var value = Tensor<Double>(zeros: [coefficients.shape[0]])
  var gradient = Tensor<Double>(zeros: coefficients.shape)
  logisticValueAndGradient(coefficients, design, outcomes, value: &value, gradient: &gradient)
  return (value, gradient)
}

/// ℓ and its gradient as above, written over `value` ([L]) and `gradient` ([L, P]), for all
/// rows of the design or, with `rows`, for those rows in that order (the same numbers as for
/// a design gathered from them, without the copy).
///
/// - Precondition: every row index is in `0..<design.shape[0]`.
func logisticValueAndGradient(
  _ coefficients: Tensor<Double>, _ design: Tensor<Double>, _ outcomes: Tensor<Double>,
  rows: [Int]? = nil, value: inout Tensor<Double>, gradient: inout Tensor<Double>
) {
  checkLogisticShapes(coefficients, design, outcomes)
  let (draws, columns) = (coefficients.shape[0], coefficients.shape[1])
  let designRows = design.shape[0]
  rows?.withUnsafeBufferPointer { rows in
    // (A loop over indices: iterating the array allocates in debug builds.)
    for i in 0..<rows.count {
      userPrecondition(
        rows[i] >= 0 && rows[i] < designRows,
        "bernoulliLogLikelihood: row index \(rows[i]) is outside 0..<\(designRows)")
    }
  }
  userPrecondition(
    value.rank == 1 && value.shape[0] == draws && gradient.shape == coefficients.shape,
    "logisticValueAndGradient: outputs \(value.shape) and \(gradient.shape) for "
      + "coefficients \(coefficients.shape)")
  // The kernel writes every scalar of both outputs.
  design.withUnsafeBufferPointer { x in
    outcomes.withUnsafeBufferPointer { y in
      coefficients.withUnsafeBufferPointer { beta in
        value.withUnsafeMutableBufferPointer { v in
          gradient.withUnsafeMutableBufferPointer { g in
            if let rows {
              rows.withUnsafeBufferPointer { indices in
                variational_logistic_value_and_gradient_of_rows(
                  x.baseAddress!, indices.baseAddress, indices.count, columns, y.baseAddress!,
                  beta.baseAddress!, draws, v.baseAddress!, g.baseAddress!)
              }
            } else {
              variational_logistic_value_and_gradient(
                x.baseAddress!, designRows, columns, y.baseAddress!, beta.baseAddress!, draws,
                v.baseAddress!, g.baseAddress!)
            }
          }
        }
      }
    }
  }
}

/// Checks the shapes of `bernoulliLogLikelihood(coefficients:design:outcomes:)`.
func checkLogisticShapes(
  _ coefficients: Tensor<Double>, _ design: Tensor<Double>, _ outcomes: Tensor<Double>
) {
  userPrecondition(
    coefficients.rank == 2 && design.rank == 2 && design.shape[1] == coefficients.shape[1]
      && outcomes.rank == 1 && outcomes.shape[0] == design.shape[0],
    "bernoulliLogLikelihood: coefficients \(coefficients.shape), design \(design.shape) and "
      + "outcomes \(outcomes.shape) need shapes [L, P], [N, P] and [N]")
}

/// ℓ ([L]) and the residuals y − σ(η) ([L, N]), in one pass over the logits.
func logisticValueAndResiduals(
  _ coefficients: Tensor<Double>, _ design: Tensor<Double>, _ outcomes: Tensor<Double>
) -> (value: Tensor<Double>, residuals: Tensor<Double>) {
  checkLogisticShapes(coefficients, design, outcomes)
  var residuals = constantProduct(coefficients, false, design, true)
  return (logisticRows(&residuals, outcomes), residuals)
}
