/// One epoch's numbers, written as a line of `metrics.jsonl`.
///
/// Values are in nats per image: a term summed over pixels, averaged over images (the PyTorch
/// example's number). The training objective is named by ``objective``: it is the negative
/// ELBO only for the plain ELBO (β = 1, no warm-up, no IWAE); ``trainNegativeELBO`` is the
/// negative ELBO itself (reconstruction + KL, unweighted) whenever the run has one.
public struct EpochMetrics: Codable, Equatable, Sendable {
  /// The epoch, counted from 1 over the whole run (resumed runs continue the count).
  public var epoch: Int
  /// What ``trainObjective`` is: "negative ELBO", "β-weighted negative ELBO (β = 4)",
  /// "KL-warm-up negative ELBO", "negative IWAE bound (K = 5)".
  public var objective: String
  /// The training objective averaged over the epoch's batches as they were trained (with the
  /// KL weight of the moment).
  public var trainObjective: Double
  /// The negative ELBO of the epoch's batches as they were trained, reconstruction + KL
  /// unweighted; `nil` when training on the importance-weighted bound.
  public var trainNegativeELBO: Double?
  /// The parts of the ELBO objective; `nil` when training on the importance-weighted bound,
  /// which has no such split.
  public var trainReconstruction: Double?
  /// The KL term, unweighted.
  public var trainKL: Double?
  /// The test-set negative ELBO after the epoch (one sample per image), if a test set was given.
  public var testNegativeELBO: Double?
  /// Wall-clock seconds of the epoch's training steps (evaluation and saving excluded).
  public var seconds: Double
  /// Training images per second of ``seconds``.
  public var samplesPerSecond: Double
  /// The learning rate at the epoch's last step.
  public var learningRate: Double
  /// The number of processes that trained the epoch together (`mpirun -np`); `nil` for one.
  public var processes: Int?
  /// With several ``processes``: the seconds of ``seconds`` that process 0 spent in the
  /// all-reduce of the gradients (waiting for the slowest process included), and the steps.
  public var allReduceSeconds: Double?
  /// With several ``processes``: the number of all-reduces (one per step).
  public var allReduceCalls: Int?

  /// The name of the plain objective.
  public static let negativeELBOName = "negative ELBO"

  /// The metrics of one epoch, as the trainer measured them.
  public init(
    epoch: Int, objective: String, trainObjective: Double, trainNegativeELBO: Double?,
    trainReconstruction: Double?, trainKL: Double?, testNegativeELBO: Double?, seconds: Double,
    samplesPerSecond: Double, learningRate: Double
  ) {
    self.epoch = epoch
    self.objective = objective
    self.trainObjective = trainObjective
    self.trainNegativeELBO = trainNegativeELBO
    self.trainReconstruction = trainReconstruction
    self.trainKL = trainKL
    self.testNegativeELBO = testNegativeELBO
    self.seconds = seconds
    self.samplesPerSecond = samplesPerSecond
    self.learningRate = learningRate
  }

  /// Reads both this format and the older one, whose `train_negative_elbo` was the training
  /// objective whatever it was (taken as the objective, named "training objective").
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    epoch = try container.decode(Int.self, forKey: .epoch)
    trainReconstruction = try container.decodeIfPresent(Double.self, forKey: .trainReconstruction)
    trainKL = try container.decodeIfPresent(Double.self, forKey: .trainKL)
    testNegativeELBO = try container.decodeIfPresent(Double.self, forKey: .testNegativeELBO)
    seconds = try container.decode(Double.self, forKey: .seconds)
    samplesPerSecond = try container.decode(Double.self, forKey: .samplesPerSecond)
    learningRate = try container.decode(Double.self, forKey: .learningRate)
    processes = try container.decodeIfPresent(Int.self, forKey: .processes)
    allReduceSeconds = try container.decodeIfPresent(Double.self, forKey: .allReduceSeconds)
    allReduceCalls = try container.decodeIfPresent(Int.self, forKey: .allReduceCalls)
    if let objective = try container.decodeIfPresent(Double.self, forKey: .trainObjective) {
      trainObjective = objective
      self.objective = try container.decode(String.self, forKey: .objective)
      trainNegativeELBO = try container.decodeIfPresent(Double.self, forKey: .trainNegativeELBO)
    } else {
      trainObjective = try container.decode(Double.self, forKey: .trainNegativeELBO)
      objective = "training objective"
      trainNegativeELBO = trainReconstruction.flatMap { r in trainKL.map { r + $0 } }
    }
  }

  enum CodingKeys: String, CodingKey {
    case epoch
    case objective
    case trainObjective = "train_objective"
    case trainNegativeELBO = "train_negative_elbo"
    case trainReconstruction = "train_reconstruction"
    case trainKL = "train_kl"
    case testNegativeELBO = "test_negative_elbo"
    case seconds
    case samplesPerSecond = "samples_per_second"
    case learningRate = "learning_rate"
    case processes
    case allReduceSeconds = "allreduce_seconds"
    case allReduceCalls = "allreduce_calls"
  }
}
