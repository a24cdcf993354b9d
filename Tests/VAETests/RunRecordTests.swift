import Datasets
import Foundation
import TensorCore
import Testing
import Visualization

@testable import VAE

/// What a run records and checks about itself: resume changes, the divergence rule, the
/// objective's name, old metrics lines, data fingerprints.
@Suite struct RunRecordTests {
  static let base = VAECheckpoint.Configuration(
    model: VAEConfiguration(), training: TrainingConfiguration(),
    data: VAEDataRecord(
      source: "/data/a.csv", imageShape: [4, 4], testFraction: 0.1,
      training: .init(images: 36, hash: "0123456789abcdef")))

  /// A change to the configuration and the line `resumeChanges` must give (nil: allowed).
  struct Change: CustomTestStringConvertible, Sendable {
    var name: String
    var change: @Sendable (inout VAECheckpoint.Configuration) -> Void
    var expected: String?
    var testDescription: String { name }
  }

  static let changes: [Change] = [
    Change(
      name: "latent", change: { $0.model.latentDimension = 3 },
      expected: "--latent-dim: the run has 20, this command asks for 3"),
    Change(
      name: "learning rate", change: { $0.training.learningRate = 0.01 },
      expected: "--learning-rate: the run has 0.001, this command asks for 0.01"),
    Change(
      name: "data", change: { $0.data!.source = "/data/b.csv" },
      expected: "--data: the run has /data/a.csv, this command asks for /data/b.csv"),
    Change(
      name: "limit", change: { $0.data!.limitTrain = 5 },
      expected: "--limit-train: the run has none, this command asks for 5"),
    Change(name: "more epochs", change: { $0.training.epochs = 30 }, expected: nil),
    Change(
      name: "fewer epochs", change: { $0.training.epochs = 3 },
      expected: "--epochs: the run has 10, this command asks for 3"),
    Change(name: "other fingerprint", change: { $0.data!.training.hash = "ffff" }, expected: nil),
  ]

  @Test(arguments: changes)
  func resumeChangesNameTheFlag(_ change: Change) {
    var requested = Self.base
    change.change(&requested)
    let lines = Self.base.resumeChanges(to: requested)
    if let expected = change.expected {
      #expect(lines.count == 1 && lines[0].hasPrefix(expected), "\(lines)")
    } else {
      #expect(lines.isEmpty, "\(lines)")
    }
  }

  @Test func divergenceRuleTripsOnlyOnAnExplosion() {
    var detector = DivergenceDetector()
    // A falling then noisy loss, as in normal training, never trips.
    for step in 0..<200 {
      let loss = 550 * exp(-Double(step) / 20) + 250 + 10 * sin(Double(step))
      #expect(detector.record(loss) == nil)
    }
    #expect(detector.record(250 * 900) == nil)
    #expect(detector.record(250 * 2000) != nil)
    // Losses near zero or negative (Gaussian likelihoods) use a scale of at least 1.
    var gaussian = DivergenceDetector()
    for step in 0..<10 { #expect(gaussian.record(-0.5 + 0.1 * Double(step % 2)) == nil) }
    #expect(gaussian.record(400) == nil)
    #expect(gaussian.record(2000) != nil)
  }

  @Test func objectiveNames() {
    var training = TrainingConfiguration()
    #expect(training.objectiveName(epoch: 1) == "negative ELBO")
    training.beta = 4
    #expect(training.objectiveName(epoch: 1) == "β-weighted negative ELBO (β = 4.0)")
    training.klWarmupEpochs = 2
    #expect(training.objectiveName(epoch: 2) == "KL-warm-up negative ELBO")
    training.importanceSamples = 5
    #expect(training.objectiveName(epoch: 1) == "negative IWAE bound (K = 5)")
  }

  @Test func oldMetricsLinesStillDecode() throws {
    let line = """
      {"epoch":1,"learning_rate":0.001,"samples_per_second":10,"seconds":1,\
      "test_negative_elbo":250,"train_kl":20,"train_negative_elbo":270,"train_reconstruction":240}
      """
    let metrics = try JSONDecoder().decode(EpochMetrics.self, from: Data(line.utf8))
    #expect(metrics.trainObjective == 270 && metrics.objective == "training objective")
    #expect(metrics.trainNegativeELBO == 260)
  }

  @Test func fingerprintsTellImagesApart() {
    let a = ImageDataset(
      pixels: [0, 1, 2, 3, 4, 5, 6, 7], labels: nil, count: 2, rows: 2, columns: 2)
    let b = ImageDataset(
      pixels: [0, 1, 2, 3, 4, 5, 6, 8], labels: nil, count: 2, rows: 2, columns: 2)
    #expect(VAEDataRecord.Fingerprint(of: a) == VAEDataRecord.Fingerprint(of: a))
    #expect(VAEDataRecord.Fingerprint(of: a) != VAEDataRecord.Fingerprint(of: b))
    #expect(VAEDataRecord.Fingerprint(of: a).hash.count == 16)
  }

  /// `embed --plot`'s map: unlabelled data has no legend (the picture differs from the same
  /// points labelled 0), and class names appear only when asked for.
  @Test func latentMapLegendFollowsTheLabels() {
    var configuration = VAEConfiguration()
    (configuration.height, configuration.width) = (2, 2)
    configuration.hiddenSizes = [4]
    configuration.latentDimension = 2
    var generator = Xoshiro256StarStar(seed: 1)
    let model = MLPVAE(configuration: configuration, using: &generator)
    let pixels: [UInt8] = (0..<40).map { UInt8($0 * 23 % 256) }
    let unlabelled = ImageDataset(pixels: pixels, count: 10, rows: 2, columns: 2)
    let zeros = ImageDataset(
      pixels: pixels, labels: [UInt8](repeating: 0, count: 10), count: 10, rows: 2, columns: 2)
    let plain = VAEPictures.latentMap(from: model, of: unlabelled)
    let numbered = VAEPictures.latentMap(from: model, of: zeros)
    let named = VAEPictures.latentMap(
      from: model, of: zeros, labelNames: ScatterPlot.fashionMNISTClassNames)
    #expect(plain != numbered)
    #expect(numbered != named)
  }
}
