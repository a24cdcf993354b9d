import RealModule
import TensorCore
import _Differentiation

/// The log likelihood of a GARCH(1, 1) model of the series y with first variance σ₁², for
/// each draw of (μ, α₀, α₁, β₁) (each [L, 1]), as [L]:
/// ```
/// v₁ = σ₁²,   vₜ = α₀ + α₁ (yₜ₋₁ − μ)² + β₁ vₜ₋₁,   t = 2, …, T
/// ℓ = Σₜ log N(yₜ; μ, vₜ) = −½ Σₜ (log vₜ + (yₜ − μ)² / vₜ + log 2π)
/// ```
/// The recursion over time runs for all draws in one pass (as tensor operations it would be
/// T steps of [L, 1] columns, or ~13 operations on [L, T] around a recurrence primitive).
///
/// Its vector–Jacobian product runs the recursion backwards. With rₜ = yₜ − μ and
/// v̄ₜ = ∂ℓ/∂vₜ through every later variance,
/// ```
/// v̄_T = d_T,   v̄ₜ = dₜ + β₁ v̄ₜ₊₁,   dₜ = ½ (rₜ² / vₜ − 1) / vₜ
/// μ̄ = Σₜ rₜ / vₜ − 2α₁ Σ_{t≥2} v̄ₜ rₜ₋₁,   ᾱ₀ = Σ_{t≥2} v̄ₜ,
/// ᾱ₁ = Σ_{t≥2} v̄ₜ rₜ₋₁²,   β̄₁ = Σ_{t≥2} v̄ₜ vₜ₋₁
/// ```
/// each scaled by the cotangent of the draw's ℓ.
///
/// - Precondition: μ, α₀, α₁ and β₁ are [L, 1]; the series is [T] with T ≥ 1; σ₁ > 0.
@differentiable(reverse, wrt: (mu, alpha0, alpha1, beta1))
public func garch11LogLikelihood(
  mu: Tensor<Double>, alpha0: Tensor<Double>, alpha1: Tensor<Double>, beta1: Tensor<Double>,
  series: Tensor<Double>, initialVolatility: Double
) -> Tensor<Double> {
  garch11Variances(mu, alpha0, alpha1, beta1, series, initialVolatility).logLikelihood
}

@usableFromInline
@derivative(of: garch11LogLikelihood, wrt: (mu, alpha0, alpha1, beta1))
func _vjpGARCH11LogLikelihood(
  mu: Tensor<Double>, alpha0: Tensor<Double>, alpha1: Tensor<Double>, beta1: Tensor<Double>,
  series: Tensor<Double>, initialVolatility: Double
) -> (
  value: Tensor<Double>,
  pullback: (Tensor<Double>) -> (Tensor<Double>, Tensor<Double>, Tensor<Double>, Tensor<Double>)
) {
  let (variances, values) = garch11Variances(
    mu, alpha0, alpha1, beta1, series, initialVolatility)
  let (rows, length) = (mu.shape[0], series.shape[0])
  return (
    values,
    { g in
      let g = g.shape == [rows] ? g : g.broadcasted(to: [rows])
      // μ̄, ᾱ₀, ᾱ₁, β̄₁ of each draw, draw after draw.
      var bars = [Double](repeating: 0, count: 4 * rows)
      g.withUnsafeBufferPointer { g in
        variances.withUnsafeBufferPointer { v in
          series.withUnsafeBufferPointer { y in
            mu.withUnsafeBufferPointer { mu in
              alpha1.withUnsafeBufferPointer { alpha1 in
                beta1.withUnsafeBufferPointer { beta1 in
                  for row in 0..<rows {
                    let v = v.baseAddress! + row * length
                    let (m, b) = (mu[row], beta1[row])
                    var adjoint = 0.0
                    var (residualSum, recursionMu, alpha0Sum, alpha1Sum, beta1Sum) =
                      (0.0, 0.0, 0.0, 0.0, 0.0)
                    for t in stride(from: length - 1, through: 0, by: -1) {
                      let r = y[t] - m
                      residualSum += r / v[t]
                      adjoint = 0.5 * (r * r / v[t] - 1) / v[t] + b * adjoint
                      guard t > 0 else { break }
                      let previous = y[t - 1] - m
                      recursionMu += adjoint * previous
                      alpha0Sum += adjoint
                      alpha1Sum += adjoint * previous * previous
                      beta1Sum += adjoint * v[t - 1]
                    }
                    bars[4 * row] = g[row] * (residualSum - 2 * alpha1[row] * recursionMu)
                    bars[4 * row + 1] = g[row] * alpha0Sum
                    bars[4 * row + 2] = g[row] * alpha1Sum
                    bars[4 * row + 3] = g[row] * beta1Sum
                  }
                }
              }
            }
          }
        }
      }
      func column(_ k: Int) -> Tensor<Double> {
        Tensor(shape: [rows, 1]) { column in
          for row in 0..<rows { column[row] = bars[4 * row + k] }
        }
      }
      return (column(0), column(1), column(2), column(3))
    }
  )
}

/// The variances v ([L, T]) and the log likelihoods ([L]); not differentiable.
func garch11Variances(
  _ mu: Tensor<Double>, _ alpha0: Tensor<Double>, _ alpha1: Tensor<Double>,
  _ beta1: Tensor<Double>, _ series: Tensor<Double>, _ initialVolatility: Double
) -> (variances: Tensor<Double>, logLikelihood: Tensor<Double>) {
  let rows = mu.shape[0]
  precondition(
    series.rank == 1 && series.shape[0] >= 1
      && [mu, alpha0, alpha1, beta1].allSatisfy { $0.shape == [rows, 1] },
    "garch11LogLikelihood: μ, α₀, α₁, β₁ (\(mu.shape), \(alpha0.shape), \(alpha1.shape), "
      + "\(beta1.shape)) must be [L, 1] and the series \(series.shape) [T], T ≥ 1")
  let length = series.shape[0]
  let constant = Double(length) * Double.log(2 * Double.pi) / 2
  var values = Tensor<Double>(zeros: [rows])
  let variances = series.withUnsafeBufferPointer { y in
    mu.withUnsafeBufferPointer { mu in
      alpha0.withUnsafeBufferPointer { alpha0 in
        alpha1.withUnsafeBufferPointer { alpha1 in
          beta1.withUnsafeBufferPointer { beta1 in
            values.withUnsafeMutableBufferPointer { values in
              Tensor<Double>(shape: [rows, length]) { variances in
                for row in 0..<rows {
                  let (m, a0, a1, b) = (mu[row], alpha0[row], alpha1[row], beta1[row])
                  let v = variances.baseAddress! + row * length
                  v[0] = initialVolatility * initialVolatility
                  var total = 0.0
                  for t in 0..<length {
                    if t > 0 {
                      let previous = y[t - 1] - m
                      v[t] = a0 + a1 * previous * previous + b * v[t - 1]
                    }
                    let r = y[t] - m
                    total += Double.log(v[t]) + r * r / v[t]
                  }
                  values[row] = -0.5 * total - constant
                }
              }
            }
          }
        }
      }
    }
  }
  return (variances, values)
}
