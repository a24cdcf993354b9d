import RealModule
import TensorCore
import _Differentiation

/// The beta distribution on the unit interval with concentrations α and β: mean α/(α + β).
///
/// ```
/// log p(x) = (α − 1) log x + (β − 1) log(1 − x) − log B(α, β),   0 < x < 1,
/// log B(α, β) = log Γ(α) + log Γ(β) − log Γ(α + β)
/// ```
///
/// log(1 − x) is evaluated as `log(onePlus: −x)`, accurate for small x. Values outside the
/// open interval (0, 1) give −∞ (the boundary has probability zero).
///
/// Sampled as X/(X + Y) = σ(log X − log Y) for X ~ Gamma(α, 1), Y ~ Gamma(β, 1), in log space
/// so small concentrations do not give 0/0. Reparameterised through (log X, log Y) with the
/// implicit gamma gradients of ``Gamma``; the noise has a trailing axis of size 2 holding
/// log X and log Y.
public struct Beta<Scalar: TensorScalar>:
  ParameterizedDistribution, ReparameterizedDistribution, AnalyticEntropy
{
  /// The concentration α > 0 that pulls mass toward 1.
  public var alpha: Tensor<Scalar>
  /// The concentration β > 0 that pulls mass toward 0.
  public var beta: Tensor<Scalar>

  /// Creates the beta distribution; the parameters broadcast to the batch shape.
  ///
  /// - Parameters:
  ///   - alpha: α, positive.
  ///   - beta: β, positive (the domains are not checked here: see ``validated()``).
  /// - Precondition: the shapes broadcast (checked here, with a message naming the
  ///   distribution).
  @inlinable
  @differentiable(reverse)
  public init(alpha: Tensor<Scalar>, beta: Tensor<Scalar>) {
    _ = broadcastShape(alpha.shape, beta.shape, operation: "Beta")
    self.alpha = alpha
    self.beta = beta
  }

  /// The parameters and their domains, from which `batchShape` and `validated()` derive.
  @inlinable
  public var namedParameters: [NamedParameter<Scalar>] {
    [NamedParameter("alpha", alpha, .positive), NamedParameter("beta", beta, .positive)]
  }

  /// The elementwise log density (α − 1) log x + (β − 1) log(1 − x) − log B(α, β), −∞ outside
  /// (0, 1).
  @inlinable
  @differentiable(reverse)
  public func logProbability(of value: Tensor<Scalar>) -> Tensor<Scalar> {
    let support = Support.openUnitInterval.membership(of: withoutDerivative(at: value))
    let x = value.replacing(outside: support.inside, with: 0.5)
    let density =
      (alpha - 1) * log(x) + (beta - 1) * log(onePlus: -x) - logBeta(alpha, beta)
    return density + support.logIndicator
  }

  /// The entropy
  /// ```
  /// H = log B(α, β) − (α − 1)ψ(α) − (β − 1)ψ(β) + (α + β − 2)ψ(α + β),
  /// ```
  /// with ψ the digamma function.
  @inlinable
  @differentiable(reverse)
  public func entropy() -> Tensor<Scalar> {
    let total = alpha + beta
    return logBeta(alpha, beta) - (alpha - 1) * digamma(alpha) - (beta - 1) * digamma(beta)
      + (total - 2) * digamma(total)
  }

  /// Noise of shape `sampleShape + batchShape + [2]`: log X and log Y for X ~ Gamma(α, 1),
  /// Y ~ Gamma(β, 1), drawn with the current concentrations.
  @inlinable
  public func sampleNoise(
    sampleShape: [Int], using generator: inout some RandomNumberGenerator
  ) -> Tensor<Scalar> {
    let batchShape = self.batchShape
    let concentrations = Tensor(
      concatenating: [
        alpha.broadcasted(to: batchShape).expandingShape(at: -1),
        beta.broadcasted(to: batchShape).expandingShape(at: -1),
      ],
      alongAxis: -1)
    return logGammaDraws(
      concentration: concentrations.broadcasted(to: sampleShape + batchShape + [2]),
      using: &generator)
  }

  /// z = σ(log X − log Y) = X/(X + Y), with the implicit gradients of log X in α and of log Y
  /// in β.
  ///
  /// - Precondition: the noise was drawn by ``sampleNoise(sampleShape:using:)`` with the same
  ///   concentrations.
  @inlinable
  @differentiable(reverse)
  public func reparameterizedSample(noise: Tensor<Scalar>) -> Tensor<Scalar> {
    let shape = withoutDerivative(at: Array(noise.shape.dropLast()))
    let logDraws = noise.split(sizes: [1, 1], alongAxis: -1)
    let logX = logDraws[0].reshaped(to: shape)
      .implicitLogGammaDraws(concentration: alpha.broadcasted(to: shape))
    let logY = logDraws[1].reshaped(to: shape)
      .implicitLogGammaDraws(concentration: beta.broadcasted(to: shape))
    return sigmoid(logX - logY)
  }
}
