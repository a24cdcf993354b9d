import RealModule
import TensorCore
import _Differentiation

/// The multivariate normal log density with one covariance per draw, given by its Cholesky
/// factor (Stan's `multi_normal_cholesky_lpdf(y | mu, L)`), for a stack of factors such as
/// <doc:/documentation/TensorCore/batchedCholesky(_:)> gives:
/// ```
/// log N(y; μ, L·Lᵀ) = −½ ‖L⁻¹(y − μ)‖² − Σᵢ log |Lᵢᵢ| − (n/2) log 2π
/// ```
/// for each factor L[b] of `scaleTril`, with its own value and mean or shared ones. A Gaussian
/// process regression, y ~ N(0, K(α, ρ) + σI), for L draws of the hyperparameters:
/// ```swift
/// let k = squaredExponentialCovariance(x, magnitude: alpha, lengthScale: rho)
///   .addingToDiagonal(sigma)                                  // [L, N, N]
/// let logLikelihood = multivariateNormalLogDensity(
///   of: y, mean: 0, scaleTril: batchedCholesky(k))           // [L]
/// ```
///
/// One triangular solve z = L⁻¹(y − μ) per factor (BLAS `?trsm`). With w = L⁻ᵀz and an
/// incoming gradient ḡ, the gradients are
/// ```
/// ȳ = −ḡ w,   μ̄ = ḡ w,   L̄ = ḡ (tril(w zᵀ) − diag(1/Lᵢᵢ)),
/// ```
/// summed over the factors for a shared value or mean. The strict upper triangles of the
/// factors are not read. A factor that is all NaN (a matrix <doc:/documentation/TensorCore/batchedCholesky(_:)> could not
/// factor) gives a NaN log density, which makes the ELBO non-finite and the step rejected.
///
/// - Parameters:
///   - value: y, `[n]` (the same for every factor, as for data) or `[B..., n]` (one per factor).
///   - mean: μ, a scalar `[]` (the same in every coordinate), `[n]`, or `[B..., n]`.
///   - scaleTril: the lower-triangular factors, `[B..., n, n]` (typically `[L, n, n]`).
/// - Returns: the log densities, `[B...]`.
///
/// Stops with a message (in every build) if the shapes do not fit.
@inlinable
@differentiable(reverse)
public func multivariateNormalLogDensity<Scalar>(
  of value: Tensor<Scalar>, mean: Tensor<Scalar>, scaleTril: Tensor<Scalar>
) -> Tensor<Scalar> {
  _MultivariateNormalSolve(value: value, mean: mean, scaleTril: scaleTril).logDensities
}

/// The same log density with a constant mean in every coordinate: `mean: 0` for a centred
/// process.
@inlinable
@differentiable(reverse)
public func multivariateNormalLogDensity<Scalar>(
  of value: Tensor<Scalar>, mean: Scalar, scaleTril: Tensor<Scalar>
) -> Tensor<Scalar> {
  multivariateNormalLogDensity(of: value, mean: Tensor(mean), scaleTril: scaleTril)
}

@inlinable
@derivative(of: multivariateNormalLogDensity(of:mean:scaleTril:))
func _vjpMultivariateNormalLogDensity<Scalar>(
  of value: Tensor<Scalar>, mean: Tensor<Scalar>, scaleTril: Tensor<Scalar>
) -> (
  value: Tensor<Scalar>,
  pullback: (Tensor<Scalar>) -> (Tensor<Scalar>, Tensor<Scalar>, Tensor<Scalar>)
) {
  let solve = _MultivariateNormalSolve(value: value, mean: mean, scaleTril: scaleTril)
  return (
    solve.logDensities, { g in solve.gradients(g, valueShape: value.shape, meanShape: mean.shape) }
  )
}

/// The forward pass of ``multivariateNormalLogDensity(of:mean:scaleTril:)``: the shapes, the
/// whitened residuals z = L⁻¹(y − μ) kept for the gradients, and the log densities.
@usableFromInline
struct _MultivariateNormalSolve<Scalar: TensorScalar> {
  @usableFromInline let factors: Tensor<Scalar>
  /// The number of factors and their size n.
  @usableFromInline let count: Int
  @usableFromInline let size: Int
  /// z for every factor, `[count, n]`.
  @usableFromInline let whitened: Tensor<Scalar>
  /// `[B...]`.
  @usableFromInline let logDensities: Tensor<Scalar>

  @inlinable
  init(value: Tensor<Scalar>, mean: Tensor<Scalar>, scaleTril: Tensor<Scalar>) {
    let operation = "multivariateNormalLogDensity(of:mean:scaleTril:)"
    guard
      scaleTril.rank >= 2
        && scaleTril.shape[scaleTril.rank - 1] == scaleTril.shape[scaleTril.rank - 2]
    else {
      fatalError("\(operation): scaleTril of shape \(scaleTril.shape) needs shape [..., n, n]")
    }
    let batchShape = Array(scaleTril.shape.dropLast(2))
    let n = scaleTril.shape[scaleTril.rank - 1]
    let count = batchShape.elementCount
    guard value.shape == [n] || value.shape == batchShape + [n] else {
      fatalError(
        "\(operation): value of shape \(value.shape) needs shape [\(n)] or \(batchShape + [n]) "
          + "for factors \(scaleTril.shape)")
    }
    guard mean.rank == 0 || mean.shape == [n] || mean.shape == batchShape + [n] else {
      fatalError(
        "\(operation): mean of shape \(mean.shape) needs shape [], [\(n)] or "
          + "\(batchShape + [n]) for factors \(scaleTril.shape)")
    }
    let valueStride = value.scalarCount == n ? 0 : n
    let meanStride = mean.rank == 0 ? 0 : (mean.scalarCount == n ? 0 : n)
    let meanStep = mean.rank == 0 ? 0 : 1
    let constant = Scalar(n) * Scalar.log(2 * Scalar.pi) / 2
    var densities = [Scalar](repeating: 0, count: count)
    let whitened = Tensor<Scalar>(shape: [count, n]) { z in
      value.withUnsafeBufferPointer { y in
        mean.withUnsafeBufferPointer { mu in
          scaleTril.withUnsafeBufferPointer { l in
            for b in 0..<count {
              let factor = l.baseAddress! + b * n * n
              let residual = z.baseAddress! + b * n
              var logDeterminant: Scalar = 0
              for i in 0..<n {
                residual[i] = y[b * valueStride + i] - mu[b * meanStride + i * meanStep]
                logDeterminant += Scalar.log(Swift.abs(factor[i * n + i]))
              }
              if n > 0 {
                Scalar.lowerTriangularSolve(
                  transposeL: false, m: n, n: 1, l: factor, b: residual)
              }
              var squaredNorm: Scalar = 0
              for i in 0..<n { squaredNorm += residual[i] * residual[i] }
              densities[b] = -squaredNorm / 2 - logDeterminant - constant
            }
          }
        }
      }
    }
    self.factors = scaleTril
    self.count = count
    self.size = n
    self.whitened = whitened
    self.logDensities = Tensor(shape: batchShape, scalars: densities)
  }

  /// (ȳ, μ̄, L̄) for the incoming gradient `g` of the log densities, each summed to the shape
  /// of its input.
  @inlinable
  func gradients(
    _ g: Tensor<Scalar>, valueShape: [Int], meanShape: [Int]
  ) -> (Tensor<Scalar>, Tensor<Scalar>, Tensor<Scalar>) {
    let n = size
    let g = g.shape == logDensities.shape ? g : g.broadcasted(to: logDensities.shape)
    // w = L⁻ᵀ z for every factor: μ̄ = ḡ w per factor, ȳ = −μ̄.
    var meanGradients = Tensor<Scalar>(zeros: [count, n])
    var factorGradients = Tensor<Scalar>(zeros: factors.shape)
    g.withUnsafeBufferPointer { g in
      whitened.withUnsafeBufferPointer { z in
        factors.withUnsafeBufferPointer { l in
          meanGradients.withUnsafeMutableBufferPointer { w in
            factorGradients.withUnsafeMutableBufferPointer { lBar in
              for b in 0..<count {
                let factor = l.baseAddress! + b * n * n
                let (zb, wb) = (z.baseAddress! + b * n, w.baseAddress! + b * n)
                wb.update(from: zb, count: n)
                if n > 0 {
                  Scalar.lowerTriangularSolve(transposeL: true, m: n, n: 1, l: factor, b: wb)
                }
                let lb = lBar.baseAddress! + b * n * n
                for i in 0..<n {
                  for j in 0...i { lb[i * n + j] = g[b] * wb[i] * zb[j] }
                  lb[i * n + i] -= g[b] / factor[i * n + i]
                }
                for i in 0..<n { wb[i] *= g[b] }
              }
            }
          }
        }
      }
    }
    let meanGradient = Self.summed(meanGradients, to: meanShape, size: n)
    let valueGradient = -Self.summed(meanGradients, to: valueShape, size: n)
    return (valueGradient, meanGradient, factorGradients)
  }

  /// The `[count, n]` per-factor gradients summed to a shared `[n]` vector or a scalar `[]`,
  /// or reshaped to `[B..., n]`.
  @inlinable
  static func summed(_ gradients: Tensor<Scalar>, to shape: [Int], size n: Int) -> Tensor<Scalar> {
    if shape.isEmpty { return gradients.sum() }
    if shape == [n] && gradients.shape[0] != 1 { return gradients.sum(squeezingAxes: [0]) }
    return gradients.reshaped(to: shape)
  }
}
