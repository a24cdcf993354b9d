/// What `--resume` may and may not change.
extension VAECheckpoint.Configuration {
  /// The settings of `requested` that differ from this run's, one line each as
  /// `--flag: the run has OLD, this command asks for NEW`. Raising `--epochs` is allowed (it
  /// extends the run); lowering it is not. Data settings are compared only when both
  /// configurations record their data.
  public func resumeChanges(to requested: Self) -> [String] {
    var changes: [String] = []
    func compare<T: Equatable>(_ flag: String, _ old: T, _ new: T, _ show: (T) -> String) {
      if old != new {
        changes.append("\(flag): the run has \(show(old)), this command asks for \(show(new))")
      }
    }
    func text<T>(_ value: T) -> String { "\(value)" }
    func optional<T>(_ value: T?) -> String { value.map { "\($0)" } ?? "none" }
    let (a, b) = (model, requested.model)
    compare("--architecture", a.architecture.rawValue, b.architecture.rawValue, text)
    compare("--hidden", a.hiddenSizes, b.hiddenSizes) {
      $0.map(String.init).joined(separator: ",")
    }
    compare("--latent-dim", a.latentDimension, b.latentDimension, text)
    compare("--likelihood", a.likelihood.rawValue, b.likelihood.rawValue, text)
    compare("--sigma", a.fixedStandardDeviation, b.fixedStandardDeviation, text)
    compare("--image-shape", [a.height, a.width], [b.height, b.width]) {
      $0.map(String.init).joined(separator: "x")
    }
    let (s, t) = (training, requested.training)
    if t.epochs < s.epochs {
      changes.append(
        "--epochs: the run has \(s.epochs), this command asks for \(t.epochs) (only raising "
          + "--epochs is allowed; use --stop-after to stop early)")
    }
    compare("--batch-size", s.batchSize, t.batchSize, text)
    compare("--learning-rate", s.learningRate, t.learningRate, text)
    compare("--adam-beta1", s.beta1, t.beta1, text)
    compare("--adam-beta2", s.beta2, t.beta2, text)
    compare("--schedule", s.schedule.rawValue, t.schedule.rawValue, text)
    compare("--samples", s.samples, t.samples, text)
    compare("--beta", s.beta, t.beta, text)
    compare("--kl-warmup", s.klWarmupEpochs, t.klWarmupEpochs, text)
    compare("--iwae", s.importanceSamples, t.importanceSamples, text)
    compare("--binarize", s.binarize, t.binarize, text)
    compare("--clip-norm", s.gradientClipNorm, t.gradientClipNorm, optional)
    compare("--seed", s.seed, t.seed, text)
    if let old = data, let new = requested.data {
      compare("--data", old.source, new.source, text)
      compare("--test-data", old.testSource, new.testSource, optional)
      compare("--limit-train", old.limitTrain, new.limitTrain, optional)
    }
    return changes
  }
}
