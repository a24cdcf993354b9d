import ArgumentParser
import Foundation
import Inference

/// The flags every `advi` subcommand shares: the family, the optimisation, and the outputs.
struct FitFlags: ParsableArguments {
  enum Family: String, ExpressibleByArgument, CaseIterable {
    case meanfield, fullrank, lowrank
  }

  @Option(help: "The variational family: meanfield, fullrank or lowrank.")
  var family: Family = .meanfield

  @Option(help: "The rank of the low-rank family's covariance factor (with --family lowrank).")
  var rank: Int = 2

  @Option(help: "The seed of every random draw; the same seed gives the same numbers.")
  var seed: UInt64 = 1

  @Option(help: "The number of draws from q for the summary and --output, at most 1000000.")
  var draws: Int = 1000

  @Option(help: "The maximum number of optimisation iterations (Stan's iter).")
  var maxIterations: Int = 10_000

  @Option(
    help: ArgumentHelp(
      "Stop when the relative ELBO change falls below this (Stan's tol_rel_obj).",
      discussion: "0 runs all --max-iterations."))
  var tolerance: Double = 0.01

  @Option(help: "Adam's learning rate.")
  var learningRate: Double = 0.01

  @Option(help: ArgumentHelp("Write the draws as CSV (Stan-like columns).", valueName: "file"))
  var output: String?

  @Option(help: ArgumentHelp("Write a JSON summary.", valueName: "file"))
  var json: String?

  @Flag(help: "Print no progress lines while fitting.")
  var quiet = false

  func validate() throws {
    if draws < 1 { throw ValidationError("--draws must be at least 1, got \(draws)") }
    // Each draw is a row of every parameter's scalars, held several times over in memory.
    if draws > 1_000_000 {
      throw ValidationError("--draws must be at most 1000000, got \(draws)")
    }
    if maxIterations < 1 {
      throw ValidationError("--max-iterations must be at least 1, got \(maxIterations)")
    }
    if !(tolerance >= 0 && tolerance.isFinite) {
      throw ValidationError("--tolerance must be a finite number ≥ 0, got \(tolerance)")
    }
    if !(learningRate > 0 && learningRate.isFinite) {
      throw ValidationError("--learning-rate must be positive, got \(learningRate)")
    }
    if rank < 1 { throw ValidationError("--rank must be at least 1, got \(rank)") }
    if family != .lowrank && rank != 2 {
      throw ValidationError("--rank goes with --family lowrank")
    }
  }

  var familyKind: FamilyKind {
    switch family {
    case .meanfield: return .meanField
    case .fullrank: return .fullRank
    case .lowrank: return .lowRank(rank: rank)
    }
  }

  var options: FitOptions {
    FitOptions(
      seed: seed, maxIterations: maxIterations, tolerance: tolerance,
      optimizer: .adam(learningRate: learningRate))
  }

  /// Fits `model`, prints progress to standard error and the report to standard output, and
  /// writes the requested files.
  func fitAndReport(_ model: some ProbabilisticModel) throws {
    let fitted = try fit(model, family: familyKind, options: options, progress: show)
    try report(fitted)
  }

  private func show(_ progress: FitProgress) {
    guard !quiet else { return }
    FileHandle.standardError.write(Data((progress.line + "\n").utf8))
  }

  private func report(_ fitted: VariationalFit) throws {
    let posterior = fitted.draws(count: draws)
    print(fitted.report(draws: posterior))
    if let output {
      try posterior.writeCSV(toPath: output)
      print("wrote \(draws) draws to \(output)")
    }
    if let json {
      try fitted.writeSummaryJSON(draws: posterior, toPath: json)
      print("wrote the summary to \(json)")
    }
  }
}
