import TensorCore
import _Differentiation

/// The sum of squared one-step prediction errors of an ARMA(1, 1) model of the series y, for
/// each draw of (μ, φ, θ) (each [L, 1]), as [L]:
/// ```
/// ε₁ = y₁ − μ − φμ                             (ε₀ = 0, y₀ = μ)
/// εₜ = yₜ − μ − φ yₜ₋₁ − θ εₜ₋₁,   t = 2, …, T
/// S = Σₜ εₜ²
/// ```
/// The recursion over time runs for all draws in one pass: as tensor operations it would be
/// T steps of [L, 1] columns, or ~10 operations on [L, T] around a recurrence primitive, each
/// recorded for the pullback.
///
/// Its vector–Jacobian product runs the recursion backwards. With ēₜ = ∂S/∂εₜ through every
/// later error,
/// ```
/// ē_T = 2ε_T,   ēₜ = 2εₜ − θ ēₜ₊₁
/// μ̄ = −Σₜ ēₜ − φ ē₁,   φ̄ = −μ ē₁ − Σ_{t≥2} yₜ₋₁ ēₜ,   θ̄ = −Σ_{t≥2} εₜ₋₁ ēₜ
/// ```
/// each scaled by the cotangent of the draw's S.
///
/// - Precondition: μ, φ and θ are [L, 1]; the series is [T] with T ≥ 1.
@differentiable(reverse, wrt: (mu, phi, theta))
public func arma11SquaredErrorSum(
  mu: Tensor<Double>, phi: Tensor<Double>, theta: Tensor<Double>, series: Tensor<Double>
) -> Tensor<Double> {
  arma11Errors(mu, phi, theta, series).sumOfSquares
}

@usableFromInline
@derivative(of: arma11SquaredErrorSum, wrt: (mu, phi, theta))
func _vjpARMA11SquaredErrorSum(
  mu: Tensor<Double>, phi: Tensor<Double>, theta: Tensor<Double>, series: Tensor<Double>
) -> (
  value: Tensor<Double>,
  pullback: (Tensor<Double>) -> (Tensor<Double>, Tensor<Double>, Tensor<Double>)
) {
  let (errors, sums) = arma11Errors(mu, phi, theta, series)
  let (rows, length) = (mu.shape[0], series.shape[0])
  return (
    sums,
    { g in
      let g = g.shape == [rows] ? g : g.broadcasted(to: [rows])
      var muBar = Tensor<Double>(zeros: [rows, 1])
      var phiBar = Tensor<Double>(zeros: [rows, 1])
      var thetaBar = Tensor<Double>(zeros: [rows, 1])
      g.withUnsafeBufferPointer { g in
        errors.withUnsafeBufferPointer { e in
          series.withUnsafeBufferPointer { y in
            mu.withUnsafeBufferPointer { mu in
              phi.withUnsafeBufferPointer { phi in
                theta.withUnsafeBufferPointer { theta in
                  muBar.withUnsafeMutableBufferPointer { muBar in
                    phiBar.withUnsafeMutableBufferPointer { phiBar in
                      thetaBar.withUnsafeMutableBufferPointer { thetaBar in
                        for row in 0..<rows {
                          let e = e.baseAddress! + row * length
                          var adjoint = 0.0
                          var (sum, phiSum, thetaSum) = (0.0, 0.0, 0.0)
                          for t in stride(from: length - 1, through: 1, by: -1) {
                            adjoint = 2 * e[t] - theta[row] * adjoint
                            sum += adjoint
                            phiSum += y[t - 1] * adjoint
                            thetaSum += e[t - 1] * adjoint
                          }
                          let first = 2 * e[0] - theta[row] * adjoint
                          muBar[row] = -g[row] * (sum + first + phi[row] * first)
                          phiBar[row] = -g[row] * (phiSum + mu[row] * first)
                          thetaBar[row] = -g[row] * thetaSum
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
      return (muBar, phiBar, thetaBar)
    }
  )
}

/// The errors ε ([L, T]) and their sums of squares ([L]); not differentiable.
func arma11Errors(
  _ mu: Tensor<Double>, _ phi: Tensor<Double>, _ theta: Tensor<Double>, _ series: Tensor<Double>
) -> (errors: Tensor<Double>, sumOfSquares: Tensor<Double>) {
  let rows = mu.shape[0]
  precondition(
    series.rank == 1 && series.shape[0] >= 1 && mu.shape == [rows, 1] && phi.shape == [rows, 1]
      && theta.shape == [rows, 1],
    "arma11SquaredErrorSum: μ \(mu.shape), φ \(phi.shape), θ \(theta.shape) must be [L, 1] "
      + "and the series \(series.shape) [T], T ≥ 1")
  let length = series.shape[0]
  var sums = Tensor<Double>(zeros: [rows])
  let errors = series.withUnsafeBufferPointer { y in
    mu.withUnsafeBufferPointer { mu in
      phi.withUnsafeBufferPointer { phi in
        theta.withUnsafeBufferPointer { theta in
          sums.withUnsafeMutableBufferPointer { sums in
            Tensor<Double>(shape: [rows, length]) { errors in
              for row in 0..<rows {
                let (m, p, q) = (mu[row], phi[row], theta[row])
                let e = errors.baseAddress! + row * length
                e[0] = y[0] - m - p * m
                var total = e[0] * e[0]
                for t in 1..<length {
                  e[t] = y[t] - m - p * y[t - 1] - q * e[t - 1]
                  total += e[t] * e[t]
                }
                sums[row] = total
              }
            }
          }
        }
      }
    }
  }
  return (errors, sums)
}
