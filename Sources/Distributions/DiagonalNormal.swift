import TensorCore
import _Differentiation

/// A batch of diagonal normal distributions N(μᵢ, diag σᵢ²), one per row, stored packed as
/// `[μ | log σ²]` (`[batch, 2d]`): the form a VAE's encoder head produces, q_φ(z | x) of
/// Kingma & Welling (2014). Its two operations in the ELBO, the reparameterised sample and
/// the KL divergence from N(0, I), are fused primitives on the packed tensor: no split of it,
/// no concatenation of the halves' gradients, one pass and one allocation each way.
public struct DiagonalNormal: Differentiable {
  /// `[μ | log σ²]`, `[batch, 2d]`.
  public var parameters: Tensor<Float>

  /// The distributions whose means and log-variances are the two halves of each row of
  /// `parameters` (`[batch, 2d]`).
  @differentiable(reverse)
  public init(packed parameters: Tensor<Float>) {
    self.parameters = parameters
  }

  /// d, the dimension of each distribution.
  public var dimension: Int { Self.dimension(of: parameters) }

  /// The means μ, `[batch, d]`.
  @differentiable(reverse)
  public var mean: Tensor<Float> {
    let d = withoutDerivative(at: dimension)
    return parameters.split(sizes: [d, d], alongAxis: 1)[0]
  }

  /// The log-variances log σ², `[batch, d]`.
  @differentiable(reverse)
  public var logVariance: Tensor<Float> {
    let d = withoutDerivative(at: dimension)
    return parameters.split(sizes: [d, d], alongAxis: 1)[1]
  }

  /// z = μ + σ ⊙ ε, the reparameterised draws for `noise` (`[L·batch, d]` standard-normal
  /// draws, sample-major): ``sample(parameters:noise:)``.
  @differentiable(reverse, wrt: self)
  public func sample(noise: Tensor<Float>) -> Tensor<Float> {
    Self.sample(parameters: parameters, noise: noise)
  }

  /// KL(N(μᵢ, diag σᵢ²) ‖ N(0, I)) for each row, `[batch]`:
  /// ``klDivergenceFromStandardNormal(parameters:)``.
  @differentiable(reverse, wrt: self)
  public func klDivergenceFromStandardNormal() -> Tensor<Float> {
    Self.klDivergenceFromStandardNormal(parameters: parameters)
  }

  /// The KL divergence from N(0, 1) of each coordinate, `[batch, d]`: the per-dimension terms
  /// of ``klDivergenceFromStandardNormal()``, by Distributions' `klDivergenceToStandardNormal`.
  public func klDivergencePerDimension() -> Tensor<Float> {
    klDivergenceToStandardNormal(
      from: Normal(mean: mean, standardDeviation: exp(0.5 * logVariance)))
  }
  /// The number d of latent dimensions of packed parameters `[batch, 2d]`.
  @inlinable
  static func dimension(of parameters: Tensor<Float>) -> Int {
    userPrecondition(
      parameters.rank == 2 && parameters.shape[1] % 2 == 0,
      "DiagonalNormal: parameters of shape \(parameters.shape) are not [batch, 2d]")
    return parameters.shape[1] / 2
  }

  /// z = μ + σ ⊙ ε with σ = exp(½ log σ²) (the reparameterisation trick of Kingma & Welling
  /// 2014), for L samples per row: `noise` is `[L·batch, d]` standard-normal draws stacked
  /// sample-major, and row r of the result uses the parameters of row r mod batch.
  ///
  /// The pullback sums over the L samples of each row:
  /// ```
  /// μ̄ = Σ_l z̄,   (log σ²)̄ = Σ_l z̄ ⊙ ε ⊙ ½σ
  /// ```
  @differentiable(reverse, wrt: parameters)
  public static func sample(parameters: Tensor<Float>, noise: Tensor<Float>) -> Tensor<Float> {
    _sample(parameters, noise).z
  }

  @usableFromInline
  @derivative(of: sample, wrt: parameters)
  static func _vjpSample(parameters: Tensor<Float>, noise: Tensor<Float>) -> (
    value: Tensor<Float>, pullback: (Tensor<Float>) -> Tensor<Float>
  ) {
    let (z, sigma) = _sample(parameters, noise)
    let (batch, d) = (parameters.shape[0], dimension(of: parameters))
    return (
      z,
      { g in
        let g = g.scalarCount == 1 ? Tensor(repeating: g.scalars[0], shape: z.shape) : g
        var result = [Float](repeating: 0, count: batch * 2 * d)
        g.withUnsafeBufferPointer { g in
          noise.withUnsafeBufferPointer { epsilon in
            sigma.withUnsafeBufferPointer { sigma in
              for row in 0..<(batch == 0 ? 0 : z.shape[0]) {
                let i = row % batch
                for j in 0..<d {
                  let gz = g[row * d + j]
                  result[i * 2 * d + j] += gz
                  result[i * 2 * d + d + j] += gz * epsilon[row * d + j] * 0.5 * sigma[i * d + j]
                }
              }
            }
          }
        }
        return Tensor(shape: parameters.shape, scalars: result)
      }
    )
  }

  /// The sample and σ = exp(½ log σ²), `[batch, d]`.
  static func _sample(
    _ parameters: Tensor<Float>, _ noise: Tensor<Float>
  ) -> (z: Tensor<Float>, sigma: Tensor<Float>) {
    let (batch, d) = (parameters.shape[0], dimension(of: parameters))
    userPrecondition(
      noise.rank == 2 && noise.shape[1] == d && batch > 0 && noise.shape[0] % batch == 0,
      "DiagonalNormal.sample: noise of shape \(noise.shape) for parameters "
        + "\(parameters.shape) (needs [L·\(batch), \(d)])")
    let sigma = parameters.withUnsafeBufferPointer { p in
      Tensor<Float>(shape: [batch, d]) { sigma in
        for i in 0..<batch {
          for j in 0..<d { sigma[i * d + j] = Float.exp(0.5 * p[i * 2 * d + d + j]) }
        }
      }
    }
    let z = parameters.withUnsafeBufferPointer { p in
      noise.withUnsafeBufferPointer { epsilon in
        sigma.withUnsafeBufferPointer { sigma in
          Tensor<Float>(shape: noise.shape) { z in
            for row in 0..<noise.shape[0] {
              let i = row % batch
              for j in 0..<d {
                z[row * d + j] = p[i * 2 * d + j] + sigma[i * d + j] * epsilon[row * d + j]
              }
            }
          }
        }
      }
    }
    return (z, sigma)
  }

  /// KL(N(μ, diag σ²) ‖ N(0, I)) per row, in closed form (Kingma & Welling 2014, appendix B):
  /// ```
  /// ½ Σⱼ (μⱼ² + σⱼ² − log σⱼ² − 1),   with pullback  μ̄ = ḡ μ,  (log σ²)̄ = ḡ ½(σ² − 1)
  /// ```
  @differentiable(reverse)
  public static func klDivergenceFromStandardNormal(parameters: Tensor<Float>) -> Tensor<Float> {
    let (batch, d) = (parameters.shape[0], dimension(of: parameters))
    return parameters.withUnsafeBufferPointer { p in
      Tensor<Float>(shape: [batch]) { kl in
        for i in 0..<batch {
          var total: Float = 0
          for j in 0..<d {
            let mean = p[i * 2 * d + j]
            let logVariance = p[i * 2 * d + d + j]
            total += 0.5 * (mean * mean + Float.exp(logVariance) - logVariance - 1)
          }
          kl[i] = total
        }
      }
    }
  }

  @usableFromInline
  @derivative(of: klDivergenceFromStandardNormal)
  static func _vjpKLDivergenceFromStandardNormal(parameters: Tensor<Float>) -> (
    value: Tensor<Float>, pullback: (Tensor<Float>) -> Tensor<Float>
  ) {
    let (batch, d) = (parameters.shape[0], dimension(of: parameters))
    return (
      klDivergenceFromStandardNormal(parameters: parameters),
      { g in
        let single = g.scalarCount == 1 && g.shape != [batch]
        return g.withUnsafeBufferPointer { g in
          parameters.withUnsafeBufferPointer { p in
            Tensor<Float>(shape: parameters.shape) { result in
              for i in 0..<batch {
                let scale = g[single ? 0 : i]
                for j in 0..<d {
                  let logVariance = p[i * 2 * d + d + j]
                  result[i * 2 * d + j] = scale * p[i * 2 * d + j]
                  result[i * 2 * d + d + j] = scale * 0.5 * (Float.exp(logVariance) - 1)
                }
              }
            }
          }
        }
      }
    )
  }
}
