/// One epoch's numbers, written as a line of `metrics.jsonl`.
///
/// Negative ELBOs are in nats per image: the reconstruction term summed over pixels plus the
/// KL term, averaged over images (the PyTorch example's number).
public struct EpochMetrics: Codable, Equatable, Sendable {
  public var epoch: Int
  /// The training objective averaged over the epoch's batches as they were trained (with the
  /// KL weight of the moment).
  public var trainNegativeELBO: Double
  /// The parts of the ELBO objective; `nil` when training on the importance-weighted bound,
  /// which has no such split.
  public var trainReconstruction: Double?
  public var trainKL: Double?
  /// The test-set negative ELBO after the epoch (one sample per image), if a test set was given.
  public var testNegativeELBO: Double?
  /// Wall-clock seconds of the epoch's training steps (evaluation and saving excluded).
  public var seconds: Double
  public var samplesPerSecond: Double
  public var learningRate: Double

  enum CodingKeys: String, CodingKey {
    case epoch
    case trainNegativeELBO = "train_negative_elbo"
    case trainReconstruction = "train_reconstruction"
    case trainKL = "train_kl"
    case testNegativeELBO = "test_negative_elbo"
    case seconds
    case samplesPerSecond = "samples_per_second"
    case learningRate = "learning_rate"
  }
}
