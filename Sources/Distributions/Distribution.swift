import TensorCore
import _Differentiation

/// A probability distribution over tensors of scalars: a log density to score values with, and a
/// sampler.
///
/// Conforming types are plain structs whose parameters are `Tensor<Scalar>` stored properties.
/// Parameters broadcast against each other under NumPy's rules; their common shape is the
/// distribution's *batch shape*, one independent distribution per element. Because a
/// distribution is `Differentiable`, a gradient taken through ``logProbability(of:)`` comes back
/// with the distribution's shape: one tangent tensor per parameter.
///
/// Automatic differentiation and throwing do not mix in Swift 6.3, so log densities never
/// throw; each type offers a throwing `validated()` that checks its parameters' domains, to
/// call where parameters come from users or data.
public protocol Distribution: Differentiable {
  /// The floating-point type of values and parameters.
  associatedtype Scalar: TensorScalar

  /// The log density (or, for discrete distributions, the log mass) of `value`, elementwise.
  ///
  /// `value` broadcasts against the batch shape; for a distribution over vectors (such as
  /// ``MultivariateNormal``) the last axis of `value` is the event and is reduced. Values
  /// outside the support give −∞. Differentiable with respect to both `value` and the
  /// distribution's parameters.
  @differentiable(reverse)
  func logProbability(of value: Tensor<Scalar>) -> Tensor<Scalar>

  /// Independent draws of shape `sampleShape + batchShape` (`+ eventShape` for distributions
  /// over vectors). Not differentiable; see ``ReparameterizedDistribution`` for that.
  func sample(
    sampleShape: [Int], using generator: inout some RandomNumberGenerator
  ) -> Tensor<Scalar>
}

extension Distribution {
  /// One draw of the batch shape (and event shape, for distributions over vectors).
  @inlinable
  public func sample(using generator: inout some RandomNumberGenerator) -> Tensor<Scalar> {
    sample(sampleShape: [], using: &generator)
  }
}

/// A distribution whose samples can be written as a differentiable function of its parameters
/// and of parameter-free noise, z = g(ε; θ): the *reparameterisation trick* (Kingma & Welling
/// 2014, "Auto-Encoding Variational Bayes"), which gives low-variance pathwise gradients of
/// expectations, ∇_θ E[f(z)] = E[∇_θ f(g(ε; θ))].
///
/// Sampling is split in two because Swift 6.3 cannot differentiate a call that passes an
/// `inout` generator: draw ε outside the differentiated code with
/// ``sampleNoise(sampleShape:using:)``, then map it inside with
/// ``reparameterizedSample(noise:)``:
/// ```swift
/// let noise = posterior.sampleNoise(sampleShape: [16], using: &generator)
/// let gradient = gradient(at: posterior) { q in
///   let z = q.reparameterizedSample(noise: noise)
///   return (model.logJoint(z) - q.logProbability(of: z)).mean().scalarized()
/// }
/// ```
///
/// Location–scale families map standard noise explicitly (``Normal``: z = μ + σε). The gamma
/// family and those built from it (``Gamma``, ``InverseGamma``, ``Beta``, ``StudentT``) use
/// *implicit* reparameterisation gradients (Figurnov, Mohamed & Mnih 2018): their noise is a
/// log-gamma draw made with the current concentration, and the gradient with respect to the
/// concentration is taken at the draw's fixed quantile. For them, noise must be drawn with the
/// same parameters it is mapped with.
public protocol ReparameterizedDistribution: Distribution {
  /// Draws the noise ε of shape `sampleShape + batchShape`, e.g. standard normal draws for
  /// ``Normal``; with a trailing event axis for ``MultivariateNormal``, and a trailing axis of
  /// size 2 holding the two noise components of ``Beta`` and ``StudentT``.
  func sampleNoise(
    sampleShape: [Int], using generator: inout some RandomNumberGenerator
  ) -> Tensor<Scalar>

  /// The sample z = g(ε; θ) for noise ε drawn by ``sampleNoise(sampleShape:using:)``,
  /// differentiable with respect to the parameters θ (and ε).
  @differentiable(reverse)
  func reparameterizedSample(noise: Tensor<Scalar>) -> Tensor<Scalar>
}

extension ReparameterizedDistribution {
  /// Draws noise and maps it through ``reparameterizedSample(noise:)``.
  @inlinable
  public func sample(
    sampleShape: [Int], using generator: inout some RandomNumberGenerator
  ) -> Tensor<Scalar> {
    reparameterizedSample(noise: sampleNoise(sampleShape: sampleShape, using: &generator))
  }
}

/// A distribution whose entropy has a closed form.
public protocol AnalyticEntropy: Distribution {
  /// The differential (or, for discrete distributions, Shannon) entropy in nats,
  /// H = −E[log p(x)], one value per batch element. Differentiable in the parameters.
  @differentiable(reverse)
  func entropy() -> Tensor<Scalar>
}
