import Datasets
import Foundation
import Reporting
import TensorCore

/// The result of `vae evaluate`, also written as JSON.
public struct VAEEvaluationReport: Codable, Equatable, Sendable {
  /// The one-sample negative ELBO, nats per image.
  public var negativeELBO: Double
  /// The importance-sampled estimate of log p(x), nats per image.
  public var logLikelihood: Double
  /// K, the importance samples per image of the estimate.
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

  /// Evaluates `model` on the first `limit` images of `data`; the negative ELBO and log p(x)
  /// are shared among `processes` (``VAEEvaluation``), the latent statistics are computed by
  /// each.
  public static func evaluate<E, D>(
    _ model: VariationalAutoencoder<E, D>, on data: ImageDataset, importanceSamples: Int,
    limit: Int?, seed: UInt64, processes: any ProcessGroup = SingleProcess(),
    progress: (Int) -> Void = { _ in }
  ) -> VAEEvaluationReport {
    let count = Swift.min(limit ?? data.count, data.count)
    let negativeELBO = VAEEvaluation.negativeELBO(
      of: model, on: data, limit: count, seed: seed, processes: processes)
    let clock = ContinuousClock()
    let start = clock.now
    let logLikelihood = VAEEvaluation.logLikelihood(
      of: model, on: data, importanceSamples: importanceSamples, limit: count, seed: seed &+ 1,
      processes: processes, progress: progress)
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

extension VAEEvaluationReport {
  /// The report as `vae evaluate` prints it:
  /// ```
  /// images             1000
  /// negative ELBO      240.91 nats
  /// log p(x) (K=1000)  -237.48 nats
  /// time of log p(x)   99.63 s
  /// active units       20 of 20
  /// KL per dimension   0.85 1.02 …
  /// ```
  public var text: String {
    var lines = [
      String(format: "images             %d", images),
      String(format: "negative ELBO      %.2f nats", negativeELBO),
      String(format: "log p(x) (K=%d)  %.2f nats", importanceSamples, logLikelihood),
    ]
    if let seconds = logLikelihoodSeconds {
      lines.append(String(format: "time of log p(x)   %.2f s", seconds))
    }
    lines.append("active units       \(activeUnits) of \(klPerDimension.count)")
    let kl = klPerDimension.map { String(format: "%.2f", $0) }
    lines.append("KL per dimension   " + kl.joined(separator: " "))
    return lines.joined(separator: "\n")
  }

  /// The report as pretty-printed JSON with sorted keys and a final newline, as
  /// `vae evaluate --json` writes it.
  public func json() throws -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return Array(try encoder.encode(self)) + [10]
  }
}

