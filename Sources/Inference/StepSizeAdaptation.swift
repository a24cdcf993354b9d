/// The adaptation phase of Stan's ADVI, which chooses the scale η of the adaptive step-size
/// sequence (Kucukelbir et al. 2017, section 3.3; Stan's `adapt_eta`).
///
/// Starting every time from the same initial q (and the same random draws, so that candidates
/// are compared on equal terms), each candidate η runs `iterations` steps of
/// ``AdaptiveStepSize``, and the ELBO it reaches is estimated from `elboSamples` draws. A
/// candidate whose steps produce non-finite values scores −∞. Candidates are tried in order
/// (by default 100, 10, 1, 0.1, 0.01); the search stops at the first candidate that does worse
/// than the best so far once that best improves on the initial ELBO, and the best η is chosen.
/// If no candidate improves on the initial ELBO, adaptation fails.
public struct StepSizeAdaptation: Hashable, Sendable {
  /// The candidate η, in the order tried.
  public var candidates: [Double]
  /// The steps each candidate runs.
  public var iterations: Int
  /// The draws of each ELBO estimate.
  public var elboSamples: Int

  /// One candidate's outcome.
  public struct Trial: Hashable, Sendable {
    /// The candidate η.
    public var learningRate: Double
    /// The ELBO it reached (−∞ if it diverged).
    public var elbo: Double
  }

  /// The outcome of the phase.
  public struct Outcome: Hashable, Sendable {
    /// The chosen η.
    public var learningRate: Double
    /// The ELBO of the initial q.
    public var initialELBO: Double
    /// Every candidate tried, in order.
    public var trials: [Trial]
  }

  /// A search over `candidates`, `iterations` steps each.
  public init(
    candidates: [Double] = [100, 10, 1, 0.1, 0.01], iterations: Int = 50, elboSamples: Int = 100
  ) {
    self.candidates = candidates
    self.iterations = iterations
    self.elboSamples = elboSamples
  }

  /// Runs the search from the state of `engine` (which is not changed).
  ///
  /// - Parameters:
  ///   - engine: the inference engine whose family, objective and seed the candidates start
  ///     from.
  ///   - progress: called after each candidate.
  /// - Throws: ``InferenceError/adaptationFailed(_:)`` when the initial ELBO is not finite or
  ///   no candidate improves on it.
  public func run<Family>(
    from engine: VariationalInference<Family>, progress: (Trial) -> Void = { _ in }
  ) throws(InferenceError) -> Outcome {
    var start = engine
    let initialELBO = start.estimateELBO(samples: elboSamples).value
    guard initialELBO.isFinite else {
      throw .adaptationFailed(
        "step-size adaptation: the ELBO of the initial approximation is \(initialELBO). Try "
          + "another initialization, or check the model's log joint at the initial point.")
    }
    var trials: [Trial] = []
    var best: Trial?
    for eta in candidates {
      var trial = engine
      trial.optimizer = OptimizerSlot(.adaptiveStepSize(learningRate: eta), for: trial.family)
      trial.learningRateSchedule = nil
      var diverged = false
      for _ in 0..<iterations {
        if !trial.step().accepted {
          diverged = true
          break
        }
      }
      var elbo = -Double.infinity
      if !diverged && trial.family.hasFiniteParameters {
        let estimate = trial.estimateELBO(samples: elboSamples).value
        if estimate.isFinite { elbo = estimate }
      }
      let outcome = Trial(learningRate: eta, elbo: elbo)
      trials.append(outcome)
      progress(outcome)
      if let current = best, elbo < current.elbo, current.elbo > initialELBO { break }
      if best == nil || elbo > best!.elbo { best = outcome }
    }
    guard let best, best.elbo > initialELBO else {
      let tried = trials.map { "η = \($0.learningRate): ELBO \($0.elbo)" }
        .joined(separator: "; ")
      throw .adaptationFailed(
        "step-size adaptation: no step size improved on the initial ELBO \(initialELBO) "
          + "(\(tried)). The model may be ill-conditioned or misspecified; try "
          + "smaller adaptationCandidates, more adaptationIterations, or the Adam optimiser "
          + "with a small learning rate.")
    }
    return Outcome(learningRate: best.learningRate, initialELBO: initialELBO, trials: trials)
  }
}
