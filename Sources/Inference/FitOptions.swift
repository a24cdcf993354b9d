import Optimizers

/// The settings of a fit.
///
/// The default algorithm is ``FitAlgorithm/deterministic``: its settings are ``seed``,
/// ``initialization``, ``draws``, ``maxDraws``, ``monteCarloTolerance``, ``maxIterations``
/// (per L-BFGS run) and ``finalELBOSamples``; the others belong to the stochastic algorithm.
///
/// For ``FitAlgorithm/stochastic``, the defaults are Stan's ADVI defaults where Stan has one,
/// except two. The optimiser is Adam
/// (learning rate 0.01, β₂ = 0.99) with iterate averaging, which reached a closer approximation
/// than Stan's adaptive step-size sequence on every model we measured (Stan's η search tends to
/// pick a step size that is good for its 50 trial iterations and too large afterwards). And q
/// starts with standard deviation 0.1 rather than 1.
///
/// ```swift
/// var options = FitOptions(seed: 42)
/// options.estimator = .stickingTheLanding
/// options.tolerance = 0.001
/// ```
public struct FitOptions: Hashable, Sendable {
  /// The seed of every random draw of the fit: same seed, same result.
  public var seed: UInt64
  /// How the ELBO is maximised (default ``FitAlgorithm/deterministic``).
  public var algorithm: FitAlgorithm
  /// The fixed draws of the deterministic fit's first set; nil for 2 · max(16, D + min(D, 50)).
  public var draws: Int?
  /// The most fixed draws the deterministic fit may grow to; nil for 64 times the first set.
  public var maxDraws: Int?
  /// The deterministic fit adds draws until its estimated Monte-Carlo error, the largest
  /// change of q's means (in q's standard deviations) and log standard deviations between
  /// independent draw sets, is at most this (default 0.02).
  public var monteCarloTolerance: Double
  /// The maximum number of optimisation iterations (Stan's `iter`, 10,000), not counting the
  /// step-size adaptation.
  public var maxIterations: Int
  /// L, the Monte-Carlo draws per gradient (Stan's `grad_samples`, 1).
  public var gradientSamples: Int
  /// The draws per ELBO evaluation of the convergence rule (Stan's `elbo_samples`, 100).
  public var elboSamples: Int
  /// The iterations between ELBO evaluations (Stan's `eval_elbo`, 100).
  public var evalEvery: Int
  /// The relative ELBO change below which the fit has converged (Stan's `tol_rel_obj`, 0.01);
  /// 0 runs all ``maxIterations``.
  public var tolerance: Double
  /// The number of relative changes in the convergence window; nil for Stan's
  /// max(0.1 · maxIterations / evalEvery, 2).
  public var windowSize: Int?
  /// The optimiser (default: Adam with learning rate 0.01; Stan's adaptive step-size sequence
  /// with its η search is `.adaptiveStepSize(learningRate: nil)`).
  public var optimizer: OptimizerChoice
  /// A schedule for the learning rate of Adam or SGD (the step number counts from 0); nil keeps
  /// it constant. The adaptive step-size sequence has its own decay.
  public var learningRateSchedule: LearningRateSchedule?
  /// The gradient estimator (default: closed-form entropy, as Stan).
  public var estimator: GradientEstimator
  /// Which iterates the final approximation may average (default: ``IterateAveraging/automatic``).
  public var averaging: IterateAveraging
  /// The iterations each candidate step size runs for in the adaptation phase (Stan's
  /// `adapt_iter`, 50).
  public var adaptationIterations: Int
  /// The candidate step sizes η of the adaptation phase, tried in order (Stan's
  /// 100, 10, 1, 0.1, 0.01).
  public var adaptationCandidates: [Double]
  /// The draws of the final ELBO estimate (and of the choice between averaged and last
  /// iterates).
  public var finalELBOSamples: Int
  /// The minibatch size for a ``MinibatchModel``; nil uses every row at every step.
  public var batchSize: Int?
  /// Where the optimisation starts: the mean of the initial q.
  public var initialization: Initialization
  /// The standard deviation of every coordinate of the initial q in the unconstrained space
  /// (default 0.1, NumPyro's `init_scale`; Stan starts from 1). A small start keeps the first
  /// gradients, taken at draws far from the posterior, from being huge.
  public var initialScale: Double
  /// How many consecutive steps with a non-finite ELBO or gradient are skipped before the fit
  /// stops as diverged.
  public var maximumRejectedSteps: Int

  /// Options with the defaults, changed where given.
  public init(
    seed: UInt64 = 1, algorithm: FitAlgorithm = .deterministic, draws: Int? = nil,
    maxDraws: Int? = nil, monteCarloTolerance: Double = 0.02, maxIterations: Int = 10_000, gradientSamples: Int = 1,
    elboSamples: Int = 100, evalEvery: Int = 100, tolerance: Double = 0.01,
    windowSize: Int? = nil, optimizer: OptimizerChoice = .adam(learningRate: 0.01),
    learningRateSchedule: LearningRateSchedule? = nil,
    estimator: GradientEstimator = .closedFormEntropy,
    averaging: IterateAveraging = .automatic, adaptationIterations: Int = 50,
    adaptationCandidates: [Double] = [100, 10, 1, 0.1, 0.01], finalELBOSamples: Int = 1000,
    batchSize: Int? = nil, initialization: Initialization = .zero, initialScale: Double = 0.1,
    maximumRejectedSteps: Int = 10
  ) {
    self.seed = seed
    self.algorithm = algorithm
    self.draws = draws
    self.maxDraws = maxDraws
    self.monteCarloTolerance = monteCarloTolerance
    self.maxIterations = maxIterations
    self.gradientSamples = gradientSamples
    self.elboSamples = elboSamples
    self.evalEvery = evalEvery
    self.tolerance = tolerance
    self.windowSize = windowSize
    self.optimizer = optimizer
    self.learningRateSchedule = learningRateSchedule
    self.estimator = estimator
    self.averaging = averaging
    self.adaptationIterations = adaptationIterations
    self.adaptationCandidates = adaptationCandidates
    self.finalELBOSamples = finalELBOSamples
    self.batchSize = batchSize
    self.initialization = initialization
    self.initialScale = initialScale
    self.maximumRejectedSteps = maximumRejectedSteps
  }

  /// The convergence window actually used.
  public var resolvedWindowSize: Int {
    windowSize
      ?? ConvergenceMonitor.defaultWindowSize(maxIterations: maxIterations, evalEvery: evalEvery)
  }

  /// Checks every option, naming the first bad one.
  ///
  /// - Throws: ``InferenceError/invalidOptions(_:)``.
  public func validate() throws(InferenceError) {
    func require(_ condition: Bool, _ message: String) throws(InferenceError) {
      if !condition { throw .invalidOptions(message) }
    }
    if let draws { try require(draws >= 2, "draws is \(draws); it must be ≥ 2") }
    if let maxDraws { try require(maxDraws >= 2, "maxDraws is \(maxDraws); it must be ≥ 2") }
    try require(
      monteCarloTolerance > 0 && monteCarloTolerance.isFinite,
      "monteCarloTolerance is \(monteCarloTolerance); it must be positive and finite")
    try require(maxIterations >= 1, "maxIterations is \(maxIterations); it must be ≥ 1")
    try require(gradientSamples >= 1, "gradientSamples is \(gradientSamples); it must be ≥ 1")
    try require(elboSamples >= 2, "elboSamples is \(elboSamples); it must be ≥ 2")
    try require(evalEvery >= 1, "evalEvery is \(evalEvery); it must be ≥ 1")
    try require(
      tolerance >= 0 && tolerance.isFinite, "tolerance is \(tolerance); it must be ≥ 0")
    if let windowSize {
      try require(windowSize >= 1, "windowSize is \(windowSize); it must be ≥ 1")
    }
    try require(
      finalELBOSamples >= 2, "finalELBOSamples is \(finalELBOSamples); it must be ≥ 2")
    try require(
      maximumRejectedSteps >= 0, "maximumRejectedSteps is \(maximumRejectedSteps); it must be ≥ 0")
    if let batchSize {
      try require(batchSize >= 1, "batchSize is \(batchSize); it must be ≥ 1")
    }
    switch optimizer {
    case .adaptiveStepSize(let eta):
      if let eta {
        try require(eta > 0 && eta.isFinite, "the step-size scale η is \(eta); it must be > 0")
      } else {
        try require(
          adaptationIterations >= 1,
          "adaptationIterations is \(adaptationIterations); it must be ≥ 1")
        try require(
          !adaptationCandidates.isEmpty && adaptationCandidates.allSatisfy { $0 > 0 },
          "adaptationCandidates \(adaptationCandidates) must be positive step sizes")
      }
    case .adam(let rate, let beta2):
      try require(rate > 0 && rate.isFinite, "the Adam learning rate is \(rate); it must be > 0")
      try require(beta2 >= 0 && beta2 < 1, "Adam's beta2 is \(beta2); it must be in [0, 1)")
    case .sgd(let rate, let momentum):
      try require(rate > 0 && rate.isFinite, "the SGD learning rate is \(rate); it must be > 0")
      try require(
        momentum >= 0 && momentum < 1, "the SGD momentum is \(momentum); it must be in [0, 1)")
    }
    if case .lastIterations(let count) = averaging {
      try require(count >= 1, "averaging over the last \(count) iterations; it must be ≥ 1")
    }
    try require(
      initialScale > 0 && initialScale.isFinite,
      "initialScale is \(initialScale); it must be positive and finite")
    if case .uniform(let radius) = initialization {
      try require(radius > 0 && radius.isFinite, "the initialisation radius is \(radius)")
    }
  }
}

/// The optimiser of the variational parameters.
public enum OptimizerChoice: Hashable, Sendable {
  /// Stan's adaptive step-size sequence (``AdaptiveStepSize``) with scale η; nil chooses η by
  /// the adaptation phase (``StepSizeAdaptation``).
  case adaptiveStepSize(learningRate: Double?)
  /// Adam (Kingma & Ba 2015) with the given learning rate, β₁ = 0.9 and by default β₂ = 0.99.
  ///
  /// The second-moment decay β₂ is shorter than the usual 0.999: ADVI's first gradients, taken
  /// while q is still far wider than the posterior, are orders of magnitude larger than the
  /// later ones, and with β₂ = 0.999 Adam remembers them for thousands of steps and crawls.
  /// On the conjugate regression of the tests this took the mean-field KL excess at Stan's
  /// default tolerance from 20 nats to 0.7.
  case adam(learningRate: Double, beta2: Double = 0.99)
  /// Stochastic gradient descent with (heavy-ball) momentum.
  case sgd(learningRate: Double, momentum: Double)

  /// The optimiser's name for messages.
  public var name: String {
    switch self {
    case .adaptiveStepSize: return "adaptive step-size sequence"
    case .adam: return "Adam optimiser"
    case .sgd: return "SGD optimiser"
    }
  }
}

/// Which iterates the final approximation averages (Polyak–Ruppert averaging, see
/// ``IterateAverager``). Averaged candidates are compared with the last iterate by their ELBO on
/// common draws: the longest average whose ELBO is not clearly (two standard errors) below the
/// best candidate's is returned. The averaged iterates are kept as sums over blocks of
/// ``FitOptions/evalEvery`` iterations, at most 2²¹ scalars in all (and at least 4 blocks), so
/// a very large family averages fewer iterations than asked.
public enum IterateAveraging: Hashable, Sendable {
  /// The last iterate, as Stan returns it.
  case none
  /// Two candidates besides the last iterate: the average of the last half of all iterations
  /// (tail averaging) and the average of the newest half of the convergence window (the
  /// stretch over which the median rule found the ELBO stable).
  case automatic
  /// The average of the last `count` iterations (rounded up to whole evaluation blocks).
  case lastIterations(Int)
}

/// Where the optimisation starts: the mean of the initial q (whose covariance is
/// ``FitOptions/initialScale``² I).
public enum Initialization: Hashable, Sendable {
  /// ζ = 0 in the unconstrained space: 0 for real parameters, 1 for positive ones, the
  /// midpoint of an interval, the uniform simplex.
  case zero
  /// ζ drawn uniformly from (−radius, radius) (Stan draws from (−2, 2)).
  case uniform(radius: Double)
  /// Constrained values given by parameter name (row-major scalars); parameters not named
  /// start at ζ = 0.
  case values([String: [Double]])
}
