import Distributions
import Foundation
import TensorCore
import _Differentiation

extension VariationalAutoencoder {
  /// −log p_θ(x | z) summed over pixels, one value per row of `output`, for decoder outputs
  /// `output`. `x` may hold fewer rows, repeated for several samples per image (sample-major).
  ///
  /// Bernoulli: Σ softplus(l) − x·l (<doc:/documentation/TensorCore/summedSigmoidCrossEntropy(logits:labels:)>), the binary
  /// cross-entropy of the PyTorch example on grey levels. Gaussian:
  /// ```
  /// Σ ½ ((x − μ)/σ)² + log σ + ½ log 2π
  /// ```
  @differentiable(reverse, wrt: (self, output))
  public func negativeLogLikelihood(of x: Tensor<Float>, output: Tensor<Float>) -> Tensor<Float> {
    if configuration.likelihood == .bernoulli {
      return summedSigmoidCrossEntropy(logits: output, labels: x)
    }
    let x = Self.repeated(x, withoutDerivative(at: output.shape[0] / x.shape[0]))
    let logSigma = learnsScale ? logScale : withoutDerivative(at: logScale)
    let standardized = (x - output) * exp(-logSigma)
    let perPixel = 0.5 * standardized.squared() + logSigma + 0.5 * Float.log(2 * .pi)
    return perPixel.sum(squeezingAxes: [1])
  }

  /// The training objective's parts for a minibatch `x` (`[batch, inputSize]`), summed over
  /// the batch, as the vector `[loss, reconstruction, kl]` with
  /// `loss = reconstruction + klWeight · kl`:
  /// ```
  /// reconstruction = Σ_x (1/L) Σ_l −log p_θ(x | z_l),   z_l = μ + σ ⊙ ε_l
  /// kl             = Σ_x KL(q_φ(z | x) ‖ N(0, I))      (analytic)
  /// ```
  /// `noise` holds the L·batch standard-normal draws ε, `[samples·batch, latentDimension]`,
  /// sample-major. To differentiate only the loss, pull back `[1, 0, 0]`.
  @differentiable(reverse, wrt: self)
  public func negativeELBOTerms(
    _ x: Tensor<Float>, noise: Tensor<Float>, klWeight: Float
  ) -> Tensor<Float> {
    let posterior = encode(x)
    let samples = withoutDerivative(at: noise.shape[0] / x.shape[0])
    let z = Self.reparameterize(posterior, noise: noise)
    let reconstruction = negativeLogLikelihood(of: x, output: decode(z)).sum() / Float(samples)
    let kl = posterior.klDivergenceFromStandardNormal().sum()
    let loss = reconstruction + klWeight * kl
    return Tensor(concatenating: [
      loss.reshaped(to: [1]), reconstruction.reshaped(to: [1]), kl.reshaped(to: [1]),
    ])
  }

  /// The importance-weighted bound of Burda, Grosse & Salakhutdinov (2016), per row:
  /// ```
  /// log (1/K) Σ_k w_k,   w_k = p_θ(x | z_k) p(z_k) / q_φ(z_k | x),   z_k ~ q_φ(z | x)
  /// ```
  /// computed stably with `logMeanExp`. With K = 1 it is the one-sample ELBO; it never
  /// decreases with K and tends to log p(x). `noise` is `[K·batch, latentDimension]`,
  /// sample-major.
  @differentiable(reverse, wrt: self)
  public func importanceWeightedBound(_ x: Tensor<Float>, noise: Tensor<Float>) -> Tensor<Float> {
    let posterior = encode(x)
    let batch = withoutDerivative(at: x.shape[0])
    let samples = withoutDerivative(at: noise.shape[0] / batch)
    let z = Self.reparameterize(posterior, noise: noise)
    let logLikelihood = -negativeLogLikelihood(of: x, output: decode(z))
    // log p(z) − log q(z | x); the −(d/2) log 2π terms cancel, and (z − μ)/σ = ε.
    let logPrior = -0.5 * z.squared().sum(squeezingAxes: [1])
    let logVariance = posterior.logVariance
    let logPosterior =
      -0.5 * noise.squared().sum(squeezingAxes: [1])
      - 0.5 * Self.repeated(logVariance.sum(squeezingAxes: [1]), samples)
    let logWeights = (logLikelihood + logPrior - logPosterior).reshaped(to: [samples, batch])
    return logWeights.logMeanExp(alongAxis: 0).reshaped(to: [batch])
  }

  /// `x` stacked `count` times along the first axis (sample-major), for L or K samples per
  /// row; `x` itself when `count` is 1.
  @differentiable(reverse, wrt: x)
  static func repeated(_ x: Tensor<Float>, _ count: Int) -> Tensor<Float> {
    if count == 1 { return x }
    let shape = withoutDerivative(at: x.shape)
    return x.expandingShape(at: 0).broadcasted(to: [count] + shape)
      .reshaped(to: [count * shape[0]] + Array(shape.dropFirst()))
  }
}
