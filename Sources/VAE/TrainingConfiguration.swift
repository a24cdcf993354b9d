/// How a VAE is trained. Saved in `config.json` beside every checkpoint so a run can be resumed
/// exactly. The defaults are the PyTorch VAE example's: Adam with learning rate 10⁻³, batches
/// of 128, 10 epochs, one Monte-Carlo sample, the plain ELBO (β = 1).
public struct TrainingConfiguration: Codable, Equatable, Sendable {
  /// The learning-rate schedule over all training steps.
  public enum Schedule: String, Codable, CaseIterable, Sendable {
    /// The same learning rate throughout.
    case constant
    /// Cosine annealing to zero over all epochs.
    case cosine
  }

  /// The passes over the training images.
  public var epochs = 10
  /// Images per optimisation step.
  public var batchSize = 128
  /// Adam's step size η.
  public var learningRate = 1e-3
  /// Adam's decay rates of the first and second moment estimates.
  public var beta1 = 0.9
  /// Adam's decay rate of the second moment estimate.
  public var beta2 = 0.999
  /// How the learning rate changes over the run.
  public var schedule = Schedule.constant
  /// L, the Monte-Carlo samples of z per image in the reconstruction term.
  public var samples = 1
  /// β, the weight of the KL term (β-VAE, Higgins et al. 2017); 1 is the ELBO.
  public var beta: Float = 1
  /// Epochs over which the KL weight rises linearly from 0 to β (Bowman et al. 2016); 0 for
  /// none.
  public var klWarmupEpochs = 0
  /// K > 1 trains on the importance-weighted bound with K samples (IWAE, Burda et al. 2016)
  /// instead of the ELBO.
  public var importanceSamples = 1
  /// Re-sample binary pixels x ~ Bernoulli(grey level) for every batch (dynamic binarisation).
  public var binarize = false
  /// Rescale the gradient when its global L2 norm exceeds this; `nil` for no clipping.
  public var gradientClipNorm: Float? = nil
  /// The seed of all randomness: initialisation, shuffling, noise, binarisation.
  public var seed: UInt64 = 1

  /// The defaults (the PyTorch example's).
  public init() {}

  /// Checks every setting; the message names the setting (as the `vae train` flag) and what
  /// is expected.
  public func validate() throws(VAEError) {
    func require(_ condition: Bool, _ message: String) throws(VAEError) {
      if !condition { throw VAEError.invalidConfiguration(message) }
    }
    try require(epochs > 0, "--epochs must be positive, got \(epochs)")
    try require(batchSize > 0, "--batch-size must be positive, got \(batchSize)")
    try require(learningRate > 0, "--learning-rate must be positive, got \(learningRate)")
    try require(beta1 >= 0 && beta1 < 1, "--adam-beta1 must be in [0, 1), got \(beta1)")
    try require(beta2 >= 0 && beta2 < 1, "--adam-beta2 must be in [0, 1), got \(beta2)")
    try require(samples > 0, "--samples must be positive, got \(samples)")
    try require(beta >= 0, "--beta must be non-negative, got \(beta)")
    try require(klWarmupEpochs >= 0, "--kl-warmup must be non-negative, got \(klWarmupEpochs)")
    try require(importanceSamples > 0, "--iwae must be positive, got \(importanceSamples)")
    if let gradientClipNorm {
      try require(gradientClipNorm > 0, "--clip-norm must be positive, got \(gradientClipNorm)")
    }
  }

  /// The name of the objective trained in epoch `epoch` (from 1): the negative ELBO, or what
  /// replaces it (metrics and curves show this name).
  public func objectiveName(epoch: Int) -> String {
    if importanceSamples > 1 { return "negative IWAE bound (K = \(importanceSamples))" }
    if klWarmupEpochs > 0 && epoch <= klWarmupEpochs { return "KL-warm-up negative ELBO" }
    if beta != 1 { return "β-weighted negative ELBO (β = \(beta))" }
    return EpochMetrics.negativeELBOName
  }
}
