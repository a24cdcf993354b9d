import RealModule
import TensorCore
import _Differentiation

/// The multivariate normal distribution N(μ, Σ) over vectors of dimension d, with the
/// covariance given by its lower Cholesky factor L (Σ = L·Lᵀ).
///
/// ```
/// log p(x) = −½ ‖L⁻¹(x − μ)‖² − Σᵢ log |Lᵢᵢ| − (d/2) log 2π,   x ∈ ℝᵈ
/// ```
///
/// The Mahalanobis term is one triangular solve (BLAS `?trsm`, O(d²) per vector) instead of an
/// inverse, and log det Σ = 2 Σᵢ log |Lᵢᵢ| is read off the diagonal
/// (`triangularLogAbsDeterminant`). The strict upper triangle of `scaleTril` is ignored.
///
/// The event is the last axis: `mean` has shape `batchShape + [d]` (a batch of means shares one
/// covariance), values have shape `[..., d]`, and log densities have the shape of the values
/// without their last axis. Reparameterised as z = μ + Lε with ε ~ N(0, I).
public struct MultivariateNormal<Scalar: TensorScalar>: ReparameterizedDistribution,
  AnalyticEntropy
{
  /// The mean μ, of shape `batchShape + [d]`.
  public var mean: Tensor<Scalar>
  /// The lower-triangular Cholesky factor L of the covariance, `[d, d]`, with a positive
  /// diagonal.
  public var scaleTril: Tensor<Scalar>

  /// Creates N(mean, scaleTril·scaleTrilᵀ).
  ///
  /// - Parameters:
  ///   - mean: μ, of shape `batchShape + [d]`.
  ///   - scaleTril: L, `[d, d]`, lower triangular with a positive diagonal (its strict upper
  ///     triangle is ignored; the diagonal is not checked here: see ``validated()``).
  /// - Precondition: `scaleTril` is square and its size matches the last axis of `mean`.
  @inlinable
  @differentiable(reverse)
  public init(mean: Tensor<Scalar>, scaleTril: Tensor<Scalar>) {
    userPrecondition(
      mean.rank >= 1 && scaleTril.rank == 2 && scaleTril.shape[0] == scaleTril.shape[1]
        && scaleTril.shape[0] == mean.shape[mean.rank - 1],
      "MultivariateNormal: mean \(mean.shape) and scaleTril \(scaleTril.shape) need shapes "
        + "[..., d] and [d, d]")
    self.mean = mean
    self.scaleTril = scaleTril
  }

  /// Creates N(mean, covariance), factoring the symmetric positive-definite covariance by
  /// Cholesky decomposition (differentiable; only its lower triangle is read).
  ///
  /// - Precondition: the covariance is positive definite and matches the mean's last axis.
  @inlinable
  @differentiable(reverse)
  public init(mean: Tensor<Scalar>, covariance: Tensor<Scalar>) {
    self.init(mean: mean, scaleTril: cholesky(covariance))
  }

  /// The dimension d of the vectors.
  @inlinable
  public var dimension: Int { scaleTril.shape[0] }

  /// The batch shape: the mean's shape without its last axis.
  @inlinable
  public var batchShape: [Int] { Array(mean.shape.dropLast()) }

  /// The covariance Σ = L·Lᵀ.
  @inlinable
  @differentiable(reverse)
  public var covariance: Tensor<Scalar> {
    let lower = scaleTril.lowerTriangularPart()
    return matmul(lower, transposed: false, lower, transposed: true)
  }

  /// `self`, or an ``InvalidParameterError`` if μ or L is not finite or L's diagonal is not
  /// positive.
  public func validated() throws -> MultivariateNormal {
    try requireParameter(mean, in: .finite, distribution: "MultivariateNormal", name: "mean")
    try requireParameter(
      scaleTril.lowerTriangularPart(), in: .finite, distribution: "MultivariateNormal",
      name: "scaleTril")
    try requireParameter(
      scaleTril.diagonalPart(), in: .positive, distribution: "MultivariateNormal",
      name: "the diagonal of scaleTril")
    return self
  }

  /// The log density of each vector (last axis) of `value`, of shape `value`'s leading axes
  /// broadcast against the batch shape.
  @inlinable
  @differentiable(reverse)
  public func logProbability(of value: Tensor<Scalar>) -> Tensor<Scalar> {
    let d = withoutDerivative(at: dimension)
    let squaredDistance = mahalanobisSquared(value - mean, scaleTril: scaleTril)
    return -0.5 * squaredDistance - scaleTril.triangularLogAbsDeterminant()
      - Scalar(d) * Scalar.log(2 * Scalar.pi) / 2
  }

  /// The entropy (d/2)(1 + log 2π) + Σᵢ log |Lᵢᵢ|, of the batch shape.
  @inlinable
  @differentiable(reverse)
  public func entropy() -> Tensor<Scalar> {
    let d = withoutDerivative(at: dimension)
    let shape = withoutDerivative(at: batchShape)
    let value =
      scaleTril.triangularLogAbsDeterminant() + Scalar(d) * (1 + Scalar.log(2 * Scalar.pi)) / 2
    return value.broadcasted(to: shape)
  }

  /// Standard normal noise ε of shape `sampleShape + batchShape + [d]`.
  @inlinable
  public func sampleNoise(
    sampleShape: [Int], using generator: inout some RandomNumberGenerator
  ) -> Tensor<Scalar> {
    Tensor(randomNormal: sampleShape + mean.shape, using: &generator)
  }

  /// z = μ + Lε for each vector ε (last axis) of the noise.
  @inlinable
  @differentiable(reverse)
  public func reparameterizedSample(noise: Tensor<Scalar>) -> Tensor<Scalar> {
    mean + lowerTriangularMatmulRows(scaleTril, noise)
  }
}

/// The shape of `x` without its last axis, and the size of that axis (not differentiable).
@inlinable
func splitLastAxis<Scalar>(_ x: Tensor<Scalar>) -> (leading: [Int], last: Int) {
  userPrecondition(x.rank >= 1, "expected vectors along the last axis, got a scalar")
  return (Array(x.shape.dropLast()), x.shape[x.rank - 1])
}

/// ‖L⁻¹x‖² for each vector x along the last axis of `x`, of shape `x.shape.dropLast()`: all
/// vectors are solved at once as the columns of one `[d, m]` matrix.
@inlinable
@differentiable(reverse)
func mahalanobisSquared<Scalar>(
  _ x: Tensor<Scalar>, scaleTril: Tensor<Scalar>
) -> Tensor<Scalar> {
  let (leading, d) = withoutDerivative(at: splitLastAxis(x))
  let columns = x.reshaped(to: [-1, d]).transposed()
  let solved = triangularSolve(scaleTril, columns)
  return solved.squared().sum(squeezingAxes: [0]).reshaped(to: leading)
}

/// L·x for each vector x along the last axis of `x`, of `x`'s shape (one BLAS `?trmm` on the
/// vectors as columns).
@inlinable
@differentiable(reverse)
func lowerTriangularMatmulRows<Scalar>(
  _ scaleTril: Tensor<Scalar>, _ x: Tensor<Scalar>
) -> Tensor<Scalar> {
  let (leading, d) = withoutDerivative(at: splitLastAxis(x))
  let columns = x.reshaped(to: [-1, d]).transposed()
  return lowerTriangularMatmul(scaleTril, columns).transposed().reshaped(to: leading + [d])
}
