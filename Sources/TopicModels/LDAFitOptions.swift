/// How ``LDATrainer`` fits LDA. The defaults are scikit-learn's `LatentDirichletAllocation`
/// defaults, so that the two can be compared setting for setting.
public struct LDAFitOptions: Sendable, Equatable {
  /// Batch or online (stochastic) variational Bayes.
  public enum Method: String, Sendable, Equatable, CaseIterable {
    /// Each pass runs the local step on every training document, then sets λ = η + s
    /// (Blei, Ng & Jordan 2003, the variational EM of section 5.3).
    case batch
    /// Each minibatch runs the local step on its documents, then moves λ a step ρ_t toward
    /// η + (D/|B|) s (Hoffman, Blei, Wang & Paisley 2013, algorithm 2).
    case online
  }

  /// Batch or online; online by default.
  public var method: Method = .online
  /// Passes over the training documents (scikit-learn's `max_iter`); 10 by default.
  public var passes: Int = 10
  /// Documents per minibatch of the online method; 128 by default.
  public var batchSize: Int = 128
  /// τ₀ of the step size ρ_t = (τ₀ + t)^(−κ), t = 1, 2, … counting minibatches; 10 by default.
  public var learningOffset: Double = 10
  /// κ ∈ (0.5, 1] of the step size; 0.7 by default.
  public var learningDecay: Double = 0.7
  /// α; `nil` gives 1/K.
  public var documentTopicPrior: Double? = nil
  /// η; `nil` gives 1/K.
  public var topicWordPrior: Double? = nil
  /// The most local-step updates per document; 100 by default.
  public var maximumLocalIterations: Int = 100
  /// The local step's convergence threshold on the mean absolute change of γ; 10⁻³ by default.
  public var localTolerance: Double = 1e-3
  /// The seed of the initial λ and of each local step's starting γ.
  public var seed: UInt64 = 0

  /// The defaults listed on each setting.
  public init() {}

  /// Throws `.invalidSetting` naming the flag of a setting out of range.
  public func validate() throws(TopicModelError) {
    if passes < 1 { throw TopicModelError(.invalidSetting, path: "--passes", "must be at least 1") }
    if batchSize < 1 {
      throw TopicModelError(.invalidSetting, path: "--batch-size", "must be at least 1")
    }
    if !(learningOffset >= 0 && learningOffset.isFinite) {
      throw TopicModelError(.invalidSetting, path: "--learning-offset", "must be at least 0")
    }
    if !(learningDecay > 0.5 && learningDecay <= 1) {
      throw TopicModelError(.invalidSetting, path: "--learning-decay", "must be in (0.5, 1]")
    }
    for (value, flag) in [(documentTopicPrior, "--alpha"), (topicWordPrior, "--eta")] {
      if let value, !(value > 0 && value.isFinite) {
        throw TopicModelError(.invalidSetting, path: flag, "must be positive")
      }
    }
    if maximumLocalIterations < 1 {
      throw TopicModelError(.invalidSetting, path: "--local-iterations", "must be at least 1")
    }
  }
}
