import RealModule
import TensorCore
import _Differentiation

// Covariance functions of Gaussian processes, vectorised over Monte-Carlo draws of their
// hyperparameters: for inputs x₁, …, x_N (constants) and L draws of the magnitude α and the
// length scale ρ (each `[L, 1]`, as scalar parameters arrive in a log joint), the `[L, N, N]`
// stack of covariance matrices K, one per draw, ready for `addingToDiagonal(_:)` (noise),
// `batchedCholesky(_:)` and `multivariateNormalLogDensity(of:mean:scaleTril:)`. Each is
// written with differentiable tensor operations, so gradients flow to α and ρ.

/// The squared-exponential (exponentiated quadratic, RBF) covariance of Stan's
/// `gp_exp_quad_cov(x, alpha, rho)`, for each draw of α and ρ:
/// ```
/// K[l]ᵢⱼ = αₗ² exp(−|xᵢ − xⱼ|² / (2ρₗ²))
/// ```
/// Infinitely differentiable sample paths; ρ is the distance over which the function varies.
///
/// - Parameters:
///   - x: the inputs, `[N]` (one-dimensional) or `[N, D]` (one row per point, Euclidean
///     distance); constants.
///   - magnitude: α > 0, the marginal standard deviation, one value per draw: `[L, 1]`, `[L]`
///     or a scalar `[]`.
///   - lengthScale: ρ > 0, likewise; α and ρ broadcast against each other (L or 1 draws).
/// - Returns: K, `[L, N, N]`.
@inlinable
@differentiable(reverse, wrt: (magnitude, lengthScale))
public func squaredExponentialCovariance<Scalar>(
  _ x: Tensor<Scalar>, magnitude: Tensor<Scalar>, lengthScale: Tensor<Scalar>
) -> Tensor<Scalar> {
  let squaredDistances = withoutDerivative(
    at: _squaredDistances(x, magnitude, lengthScale, "squaredExponentialCovariance"))
  let (alpha, rho) = (magnitude.reshaped(to: [-1, 1, 1]), lengthScale.reshaped(to: [-1, 1, 1]))
  return alpha.squared() * exp(squaredDistances / (-2 * rho.squared()))
}

/// The Matérn covariance with smoothness ν = 3/2 (Stan's `gp_matern32_cov(x, alpha, rho)`),
/// for each draw of α and ρ, with d = |xᵢ − xⱼ|:
/// ```
/// K[l]ᵢⱼ = αₗ² (1 + √3 d/ρₗ) exp(−√3 d/ρₗ)
/// ```
/// Sample paths once differentiable. Parameters and shapes as for
/// ``squaredExponentialCovariance(_:magnitude:lengthScale:)``.
@inlinable
@differentiable(reverse, wrt: (magnitude, lengthScale))
public func matern32Covariance<Scalar>(
  _ x: Tensor<Scalar>, magnitude: Tensor<Scalar>, lengthScale: Tensor<Scalar>
) -> Tensor<Scalar> {
  let distances = withoutDerivative(
    at: sqrt(_squaredDistances(x, magnitude, lengthScale, "matern32Covariance")))
  let (alpha, rho) = (magnitude.reshaped(to: [-1, 1, 1]), lengthScale.reshaped(to: [-1, 1, 1]))
  let s = distances * Scalar.sqrt(3) / rho
  return alpha.squared() * (1 + s) * exp(-s)
}

/// The Matérn covariance with smoothness ν = 5/2 (Stan's `gp_matern52_cov(x, alpha, rho)`),
/// for each draw of α and ρ, with d = |xᵢ − xⱼ|:
/// ```
/// K[l]ᵢⱼ = αₗ² (1 + √5 d/ρₗ + 5d²/(3ρₗ²)) exp(−√5 d/ρₗ)
/// ```
/// Sample paths twice differentiable. Parameters and shapes as for
/// ``squaredExponentialCovariance(_:magnitude:lengthScale:)``.
@inlinable
@differentiable(reverse, wrt: (magnitude, lengthScale))
public func matern52Covariance<Scalar>(
  _ x: Tensor<Scalar>, magnitude: Tensor<Scalar>, lengthScale: Tensor<Scalar>
) -> Tensor<Scalar> {
  let distances = withoutDerivative(
    at: sqrt(_squaredDistances(x, magnitude, lengthScale, "matern52Covariance")))
  let (alpha, rho) = (magnitude.reshaped(to: [-1, 1, 1]), lengthScale.reshaped(to: [-1, 1, 1]))
  let s = distances * Scalar.sqrt(5) / rho
  return alpha.squared() * (1 + s + s.squared() / 3) * exp(-s)
}

/// |xᵢ − xⱼ|² for the points of `x` (`[N]` or `[N, D]`), `[N, N]`, after checking the shapes
/// of the inputs and the hyperparameters; stops with a message (in every build) if they are
/// wrong. Not differentiable.
@inlinable
func _squaredDistances<Scalar>(
  _ x: Tensor<Scalar>, _ magnitude: Tensor<Scalar>, _ lengthScale: Tensor<Scalar>,
  _ operation: String
) -> Tensor<Scalar> {
  guard x.rank == 1 || x.rank == 2 else {
    fatalError("\(operation): inputs x of shape \(x.shape) need shape [N] or [N, D]")
  }
  for (name, value) in [("magnitude", magnitude), ("lengthScale", lengthScale)] {
    guard value.rank <= 1 || (value.rank == 2 && value.shape[1] == 1) else {
      fatalError(
        "\(operation): \(name) of shape \(value.shape) needs one value per draw: [L, 1], [L] "
          + "or a scalar")
    }
  }
  let (count, size) = (magnitude.scalarCount, lengthScale.scalarCount)
  guard count == size || count == 1 || size == 1 else {
    fatalError(
      "\(operation): \(count) magnitudes and \(size) length scales; give as many of each, or "
        + "one of either")
  }
  let n = x.shape[0]
  let dimension = x.rank == 2 ? x.shape[1] : 1
  return x.withUnsafeBufferPointer { points in
    Tensor(shape: [n, n]) { distances in
      for i in 0..<n {
        for j in 0..<n {
          var total: Scalar = 0
          for k in 0..<dimension {
            let difference = points[i * dimension + k] - points[j * dimension + k]
            total += difference * difference
          }
          distances[i * n + j] = total
        }
      }
    }
  }
}
