import TensorCore

/// Fits `model` by automatic differentiation variational inference (Kucukelbir, Tran,
/// Ranganath, Gelman & Blei 2017, "Automatic differentiation variational inference", JMLR
/// 18(14)): maximises the ELBO of a Gaussian q over the unconstrained space, with
/// reparameterised gradients.
///
/// Both algorithms first lay out the parameters and check the log joint at the initial point
/// (``FitOptions/initialization``), naming the parameters responsible if it is not finite.
///
/// **By default (``FitAlgorithm/deterministic``)** the fit is deterministic ADVI started from
/// the Laplace approximation (see ``FitAlgorithm/deterministic``):
/// 1. damped Newton iterations find the mode of log p̃ and the Hessian there;
/// 2. the ELBO on fixed whitened draws, in the Laplace approximation's coordinates, is
///    maximised by L-BFGS until every gradient component is below 10⁻⁶;
/// 3. an independent draw set is fitted as well, and the draws are doubled until the answers
///    differ by at most ``FitOptions/monteCarloTolerance`` posterior sds; the report gives that
///    Monte-Carlo error. Draws where log p̃ is not finite are rejected: the line search steps
///    back.
/// It is exact on Gaussian posteriors and does not depend on the scales of the parameters;
/// it needs every data row at every step and forms a D × D Hessian, so minibatches
/// (``FitOptions/batchSize``), the low-rank family and models with more than
/// ``FitAlgorithm/deterministicDimensionLimit`` unconstrained dimensions run the stochastic
/// algorithm.
///
/// **``FitAlgorithm/stochastic``** is Stan's ADVI:
/// 1. for Stan's adaptive step-size sequence without a given η, chooses η by
///    ``StepSizeAdaptation`` (5 candidates × 50 iterations);
/// 2. iterates: one gradient step per iteration with ``FitOptions/gradientSamples`` draws, and
///    every ``FitOptions/evalEvery`` iterations an ELBO estimate from ``FitOptions/elboSamples``
///    draws fed to Stan's rule (``ConvergenceMonitor``), until it fires or
///    ``FitOptions/maxIterations`` is reached; steps with a non-finite ELBO or gradient are
///    skipped, and too many in a row stop the fit with advice;
/// 3. returns the Polyak–Ruppert average of the last iterates (``FitOptions/averaging``) when
///    its ELBO is at least that of the last iterate (compared on common draws), else the last
///    iterate.
/// Its rule can fire long before q reaches the optimum (Yao et al. 2018; Dhaka et al. 2020).
///
/// Either way the ELBO is estimated at the end from ``FitOptions/finalELBOSamples`` fresh
/// draws, with log q of each draw computed exactly from its noise. The same options (seed
/// included) give the same result.
///
/// ```swift
/// // Normal–Normal (see ProbabilisticModel): posterior N(2.5, 1/√2).
/// let result = try fit(NormalNormal(), options: FitOptions(estimator: .stickingTheLanding))
/// let draws = result.draws(count: 1000)
/// print(draws.summary().table())          // z ≈ 2.5 ± 0.71
///
/// // Linear regression from a CSV file, with a full-rank Gaussian.
/// let table = try CSVTable(contentsOf: "houses.csv")
/// let model = try LinearRegression(data: RegressionData(table: table, target: "price"))
/// let fitted = try fit(model, family: .fullRank) { print($0.line) }
/// let posterior = fitted.draws(count: 1000)
/// print(posterior.summary().table(), posterior.pareto, fitted.warnings)
/// try posterior.writeCSV(toPath: "draws.csv")
/// try fitted.writeSummaryJSON(draws: posterior, toPath: "summary.json")
/// ```
///
/// - Parameters:
///   - model: the model; for minibatches use a ``MinibatchModel`` and set
///     ``FitOptions/batchSize``.
///   - family: the variational family, by default mean-field.
///   - options: the settings.
///   - progress: called after the mode search and each run on fixed draws (deterministic), or
///     after each adaptation candidate and each ELBO evaluation (stochastic).
/// - Throws: ``InferenceError``: bad declarations or options, a non-finite log joint at the
///   initial point, failed adaptation, or divergence.
public func fit(
  _ model: some ProbabilisticModel, family: FamilyKind = .meanField,
  options: FitOptions = FitOptions(), progress: (FitProgress) -> Void = { _ in }
) throws(InferenceError) -> VariationalFit {
  try options.validate()
  if options.batchSize != nil {
    throw .invalidOptions(
      "batchSize needs a MinibatchModel (a log joint that is a prior plus a sum over data "
        + "rows); \(type(of: model)) is not one")
  }
  return try fitBuiltIn(
    try VariationalObjective(model), kind: family, options: options,
    derive: model.derivedQuantities, minibatches: nil, progress: progress)
}

/// Fits a ``MinibatchModel``, on minibatches of ``FitOptions/batchSize`` rows when it is set
/// (stochastic variational inference; ELBO evaluations use every row); see
/// ``fit(_:family:options:progress:)-(ProbabilisticModel,_,_,_)``.
public func fit(
  _ model: some MinibatchModel, family: FamilyKind = .meanField,
  options: FitOptions = FitOptions(), progress: (FitProgress) -> Void = { _ in }
) throws(InferenceError) -> VariationalFit {
  try fit(model, family: family, options: options, processes: SingleProcess(), progress: progress)
}

/// Fits a ``MinibatchModel`` as one of several `processes` of a data-parallel run (every one
/// of them calls `fit` with the same arguments); with one process, the same as
/// ``fit(_:family:options:progress:)-(MinibatchModel,_,_,_)``.
///
/// A stochastic fit shares the data: each process evaluates the likelihood of its share of
/// every minibatch, and of every row for the ELBO estimates, and the log densities and their
/// gradients at the draws are summed across the processes (`summed(_:across:)`), so that all
/// of them take the same steps and return the same fit — that of one process, up to the
/// rounding of the reordered sums (the model's own closed-form gradient, if it has one, is
/// not used). A deterministic fit runs whole on every process. The returned fit's draws and
/// diagnostics use every row on each process.
///
/// - Throws: ``InferenceError/invalidOptions(_:)`` also when a step has fewer rows than there
///   are processes.
public func fit(
  _ model: some MinibatchModel, family: FamilyKind = .meanField,
  options: FitOptions = FitOptions(), processes: any ProcessGroup,
  progress: (FitProgress) -> Void = { _ in }
) throws(InferenceError) -> VariationalFit {
  try options.validate()
  let objective = try VariationalObjective(model)
  var deterministic =
    options.algorithm == .deterministic && options.batchSize == nil
    && objective.layout.dimension <= FitAlgorithm.deterministicDimensionLimit
  if case .lowRank = family { deterministic = false }
  guard processes.size > 1 && !deterministic else {
    return try fitBuiltIn(
      objective, kind: family, options: options, derive: model.derivedQuantities,
      minibatches: options.batchSize.map { batchSize in
        MinibatchSource(model: model, layout: objective.layout, batchSize: batchSize)
      }, progress: progress)
  }
  let rowsPerStep = Swift.min(options.batchSize ?? model.rowCount, model.rowCount)
  guard rowsPerStep >= processes.size else {
    throw .invalidOptions(
      "\(processes.size) processes share \(rowsPerStep) rows per step: give each at least one "
        + "(a larger batchSize, or fewer processes)")
  }
  let sharedObjective = VariationalObjective.partitioned(
    model, layout: objective.layout, rows: model.allRows, scale: 1, processes: processes)
  return try fitBuiltIn(
    sharedObjective, kind: family, options: options, derive: model.derivedQuantities,
    minibatches: options.batchSize.map { batchSize in
      MinibatchSource(
        model: model, layout: objective.layout, batchSize: batchSize, processes: processes)
    },
    resultObjective: objective, progress: progress)
}

/// Fits `model` starting from a variational family of your own (or a built-in one set up by
/// hand), by the stochastic algorithm (``FitAlgorithm/stochastic``) whatever
/// ``FitOptions/algorithm`` says. ``FitOptions/initialization`` is not used: q starts as given,
/// and the log joint is checked at the draw of zero noise.
public func fit<Family: VariationalFamily>(
  _ model: some ProbabilisticModel, initialFamily: Family, options: FitOptions = FitOptions(),
  progress: (FitProgress) -> Void = { _ in }
) throws(InferenceError) -> VariationalFit {
  try options.validate()
  if options.batchSize != nil {
    throw .invalidOptions("batchSize is only supported by fit(_:family:options:progress:)")
  }
  let objective = try VariationalObjective(model)
  guard initialFamily.dimension == objective.layout.dimension else {
    throw .invalidOptions(
      "the initial family has dimension \(initialFamily.dimension), the model's unconstrained "
        + "space \(objective.layout.dimension)")
  }
  let centre = initialFamily.reparameterizedSample(
    noise: Tensor(zeros: [1, initialFamily.noiseDimension]))
  return try runFit(
    objective, options: options, familyName: "\(Family.self)",
    start: { _, _ in centre.scalars }, makeFamily: { _, _ in initialFamily },
    derive: model.derivedQuantities, minibatches: nil, progress: progress)
}

/// Dispatches a built-in family kind to ``runFit``.
///
/// `resultObjective` (by default `objective`) is the one the returned fit keeps for its draws
/// and diagnostics.
func fitBuiltIn(
  _ objective: VariationalObjective, kind: FamilyKind, options: FitOptions,
  derive: @escaping (ParameterValues) -> [DerivedQuantity],
  minibatches: MinibatchSource?, resultObjective: VariationalObjective? = nil,
  progress: (FitProgress) -> Void
) throws(InferenceError) -> VariationalFit {
  try kind.validate(dimension: objective.layout.dimension)
  if options.algorithm == .deterministic && minibatches == nil
    && objective.layout.dimension <= FitAlgorithm.deterministicDimensionLimit
  {
    switch kind {
    case .meanField:
      return try runDeterministicFit(
        objective, shape: .meanField, familyName: kind.description, options: options,
        derive: derive, progress: progress)
    case .fullRank:
      return try runDeterministicFit(
        objective, shape: .fullRank, familyName: kind.description, options: options,
        derive: derive, progress: progress)
    case .lowRank:
      break
    }
  }
  let start: (ParameterLayout, inout Xoshiro256StarStar) throws(InferenceError) -> [Double] = {
    layout, generator throws(InferenceError) in
    try initialPoint(layout, options.initialization, using: &generator)
  }
  let scale = options.initialScale
  switch kind {
  case .meanField:
    return try runFit(
      objective, options: options, familyName: kind.description, start: start,
      makeFamily: { point, _ in MeanFieldGaussian(mean: Tensor(point), scale: scale) },
      derive: derive, minibatches: minibatches, resultObjective: resultObjective,
      progress: progress)
  case .fullRank:
    return try runFit(
      objective, options: options, familyName: kind.description, start: start,
      makeFamily: { point, _ in FullRankGaussian(mean: Tensor(point), scale: scale) },
      derive: derive, minibatches: minibatches, resultObjective: resultObjective,
      progress: progress)
  case .lowRank(let rank):
    return try runFit(
      objective, options: options, familyName: kind.description, start: start,
      makeFamily: { point, generator in
        LowRankGaussian(
          mean: Tensor(point), rank: rank, scale: scale, using: &generator)
      }, derive: derive, minibatches: minibatches, resultObjective: resultObjective,
      progress: progress)
  }
}

/// The unconstrained starting point of `initialization`.
func initialPoint(
  _ layout: ParameterLayout, _ initialization: Initialization,
  using generator: inout Xoshiro256StarStar
) throws(InferenceError) -> [Double] {
  let zeros = [Double](repeating: 0, count: layout.dimension)
  switch initialization {
  case .zero:
    return zeros
  case .uniform(let radius):
    return zeros.map { _ in radius * (2 * Double.unitUniform(generator.next()) - 1) }
  case .values(let values):
    return try layout.unconstrainedPoint(from: values, default: zeros)
  }
}
