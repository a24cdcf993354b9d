import Optimizers
import RealModule
import TensorCore
import _Differentiation

/// The full-rank Gaussian family of ADVI (Kucukelbir et al. 2017, section 2.4):
/// q(ζ) = N(μ, LLᵀ) with L lower triangular. Its diagonal is exp(ω), so that L is always a
/// valid Cholesky factor and every variational parameter is unconstrained (Stan keeps the raw
/// diagonal instead).
///
/// ```
/// L = tril₋₁(M) + diag(exp ω)              (M's strictly lower triangle)
/// ζ = μ + Lε,                              ε ~ N(0, I)
/// log q(ζ) = −½ ‖L⁻¹(ζ − μ)‖² − Σᵢ ωᵢ − (D/2) log 2π
/// H[q] = Σᵢ ωᵢ + (D/2)(1 + log 2π)
/// ```
/// The Mahalanobis term is one triangular solve for all draws at once (BLAS `?trsm`). The
/// strict upper triangle of `offDiagonal` is never read and its gradient is zero.
public struct FullRankGaussian: GaussianFamily {
  /// μ, [D].
  public var mean: Tensor<Double>
  /// M, [D, D], whose strictly lower triangle holds the off-diagonal entries of L.
  public var offDiagonal: Tensor<Double>
  /// ω, [D]: the diagonal of L is exp(ω).
  public var logDiagonal: Tensor<Double>

  /// q with the given parts.
  @differentiable(reverse)
  public init(mean: Tensor<Double>, offDiagonal: Tensor<Double>, logDiagonal: Tensor<Double>) {
    let d = mean.shape.first ?? 0
    userPrecondition(
      mean.rank == 1 && offDiagonal.shape == [d, d] && logDiagonal.shape == [d],
      "FullRankGaussian: mean \(mean.shape), offDiagonal \(offDiagonal.shape) and logDiagonal "
        + "\(logDiagonal.shape) must be [D], [D, D] and [D]")
    self.mean = mean
    self.offDiagonal = offDiagonal
    self.logDiagonal = logDiagonal
  }

  /// q = N(mean, scale² I); scale 1 is Stan's initialisation (L = I).
  public init(mean: Tensor<Double>, scale: Double = 1) {
    let d = mean.shape[0]
    self.init(
      mean: mean, offDiagonal: Tensor(zeros: [d, d]),
      logDiagonal: Tensor(repeating: Double.log(scale), shape: [d]))
  }

  /// D, the dimension of the unconstrained space q lives in.
  public var dimension: Int { mean.shape[0] }
  /// The width of a row of noise ε: D.
  public var noiseDimension: Int { mean.shape[0] }

  /// L, the lower Cholesky factor of the covariance.
  @differentiable(reverse)
  public var scaleTril: Tensor<Double> {
    offDiagonal.lowerTriangularPart(includingDiagonal: false) + Tensor(diagonal: exp(logDiagonal))
  }

  /// ζ = μ + Lε for each row ε of `noise`, as one fused primitive (see
  /// `_vjpReparameterizedSample`): the hot path of every full-rank step.
  @differentiable(reverse, wrt: self)
  public func reparameterizedSample(noise: Tensor<Double>) -> Tensor<Double> {
    sample(noise: noise)
  }

  /// The gradients of ζ = μ + εLᵀ (rows), L = tril₋₁(M) + diag(exp ω), for an incoming ζ̄:
  /// ```
  /// μ̄ = Σₗ ζ̄ₗ,   G = ζ̄ᵀε,   M̄ = tril₋₁(G),   ω̄ᵢ = Gᵢᵢ exp(ωᵢ)
  /// ```
  /// (the noise is data, so ε̄ = ζ̄L is not formed).
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
        sampleGradient(g.shape == shape ? g : g.broadcasted(to: shape), noise: noise, scale: 1)
      }
    )
  }

  /// −ELBO's gradient in closed form: with G = ∇ζ log p̃ at the draws, the sample's
  /// gradients above for ζ̄ = −G/L, and −1 added to ω̄ (−∂H/∂ω).
  public func negativeELBOGradient(
    noise: Tensor<Double>, draws: Tensor<Double>, logDensityGradients: Tensor<Double>
  ) -> TangentVector {
    var gradient = sampleGradient(
      logDensityGradients, noise: noise, scale: -1 / Double(noise.shape[0]))
    gradient.logDiagonal.withUnsafeMutableBufferPointer { w in
      for i in w.indices { w[i] -= 1 }
    }
    return gradient
  }

  /// The gradient above written over `gradient`; for more than 4 draws (which go through a
  /// matrix product) a new one is assigned.
  public func negativeELBOGradient(
    noise: Tensor<Double>, draws: Tensor<Double>, logDensityGradients: Tensor<Double>,
    into gradient: inout TangentVector
  ) {
    let (rows, d) = (noise.shape[0], dimension)
    guard rows <= 4 else {
      gradient = negativeELBOGradient(
        noise: noise, draws: draws, logDensityGradients: logDensityGradients)
      return
    }
    prepareBuffer(&gradient.mean, shapedLike: mean)
    prepareBuffer(&gradient.offDiagonal, shapedLike: offDiagonal)
    prepareBuffer(&gradient.logDiagonal, shapedLike: logDiagonal)
    gradient.offDiagonal.withUnsafeMutableBufferPointer { m in
      gradient.mean.withUnsafeMutableBufferPointer { mu in
        Self.accumulateSampleGradient(
          logDensityGradients, noise: noise, scale: -1 / Double(rows), mean: mu, outer: m)
      }
    }
    logDiagonal.withUnsafeBufferPointer { omega in
      gradient.offDiagonal.withUnsafeMutableBufferPointer { m in
        gradient.logDiagonal.withUnsafeMutableBufferPointer { w in
          for i in 0..<d {
            w[i] = m[i * d + i] * Double.exp(omega[i]) - 1
            m[i * d + i] = 0
          }
        }
      }
    }
  }

  /// μ̄ = s Σₗ ζ̄ₗ, M̄ = s tril₋₁(ζ̄ᵀε) and ω̄ᵢ = s (ζ̄ᵀε)ᵢᵢ exp(ωᵢ) for draws' gradients ζ̄
  /// ([L, D]) and a scale s.
  func sampleGradient(_ g: Tensor<Double>, noise: Tensor<Double>, scale: Double) -> TangentVector {
    let (rows, d) = (g.shape[0], logDiagonal.shape[0])
    // Scaling the [L, D] gradients first scales M̄ and the diagonal with them.
    let g = scale == 1 ? g : g * scale
    var outer = Self.lowerProduct(g, noise)
    var diagonal = Tensor<Double>(zeros: logDiagonal.shape)
    var meanGradient = Tensor<Double>(zeros: logDiagonal.shape)
    g.withUnsafeBufferPointer { g in
      logDiagonal.withUnsafeBufferPointer { omega in
        diagonal.withUnsafeMutableBufferPointer { w in
          meanGradient.withUnsafeMutableBufferPointer { mu in
            outer.withUnsafeMutableBufferPointer { m in
              for row in 0..<rows {
                for i in 0..<d { mu[i] += g[row * d + i] }
              }
              for i in 0..<d {
                w[i] = m[i * d + i] * Double.exp(omega[i])
                m[i * d + i] = 0
              }
            }
          }
        }
      }
    }
    return TangentVector(mean: meanGradient, offDiagonal: outer, logDiagonal: diagonal)
  }

  /// Overwrites `mean` ([D]) with s Σₗ ζ̄ₗ and `outer` ([D, D]) with the lower triangle of
  /// s ζ̄ᵀε (zeros above the diagonal), for a few draws' gradients ζ̄ and noise ε ([L, D]): the
  /// same bits as ``lowerProduct(_:_:)`` of the scaled gradients.
  static func accumulateSampleGradient(
    _ g: Tensor<Double>, noise: Tensor<Double>, scale: Double,
    mean: UnsafeMutableBufferPointer<Double>, outer: UnsafeMutableBufferPointer<Double>
  ) {
    let (rows, d) = (g.shape[0], g.shape[1])
    g.withUnsafeBufferPointer { g in
      noise.withUnsafeBufferPointer { e in
        mean.update(repeating: 0)
        outer.update(repeating: 0)
        for row in 0..<rows {
          for i in 0..<d {
            let gi = g[row * d + i] * scale
            mean[i] += gi
            for j in 0...i { outer[i * d + j] += gi * e[row * d + j] }
          }
        }
      }
    }
  }

  /// L as a dense [D, D] matrix in one pass; not differentiable.
  func materializedScaleTril() -> Tensor<Double> {
    let d = dimension
    return offDiagonal.withUnsafeBufferPointer { m in
      logDiagonal.withUnsafeBufferPointer { omega in
        Tensor(shape: [d, d]) { l in
          for i in 0..<d {
            let row = i * d
            for j in 0..<i { l[row + j] = m[row + j] }
            l[row + i] = Double.exp(omega[i])
            for j in (i + 1)..<d { l[row + j] = 0 }
          }
        }
      }
    }
  }

  /// μ + εLᵀ for the rows ε of `noise`; not differentiable. Many draws go through a GEMM with
  /// L materialised; a few (a gradient step's) read M's strict lower triangle and exp(ω)
  /// directly: ζᵢ = μᵢ + Σ_{j<i} Mᵢⱼ εⱼ + exp(ωᵢ) εᵢ.
  func sample(noise: Tensor<Double>) -> Tensor<Double> {
    checkNoiseShape(noise)
    guard noise.shape[0] <= 4 else {
      var result = matmul(noise, transposed: false, materializedScaleTril(), transposed: true)
      result += mean
      return result
    }
    var draws = Tensor<Double>(zeros: noise.shape)
    reparameterizedSample(noise: noise, into: &draws)
    return draws
  }

  /// `sample(noise:)` written over `draws`; for more than 4 draws a new tensor is assigned.
  public func reparameterizedSample(noise: Tensor<Double>, into draws: inout Tensor<Double>) {
    checkNoiseShape(noise)
    let (rows, d) = (noise.shape[0], dimension)
    guard rows <= 4 else {
      draws = sample(noise: noise)
      return
    }
    prepareBuffer(&draws, rows: rows, columns: d)
    noise.withUnsafeBufferPointer { e in
      offDiagonal.withUnsafeBufferPointer { m in
        logDiagonal.withUnsafeBufferPointer { omega in
          mean.withUnsafeBufferPointer { mu in
            draws.withUnsafeMutableBufferPointer { z in
              for i in 0..<d {
                let diagonal = Double.exp(omega[i])
                for row in 0..<rows {
                  let noiseRow = row * d
                  var total = mu[i] + diagonal * e[noiseRow + i]
                  for j in 0..<i { total += m[i * d + j] * e[noiseRow + j] }
                  z[noiseRow + i] = total
                }
              }
            }
          }
        }
      }
    }
  }

  /// Σᵢ ωᵢ + (D/2)(1 + log 2π), summed in the order of ``entropy()``.
  public var entropyValue: Double { gaussianEntropyValue(logScales: logDiagonal) }

  /// The lower triangle (diagonal included) of Gᵀε for draws' gradients G and noise ε (both
  /// [L, D]), as [D, D] with zeros above the diagonal: only the triangle of L has gradients.
  static func lowerProduct(_ g: Tensor<Double>, _ noise: Tensor<Double>) -> Tensor<Double> {
    let (rows, d) = (g.shape[0], g.shape[1])
    guard rows <= 4 else {
      var full = matmul(g, transposed: true, noise, transposed: false)
      full.withUnsafeMutableBufferPointer { m in
        for i in 0..<d where i + 1 < d {
          for j in (i + 1)..<d { m[i * d + j] = 0 }
        }
      }
      return full
    }
    return g.withUnsafeBufferPointer { g in
      noise.withUnsafeBufferPointer { e in
        Tensor(shape: [d, d]) { m in
          m.initialize(repeating: 0)
          for row in 0..<rows {
            for i in 0..<d {
              let gi = g[row * d + i]
              for j in 0...i { m[i * d + j] += gi * e[row * d + j] }
            }
          }
        }
      }
    }
  }

  /// Exactly −½‖ε‖² − Σᵢ ωᵢ − (D/2) log 2π for each row ε of `noise`.
  public func logDensityOfSample(noise: Tensor<Double>) -> Tensor<Double> {
    gaussianLogDensityOfSample(noise: noise, logScales: logDiagonal)
  }

  /// log q(ζ) for each row ζ of `draws` ([L, D]): a tensor [L].
  @differentiable(reverse)
  public func logDensity(of draws: Tensor<Double>) -> Tensor<Double> {
    let centred = (draws - mean).transposed()
    let whitened = triangularSolve(scaleTril, centred)
    let constant = withoutDerivative(at: gaussianLogNormalizer(dimension: dimension))
    return -0.5 * whitened.squared().sum(squeezingAxes: [0]) - logDiagonal.sum() - constant
  }

  /// The entropy H[q] in nats, in closed form, as a scalar tensor.
  @differentiable(reverse)
  public func entropy() -> Tensor<Double> {
    logDiagonal.sum() + withoutDerivative(at: gaussianEntropyConstant(dimension: dimension))
  }

  /// LLᵀ.
  public func covariance() -> Tensor<Double> {
    let l = scaleTril
    return matmul(l, transposed: false, l, transposed: true)
  }

  /// The Euclidean norms of the rows of L.
  public func marginalStandardDeviations() -> Tensor<Double> {
    sqrt(scaleTril.squared().sum(squeezingAxes: [1]))
  }

  /// Calls `body` with each parameter tensor in the order of ``parameterKeyPaths`` (its index,
  /// the tensor to update in place, and its gradient from `gradient`).
  public mutating func updateParameters(
    along gradient: TangentVector, _ body: (Int, inout Tensor<Double>, Tensor<Double>) -> Void
  ) {
    body(0, &mean, gradient.mean)
    body(1, &offDiagonal, gradient.offDiagonal)
    body(2, &logDiagonal, gradient.logDiagonal)
  }

  /// Whether every scalar of `gradient` is finite.
  public func isFinite(_ gradient: TangentVector) -> Bool {
    gradient.mean.isFinite && gradient.offDiagonal.isFinite && gradient.logDiagonal.isFinite
  }

  /// The trainable tensors, in the fixed order that optimisers and checkpoints follow.
  public var parameterKeyPaths: [WritableKeyPath<FullRankGaussian, Tensor<Double>>] {
    [\.mean, \.offDiagonal, \.logDiagonal]
  }
  /// The gradients of the tensors of ``parameterKeyPaths``, in the same order.
  public var tangentKeyPaths: [WritableKeyPath<TangentVector, Tensor<Double>>] {
    [\.mean, \.offDiagonal, \.logDiagonal]
  }
}
