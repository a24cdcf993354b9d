import Distributions
import TensorCore
import _Differentiation

/// The eight schools model (Rubin 1981; Gelman et al., "Bayesian Data Analysis", section 5.5)
/// in its non-centred form, which suits ADVI and HMC better than the centred one:
/// ```
/// μ ~ N(0, 5²),   τ ~ HalfCauchy(5),   θ̃ⱼ ~ N(0, 1)
/// θⱼ = μ + τ θ̃ⱼ,   yⱼ ~ N(θⱼ, σⱼ²),   j = 1, …, 8
/// ```
/// with the estimated coaching effects y and their standard errors σ of the SAT study.
/// Parameters `mu`, `tau` (positive) and `theta_tilde` [8]; the school effects `theta.1` …
/// `theta.8` are reported as derived quantities.
public struct EightSchools: ProbabilisticModel {
  /// y, the estimated treatment effects.
  public let effects: [Double]
  /// σ, their standard errors.
  public let standardErrors: [Double]

  /// The model with the classic data (or other data of the same form).
  ///
  /// - Precondition: as many effects as standard errors, at least one, the effects finite and
  ///   the standard errors positive and finite.
  public init(
    effects: [Double] = [28, 8, -3, 7, -1, 1, 18, 12],
    standardErrors: [Double] = [15, 10, 16, 11, 9, 11, 10, 18]
  ) {
    userPrecondition(
      effects.count == standardErrors.count && !effects.isEmpty
        && effects.allSatisfy { $0.isFinite }
        && standardErrors.allSatisfy { $0 > 0 && $0.isFinite },
      "EightSchools: needs as many finite effects as positive, finite standard errors, at "
        + "least one; got effects \(effects) and standard errors \(standardErrors)")
    self.effects = effects
    self.standardErrors = standardErrors
  }

  /// The parameters, with their shapes and constraints.
  public var parameters: [ParameterDeclaration] {
    [
      ParameterDeclaration("mu"),
      ParameterDeclaration("tau", constraint: .positive),
      ParameterDeclaration("theta_tilde", shape: [effects.count]),
    ]
  }

  /// log p(θ, y) for each draw, up to a constant: [L].
  @differentiable(reverse)
  public func logJoint(_ parameters: ParameterValues) -> Tensor<Double> {
    let mu = parameters["mu"]
    let tau = parameters["tau"]
    let thetaTilde = parameters["theta_tilde"]
    let theta = mu + tau * thetaTilde
    let priors =
      Normal(mean: Tensor(0.0), standardDeviation: Tensor(5.0)).logProbability(of: mu)
      + HalfCauchy(scale: Tensor(5.0)).logProbability(of: tau)
      + Normal(mean: Tensor(0.0), standardDeviation: Tensor(1.0)).logProbability(of: thetaTilde)
      .sum(alongAxes: [1])
    let likelihood = Normal(mean: theta, standardDeviation: Tensor(standardErrors))
      .logProbability(of: Tensor(effects))
    return (priors + likelihood.sum(alongAxes: [1])).squeezingShape(at: [1])
  }

  /// θ = μ + τ θ̃, as `theta.1` … `theta.8`.
  public func derivedQuantities(_ parameters: ParameterValues) -> [DerivedQuantity] {
    let theta = parameters["mu"] + parameters["tau"] * parameters["theta_tilde"]
    return [DerivedQuantity("theta", values: theta)]
  }
}
