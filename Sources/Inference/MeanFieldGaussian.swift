import Optimizers
import RealModule
import TensorCore
import _Differentiation

/// The mean-field Gaussian family of ADVI (Kucukelbir et al. 2017, section 2.4):
/// independent normals q(ζ) = Πᵢ N(ζᵢ; μᵢ, σᵢ²) with σ = exp(ω), as in Stan, so that the
/// variational parameters (μ, ω) ∈ ℝ²ᴰ are unconstrained.
///
/// ```
/// ζ = μ + exp(ω) ⊙ ε,                      ε ~ N(0, I)
/// log q(ζ) = −½ Σᵢ ((ζᵢ − μᵢ)/σᵢ)² − Σᵢ ωᵢ − (D/2) log 2π
/// H[q] = Σᵢ ωᵢ + (D/2)(1 + log 2π)
/// ```
public struct MeanFieldGaussian: GaussianFamily {
  /// μ, [D].
  public var mean: Tensor<Double>
  /// ω = log σ, [D].
  public var logStandardDeviation: Tensor<Double>

  /// q with the given mean and ω, both [D].
  @differentiable(reverse)
  public init(mean: Tensor<Double>, logStandardDeviation: Tensor<Double>) {
    userPrecondition(
      mean.rank == 1 && logStandardDeviation.shape == mean.shape,
      "MeanFieldGaussian: mean \(mean.shape) and logStandardDeviation "
        + "\(logStandardDeviation.shape) must be vectors of the same size")
    self.mean = mean
    self.logStandardDeviation = logStandardDeviation
  }

  /// q = N(mean, scale² I); scale 1 is Stan's initialisation (ω = 0).
  public init(mean: Tensor<Double>, scale: Double = 1) {
    self.init(
      mean: mean, logStandardDeviation: Tensor(repeating: Double.log(scale), shape: mean.shape))
  }

  /// D, the dimension of the unconstrained space q lives in.
  public var dimension: Int { mean.shape[0] }
  /// The width of a row of noise ε: D.
  public var noiseDimension: Int { mean.shape[0] }

  /// The draws g(ε; λ) of q for the rows of `noise` ([L, noise dimension]): [L, D].
  @differentiable(reverse, wrt: self)
  public func reparameterizedSample(noise: Tensor<Double>) -> Tensor<Double> {
    sample(noise: noise)
  }

  /// The gradients of ζ = μ + e^ω ⊙ ε (rows) for an incoming ζ̄, as one primitive:
  /// ```
  /// μ̄ = Σₗ ζ̄ₗ,   ω̄ = Σₗ ζ̄ₗ ⊙ e^ω ⊙ εₗ
  /// ```
  @usableFromInline
  @derivative(of: reparameterizedSample, wrt: self)
  func _vjpReparameterizedSample(noise: Tensor<Double>) -> (
    value: Tensor<Double>, pullback: (Tensor<Double>) -> TangentVector
  ) {
    let value = sample(noise: noise)
    let shape = value.shape
    return (
      value,
      { g in
        sampleGradient(g.shape == shape ? g : g.broadcasted(to: shape), draws: value, scale: 1)
      }
    )
  }

  /// −ELBO's gradient in closed form: with G = ∇ζ log p̃ at the draws ζₗ = μ + e^ω ⊙ εₗ,
  /// ```
  /// μ̄ = −(1/L) Σₗ Gₗ,   ω̄ = −(1/L) Σₗ Gₗ ⊙ (ζₗ − μ) − 1
  /// ```
  /// (the −1 is −∂H/∂ω).
  public func negativeELBOGradient(
    noise: Tensor<Double>, draws: Tensor<Double>, logDensityGradients: Tensor<Double>
  ) -> TangentVector {
    var gradient = zeroGradient
    negativeELBOGradient(
      noise: noise, draws: draws, logDensityGradients: logDensityGradients, into: &gradient)
    return gradient
  }

  /// The gradient of the negative ELBO with respect to q's parameters, as
  /// ``negativeELBOGradient(noise:draws:logDensityGradients:)``, written into `gradient`,
  /// whose buffers a family may reuse.
  public func negativeELBOGradient(
    noise: Tensor<Double>, draws: Tensor<Double>, logDensityGradients: Tensor<Double>,
    into gradient: inout TangentVector
  ) {
    sampleGradient(
      logDensityGradients, draws: draws, scale: -1 / Double(draws.shape[0]), into: &gradient)
    gradient.logStandardDeviation.withUnsafeMutableBufferPointer { w in
      for i in w.indices { w[i] -= 1 }
    }
  }

  /// μ̄ = s Σₗ ζ̄ₗ and ω̄ = s Σₗ ζ̄ₗ ⊙ e^ω ⊙ εₗ for the draws ζₗ = μ + e^ω ⊙ εₗ ([L, D]), their
  /// gradients ζ̄ ([L, D]) and a scale s, with e^ω ⊙ εₗ read off the draws as ζₗ − μ (no
  /// exponentials).
  func sampleGradient(_ g: Tensor<Double>, draws: Tensor<Double>, scale: Double) -> TangentVector {
    var gradient = zeroGradient
    sampleGradient(g, draws: draws, scale: scale, into: &gradient)
    return gradient
  }

  /// Zeros shaped like the parameters.
  var zeroGradient: TangentVector {
    TangentVector(mean: Tensor(zeros: mean.shape), logStandardDeviation: Tensor(zeros: mean.shape))
  }

  /// The gradients above, written over `gradient`.
  func sampleGradient(
    _ g: Tensor<Double>, draws: Tensor<Double>, scale: Double, into gradient: inout TangentVector
  ) {
    let (rows, d) = (g.shape[0], g.shape[1])
    prepareBuffer(&gradient.mean, shapedLike: mean)
    prepareBuffer(&gradient.logStandardDeviation, shapedLike: mean)
    g.withUnsafeBufferPointer { g in
      draws.withUnsafeBufferPointer { z in
        mean.withUnsafeBufferPointer { mu in
          gradient.mean.withUnsafeMutableBufferPointer { m in
            gradient.logStandardDeviation.withUnsafeMutableBufferPointer { w in
              m.update(repeating: 0)
              w.update(repeating: 0)
              for row in 0..<rows {
                for i in 0..<d {
                  m[i] += g[row * d + i]
                  w[i] += g[row * d + i] * (z[row * d + i] - mu[i])
                }
              }
              for i in 0..<d {
                m[i] *= scale
                w[i] *= scale
              }
            }
          }
        }
      }
    }
  }

  /// μ + e^ω ⊙ ε for the rows ε of `noise`; not differentiable.
  func sample(noise: Tensor<Double>) -> Tensor<Double> {
    var draws = Tensor<Double>(zeros: noise.shape)
    reparameterizedSample(noise: noise, into: &draws)
    return draws
  }

  /// ``reparameterizedSample(noise:)`` written into `draws`, whose buffer a family may reuse.
  public func reparameterizedSample(noise: Tensor<Double>, into draws: inout Tensor<Double>) {
    checkNoiseShape(noise)
    let (rows, d) = (noise.shape[0], noise.shape[1])
    prepareBuffer(&draws, rows: rows, columns: d)
    noise.withUnsafeBufferPointer { e in
      mean.withUnsafeBufferPointer { mu in
        logStandardDeviation.withUnsafeBufferPointer { omega in
          draws.withUnsafeMutableBufferPointer { z in
            for i in 0..<d {
              let sigma = Double.exp(omega[i])
              for row in 0..<rows { z[row * d + i] = mu[i] + sigma * e[row * d + i] }
            }
          }
        }
      }
    }
  }

  /// Σᵢ ωᵢ + (D/2)(1 + log 2π), summed in the order of ``entropy()``.
  public var entropyValue: Double { gaussianEntropyValue(logScales: logStandardDeviation) }

  /// Exactly −½‖ε‖² − Σᵢ ωᵢ − (D/2) log 2π for each row ε of `noise`.
  public func logDensityOfSample(noise: Tensor<Double>) -> Tensor<Double> {
    gaussianLogDensityOfSample(noise: noise, logScales: logStandardDeviation)
  }

  /// log q(ζ) for each row ζ of `draws` ([L, D]): a tensor [L].
  @differentiable(reverse)
  public func logDensity(of draws: Tensor<Double>) -> Tensor<Double> {
    let standardized = (draws - mean) * exp(-logStandardDeviation)
    let constant = withoutDerivative(at: gaussianLogNormalizer(dimension: dimension))
    return -0.5 * standardized.squared().sum(squeezingAxes: [1])
      - logStandardDeviation.sum() - constant
  }

  /// The entropy H[q] in nats, in closed form, as a scalar tensor.
  @differentiable(reverse)
  public func entropy() -> Tensor<Double> {
    logStandardDeviation.sum()
      + withoutDerivative(at: gaussianEntropyConstant(dimension: dimension))
  }

  /// diag(σ²).
  public func covariance() -> Tensor<Double> {
    Tensor(diagonal: exp(2 * logStandardDeviation))
  }

  /// σ = exp(ω).
  public func marginalStandardDeviations() -> Tensor<Double> { exp(logStandardDeviation) }

  /// Calls `body` with each parameter tensor in the order of ``parameterKeyPaths`` (its index,
  /// the tensor to update in place, and its gradient from `gradient`).
  public mutating func updateParameters(
    along gradient: TangentVector, _ body: (Int, inout Tensor<Double>, Tensor<Double>) -> Void
  ) {
    body(0, &mean, gradient.mean)
    body(1, &logStandardDeviation, gradient.logStandardDeviation)
  }

  /// Whether every scalar of `gradient` is finite.
  public func isFinite(_ gradient: TangentVector) -> Bool {
    gradient.mean.isFinite && gradient.logStandardDeviation.isFinite
  }

  /// The trainable tensors, in the fixed order that optimisers and checkpoints follow.
  public var parameterKeyPaths: [WritableKeyPath<MeanFieldGaussian, Tensor<Double>>] {
    [\.mean, \.logStandardDeviation]
  }
  /// The gradients of the tensors of ``parameterKeyPaths``, in the same order.
  public var tangentKeyPaths: [WritableKeyPath<TangentVector, Tensor<Double>>] {
    [\.mean, \.logStandardDeviation]
  }
}
