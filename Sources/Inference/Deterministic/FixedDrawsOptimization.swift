import TensorCore

/// The L-BFGS runs of the deterministic fit on fixed draws, and what they add up to: the
/// iterations, the rejected trial points and the runs that stopped above the gradient
/// tolerance (which become the fit's warnings).
struct FixedDrawsOptimization {
  /// The ELBO on the current draws, in the Laplace approximation's coordinates.
  var elbo: SampleAverageELBO
  let minimizer: LBFGSMinimizer
  /// Reports the elapsed time in the progress lines.
  let stopwatch: Stopwatch
  /// The L-BFGS iterations of every run.
  private(set) var iterations = 0
  /// The trial points where log p̃ or its gradient was not finite at some draw.
  private(set) var rejectedPoints = 0
  /// The runs that stopped above the gradient tolerance, of all runs; the largest final
  /// gradient component of those; whether one stopped at the iteration limit.
  private(set) var unconverged: (runs: Int, runsTotal: Int, gradient: Double, atLimit: Bool) =
    (0, 0, 0, false)

  init(elbo: SampleAverageELBO, minimizer: LBFGSMinimizer, stopwatch: Stopwatch) {
    self.elbo = elbo
    self.minimizer = minimizer
    self.stopwatch = stopwatch
  }

  /// Maximises the ELBO on the draws `noise` from `start` (first shrinking q, at most 20
  /// times by half, until every draw has a finite log density) and returns the optimum's
  /// variables.
  ///
  /// - Throws: ``InferenceError`` naming the parameters whose log density is not finite when
  ///   shrinking does not help.
  mutating func optimize(
    from start: [Double], noise: Tensor<Double>, progress: (FitProgress) -> Void
  ) throws(InferenceError) -> [Double] {
    elbo.noise = noise
    let start = try shrunkUntilFinite(start)
    var copy = elbo
    let outcome = minimizer.minimize(from: start) { copy.negativeValueAndGradient($0) }
    elbo = copy
    iterations += outcome.iterations
    rejectedPoints += outcome.rejectedPoints
    unconverged.runsTotal += 1
    if !outcome.converged {
      unconverged.runs += 1
      unconverged.gradient = Swift.max(unconverged.gradient, maximumMagnitude(outcome.gradient))
      unconverged.atLimit = unconverged.atLimit || outcome.iterations >= minimizer.maxIterations
    }
    progress(
      FitProgress(
        phase: .fixedDraws(noise.shape[0]), iteration: iterations,
        maxIterations: minimizer.maxIterations, elbo: -outcome.value, learningRate: 0,
        elapsedSeconds: stopwatch.seconds))
    return outcome.point
  }

  /// `start` with q shrunk around the mode until every draw has a finite log density
  /// (bounded retries).
  private mutating func shrunkUntilFinite(_ start: [Double]) throws(InferenceError) -> [Double] {
    var start = start
    var shrinks = 0
    while !elbo.negativeValueAndGradient(start).value.isFinite {
      shrinks += 1
      if shrinks > 20 {
        try blameRejectedDraw(elbo, start)
        throw .diverged(
          "log p̃ or its gradient is not finite at some draws of q even after shrinking q "
            + "by 2²⁰ around the mode; check the model's constraints and data")
      }
      shrinkScale(&start, elbo)
    }
    return start
  }

  /// The warnings of the runs: those that stopped above the gradient tolerance, and the
  /// trial points rejected.
  var warnings: [String] {
    var warnings: [String] = []
    if unconverged.runs > 0 {
      warnings.append(
        "\(unconverged.runs) of \(unconverged.runsTotal) L-BFGS runs on fixed draws stopped "
          + "with a gradient above the tolerance 1e-6 (largest "
          + "\(formatNumber(unconverged.gradient))): "
          + (unconverged.atLimit
            ? "the iteration limit was reached; raise maxIterations (--max-iterations)"
            : "the line search found no better point, which happens when log p̃ is not smooth "
              + "or not finite near q's draws"))
    }
    if rejectedPoints > 0 {
      warnings.append(
        "\(rejectedPoints) trial points of the optimisation had a draw where log p̃ or its "
          + "gradient was not finite; they were rejected (the line search stepped back)")
    }
    return warnings
  }
}
