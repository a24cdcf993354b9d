import Foundation
import Inference
import TensorCore
import TestSupport
import Testing

@Suite struct ResultsTests {
  /// Quantiles interpolate like NumPy's default: for 1…10, the 5%, 50% and 95% quantiles are
  /// 1.45, 5.5 and 9.55 (np.quantile), the sd √(55/6).
  @Test func summaryMatchesNumPy() {
    let summary = ParameterSummary(name: "x", draws: [7, 3, 10, 1, 5, 2, 9, 4, 8, 6])
    assertClose(summary.mean, 5.5)
    assertClose(summary.standardDeviation, (55.0 / 6).squareRoot(), relativeTolerance: 1e-14)
    assertClose(summary.q5, 1.45, relativeTolerance: 1e-14)
    assertClose(summary.q50, 5.5)
    assertClose(summary.q95, 9.55, relativeTolerance: 1e-14)
    let table = [summary].table()
    #expect(table.contains("Mean") && table.contains("StdDev") && table.contains("9.5500"))
  }

  /// CSV with Stan's columns, one line per draw, numbers that read back exactly; JSON with the
  /// documented keys; both written atomically.
  @Test func csvAndJSONExports() throws {
    let result = try fit(EightSchools(), options: FitOptions(seed: 4, algorithm: .stochastic, maxIterations: 500))
    let draws = result.draws(count: 50)
    let directory = try TemporaryDirectory()
    try draws.writeCSV(toPath: directory.file("draws.csv"))
    let lines = try String(contentsOfFile: directory.file("draws.csv"), encoding: .utf8)
      .split(separator: "\n").map(String.init)
    let thetaTilde = (1...8).map { "theta_tilde.\($0)" }
    let theta = (1...8).map { "theta.\($0)" }
    #expect(
      lines[0]
        == (["lp__", "log_p__", "log_g__", "mu", "tau"] + thetaTilde + theta).joined(separator: ",")
    )
    #expect(lines.count == 51)
    let first = lines[1].split(separator: ",").map { Double($0)! }
    #expect(first[0] == 0)
    #expect(first[1] == draws.logP[0] && first[2] == draws.logQ[0])
    #expect(first[3] == draws.column(named: "mu")![0])
    #expect(first[4] > 0)
    // θⱼ = μ + τ θ̃ⱼ for every draw.
    assertClose(first[13], first[3] + first[4] * first[5], relativeTolerance: 1e-12)

    try result.writeSummaryJSON(draws: draws, toPath: directory.file("summary.json"))
    let json =
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: URL(fileURLWithPath: directory.file("summary.json"))))
      as! [String: Any]
    #expect(
      Set(json.keys) == [
        "parameters", "elbo", "iterations", "algorithm", "gradient_evaluations", "khat",
        "sd_check", "converged",
      ])
    let check = json["sd_check"] as! [String: Any]
    #expect(check["draws"] as? Int == draws.scaleCheck.count)
    #expect(
      Set((check["ratios"] as! [String: Double]).keys) == Set(["mu", "tau"] + thetaTilde))
    let parameters = json["parameters"] as! [String: [String: Double]]
    #expect(Set(parameters.keys) == Set(["mu", "tau"] + thetaTilde + theta))
    #expect(Set(parameters["tau"]!.keys) == ["mean", "sd", "q5", "q50", "q95"])
    assertClose(parameters["mu"]!["mean"]!, draws.summary(of: "mu")!.mean, relativeTolerance: 1e-15)
    // Foundation's JSON parser may round the last digit differently from Swift's.
    assertClose(json["elbo"] as! Double, result.elbo.value, relativeTolerance: 1e-15)
    #expect(json["iterations"] as? Int == result.iterations)
    #expect(json["converged"] as? Bool == result.converged)
    assertClose(json["khat"] as! Double, draws.pareto.k, relativeTolerance: 1e-15)
    #expect(result.summaryJSON(draws: draws).contains("\"elbo\": \(result.elbo.value),"))
    #expect(try directory.entries() == ["draws.csv", "summary.json"])
  }

  /// Element names given in the declaration are the output names, in order.
  @Test func elementNamesAreUsed() throws {
    let data = try RegressionData(
      features: [1, 2, 3, 4, 5, 6], featureNames: ["age", "dose, mg"], targets: [1, 2, 4])
    let model = try LinearRegression(data: data)
    let result = try fit(model, options: FitOptions(algorithm: .stochastic, maxIterations: 200))
    let draws = result.draws(count: 10)
    #expect(draws.columnNames == ["intercept", "age", "dose, mg", "sigma"])
    #expect(draws.csv().hasPrefix("lp__,log_p__,log_g__,intercept,age,\"dose, mg\",sigma\n"))
    #expect(result.summaryJSON(draws: draws).contains("\"dose, mg\": {\"mean\""))
  }

  /// Writing to a directory that does not exist fails with the path named.
  @Test func writeFailureNamesThePath() throws {
    let result = try fit(NormalNormal(), options: FitOptions(algorithm: .stochastic, maxIterations: 100))
    do {
      try result.draws(count: 5).writeCSV(toPath: "/nonexistent-directory/draws.csv")
      Issue.record("expected a FileWriteError")
    } catch {
      #expect(error.description.contains("/nonexistent-directory/draws.csv"))
    }
  }

  /// Same seed, same result; another seed, another result.
  @Test func sameSeedSameResult() throws {
    for family in [FamilyKind.meanField, .fullRank, .lowRank(rank: 2)] {
      let options = FitOptions(seed: 17, algorithm: .stochastic, maxIterations: 600)
      let first = try fit(EightSchools(), family: family, options: options)
      let second = try fit(EightSchools(), family: family, options: options)
      #expect(first.elbo == second.elbo, "\(family)")
      #expect(first.unconstrainedMean == second.unconstrainedMean)
      #expect(first.unconstrainedCovariance == second.unconstrainedCovariance)
      #expect(first.draws(count: 20).values == second.draws(count: 20).values)
      let third = try fit(
        EightSchools(), family: family, options: FitOptions(seed: 18, algorithm: .stochastic, maxIterations: 600))
      #expect(third.unconstrainedMean != first.unconstrainedMean)
    }
    let adapted = FitOptions(seed: 3, algorithm: .stochastic, maxIterations: 300, optimizer: .adaptiveStepSize(learningRate: nil))
    #expect(
      try fit(NormalNormal(), options: adapted).elbo
        == (try fit(NormalNormal(), options: adapted).elbo))
  }

  /// Progress reports: adaptation candidates first, then evaluations every evalEvery iterations.
  @Test func progressIsReported() throws {
    var reports: [FitProgress] = []
    let result = try fit(
      NormalNormal(),
      options: FitOptions(algorithm: .stochastic, maxIterations: 1000, evalEvery: 50, tolerance: 0,
        optimizer: .adaptiveStepSize(learningRate: nil))
    ) { reports.append($0) }
    let adaptation = reports.filter { $0.phase == .adaptation }
    let evaluations = reports.filter { $0.phase == .optimization }
    #expect(!adaptation.isEmpty)
    #expect(evaluations.map(\.iteration) == Array(stride(from: 50, through: 1000, by: 50)))
    #expect(result.trace.count == 20)
    #expect(result.adaptation?.trials.count == adaptation.count)
    #expect(evaluations.last!.line.hasPrefix("iteration 1000/1000  ELBO"))
    #expect(adaptation[0].line.hasPrefix("adaptation  η = 100.0"))
    #expect(!result.converged)
    #expect(result.warnings.contains { $0.contains("did not converge") })
  }

  /// The importance-weighted bound of a fit lies between its ELBO and log p(x).
  @Test func importanceWeightedBoundOfAFit() throws {
    let result = try fit(NormalNormal(), options: FitOptions(algorithm: .stochastic, maxIterations: 300))
    let bound = result.importanceWeightedBound(samples: 20, groups: 200)
    #expect(bound.value >= result.elbo.value - 3 * result.elbo.standardError)
    #expect(bound.value <= normalNormalLogEvidence + 3 * bound.standardError)
  }
}
