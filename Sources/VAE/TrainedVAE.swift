import Datasets
import TensorCore
import Visualization

/// A trained VAE of either architecture, opened from a run directory, for work that only uses
/// the model: evaluation, pictures and embeddings. `vae`'s read-only commands call it without
/// knowing the network types; code that knows them can use
/// ``VAECheckpoint/loadModel(from:as:)`` and the generic functions of ``VAEEvaluation`` and
/// ``VAEPictures`` directly.
///
/// ```swift
/// let trained = try TrainedVAE(directory: "runs/fashion")
/// var generator = Xoshiro256StarStar(seed: 1)
/// try trained.samples(count: 64, using: &generator).writePNG(toPath: "samples.png")
/// ```
public struct TrainedVAE {
  /// The model's configuration, as saved in the run's `config.json`.
  public let configuration: VAEConfiguration
  private let model: any _TrainedModel

  /// Loads the model saved in `directory` (written by `vae train` or ``VAETrainingRun``).
  ///
  /// - Throws: ``VAEError`` naming the file when the configuration or weights cannot be read.
  public init(directory: String) throws {
    configuration = try VAECheckpoint.configuration(in: directory).model
    switch configuration.architecture {
    case .mlp:
      model = try VAECheckpoint.loadModel(
        from: directory, as: VariationalAutoencoder<MLPNetwork, MLPNetwork>.self)
    case .conv:
      model = try VAECheckpoint.loadModel(
        from: directory, as: VariationalAutoencoder<ConvEncoderNetwork, ConvDecoderNetwork>.self)
    }
  }

  /// The one-draw negative ELBO and the importance-sampled log p(x) of the first `limit` images
  /// of `data`
  /// (``VAEEvaluationReport/evaluate(_:on:importanceSamples:limit:seed:processes:progress:)``),
  /// shared among `processes`; `progress` gets the number of images done.
  public func evaluate(
    on data: ImageDataset, importanceSamples: Int, limit: Int?, seed: UInt64,
    processes: any ProcessGroup = SingleProcess(), progress: (Int) -> Void = { _ in }
  ) -> VAEEvaluationReport {
    model._evaluate(
      on: data, importanceSamples: importanceSamples, limit: limit, seed: seed,
      processes: processes, progress: progress)
  }

  /// `count` images decoded from z ~ N(0, I), in a grid
  /// (``VAEPictures/samples(from:count:columns:using:)``).
  public func samples(count: Int, using generator: inout Xoshiro256StarStar) throws -> Image {
    try model._samples(count: count, using: &generator)
  }

  /// The first `count` images of `data` above their reconstructions.
  public func reconstructions(of data: ImageDataset, count: Int) throws -> Image {
    try model._reconstructions(of: data, count: count)
  }

  /// `pairs` rows of `steps` images decoded along straight lines in latent space between pairs
  /// of images of `data`.
  public func interpolations(of data: ImageDataset, steps: Int, pairs: Int) throws -> Image {
    try model._interpolations(of: data, steps: steps, pairs: pairs)
  }

  /// The posterior means μ_φ(x) of the first `limit` images of `data`, `[count, latent]`.
  public func latentMeans(of data: ImageDataset, limit: Int? = nil) -> Tensor<Float> {
    model._latentMeans(of: data, limit: limit)
  }

  /// A scatter plot of the latent means of the first `limit` images of `data`, coloured by
  /// label (``VAEPictures/latentMap(from:of:limit:labelNames:)``).
  public func latentMap(of data: ImageDataset, limit: Int, labelNames: [Int: String]) -> Image {
    model._latentMap(of: data, limit: limit, labelNames: labelNames)
  }

  /// The latent means of the first `limit` images of `data` as CSV: a header `z1,…,zd,label`,
  /// then one row per image (the label empty when the data has none).
  public func latentMeansCSV(of data: ImageDataset, limit: Int? = nil) -> String {
    let means = latentMeans(of: data, limit: limit)
    let (count, dimension) = (means.shape[0], means.shape[1])
    var csv = ((0..<dimension).map { "z\($0 + 1)" } + ["label"]).joined(separator: ",") + "\n"
    let scalars = means.scalars
    for row in 0..<count {
      let values = scalars[(row * dimension)..<((row + 1) * dimension)].map { "\($0)" }
      csv += (values + [data.label(at: row).map { "\($0)" } ?? ""]).joined(separator: ",") + "\n"
    }
    return csv
  }
}

/// What ``TrainedVAE`` asks of the model it holds: the generic functions of ``VAEEvaluation``
/// and ``VAEPictures``, behind signatures without the network types.
protocol _TrainedModel {
  func _evaluate(
    on data: ImageDataset, importanceSamples: Int, limit: Int?, seed: UInt64,
    processes: any ProcessGroup, progress: (Int) -> Void
  ) -> VAEEvaluationReport
  func _samples(count: Int, using generator: inout Xoshiro256StarStar) throws -> Image
  func _reconstructions(of data: ImageDataset, count: Int) throws -> Image
  func _interpolations(of data: ImageDataset, steps: Int, pairs: Int) throws -> Image
  func _latentMeans(of data: ImageDataset, limit: Int?) -> Tensor<Float>
  func _latentMap(of data: ImageDataset, limit: Int, labelNames: [Int: String]) -> Image
}

extension VariationalAutoencoder: _TrainedModel {
  func _evaluate(
    on data: ImageDataset, importanceSamples: Int, limit: Int?, seed: UInt64,
    processes: any ProcessGroup, progress: (Int) -> Void
  ) -> VAEEvaluationReport {
    VAEEvaluationReport.evaluate(
      self, on: data, importanceSamples: importanceSamples, limit: limit, seed: seed,
      processes: processes, progress: progress)
  }

  func _samples(count: Int, using generator: inout Xoshiro256StarStar) throws -> Image {
    try VAEPictures.samples(from: self, count: count, using: &generator)
  }

  func _reconstructions(of data: ImageDataset, count: Int) throws -> Image {
    try VAEPictures.reconstructions(from: self, of: data, count: count)
  }

  func _interpolations(of data: ImageDataset, steps: Int, pairs: Int) throws -> Image {
    try VAEPictures.interpolations(from: self, of: data, steps: steps, pairs: pairs)
  }

  func _latentMeans(of data: ImageDataset, limit: Int?) -> Tensor<Float> {
    VAEEvaluation.latentMeans(of: self, on: data, limit: limit).means
  }

  func _latentMap(of data: ImageDataset, limit: Int, labelNames: [Int: String]) -> Image {
    VAEPictures.latentMap(from: self, of: data, limit: limit, labelNames: labelNames)
  }
}
