import TensorCore
import _Differentiation

/// The first-order linear recurrence along the second axis of `inputs` ([L, T]), with one
/// coefficient per row (`coefficient`, [L, 1]):
/// ```
/// x₁ = c₁,   xₜ = cₜ + b xₜ₋₁,   t = 2, …, T
/// ```
/// The recursions over time of the ARMA(1, 1) errors (cₜ the part of the error that does not
/// depend on the previous one, b = −θ) and of the GARCH(1, 1) variances (b = β₁), run for all
/// L draws at once. Written as tensor operations it would be T steps of [L, 1] columns, each
/// step several recorded operations; as one primitive it is one pass forward and one back.
///
/// Its vector–Jacobian product runs the recurrence backwards: with x̄ the cotangent of the
/// result,
/// ```
/// c̄_T = x̄_T,   c̄ₜ = x̄ₜ + b c̄ₜ₊₁,   b̄ = Σ_{t ≥ 2} c̄ₜ xₜ₋₁
/// ```
/// (c̄ₜ = ∂/∂xₜ of everything downstream, through every later x).
///
/// - Precondition: `inputs` is [L, T] and `coefficient` [L, 1].
@differentiable(reverse)
public func linearRecurrence(
  _ inputs: Tensor<Double>, coefficient: Tensor<Double>
) -> Tensor<Double> {
  recurrenceValue(inputs, coefficient)
}

@usableFromInline
@derivative(of: linearRecurrence)
func _vjpLinearRecurrence(
  _ inputs: Tensor<Double>, coefficient: Tensor<Double>
) -> (
  value: Tensor<Double>,
  pullback: (Tensor<Double>) -> (Tensor<Double>, Tensor<Double>)
) {
  let x = recurrenceValue(inputs, coefficient)
  let (rows, length) = (inputs.shape[0], inputs.shape[1])
  return (
    x,
    { g in
      let g = g.shape == x.shape ? g : g.broadcasted(to: x.shape)
      var coefficientGradient = Tensor<Double>(zeros: [rows, 1])
      let inputGradient = g.withUnsafeBufferPointer { g in
        x.withUnsafeBufferPointer { x in
          coefficient.withUnsafeBufferPointer { b in
            coefficientGradient.withUnsafeMutableBufferPointer { bBar in
              Tensor<Double>(shape: [rows, length]) { cBar in
                for row in 0..<rows {
                  let base = row * length
                  var next = 0.0
                  var total = 0.0
                  for t in stride(from: length - 1, through: 0, by: -1) {
                    let adjoint = g[base + t] + b[row] * next
                    cBar[base + t] = adjoint
                    if t > 0 { total += adjoint * x[base + t - 1] }
                    next = adjoint
                  }
                  bBar[row] = total
                }
              }
            }
          }
        }
      }
      return (inputGradient, coefficientGradient)
    }
  )
}

/// x of ``linearRecurrence(_:coefficient:)``; not differentiable.
func recurrenceValue(_ inputs: Tensor<Double>, _ coefficient: Tensor<Double>) -> Tensor<Double> {
  precondition(
    inputs.rank == 2 && coefficient.rank == 2 && coefficient.shape[1] == 1
      && coefficient.shape[0] == inputs.shape[0],
    "linearRecurrence: inputs \(inputs.shape) and coefficient \(coefficient.shape) must be "
      + "[L, T] and [L, 1]")
  let (rows, length) = (inputs.shape[0], inputs.shape[1])
  return inputs.withUnsafeBufferPointer { c in
    coefficient.withUnsafeBufferPointer { b in
      Tensor<Double>(shape: [rows, length]) { x in
        for row in 0..<rows {
          let base = row * length
          var previous = 0.0
          for t in 0..<length {
            previous = c[base + t] + b[row] * previous
            x[base + t] = previous
          }
        }
      }
    }
  }
}
