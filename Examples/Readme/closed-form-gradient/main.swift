// Generated from a ```swift block of README.md or Variational.docc by scripts/readme-examples:
// edit the block, not this file.
// readme-example: run

import Variational

/// y ~ Normal(μ, 1), μ ~ Normal(0, 10), up to a constant:
/// log p = −μ²/200 − Σᵢ (yᵢ − μ)²/2,   ∂ log p/∂μ = −μ/100 + Σᵢ yᵢ − nμ.
struct NormalMean: ClosedFormGradientModel {
  let y: [Double]
  var parameters: [ParameterDeclaration] { [ParameterDeclaration("mu")] }
  @differentiable(reverse)
  func logJoint(_ p: ParameterValues) -> Tensor<Double> {  // mu is [L, 1]
    let mu = p["mu"]
    return (-mu.squared() / 200 - 0.5 * (Tensor(y) - mu).squared().sum(alongAxes: [1]))
      .squeezingShape(at: [1])
  }
  func logJointAndGradient(
    _ draws: Tensor<Double>, values: inout Tensor<Double>, gradients: inout Tensor<Double>
  ) {  // draws and gradients are [L, 1], values [L]
    let (n, total, squares) = (Double(y.count), y.reduce(0, +), y.reduce(0) { $0 + $1 * $1 })
    draws.withUnsafeBufferPointer { mu in
      values.withUnsafeMutableBufferPointer { value in
        gradients.withUnsafeMutableBufferPointer { gradient in
          for l in mu.indices {
            value[l] =
              -mu[l] * mu[l] / 200 - (squares - 2 * mu[l] * total + n * mu[l] * mu[l]) / 2
            gradient[l] = -mu[l] / 100 + total - n * mu[l]
          }
        }
      }
    }
  }
}

let exact = try fit(NormalMean(y: [4.9, 5.3, 4.4, 5.8]), family: .meanField)
let mean = exact.unconstrainedMean!.scalars[0]
let sd = exact.unconstrainedCovariance!.scalars[0].squareRoot()
// The exact posterior is N(20.4/4.01, 1/4.01): mean 5.08728, sd 0.499376.
print("mean", (mean * 1e5).rounded() / 1e5, "sd", (sd * 1e6).rounded() / 1e6)
// prints: mean 5.08728 sd 0.499376
