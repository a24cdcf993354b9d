import RealModule
import TensorCore
import _Differentiation

/// The ELBO of a model's log joint in the unconstrained space, and its estimators:
/// ```
/// log p̃(ζ) = log p(x, T(ζ)) + log |det J_T(ζ)|
/// ELBO(λ) = E_q[log p̃(ζ)] − E_q[log q(ζ; λ)] ≤ log p(x)
/// ```
/// (Kucukelbir et al. 2017, eq. 6). Every estimate is vectorised over the L draws: the rows of
/// an [L, D] matrix go through the bijectors and the log joint together.
public struct VariationalObjective {
  /// Where each parameter sits in ζ.
  public let layout: ParameterLayout
  /// The log joint in the constrained space, vectorised over draws.
  public let logJoint: @differentiable(reverse) (ParameterValues) -> Tensor<Double>
  /// log p̃(ζ), composed once for the layout: differentiated code records a heap-boxed trace of
  /// every branch it takes, which at the sizes of a regression's step costs as much as an
  /// operation, so the branches on the layout are taken here rather than at every evaluation.
  let unconstrainedLogDensity: @differentiable(reverse) (Tensor<Double>) -> Tensor<Double>
  /// log p̃(ζ) and ∇ζ log p̃(ζ) for each row of ζ ([L, D]), written over an [L] and an [L, D]
  /// tensor, when the model computes them itself (``ClosedFormGradientModel``) and every
  /// parameter is unconstrained; steps then differentiate nothing.
  let logDensityAndGradient: LogDensityAndGradient?

  /// Writes log p̃ and ∇ log p̃ of the rows of its first argument over the other two.
  typealias LogDensityAndGradient = (Tensor<Double>, inout Tensor<Double>, inout Tensor<Double>)
    -> Void

  /// The objective of `model` on the data rows `rows` with the likelihood scaled by `scale`
  /// (a minibatch, or every row with scale 1), shared among `processes`: each evaluates the
  /// likelihood of its share of `rows` (`ProcessGroup.share(of:)`), process 0 adds the prior
  /// (see ``init(layout:part:processes:)``).
  ///
  /// - Precondition: `rows` has at least one row per process (`fit` checks).
  static func partitioned(
    _ model: some MinibatchModel, layout: ParameterLayout, rows: [Int], scale: Double,
    processes: any ProcessGroup
  ) -> VariationalObjective {
    let share = Array(rows[processes.share(of: rows.count)])
    let part: @differentiable(reverse) (ParameterValues) -> Tensor<Double>
    if processes.isMain {
      part = { model.logPrior($0) + scale * model.logLikelihood($0, rows: share) }
    } else {
      part = { scale * model.logLikelihood($0, rows: share) }
    }
    return VariationalObjective(layout: layout, part: part, processes: processes)
  }

  /// The objective of `model`.
  ///
  /// - Throws: ``InferenceError/invalidModel(_:)`` when the declarations are unusable.
  public init(_ model: some ProbabilisticModel) throws(InferenceError) {
    let layout = try ParameterLayout(model.parameters)
    var logDensityAndGradient: LogDensityAndGradient?
    if layout.isIdentity, let model = model as? any ClosedFormGradientModel {
      logDensityAndGradient = { model.logJointAndGradient($0, values: &$1, gradients: &$2) }
    }
    self.init(
      layout: layout, logJoint: { model.logJoint($0) },
      logDensityAndGradient: logDensityAndGradient)
  }

  /// The objective of a log joint over the parameters of `layout`.
  public init(
    layout: ParameterLayout,
    logJoint: @escaping @differentiable(reverse) (ParameterValues) -> Tensor<Double>
  ) {
    self.init(layout: layout, logJoint: logJoint, logDensityAndGradient: nil)
  }

  /// The objective of `logJoint`; `includesJacobian: false` leaves out the log-Jacobian of the
  /// constraints (for the parts of a shared log joint but one, ``init(layout:part:processes:)``).
  init(
    layout: ParameterLayout,
    logJoint: @escaping @differentiable(reverse) (ParameterValues) -> Tensor<Double>,
    logDensityAndGradient: LogDensityAndGradient?, includesJacobian: Bool = true
  ) {
    self.layout = layout
    self.logJoint = logJoint
    self.logDensityAndGradient = logDensityAndGradient
    if layout.declarations.count == 1 && layout.isIdentity {
      unconstrainedLogDensity = { logJoint(ParameterValues(tensors: [$0], layout: layout)) }
    } else if layout.isIdentity || !includesJacobian {
      unconstrainedLogDensity = { logJoint(layout.constrain($0)) }
    } else {
      unconstrainedLogDensity = {
        logJoint(layout.constrain($0)) + layout.logAbsDeterminant($0)
      }
    }
  }

  /// The objective of a log joint shared among `processes`: process r evaluates `part` (its
  /// share of the data rows; process 0 also the prior), and
  /// ```
  /// log p̃(ζ) = Σᵣ partᵣ(T(ζ)) + log |det J_T(ζ)|
  /// ```
  /// comes out whole on every process (the sum by `summed(_:across:)`, the gradient by
  /// `shared(_:across:)`; the Jacobian term is counted once, on process 0). Every process must
  /// then evaluate it the same number of times, in the same order. ``logJoint`` is the part.
  init(
    layout: ParameterLayout,
    part: @escaping @differentiable(reverse) (ParameterValues) -> Tensor<Double>,
    processes: any ProcessGroup
  ) {
    let local = VariationalObjective(
      layout: layout, logJoint: part, logDensityAndGradient: nil,
      includesJacobian: processes.isMain)
    self.layout = layout
    self.logJoint = part
    self.logDensityAndGradient = nil
    unconstrainedLogDensity = { unconstrained in
      let part = local.logDensity(unconstrained: shared(unconstrained, across: processes))
      return summed(part, across: processes)
    }
  }

  /// log p̃(ζ) for each row of `unconstrained` ([L, D]), as [L].
  @differentiable(reverse, wrt: unconstrained)
  public func logDensity(unconstrained: Tensor<Double>) -> Tensor<Double> {
    unconstrainedLogDensity(unconstrained)
  }

  /// −ELBO estimated from the draws g(ε; λ) of the rows ε of `noise`
  /// ([L, family.noiseDimension]) with `estimator`, rank 0; differentiable in the family.
  /// (The optimisation steps call the estimator's own function, keeping this `switch` out of
  /// their differentiated code.)
  @differentiable(reverse, wrt: family)
  public func negativeELBO<Family: VariationalFamily>(
    _ family: Family, noise: Tensor<Double>, estimator: GradientEstimator
  ) -> Tensor<Double> {
    switch estimator {
    case .closedFormEntropy: return closedFormNegativeELBO(family, noise: noise)
    case .monteCarlo: return monteCarloNegativeELBO(family, noise: noise)
    case .stickingTheLanding: return stickingTheLandingNegativeELBO(family, noise: noise)
    }
  }

  /// −(mean log p̃(ζ) + H[q]): the closed-form entropy estimator.
  @differentiable(reverse, wrt: family)
  func closedFormNegativeELBO<Family: VariationalFamily>(
    _ family: Family, noise: Tensor<Double>
  ) -> Tensor<Double> {
    let draws = family.reparameterizedSample(noise: noise)
    return -(logDensity(unconstrained: draws).mean() + family.entropy())
  }

  /// −mean(log p̃(ζ) − log q(ζ)): the Monte-Carlo estimator.
  @differentiable(reverse, wrt: family)
  func monteCarloNegativeELBO<Family: VariationalFamily>(
    _ family: Family, noise: Tensor<Double>
  ) -> Tensor<Double> {
    let draws = family.reparameterizedSample(noise: noise)
    return -(logDensity(unconstrained: draws) - family.logDensity(of: draws)).mean()
  }

  /// The Monte-Carlo estimator with log q's parameters held fixed ("sticking the landing",
  /// Roeder et al. 2017): the path derivative only.
  @differentiable(reverse, wrt: family)
  func stickingTheLandingNegativeELBO<Family: VariationalFamily>(
    _ family: Family, noise: Tensor<Double>
  ) -> Tensor<Double> {
    let draws = family.reparameterizedSample(noise: noise)
    let frozen = withoutDerivative(at: family)
    return -(logDensity(unconstrained: draws) - frozen.logDensity(of: draws)).mean()
  }

  /// log p̃(ζ) − log q(ζ) for the draws of the rows of `noise`: the log importance weights of
  /// q as a proposal for the posterior, whose mean estimates the ELBO.
  public func logImportanceWeights<Family: VariationalFamily>(
    _ family: Family, noise: Tensor<Double>
  ) -> (logWeights: [Double], logP: [Double], logQ: [Double]) {
    let draws = family.reparameterizedSample(noise: noise)
    let logP = logDensity(unconstrained: draws).scalars
    let logQ = family.logDensityOfSample(noise: noise).scalars
    return (zip(logP, logQ).map { $0 - $1 }, logP, logQ)
  }

  /// The ELBO estimated as the mean log importance weight over the draws of `noise`, with its
  /// Monte-Carlo standard error. Non-finite weights make the estimate non-finite.
  public func estimateELBO<Family: VariationalFamily>(
    _ family: Family, noise: Tensor<Double>
  ) -> ELBOEstimate {
    ELBOEstimate(logWeights: logImportanceWeights(family, noise: noise).logWeights)
  }

  /// The importance-weighted bound of Burda, Grosse & Salakhutdinov (2016, "Importance weighted
  /// autoencoders", ICLR) with K samples, averaged over groups:
  /// ```
  /// IWAE_K = E[log (1/K) Σₖ exp(log p̃(ζₖ) − log q(ζₖ))],    ELBO = IWAE₁ ≤ IWAE_K ≤ log p(x)
  /// ```
  /// The rows of `noise` are taken K at a time, so it needs a multiple of K rows. Each group's
  /// log-mean-exp is computed stably (`Tensor.logMeanExp(alongAxis:)`, shifted by its maximum).
  ///
  /// - Precondition: `samples ≥ 1` divides the number of rows of `noise`.
  public func importanceWeightedBound<Family: VariationalFamily>(
    _ family: Family, noise: Tensor<Double>, samples: Int
  ) -> ELBOEstimate {
    userPrecondition(
      samples >= 1 && noise.shape[0] % samples == 0,
      "importanceWeightedBound: \(noise.shape[0]) noise rows are not groups of \(samples)")
    let logWeights = logImportanceWeights(family, noise: noise).logWeights
    let groups = Tensor(shape: [logWeights.count / samples, samples], scalars: logWeights)
    return ELBOEstimate(logWeights: groups.logMeanExp(alongAxis: 1).scalars)
  }
}

/// A Monte-Carlo estimate: the mean of some terms and its standard error sd/√n.
public struct ELBOEstimate: Hashable, Sendable {
  /// The mean of the terms.
  public var value: Double
  /// The standard error of the mean (0 for one term).
  public var standardError: Double

  /// The mean and standard error of `logWeights`.
  public init(logWeights: [Double]) {
    let n = Double(logWeights.count)
    let mean = logWeights.reduce(0, +) / n
    var squares = 0.0
    for w in logWeights { squares += (w - mean) * (w - mean) }
    value = mean
    standardError = logWeights.count > 1 ? (squares / (n - 1) / n).squareRoot() : 0
  }
}
