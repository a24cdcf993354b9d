import Inference
import TensorCore
import Testing
import _Differentiation

/// A Poisson rate λ with a Gamma(1, 1) prior and one count of 1: the posterior is Gamma(2, 2)
/// (mean 1, sd 1/√2), whose logarithm, where q is Gaussian, is skewed (log-gamma, skewness
/// −0.78).
struct SkewedRate: ProbabilisticModel {
  var parameters: [ParameterDeclaration] {
    [ParameterDeclaration("lambda", constraint: .positive)]
  }

  @differentiable(reverse)
  func logJoint(_ parameters: ParameterValues) -> Tensor<Double> {
    let lambda = parameters["lambda"]
    return (log(lambda) - 2 * lambda).sum(squeezingAxes: [1])
  }
}

@Suite struct ScaleCheckTests {
  /// On a Gaussian posterior the full-rank q is exact, the importance ratios are constant and
  /// the check's ratio is 1 to rounding: nothing is flagged and the report says nothing.
  @Test func exactPosteriorIsNotFlagged() throws {
    let fitted = try fit(NormalNormal(), family: .fullRank, options: FitOptions(seed: 3))
    let draws = fitted.draws(count: 1000)
    let check = draws.scaleCheck
    #expect(check.count == ScaleCheck.drawCount)
    #expect(check.names == ["z"])
    #expect(Swift.abs(check.ratios[0] - 1) < 1e-6, "ratio \(check.ratios[0])")
    #expect(check.flagged.isEmpty)
    #expect(!fitted.report(draws: draws).contains("importance weighting"))
  }

  /// On Gamma(2, 2) the best Gaussian on log λ gives λ an sd short of the exact 1/√2; the check
  /// flags it, with a ratio between 1 and the exact one (importance sampling from the lighter-
  /// tailed q errs towards q) and within a third of the gap of the exact ratio, and the report
  /// and the JSON summary say so.
  @Test func skewedPosteriorIsFlagged() throws {
    let fitted = try fit(SkewedRate(), family: .fullRank, options: FitOptions(seed: 3))
    let draws = fitted.draws(count: 1000)
    let qSD = try #require(draws.summary(of: "lambda")).standardDeviation
    let exactRatio = (0.5).squareRoot() / qSD
    let ratio = draws.scaleCheck.ratios[0]
    #expect(exactRatio < 0.9, "q's sd \(qSD)")
    #expect(ratio < 1 - (1 - exactRatio) * 2 / 3 && ratio > exactRatio - 0.01,
      "check \(ratio), exact \(exactRatio)")
    #expect(draws.scaleCheck.flagged.map(\.name) == ["lambda"])
    let report = fitted.report(draws: draws)
    #expect(report.contains("puts the posterior sd of lambda"), "\(report)")
    #expect(fitted.summaryJSON(draws: draws).contains("\"flagged\": [\"lambda\"]"))
  }

  /// The same seed gives the same check.
  @Test func checkIsReproducible() throws {
    let fitted = try fit(SkewedRate(), family: .meanField, options: FitOptions(seed: 8))
    let first = fitted.draws(count: 100).scaleCheck.ratios
    #expect(fitted.draws(count: 100).scaleCheck.ratios == first)
  }
}
