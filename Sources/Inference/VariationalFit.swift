import TensorCore

/// The outcome of ``fit(_:family:options:progress:)-(ProbabilisticModel,_,_,_)``: the approximation q in the unconstrained
/// space, how the optimisation went, and the ELBO estimated at the end with many draws.
///
/// Draw from it with ``draws(count:seed:)`` to get constrained values by name, summaries, the
/// Pareto k̂ and CSV; ``summaryJSON(draws:)`` gives the JSON summary.
public struct VariationalFit {
  /// Where each parameter sits in the unconstrained space.
  public let layout: ParameterLayout
  /// The fitted q over the unconstrained space (an average of the final iterates when that had
  /// the higher ELBO; see ``averagedIterations``).
  public let approximation: any VariationalFamily
  /// The family's kind, for reports ("meanfield", …, or the type name of a custom family).
  public let familyName: String
  /// The ELBO of ``approximation`` from ``FitOptions/finalELBOSamples`` fresh draws, with its
  /// standard error.
  public let elbo: ELBOEstimate
  /// The optimisation iterations run (adaptation not included).
  public let iterations: Int
  /// The number of evaluations of ∇ log p̃ the fit made, one per draw: the cost of a fit in
  /// the unit that compares algorithms (ELBO estimates for reporting not included).
  public let gradientEvaluations: Int
  /// Whether the algorithm's own rule says the optimum was reached: for the deterministic fit,
  /// every L-BFGS run met its gradient tolerance and the Monte-Carlo error met
  /// ``FitOptions/monteCarloTolerance``; for the stochastic fit, Stan's relative-ELBO rule
  /// fired before the iteration limit (which does not mean that q is at the optimum).
  public let converged: Bool
  /// The learning rate used: the adapted or given η, or the Adam/SGD rate.
  public let learningRate: Double
  /// The candidates of the step-size adaptation, when it ran.
  public let adaptation: StepSizeAdaptation.Outcome?
  /// Every ELBO evaluation of the convergence rule, in order.
  public let trace: [ELBOEvaluation]
  /// How many of the final iterates ``approximation`` averages; 0 when it is the last iterate.
  public let averagedIterations: Int
  /// Things the user should know that did not stop the fit (e.g. no convergence).
  public let warnings: [String]
  /// The wall-clock seconds of the fit.
  public let seconds: Double
  /// The seed of the fit; draws default to a seed derived from it.
  public let seed: UInt64

  /// The algorithm that ran.
  public let algorithm: FitAlgorithm
  /// The number of fixed draws of the final deterministic fit (nil for the stochastic one).
  public let drawCount: Int?
  /// The Monte-Carlo standard error of each constrained parameter's mean under q, in
  /// posterior standard deviations, in the order of ``ParameterLayout/elementNames``:
  /// half the difference between fits on two independent draw sets (deterministic fit only).
  public let monteCarloStandardErrors: [Double]?

  let objective: VariationalObjective
  let derive: (ParameterValues) -> [DerivedQuantity]

  /// One evaluation of the convergence rule.
  public struct ELBOEvaluation: Hashable, Sendable {
    /// The iteration it followed.
    public var iteration: Int
    /// The ELBO estimate from ``FitOptions/elboSamples`` draws.
    public var elbo: Double
    /// The rule's statistics at this evaluation.
    public var check: ConvergenceMonitor.Check
  }

  /// `count` draws from q, mapped to the constrained space, with log p̃, log q and the derived
  /// quantities; the same seed gives the same draws (by default one derived from the fit's).
  ///
  /// The draws come in antithetic pairs g(±ε) whose noise is whitened (`WhitenedNoise`:
  /// sample mean exactly 0, sample covariance exactly I, when there are at least twice as many
  /// draws as noise dimensions), so that the summary's means and sds of unconstrained
  /// parameters are q's own, and those of constrained ones carry far less Monte-Carlo error
  /// than independent draws would give. Each draw is still distributed as q. An odd count adds
  /// one independent draw. The Pareto k̂ needs independent draws (near the optimum a draw and
  /// its mirror image have almost the same importance ratio, and the ties inflate k̂): it
  /// comes from `count` more draws, independent ones.
  ///
  /// - Precondition: `count ≥ 1`.
  public func draws(count: Int = 1000, seed: UInt64? = nil) -> PosteriorDraws {
    userPrecondition(count >= 1, "draws(count:): count \(count) must be ≥ 1")
    var generator = Xoshiro256StarStar(seed: seed ?? (self.seed &+ 0x9E37_79B9_7F4A_7C15))
    let width = approximation.noiseDimension
    var scalars =
      count >= 2
      ? WhitenedNoise(pairs: count / 2, dimension: width, using: &generator).rows.scalars : []
    if count % 2 == 1 {
      scalars += Tensor<Double>(randomNormal: [1, width], using: &generator).scalars
    }
    let noise = Tensor<Double>(shape: [count, width], scalars: scalars)
    let unconstrained = approximation.reparameterizedSample(noise: noise)
    let values = layout.constrain(unconstrained)
    let logP = objective.logDensity(unconstrained: unconstrained).scalars
    let logQ = approximation.logDensityOfSample(noise: noise).scalars
    var blocks: [(names: [String], values: Tensor<Double>)] = []
    for (index, declaration) in layout.declarations.enumerated() {
      blocks.append((declaration.elementNames, values.tensors[index]))
    }
    for quantity in derive(values) {
      blocks.append((quantity.elementNames, quantity.values))
    }
    // The independent draws: the first `count` give k̂, all of them the scale check.
    var check = ScaleCheck.Accumulator(width: layout.elementNames.count)
    var paretoLogWeights: [Double] = []
    let checkCount = Swift.max(count, ScaleCheck.drawCount)
    while check.count < checkCount {
      let rows =
        check.count == 0
        ? count : Swift.min(Swift.max(count, 1024), checkCount - check.count)
      let chunk = independentDraws(noise: Tensor(randomNormal: [rows, width], using: &generator))
      if check.count == 0 { paretoLogWeights = chunk.logWeights }
      check.add(values: chunk.values, logWeights: chunk.logWeights)
    }
    return PosteriorDraws(
      blocks: blocks, logP: logP, logQ: logQ, paretoLogWeights: paretoLogWeights,
      scaleCheck: ScaleCheck(
        names: layout.elementNames, count: check.count, ratios: check.ratios()))
  }

  /// The constrained parameters of the draws g(ε) of `noise` ([S, noise dimension]), row after
  /// row, and their log importance ratios log p̃ − log q.
  private func independentDraws(noise: Tensor<Double>) -> (values: [Double], logWeights: [Double]) {
    let unconstrained = approximation.reparameterizedSample(noise: noise)
    let logP = objective.logDensity(unconstrained: unconstrained).scalars
    let logQ = approximation.logDensityOfSample(noise: noise).scalars
    let columns = Tensor(concatenating: layout.constrain(unconstrained).tensors, alongAxis: 1)
    return (columns.scalars, zip(logP, logQ).map { $0 - $1 })
  }

  /// The mean of q in the unconstrained space, when q is Gaussian.
  public var unconstrainedMean: Tensor<Double>? {
    (approximation as? any GaussianFamily)?.mean
  }

  /// The covariance of q in the unconstrained space, when q is Gaussian.
  public var unconstrainedCovariance: Tensor<Double>? {
    (approximation as? any GaussianFamily)?.covariance()
  }

  /// The importance-weighted bound with K = `samples` (Burda et al. 2016) of the fitted q,
  /// averaged over `groups` independent groups: at least the ELBO, at most log p(x).
  public func importanceWeightedBound(samples: Int, groups: Int = 100, seed: UInt64 = 7)
    -> ELBOEstimate
  {
    var generator = Xoshiro256StarStar(seed: seed)
    let noise = Tensor<Double>(
      randomNormal: [samples * groups, approximation.noiseDimension], using: &generator)
    return objective.importanceWeightedBound(approximation, noise: noise, samples: samples)
  }
}
