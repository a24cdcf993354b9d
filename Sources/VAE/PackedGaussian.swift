import TensorCore
import _Differentiation

/// The encoder's Gaussian q_φ(z | x) = N(μ, diag σ²) in the packed form the encoder head
/// produces, `parameters = [μ | log σ²]` of shape `[batch, 2d]`, with the two operations the
/// ELBO needs as fused primitives: a reparameterised sample and the KL divergence from the
/// prior N(0, I). Working on the packed tensor saves splitting it and concatenating the
/// gradients of the halves, and each primitive is one pass with one allocation each way.
public enum PackedGaussian {
  /// The number d of latent dimensions of packed parameters `[batch, 2d]`.
  @inlinable
  static func dimension(of parameters: Tensor<Float>) -> Int {
    userPrecondition(
      parameters.rank == 2 && parameters.shape[1] % 2 == 0,
      "PackedGaussian: parameters of shape \(parameters.shape) are not [batch, 2d]")
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
      "PackedGaussian.sample: noise of shape \(noise.shape) for parameters "
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
  public static func klDivergenceFromPrior(parameters: Tensor<Float>) -> Tensor<Float> {
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
  @derivative(of: klDivergenceFromPrior)
  static func _vjpKLDivergenceFromPrior(parameters: Tensor<Float>) -> (
    value: Tensor<Float>, pullback: (Tensor<Float>) -> Tensor<Float>
  ) {
    let (batch, d) = (parameters.shape[0], dimension(of: parameters))
    return (
      klDivergenceFromPrior(parameters: parameters),
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
