import Foundation
import Inference
import PosteriorDBModels

/// How far one fit's draws are from the reference, per scalar, with the fit's diagnostics:
/// one seed of one posterior and family. Written as is to `--json`.
struct SeedResult: Codable {
  /// One scalar of the reference.
  struct Parameter: Codable {
    var name: String
    var referenceMean: Double
    var referenceSD: Double
    /// The mean and standard deviation over the draws of q.
    var mean: Double
    var sd: Double
    /// |mean − reference mean| / reference sd.
    var meanError: Double
    /// sd / reference sd.
    var sdRatio: Double
  }

  var seed: UInt64
  /// Why the fit failed, or nil.
  var error: String?
  var elbo: Double?
  var elboStandardError: Double?
  /// The Pareto k̂ of the draws' importance ratios.
  var paretoK: Double?
  /// The parameters the draws' scale check flagged (``ScaleCheck``), the furthest first.
  var sdFlagged: [String]?
  var gradientEvaluations: Int?
  var iterations: Int?
  var converged: Bool?
  /// The fit's warnings.
  var warnings: [String] = []
  /// The fit's largest Monte-Carlo standard error of a mean, in posterior sds (deterministic
  /// fit).
  var monteCarloStandardError: Double?
  /// The fit's wall-clock seconds (drawing and comparing not included).
  var seconds: Double?
  var parameters: [Parameter] = []

  /// A failed fit.
  init(seed: UInt64, error: String) {
    self.seed = seed
    self.error = error
  }

  /// The result of `fitted`, compared with `reference` through `draws` of it.
  ///
  /// - Throws: ``BenchmarkError`` when the draws have no column for a reference scalar.
  init(
    seed: UInt64, fitted: VariationalFit, draws: PosteriorDraws, reference: ReferencePosterior
  ) throws {
    self.seed = seed
    elbo = fitted.elbo.value
    elboStandardError = fitted.elbo.standardError
    paretoK = draws.pareto.k
    sdFlagged = draws.scaleCheck.flagged.map(\.name)
    gradientEvaluations = fitted.gradientEvaluations
    iterations = fitted.iterations
    converged = fitted.converged
    warnings = fitted.warnings
    monteCarloStandardError = fitted.monteCarloStandardErrors?.max()
    seconds = fitted.seconds
    for name in reference.names {
      guard let column = draws.column(named: name) else {
        throw BenchmarkError(
          "the draws have no column \"\(name)\" of the reference (they have "
            + draws.columnNames.joined(separator: ", ") + ")")
      }
      let summary = ParameterSummary(name: name, draws: column)
      let target = reference.moments[name]!
      parameters.append(
        Parameter(
          name: name, referenceMean: target.mean, referenceSD: target.standardDeviation,
          mean: summary.mean, sd: summary.standardDeviation,
          meanError: Swift.abs(summary.mean - target.mean) / target.standardDeviation,
          sdRatio: summary.standardDeviation / target.standardDeviation))
    }
  }

  /// The largest mean error over scalars (NaN propagates).
  var worstMeanError: Double { parameters.map(\.meanError).reduce(0) { nanMax($0, $1) } }
  /// The median mean error over scalars.
  var medianMeanError: Double { median(parameters.map(\.meanError)) }
  var minimumSDRatio: Double { parameters.map(\.sdRatio).reduce(.infinity) { nanMin($0, $1) } }
  var maximumSDRatio: Double { parameters.map(\.sdRatio).reduce(0) { nanMax($0, $1) } }
}

/// One posterior and family over all seeds, in the benchmark's JSON output.
struct PosteriorResult: Codable {
  var posterior: String
  var family: String
  var seeds: [SeedResult]
}

/// One row of the table: the seeds of a posterior and family, each statistic taken at its
/// worst over the seeds that fitted (largest mean errors, k̂, gradient evaluations and
/// seconds; smallest ELBO; the sd ratios' minimum and maximum over all seeds).
struct TableRow {
  var posterior: String
  var family: String
  var fitted: Int
  var seedCount: Int
  var worstMeanError: Double
  var medianMeanError: Double
  var minimumSDRatio: Double
  var maximumSDRatio: Double
  var elbo: Double
  var paretoK: Double
  var gradientEvaluations: Int
  var converged: Int
  /// The fits whose report warns about q's sds (``ScaleCheck``).
  var sdFlagged: Int
  var seconds: Double
  /// The failures, `seed 2: message`.
  var errors: [String]

  init(_ result: PosteriorResult) {
    posterior = result.posterior
    family = result.family
    seedCount = result.seeds.count
    let good = result.seeds.filter { $0.error == nil }
    fitted = good.count
    worstMeanError = good.map(\.worstMeanError).reduce(0) { nanMax($0, $1) }
    medianMeanError = good.map(\.medianMeanError).reduce(0) { nanMax($0, $1) }
    minimumSDRatio = good.map(\.minimumSDRatio).reduce(.infinity) { nanMin($0, $1) }
    maximumSDRatio = good.map(\.maximumSDRatio).reduce(0) { nanMax($0, $1) }
    elbo = good.compactMap(\.elbo).reduce(.infinity) { nanMin($0, $1) }
    paretoK = good.compactMap(\.paretoK).reduce(-.infinity) { nanMax($0, $1) }
    gradientEvaluations = good.compactMap(\.gradientEvaluations).max() ?? 0
    converged = good.filter { $0.converged == true }.count
    sdFlagged = good.filter { !($0.sdFlagged ?? []).isEmpty }.count
    seconds = good.compactMap(\.seconds).max() ?? .nan
    errors = result.seeds.compactMap { seed in seed.error.map { "seed \(seed.seed): \($0)" } }
  }
}

/// max that lets NaN through (a NaN mean error is the worst there is).
func nanMax(_ a: Double, _ b: Double) -> Double { a.isNaN || b.isNaN ? .nan : Swift.max(a, b) }
/// min that lets NaN through.
func nanMin(_ a: Double, _ b: Double) -> Double { a.isNaN || b.isNaN ? .nan : Swift.min(a, b) }

/// The median (the mean of the middle two for an even count); NaN for none or any NaN.
func median(_ values: [Double]) -> Double {
  guard !values.isEmpty, !values.contains(where: \.isNaN) else { return .nan }
  let sorted = values.sorted()
  let middle = sorted.count / 2
  return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// A problem that stops one posterior's comparison, shown in its row.
struct BenchmarkError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
