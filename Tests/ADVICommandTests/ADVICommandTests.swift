import ArgumentParser
import Foundation
import TestSupport
import TensorCore
import Testing

@testable import advi

/// The `advi` command end to end: flags are parsed, the model is fitted, and the files a user
/// asked for are written with the documented contents.
@Suite struct ADVICommandTests {
  /// Runs `advi` with `arguments` as the command line would.
  func run(_ arguments: [String]) throws {
    var command = try ADVICommand.parseAsRoot(arguments)
    try command.run()
  }

  /// Reads a JSON summary as a dictionary.
  func summary(at path: String) throws -> [String: Any] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    return try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  /// The README's conjugate regression (N = 500, D = 5, AR(1) correlation 0.7; the command adds
  /// an intercept, so the design is [1, X] and the prior N(0, I) over six coefficients) with
  /// `--noise-sd 1` and otherwise the defaults: the full-rank fit's means within 0.02 posterior
  /// sd of the exact posterior and its sds within 2%; the mean-field fit the same against the
  /// best mean-field Gaussian (the exact means, sds 1/√Hᵢᵢ).
  @Test(arguments: ["fullrank", "meanfield"])
  func conjugateRegressionWithTheDefaults(family: String) throws {
    let problem = ConjugateLinearRegression()
    let (n, d) = (problem.rows, problem.dimension)
    let directory = try TemporaryDirectory()
    var csv = (1...d).map { "x\($0)" }.joined(separator: ",") + ",y\n"
    for row in 0..<n {
      let x = problem.features[(row * d)..<((row + 1) * d)].map { "\($0)" }
      csv += x.joined(separator: ",") + ",\(problem.targets[row])\n"
    }
    try csv.write(toFile: directory.file("data.csv"), atomically: true, encoding: .utf8)
    try run([
      "linear-regression", "--csv", directory.file("data.csv"), "--target", "y",
      "--noise-sd", "1", "--family", family, "--quiet", "--json", directory.file("summary.json"),
    ])

    var design = [Double]()
    for row in 0..<n { design += [1] + problem.features[(row * d)..<((row + 1) * d)] }
    let x = Tensor(shape: [n, d + 1], scalars: design)
    let precision =
      matmul(x, transposed: true, x, transposed: false)
      + Tensor(diagonal: Tensor(ones: [d + 1]))
    let factor = cholesky(precision)
    let xty = matmul(x, transposed: true, Tensor(shape: [n, 1], scalars: problem.targets),
      transposed: false)
    let mean = triangularSolve(factor, triangularSolve(factor, xty), transposed: true).scalars
    let inverse = triangularSolve(
      factor, triangularSolve(factor, Tensor(diagonal: Tensor(ones: [d + 1]))), transposed: true)
    let json = try summary(at: directory.file("summary.json"))
    let parameters = try #require(json["parameters"] as? [String: [String: Double]])
    for (index, name) in (["intercept"] + (1...d).map { "x\($0)" }).enumerated() {
      let fitted = try #require(parameters[name])
      let exactSD = inverse.scalars[index * (d + 1) + index].squareRoot()
      let targetSD =
        family == "fullrank"
        ? exactSD : 1 / precision.scalars[index * (d + 1) + index].squareRoot()
      #expect(Swift.abs(fitted["mean"]! - mean[index]) <= 0.02 * exactSD, "\(name)")
      #expect(Swift.abs(fitted["sd"]! / targetSD - 1) <= 0.02, "\(name)")
    }
    #expect(json["converged"] as? Bool == true)
  }

  /// y = 1 + 2 x₁ − x₂ + N(0, 0.5²) with known noise: the posterior of the coefficients under
  /// N(0, I) priors is exactly Gaussian, with precision Λ = I + XᵀX/σ² and mean Λ⁻¹Xᵀy/σ².
  /// The full-rank fit's means must match it within a tenth of a posterior sd (the Monte-Carlo
  /// error of 1000 draws alone is 0.03 sd), and the CSV must hold the draws.
  @Test func linearRegressionRecoversTheExactPosterior() throws {
    let directory = try TemporaryDirectory()
    var rows: [[Double]] = []
    var state: UInt64 = 12345
    func uniform() -> Double {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return (Double(state >> 11) + 0.5) / 9_007_199_254_740_992
    }
    func normal() -> Double { (-2 * log(uniform())).squareRoot() * cos(2 * .pi * uniform()) }
    for _ in 0..<50 {
      let x1 = normal()
      let x2 = normal()
      rows.append([x1, x2, 1 + 2 * x1 - x2 + 0.5 * normal()])
    }
    let csv =
      "x1,x2,y\n"
      + rows.map { $0.map { "\($0)" }.joined(separator: ",") }
      .joined(separator: "\n") + "\n"
    try csv.write(toFile: directory.file("data.csv"), atomically: true, encoding: .utf8)

    try run([
      "linear-regression", "--csv", directory.file("data.csv"), "--target", "y",
      "--noise-sd", "0.5", "--family", "fullrank", "--quiet", "--seed", "3",
      "--json", directory.file("summary.json"), "--output", directory.file("draws.csv"),
    ])

    // The exact posterior: Λ = I + XᵀX/σ², b = Xᵀy/σ², solved by Gauss–Jordan elimination.
    var system = [[Double]](repeating: [Double](repeating: 0, count: 4), count: 3)
    for i in 0..<3 { system[i][i] = 1 }
    for row in rows {
      let x = [1, row[0], row[1]]
      for i in 0..<3 {
        for j in 0..<3 { system[i][j] += x[i] * x[j] / 0.25 }
        system[i][3] += x[i] * row[2] / 0.25
      }
    }
    var inverse = [[Double]](repeating: [0, 0, 0], count: 3)
    for i in 0..<3 { inverse[i][i] = 1 }
    for pivot in 0..<3 {
      let p = system[pivot][pivot]
      for j in 0..<4 { system[pivot][j] /= p }
      for j in 0..<3 { inverse[pivot][j] /= p }
      for i in 0..<3 where i != pivot {
        let factor = system[i][pivot]
        for j in 0..<4 { system[i][j] -= factor * system[pivot][j] }
        for j in 0..<3 { inverse[i][j] -= factor * inverse[pivot][j] }
      }
    }
    let json = try summary(at: directory.file("summary.json"))
    let parameters = try #require(json["parameters"] as? [String: [String: Double]])
    #expect(Set(parameters.keys) == ["intercept", "x1", "x2"])
    for (index, name) in ["intercept", "x1", "x2"].enumerated() {
      let exactMean = system[index][3]
      let exactSD = inverse[index][index].squareRoot()
      let fitted = try #require(parameters[name])
      // The default (deterministic) fit is exact on a Gaussian posterior, and the summary's
      // whitened antithetic draws reproduce q's mean exactly and its sd up to the factor
      // √(n/(n − 1)) of the sample sd: the issue's bars are 0.02 sd and 2%.
      #expect(Swift.abs(fitted["mean"]! - exactMean) < 1e-6 * exactSD, "\(name)")
      #expect(Swift.abs(fitted["sd"]! / exactSD - 1) < 1e-3, "\(name)")
      #expect(fitted["q5"]! < fitted["q50"]! && fitted["q50"]! < fitted["q95"]!)
    }
    #expect(json["converged"] is Bool)
    #expect((json["elbo"] as? Double)?.isFinite == true)
    #expect((json["gradient_evaluations"] as? Int).map { $0 > 0 } == true)
    #expect(json["algorithm"] as? String == "deterministic")
    #expect((json["khat"] as? Double).map { $0 < 0.7 } == true)

    let lines = try String(contentsOfFile: directory.file("draws.csv"), encoding: .utf8)
      .split(separator: "\n")
    #expect(lines.first == "lp__,log_p__,log_g__,intercept,x1,x2")
    #expect(lines.count == 1001)
  }

  /// The same seed gives the same file, byte for byte; another seed does not.
  @Test func eightSchoolsIsReproducible() throws {
    let directory = try TemporaryDirectory()
    for (name, seed) in [("a", "7"), ("b", "7"), ("c", "8")] {
      try run([
        "eight-schools", "--quiet", "--seed", seed, "--max-iterations", "2000", "--draws",
        "200", "--json", directory.file(name + ".json"),
      ])
    }
    let a = try String(contentsOfFile: directory.file("a.json"), encoding: .utf8)
    let b = try String(contentsOfFile: directory.file("b.json"), encoding: .utf8)
    let c = try String(contentsOfFile: directory.file("c.json"), encoding: .utf8)
    #expect(a == b)
    #expect(a != c)
    let parameters = try #require(
      try summary(at: directory.file("a.json"))["parameters"] as? [String: Any])
    #expect(parameters["mu"] != nil && parameters["tau"] != nil && parameters["theta.8"] != nil)
  }

  /// Invalid flags are usage errors (exit code 64) that name the flag.
  @Test(arguments: [
    (["eight-schools", "--family", "diagonal"], "--family"),
    (["eight-schools", "--draws", "0"], "--draws"),
    (["eight-schools", "--tolerance", "-1"], "--tolerance"),
    (["eight-schools", "--rank", "3"], "--rank"),
    // Given explicitly, the default rank is refused without --family lowrank too.
    (["eight-schools", "--rank", "2"], "--rank goes with --family lowrank"),
    (["eight-schools", "--max-iterations", "0"], "--max-iterations"),
    (["linear-regression", "--csv", "x.csv", "--target", "y", "--noise-sd", "0"], "--noise-sd"),
    (["logistic-regression", "--target", "y"], "--csv"),
  ])
  func invalidFlagsAreUsageErrors(arguments: [String], flag: String) {
    do {
      _ = try ADVICommand.parseAsRoot(arguments)
      Issue.record("\(arguments) was accepted")
    } catch {
      #expect(ADVICommand.exitCode(for: error) == .validationFailure)
      #expect(ADVICommand.message(for: error).contains(flag), "\(ADVICommand.message(for: error))")
    }
  }

  /// Bad data stops the run with the file, line and column named.
  @Test func nonBinaryTargetNamesTheCell() throws {
    let directory = try TemporaryDirectory()
    try "a,y\n0.5,1\n1.5,2\n".write(
      toFile: directory.file("data.csv"), atomically: true, encoding: .utf8)
    do {
      try run(["logistic-regression", "--csv", directory.file("data.csv"), "--target", "y"])
      Issue.record("a target of 2 was accepted")
    } catch {
      let message = "\(error)"
      #expect(message.contains("data.csv: line 3, column 2 (\"y\")"), "\(message)")
    }
  }
}
