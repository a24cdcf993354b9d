import Datasets
import Foundation
import Reporting

/// The result of `vae evaluate`, also written as JSON.
public struct VAEEvaluationReport: Codable, Equatable, Sendable {
  /// The one-sample negative ELBO, nats per image.
  public var negativeELBO: Double
  /// The importance-sampled estimate of log p(x), nats per image.
  public var logLikelihood: Double
  public var importanceSamples: Int
  /// The number of images evaluated.
  public var images: Int
  /// Latent dimensions whose posterior mean varies across images by more than 0.01.
  public var activeUnits: Int
  /// The average KL(q(z_j | x) ‖ N(0, 1)) of each latent dimension j.
  public var klPerDimension: [Double]
  /// The wall-clock seconds the estimate of log p(x) took (a measurement, not a result).
  public var logLikelihoodSeconds: Double?

  enum CodingKeys: String, CodingKey {
    case negativeELBO = "negative_elbo"
    case logLikelihood = "log_likelihood"
    case importanceSamples = "importance_samples"
    case images
    case activeUnits = "active_units"
    case klPerDimension = "kl_per_dimension"
    case logLikelihoodSeconds = "log_likelihood_seconds"
  }

  /// Evaluates `model` on the first `limit` images of `data`.
  public static func evaluate<E, D>(
    _ model: VariationalAutoencoder<E, D>, on data: ImageDataset, importanceSamples: Int,
    limit: Int?, seed: UInt64, progress: (Int) -> Void = { _ in }
  ) -> VAEEvaluationReport {
    let count = Swift.min(limit ?? data.count, data.count)
    let negativeELBO = VAEEvaluation.negativeELBO(of: model, on: data, limit: count, seed: seed)
    let clock = ContinuousClock()
    let start = clock.now
    let logLikelihood = VAEEvaluation.logLikelihood(
      of: model, on: data, importanceSamples: importanceSamples, limit: count, seed: seed &+ 1,
      progress: progress)
    let seconds = (clock.now - start).inSeconds
    let (means, logVariances) = VAEEvaluation.latentMeans(of: model, on: data, limit: count)
    return VAEEvaluationReport(
      negativeELBO: negativeELBO, logLikelihood: logLikelihood,
      importanceSamples: importanceSamples, images: count,
      activeUnits: VAEEvaluation.activeUnits(means: means).count,
      klPerDimension: VAEEvaluation.klPerDimension(means: means, logVariances: logVariances),
      logLikelihoodSeconds: seconds)
  }
}
