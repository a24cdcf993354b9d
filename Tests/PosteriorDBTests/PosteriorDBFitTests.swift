import Foundation
import Inference
import PosteriorDBModels
import Testing

/// Whether to run ``PosteriorDBFitTests``: `POSTERIORDB_FIT_TESTS=1 swift test`.
let fitTestsEnabled = ProcessInfo.processInfo.environment["POSTERIORDB_FIT_TESTS"] == "1"

/// Default fits of three cheap posteriors, compared with the reference loosely: full-rank
/// within 0.3 reference sds of every reference mean with sd ratios in [0.7, 1.4]; mean-field
/// within 0.5 sds with sd ratios at most 1.4 (mean-field may shrink the sds of correlated
/// posteriors, as on mesquite's).
///
/// Today's default algorithm misses these bounds (Benchmarks/README.md, the posteriordb
/// section), and swift-testing has no per-assertion expected failure that would start
/// failing when they pass, so the suite is off unless `POSTERIORDB_FIT_TESTS=1`; turn it on
/// by default when the new default algorithm lands.
@Suite(.enabled(if: fitTestsEnabled, "set POSTERIORDB_FIT_TESTS=1 to run the default fits"))
struct PosteriorDBFitTests {
  static let posteriors = [
    "kidiq-kidscore_momiq", "mesquite-logmesquite_logvas", "sblri-blr",
  ]

  @Test(arguments: posteriors)
  func fullRankFitIsCloseToTheReference(posterior: String) throws {
    try checkFit(
      posterior, family: .fullRank, maximumMeanError: 0.3, sdRatios: 0.7...1.4)
  }

  @Test(arguments: posteriors)
  func meanFieldFitIsCloseToTheReference(posterior: String) throws {
    try checkFit(
      posterior, family: .meanField, maximumMeanError: 0.5, sdRatios: 0...1.4)
  }

  /// Fits `posterior` with `fit(model, family:, options: FitOptions(seed: 1))` and compares
  /// 4,000 draws with the reference, scalar by scalar.
  func checkFit(
    _ posterior: String, family: FamilyKind, maximumMeanError: Double,
    sdRatios: ClosedRange<Double>, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let model = try loadModel(posterior)
    let reference = try ReferencePosterior(posterior: posterior, root: requirePosteriorDBRoot())
    let fitted = try fit(model, family: family, options: FitOptions(seed: 1))
    let draws = fitted.draws(count: 4000)
    for name in reference.names {
      let target = reference.moments[name]!
      let summary = try #require(draws.summary(of: name), sourceLocation: sourceLocation)
      let meanError = Swift.abs(summary.mean - target.mean) / target.standardDeviation
      let sdRatio = summary.standardDeviation / target.standardDeviation
      #expect(
        meanError <= maximumMeanError,
        Comment(
          rawValue:
            "\(posterior) \(family) \(name): mean \(summary.mean) is \(meanError) reference sds "
            + "from \(target.mean)"), sourceLocation: sourceLocation)
      #expect(
        sdRatios.contains(sdRatio),
        Comment(
          rawValue:
            "\(posterior) \(family) \(name): sd \(summary.standardDeviation) is \(sdRatio) × the "
            + "reference's \(target.standardDeviation)"), sourceLocation: sourceLocation)
    }
  }
}
