import Optimizers
import RealModule
import TensorCore
import _Differentiation

/// A Gaussian with low-rank-plus-diagonal covariance, q(ζ) = N(μ, FFᵀ + diag(d²)) with a
/// factor F ∈ ℝᴰˣʳ and d = exp(ω): correlations along r directions at O(Dr) parameters
/// (Ong, Nott & Smith 2018, "Gaussian variational approximation with a factor covariance
/// structure", JCGS 27(3)).
///
/// ```
/// ζ = μ + Fε₁ + d ⊙ ε₂,                    ε₁ ~ N(0, Iᵣ), ε₂ ~ N(0, I_D)
/// ```
/// The density uses the Woodbury identity and the matrix determinant lemma with the r × r
/// capacitance matrix A = Iᵣ + Fᵀ diag(d⁻²) F = CCᵀ (Cholesky):
/// ```
/// (ζ − μ)ᵀ Σ⁻¹ (ζ − μ) = ‖d⁻¹ ⊙ (ζ − μ)‖² − ‖C⁻¹ Fᵀ d⁻² (ζ − μ)‖²
/// log det Σ = 2 Σᵢ ωᵢ + 2 Σⱼ log Cⱼⱼ
/// H[q] = Σᵢ ωᵢ + Σⱼ log Cⱼⱼ + (D/2)(1 + log 2π)
/// ```
/// so nothing of size D × D is ever formed. Noise rows hold ε₁ then ε₂ (r + D scalars).
public struct LowRankGaussian: GaussianFamily {
  /// μ, [D].
  public var mean: Tensor<Double>
  /// F, [D, r].
  public var factor: Tensor<Double>
  /// ω = log d, [D].
  public var logDiagonal: Tensor<Double>

  /// q with the given parts.
  @differentiable(reverse)
  public init(mean: Tensor<Double>, factor: Tensor<Double>, logDiagonal: Tensor<Double>) {
    let d = mean.shape.first ?? 0
    userPrecondition(
      mean.rank == 1 && factor.rank == 2 && factor.shape[0] == d && factor.shape[1] >= 1
        && logDiagonal.shape == [d],
      "LowRankGaussian: mean \(mean.shape), factor \(factor.shape) and logDiagonal "
        + "\(logDiagonal.shape) must be [D], [D, r ≥ 1] and [D]")
    self.mean = mean
    self.factor = factor
    self.logDiagonal = logDiagonal
  }

  /// q = N(mean, FFᵀ + scale² I) with a small random factor (entries N(0, (scale/10)²)): F = 0
  /// would be a stationary point of the ELBO's expected gradient in F.
  public init(
    mean: Tensor<Double>, rank: Int, scale: Double = 1,
    using generator: inout some RandomNumberGenerator
  ) {
    let d = mean.shape[0]
    self.init(
      mean: mean,
      factor: Tensor(randomNormal: [d, rank], standardDeviation: scale / 10, using: &generator),
      logDiagonal: Tensor(repeating: Double.log(scale), shape: [d]))
  }

  /// D, the dimension of the unconstrained space q lives in.
  public var dimension: Int { mean.shape[0] }
  /// r, the number of columns of F.
  public var rank: Int { factor.shape[1] }
  /// The width of a row of noise ε: r + D (the factor's r draws, then the diagonal's D).
  public var noiseDimension: Int { rank + dimension }

  /// The draws g(ε; λ) of q for the rows of `noise` ([L, noise dimension]): [L, D].
  @differentiable(reverse, wrt: self)
  public func reparameterizedSample(noise: Tensor<Double>) -> Tensor<Double> {
    let sizes = withoutDerivative(at: [rank, dimension])
    let parts = noise.split(sizes: sizes, alongAxis: 1)
    return mean + matmul(parts[0], transposed: false, factor, transposed: true)
      + exp(logDiagonal) * parts[1]
  }

  /// C, the lower Cholesky factor of the capacitance matrix Iᵣ + Fᵀ diag(d⁻²) F.
  @differentiable(reverse)
  func capacitanceFactor(inverseVariance: Tensor<Double>) -> Tensor<Double> {
    let scaled = factor * inverseVariance.expandingShape(at: 1)
    let r = withoutDerivative(at: rank)
    let identity = withoutDerivative(at: Tensor<Double>(diagonal: Tensor(ones: [r])))
    return cholesky(matmul(scaled, transposed: true, factor, transposed: false) + identity)
  }

  /// log q(ζ) for each row ζ of `draws` ([L, D]): a tensor [L].
  @differentiable(reverse)
  public func logDensity(of draws: Tensor<Double>) -> Tensor<Double> {
    let inverseVariance = exp(-2 * logDiagonal)
    let centred = draws - mean
    let weighted = centred * inverseVariance
    let c = capacitanceFactor(inverseVariance: inverseVariance)
    let projected = matmul(weighted, transposed: false, factor, transposed: false).transposed()
    let solved = triangularSolve(c, projected)
    let quadratic =
      (centred * weighted).sum(squeezingAxes: [1]) - solved.squared().sum(squeezingAxes: [0])
    let halfLogDeterminant = logDiagonal.sum() + log(c.diagonalPart()).sum()
    let constant = withoutDerivative(at: gaussianLogNormalizer(dimension: dimension))
    return -0.5 * quadratic - halfLogDeterminant - constant
  }

  /// The entropy H[q] in nats, in closed form, as a scalar tensor.
  @differentiable(reverse)
  public func entropy() -> Tensor<Double> {
    let c = capacitanceFactor(inverseVariance: exp(-2 * logDiagonal))
    return logDiagonal.sum() + log(c.diagonalPart()).sum()
      + withoutDerivative(at: gaussianEntropyConstant(dimension: dimension))
  }

  /// FFᵀ + diag(d²).
  public func covariance() -> Tensor<Double> {
    matmul(factor, transposed: false, factor, transposed: true)
      + Tensor(diagonal: exp(2 * logDiagonal))
  }

  /// √(Σⱼ Fᵢⱼ² + dᵢ²).
  public func marginalStandardDeviations() -> Tensor<Double> {
    sqrt(factor.squared().sum(squeezingAxes: [1]) + exp(2 * logDiagonal))
  }

  /// The trainable tensors, in the fixed order that optimisers and checkpoints follow.
  public var parameterKeyPaths: [WritableKeyPath<LowRankGaussian, Tensor<Double>>] {
    [\.mean, \.factor, \.logDiagonal]
  }
  /// The gradients of the tensors of ``parameterKeyPaths``, in the same order.
  public var tangentKeyPaths: [WritableKeyPath<TangentVector, Tensor<Double>>] {
    [\.mean, \.factor, \.logDiagonal]
  }
}
