import TensorCore

/// The driver behind every stochastic `fit`: the initial checks, Stan's step-size adaptation
/// when asked for, the loop with Stan's rule and iterate averaging (``StochasticLoop``), and
/// the final ELBO of the chosen approximation (see
/// ``fit(_:family:options:progress:)-(ProbabilisticModel,_,_,_)``). The fit returned keeps
/// `resultObjective` (by default `objective`) for its draws and diagnostics.
func runFit<Family: VariationalFamily>(
  _ objective: VariationalObjective, options: FitOptions, familyName: String,
  start: (ParameterLayout, inout Xoshiro256StarStar) throws(InferenceError) -> [Double],
  makeFamily: ([Double], inout Xoshiro256StarStar) -> Family,
  derive: @escaping (ParameterValues) -> [DerivedQuantity],
  minibatches: MinibatchSource?, resultObjective: VariationalObjective? = nil,
  progress: (FitProgress) -> Void
) throws(InferenceError) -> VariationalFit {
  let stopwatch = Stopwatch()
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

  let adaptation = try adaptStepSize(
    of: &engine, options: options, stopwatch: stopwatch, progress: progress)
  var loop = StochasticLoop(options: options, family: engine.family)
  try loop.run(&engine, stopwatch: stopwatch, progress: progress)
  let (final, averagedIterations) = loop.finalApproximation(&engine, objective: objective)

  var warnings = loop.warnings
  let noise = Tensor<Double>(
    randomNormal: [options.finalELBOSamples, final.noiseDimension], using: &engine.generator)
  let elbo = objective.estimateELBO(final, noise: noise)
  if !elbo.value.isFinite {
    warnings.append(
      "the final ELBO estimate is \(elbo.value): some draws of q have a log joint that is "
        + "not finite")
  }
  let adaptationSteps = adaptation.map { options.adaptationIterations * $0.trials.count } ?? 0
  return VariationalFit(
    layout: objective.layout, approximation: final, familyName: familyName, elbo: elbo,
    iterations: loop.iteration,
    gradientEvaluations: options.gradientSamples * (loop.iteration + adaptationSteps),
    converged: loop.converged, learningRate: engine.learningRate,
    adaptation: adaptation, trace: loop.trace, averagedIterations: averagedIterations,
    warnings: warnings,
    seconds: stopwatch.seconds, seed: options.seed, algorithm: .stochastic, drawCount: nil,
    monteCarloStandardErrors: nil, objective: resultObjective ?? objective, derive: derive)
}

/// Stan's adaptation phase when the options ask for it (`.adaptiveStepSize(nil)`): chooses η
/// by ``StepSizeAdaptation`` from the engine's start and gives the engine the adaptive
/// step-size sequence with that η. Returns the search's outcome, or nil when η is given.
private func adaptStepSize<Family: VariationalFamily>(
  of engine: inout VariationalInference<Family>, options: FitOptions, stopwatch: Stopwatch,
  progress: (FitProgress) -> Void
) throws(InferenceError) -> StepSizeAdaptation.Outcome? {
  guard case .adaptiveStepSize(nil) = options.optimizer else { return nil }
  let search = StepSizeAdaptation(
    candidates: options.adaptationCandidates, iterations: options.adaptationIterations,
    elboSamples: options.elboSamples)
  let outcome = try search.run(from: engine) { trial in
    progress(
      FitProgress(
        phase: .adaptation, iteration: 0, maxIterations: options.maxIterations,
        elbo: trial.elbo, learningRate: trial.learningRate, elapsedSeconds: stopwatch.seconds))
  }
  engine.optimizer = OptimizerSlot(
    .adaptiveStepSize(learningRate: outcome.learningRate), for: engine.family)
  return outcome
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
