import TensorCore
import _Differentiation

/// log N(xₗ; 0, s² I) for each row xₗ of `x` ([L, P]), of shape [L]:
/// ```
/// −‖xₗ‖² / (2s²) − P (log s + ½ log 2π),     x̄ₗ = −ℓ̄ₗ xₗ / s²
/// ```
/// The Normal(0, s) prior of every coefficient of a regression, as one primitive instead of a
/// square, a sum, a scale and a shift (each of which allocates and records a pullback at every
/// step).
@differentiable(reverse, wrt: x)
public func isotropicNormalLogDensity(
  _ x: Tensor<Double>, standardDeviation s: Double
) -> Tensor<Double> {
  isotropicNormalValue(x, s)
}

@usableFromInline
@derivative(of: isotropicNormalLogDensity, wrt: x)
func _vjpIsotropicNormalLogDensity(
  _ x: Tensor<Double>, standardDeviation s: Double
) -> (value: Tensor<Double>, pullback: (Tensor<Double>) -> Tensor<Double>) {
  let value = isotropicNormalValue(x, s)
  let (rows, width) = (x.shape[0], x.shape[1])
  return (
    value,
    { g in
      let g = g.shape == [rows] ? g : g.broadcasted(to: [rows])
      return g.withUnsafeBufferPointer { g in
        x.withUnsafeBufferPointer { x in
          Tensor(shape: [rows, width]) { result in
            for row in 0..<rows {
              let scale = -g[row] / (s * s)
              for j in 0..<width { result[row * width + j] = scale * x[row * width + j] }
            }
          }
        }
      }
    }
  )
}

/// The value of ``isotropicNormalLogDensity(_:standardDeviation:)``.
func isotropicNormalValue(_ x: Tensor<Double>, _ s: Double) -> Tensor<Double> {
  userPrecondition(
    x.rank == 2 && s > 0,
    "isotropicNormalLogDensity: needs [L, P] values and a positive scale, got \(x.shape), \(s)")
  let (rows, width) = (x.shape[0], x.shape[1])
  let constant = Double(width) * (Double.log(s) + Double.log(2 * Double.pi) / 2)
  return x.withUnsafeBufferPointer { x in
    Tensor(shape: [rows]) { result in
      for row in 0..<rows {
        var squares = 0.0
        for j in 0..<width { squares += x[row * width + j] * x[row * width + j] }
        result[row] = -squares / (2 * s * s) - constant
      }
    }
  }
}

/// Adds the value of ``isotropicNormalLogDensity(_:standardDeviation:)`` for each row of `x`
/// ([L, P]) to `values` ([L]), and its gradient −x/s² to `gradients` ([L, P]), in place: the
/// same bits as adding the value and the pullback of a seed of ones.
func addIsotropicNormalLogDensity(
  of x: Tensor<Double>, standardDeviation s: Double, values: inout Tensor<Double>,
  gradients: inout Tensor<Double>
) {
  userPrecondition(
    x.rank == 2 && s > 0 && values.rank == 1 && values.shape[0] == x.shape[0]
      && gradients.shape == x.shape,
    "isotropicNormalLogDensity: needs [L, P] values, [L] and [L, P] outputs and a positive "
      + "scale, got \(x.shape), \(values.shape), \(gradients.shape), \(s)")
  let (rows, width) = (x.shape[0], x.shape[1])
  let constant = Double(width) * (Double.log(s) + Double.log(2 * Double.pi) / 2)
  let scale = -1 / (s * s)
  x.withUnsafeBufferPointer { x in
    values.withUnsafeMutableBufferPointer { v in
      gradients.withUnsafeMutableBufferPointer { g in
        for row in 0..<rows {
          var squares = 0.0
          for j in 0..<width {
            squares += x[row * width + j] * x[row * width + j]
            g[row * width + j] += scale * x[row * width + j]
          }
          v[row] += -squares / (2 * s * s) - constant
        }
      }
    }
  }
}
