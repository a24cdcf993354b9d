import TensorCore

/// The driver behind every `fit`: initial check, adaptation, the loop with Stan's rule,
/// averaging and the final ELBO (see ``fit(_:family:options:progress:)-(ProbabilisticModel,_,_,_)``).
func runFit<Family: VariationalFamily>(
  _ objective: VariationalObjective, options: FitOptions, familyName: String,
  start: (ParameterLayout, inout Xoshiro256StarStar) throws(InferenceError) -> [Double],
  makeFamily: ([Double], inout Xoshiro256StarStar) -> Family,
  derive: @escaping (ParameterValues) -> [DerivedQuantity],
  minibatches: MinibatchSource?, progress: (FitProgress) -> Void
) throws(InferenceError) -> VariationalFit {
  let stopwatch = Stopwatch()
  func elapsed() -> Double { stopwatch.seconds }

  var generator = Xoshiro256StarStar(seed: options.seed)
  let point = try start(objective.layout, &generator)
  try objective.checkInitialPoint(point)
  try objective.checkDerivedQuantities(derive, at: point)
  var engine = VariationalInference(
    objective: objective, family: makeFamily(point, &generator),
    optimizer: resolvedChoice(options.optimizer), estimator: options.estimator,
    gradientSamples: options.gradientSamples, seed: generator.next())
  engine.learningRateSchedule = options.learningRateSchedule
  engine.minibatches = minibatches

  var adaptation: StepSizeAdaptation.Outcome?
  if case .adaptiveStepSize(nil) = options.optimizer {
    let search = StepSizeAdaptation(
      candidates: options.adaptationCandidates, iterations: options.adaptationIterations,
      elboSamples: options.elboSamples)
    let outcome = try search.run(from: engine) { trial in
      progress(
        FitProgress(
          phase: .adaptation, iteration: 0, maxIterations: options.maxIterations,
          elbo: trial.elbo, learningRate: trial.learningRate, elapsedSeconds: elapsed()))
    }
    engine.optimizer = OptimizerSlot(
      .adaptiveStepSize(learningRate: outcome.learningRate), for: engine.family)
    adaptation = outcome
  }

  let window = options.resolvedWindowSize
  var monitor = ConvergenceMonitor(tolerance: options.tolerance, windowSize: window)
  let blocksPerRun: Int = blocks(covering: options.maxIterations, of: options.evalEvery)
  var averagingCapacity: Int
  switch options.averaging {
  case .none: averagingCapacity = 0
  case .automatic: averagingCapacity = Swift.max(halfRoundedUp(blocksPerRun), halfRoundedUp(window))
  case .lastIterations(let count):
    averagingCapacity = blocks(covering: count, of: options.evalEvery)
  }
  // Each block holds a copy of the variational parameters: keep them within 2²¹ scalars
  // (16 MB), but at least 4 blocks, so that large full-rank families average fewer iterates.
  let family = engine.family
  let parameterCount = family.parameterKeyPaths.reduce(0) { $0 + family[keyPath: $1].scalarCount }
  averagingCapacity = Swift.min(averagingCapacity, Swift.max(4, (1 << 21) / parameterCount))
  var averager = IterateAverager<Family>(capacity: Swift.max(averagingCapacity, 1))
  var trace: [VariationalFit.ELBOEvaluation] = []
  var warnings: [String] = []
  var converged = false
  var rejectedInARow = 0
  var iteration = 0
  while iteration < options.maxIterations {
    iteration += 1
    let outcome = engine.step()
    if outcome.accepted {
      rejectedInARow = 0
    } else {
      rejectedInARow += 1
      if rejectedInARow > options.maximumRejectedSteps {
        throw .diverged(
          "iteration \(iteration): the ELBO or its gradient was not finite for "
            + "\(rejectedInARow) steps in a row (last −ELBO estimate \(outcome.negativeELBO)). "
            + divergenceAdvice(engine, options))
      }
    }
    if averagingCapacity > 0 { averager.add(engine.family) }
    guard iteration % options.evalEvery == 0 else { continue }
    averager.closeBlock()
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
        elapsedSeconds: elapsed()))
    if iteration > 10 * options.evalEvery
      && (check.meanRelativeChange > 0.5 || check.medianRelativeChange > 0.5)
      && !warnings.contains(where: { $0.hasPrefix("the ELBO keeps changing") })
    {
      warnings.append(
        "the ELBO keeps changing by more than 50% between evaluations after \(iteration) "
          + "iterations (Stan: \"may be diverging\"); inspect the ELBO trace")
    }
    if check.converged {
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

  // The final approximation: the preferred of the averaged candidates and the last iterate.
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
  var final = engine.family
  var averagedIterations = 0
  var candidates: [(family: Family, iterations: Int)] = []
  for count in Set(blockCounts.filter { $0 > 0 }).sorted(by: >) {
    if let averaged = averager.average(ofLast: count, template: engine.family),
      averaged.family.hasFiniteParameters, averaged.iterations > 1
    {
      candidates.append(averaged)
    }
  }
  if !candidates.isEmpty {
    candidates.append((engine.family, 0))
    let noise = Tensor<Double>(
      randomNormal: [options.finalELBOSamples, final.noiseDimension], using: &engine.generator)
    let choice = preferredCandidate(
      candidates.map { objective.logImportanceWeights($0.family, noise: noise).logWeights })
    final = candidates[choice].family
    averagedIterations = candidates[choice].iterations
  }
  let noise = Tensor<Double>(
    randomNormal: [options.finalELBOSamples, final.noiseDimension], using: &engine.generator)
  let elbo = objective.estimateELBO(final, noise: noise)
  if !elbo.value.isFinite {
    warnings.append(
      "the final ELBO estimate is \(elbo.value): some draws of q have a log joint that is "
        + "not finite")
  }
  return VariationalFit(
    layout: objective.layout, approximation: final, familyName: familyName, elbo: elbo,
    iterations: iteration,
    gradientEvaluations: options.gradientSamples
      * (iteration
        + (adaptation.map { options.adaptationIterations * $0.trials.count } ?? 0)),
    converged: converged, learningRate: engine.learningRate,
    adaptation: adaptation, trace: trace, averagedIterations: averagedIterations,
    warnings: warnings,
    seconds: elapsed(), seed: options.seed, algorithm: .stochastic, drawCount: nil,
    monteCarloStandardErrors: nil, objective: objective, derive: derive)
}

/// The optimiser choice the engine starts with (η = 1 until adaptation replaces it).
func resolvedChoice(_ choice: OptimizerChoice) -> OptimizerChoice {
  if case .adaptiveStepSize(nil) = choice { return .adaptiveStepSize(learningRate: 1) }
  return choice
}

/// What to try when the optimisation diverges.
func divergenceAdvice<Family>(_ engine: VariationalInference<Family>, _ options: FitOptions)
  -> String
{
  "The optimisation diverged; try a smaller learningRate (--learning-rate; now "
    + "\(engine.learningRate) with the \(options.optimizer.name)), more gradient samples "
    + "(gradientSamples is \(options.gradientSamples)), priors and constraints that match "
    + "each parameter's support, or another seed (--seed)."
}

/// ⌈count / 2⌉.
func halfRoundedUp(_ count: Int) -> Int { (count + 1) / 2 }

/// The number of blocks of `length` iterations that `iterations` iterations fill, the last
/// possibly partly: ⌈iterations / length⌉.
func blocks(covering iterations: Int, of length: Int) -> Int {
  (iterations + length - 1) / length
}

/// The index of the candidate to keep, given each candidate's log importance weights on common
/// draws, candidates in order of preference (longer averages first, the last iterate last):
/// the first whose ELBO is not clearly below the best one's, i.e. whose mean difference to the
/// best is within two standard errors of the paired differences. Near the optimum the ELBOs of
/// the candidates differ by less than their Monte-Carlo error, and averaging is the better bet;
/// an average that still holds the approach to the optimum is clearly worse and is skipped.
func preferredCandidate(_ logWeights: [[Double]]) -> Int {
  let means = logWeights.map { ELBOEstimate(logWeights: $0).value }
  guard let best = means.indices.filter({ means[$0].isFinite }).max(by: { means[$0] < means[$1] })
  else { return logWeights.count - 1 }
  for index in logWeights.indices where means[index].isFinite {
    let differences = zip(logWeights[index], logWeights[best]).map { $0 - $1 }
    let paired = ELBOEstimate(logWeights: differences)
    if paired.value >= -2 * paired.standardError { return index }
  }
  return best
}
