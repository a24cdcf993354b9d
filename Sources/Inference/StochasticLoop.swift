import TensorCore

/// The optimisation loop of the stochastic fit, in three phases:
///
/// 1. **The averaging plan** (`init`): how many blocks of ``FitOptions/evalEvery`` iterations
///    the ``IterateAverager`` keeps.
/// 2. **The loop** (``run(_:stopwatch:progress:)``): ``VariationalInference/step()`` after
///    step, every `evalEvery` steps an ELBO estimate for Stan's relative-change rule
///    (``ConvergenceMonitor``), until it fires or ``FitOptions/maxIterations`` is reached.
/// 3. **The final choice** (``finalApproximation(_:objective:)``): among the averages of the
///    newest iterates and the last iterate, the one whose ELBO is not clearly below the best
///    (``preferredCandidate(_:)``).
struct StochasticLoop<Family: VariationalFamily> {
  let options: FitOptions
  /// The convergence window (relative ELBO changes).
  let window: Int
  /// The blocks the averager keeps; 0 when the options ask for no averaging.
  let averagingCapacity: Int
  var monitor: ConvergenceMonitor
  var averager: IterateAverager<Family>
  /// Every ELBO evaluation of the convergence rule.
  var trace: [VariationalFit.ELBOEvaluation] = []
  var warnings: [String] = []
  /// Whether Stan's rule fired.
  var converged = false
  /// The steps taken.
  var iteration = 0
  /// The steps rejected since the last accepted one.
  var rejectedInARow = 0

  /// The averaging plan for `family`: enough blocks for the longest average the options may
  /// choose (half the run or half the convergence window, or the last iterations asked for),
  /// but within 2²¹ scalars (16 MB) of copies of the variational parameters and at least 4
  /// blocks, so that large full-rank families average fewer iterates.
  init(options: FitOptions, family: Family) {
    self.options = options
    window = options.resolvedWindowSize
    monitor = ConvergenceMonitor(tolerance: options.tolerance, windowSize: window)
    let blocksPerRun: Int = blocks(covering: options.maxIterations, of: options.evalEvery)
    var capacity: Int
    switch options.averaging {
    case .none: capacity = 0
    case .automatic: capacity = Swift.max(halfRoundedUp(blocksPerRun), halfRoundedUp(window))
    case .lastIterations(let count):
      capacity = blocks(covering: count, of: options.evalEvery)
    }
    let parameterCount = family.parameterKeyPaths.reduce(0) {
      $0 + family[keyPath: $1].scalarCount
    }
    capacity = Swift.min(capacity, Swift.max(4, (1 << 21) / parameterCount))
    averagingCapacity = capacity
    averager = IterateAverager<Family>(capacity: Swift.max(capacity, 1))
  }

  /// Steps `engine` until Stan's rule fires or the iterations run out, averaging the iterates
  /// and reporting every ELBO evaluation to `progress`.
  ///
  /// - Throws: ``InferenceError/diverged(_:)`` after more than
  ///   ``FitOptions/maximumRejectedSteps`` rejected steps in a row, or when an ELBO estimate
  ///   or a parameter is not finite.
  mutating func run(
    _ engine: inout VariationalInference<Family>, stopwatch: Stopwatch,
    progress: (FitProgress) -> Void
  ) throws(InferenceError) {
    while iteration < options.maxIterations {
      iteration += 1
      try countRejection(engine.step(), of: engine)
      if averagingCapacity > 0 { averager.add(engine.family) }
      guard iteration % options.evalEvery == 0 else { continue }
      averager.closeBlock()
      if try evaluate(&engine, stopwatch: stopwatch, progress: progress) {
        converged = true
        break
      }
    }
    averager.closeBlock()
    if !converged {
      warnings.append(
        "the ELBO did not converge within \(options.maxIterations) iterations (relative "
          + "tolerance \(options.tolerance)); raise maxIterations (--max-iterations) or the "
          + "tolerance (--tolerance), or check the ELBO trace")
    }
  }

  /// Counts a rejected step (one whose ELBO or gradient was not finite), throwing after too
  /// many in a row.
  private mutating func countRejection(
    _ outcome: VariationalInference<Family>.StepOutcome, of engine: VariationalInference<Family>
  ) throws(InferenceError) {
    if outcome.accepted {
      rejectedInARow = 0
      return
    }
    rejectedInARow += 1
    if rejectedInARow > options.maximumRejectedSteps {
      throw .diverged(
        "iteration \(iteration): the ELBO or its gradient was not finite for "
          + "\(rejectedInARow) steps in a row (last −ELBO estimate \(outcome.negativeELBO)). "
          + divergenceAdvice(engine, options))
    }
  }

  /// Estimates the ELBO from ``FitOptions/elboSamples`` draws, records it in the trace and the
  /// convergence rule, reports it, warns once if the ELBO keeps jumping late in the run, and
  /// returns whether the rule fired.
  private mutating func evaluate(
    _ engine: inout VariationalInference<Family>, stopwatch: Stopwatch,
    progress: (FitProgress) -> Void
  ) throws(InferenceError) -> Bool {
    let estimate = engine.estimateELBO(samples: options.elboSamples).value
    guard estimate.isFinite, engine.family.hasFiniteParameters else {
      throw .diverged(
        "iteration \(iteration): the ELBO estimate is \(estimate). "
          + divergenceAdvice(engine, options))
    }
    let check = monitor.record(elbo: estimate)
    trace.append(.init(iteration: iteration, elbo: estimate, check: check))
    progress(
      FitProgress(
        phase: .optimization, iteration: iteration, maxIterations: options.maxIterations,
        elbo: estimate, relativeChange: check.relativeChange,
        meanRelativeChange: check.meanRelativeChange,
        medianRelativeChange: check.medianRelativeChange, learningRate: engine.learningRate,
        elapsedSeconds: stopwatch.seconds))
    if iteration > 10 * options.evalEvery
      && (check.meanRelativeChange > 0.5 || check.medianRelativeChange > 0.5)
      && !warnings.contains(where: { $0.hasPrefix("the ELBO keeps changing") })
    {
      warnings.append(
        "the ELBO keeps changing by more than 50% between evaluations after \(iteration) "
          + "iterations (Stan: \"may be diverging\"); inspect the ELBO trace")
    }
    return check.converged
  }

  /// The final approximation and the number of iterates it averages (0 for the last
  /// iterate): the preferred of the averaged candidates and the last iterate, compared on
  /// ``FitOptions/finalELBOSamples`` common draws from the engine's generator (drawn only
  /// when there is an averaged candidate).
  func finalApproximation(
    _ engine: inout VariationalInference<Family>, objective: VariationalObjective
  ) -> (family: Family, averagedIterations: Int) {
    var candidates = averagedCandidates(template: engine.family)
    guard !candidates.isEmpty else { return (engine.family, 0) }
    candidates.append((engine.family, 0))
    let noise = Tensor<Double>(
      randomNormal: [options.finalELBOSamples, engine.family.noiseDimension],
      using: &engine.generator)
    let choice = preferredCandidate(
      candidates.map { objective.logImportanceWeights($0.family, noise: noise).logWeights })
    return (candidates[choice].family, candidates[choice].iterations)
  }

  /// The finite averages of more than one iterate, longest first: with automatic averaging,
  /// of the second half of the run and of the second half of the convergence window; else of
  /// the last iterations asked for.
  private func averagedCandidates(template: Family) -> [(family: Family, iterations: Int)] {
    var blockCounts: [Int] = []
    switch options.averaging {
    case .none:
      break
    case .automatic:
      let runBlocks: Int = blocks(covering: iteration, of: options.evalEvery)
      let windowBlocks: Int = Swift.min(trace.count, window)
      blockCounts = [halfRoundedUp(runBlocks), halfRoundedUp(windowBlocks)]
    case .lastIterations:
      blockCounts = [averagingCapacity]
    }
    var candidates: [(family: Family, iterations: Int)] = []
    for count in Set(blockCounts.filter { $0 > 0 }).sorted(by: >) {
      if let averaged = averager.average(ofLast: count, template: template),
        averaged.family.hasFiniteParameters, averaged.iterations > 1
      {
        candidates.append(averaged)
      }
    }
    return candidates
  }
}
