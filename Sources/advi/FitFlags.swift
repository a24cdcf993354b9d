import ArgumentParser
import Foundation
import Inference
import TensorCore

/// The flags every `advi` subcommand shares: the family, the optimisation, and the outputs.
struct FitFlags: ParsableArguments {
  enum Family: String, ExpressibleByArgument, CaseIterable {
    case meanfield, fullrank, lowrank
  }

  enum Algorithm: String, ExpressibleByArgument, CaseIterable {
    case deterministic, stochastic
  }

  @Option(help: "The variational family: meanfield, fullrank or lowrank.")
  var family: Family = .meanfield

  @Option(
    help: ArgumentHelp(
      "How the ELBO is maximised: deterministic or stochastic.",
      discussion: """
        deterministic (the default; meanfield and fullrank): the Laplace approximation at the \
        mode as a start, then the ELBO on fixed draws maximised by L-BFGS to a tight \
        tolerance, with more draws until the answer stops moving (deterministic ADVI, \
        Giordano, Ingram & Broderick 2024). stochastic (the default for lowrank): Stan's \
        ADVI, Adam steps on fresh draws stopped by the relative change of the ELBO \
        (Kucukelbir et al. 2017), which can stop far from the optimum.
        """))
  var algorithm: Algorithm?

  @Option(
    help: "The rank of the low-rank family's covariance factor (with --family lowrank; default 2).")
  var rank: Int?

  @Option(help: "The seed of every random draw; the same seed gives the same numbers.")
  var seed: UInt64 = 1

  /// The fewest draws for which the summary means something: Pareto k̂ fits the largest 20%
  /// of the importance ratios, and needs at least 5 of them.
  static let minimumDraws = 25

  @Option(
    help: "The number of draws from q for the summary and --output, 25 to 1000000.")
  var draws: Int = 1000

  @Option(
    help: "The maximum number of iterations (Stan's iter; per L-BFGS run when deterministic).")
  var maxIterations: Int = 10_000

  @Option(
    help: ArgumentHelp(
      "The first set of fixed draws (deterministic; default 2·max(16, D + min(D, 50))).",
      valueName: "count"))
  var fixedDraws: Int?

  @Option(
    help: ArgumentHelp(
      "The most fixed draws (deterministic; default 64 times the first set).",
      valueName: "count"))
  var maxFixedDraws: Int?

  @Option(
    help: ArgumentHelp(
      "Add draws until the means move by at most this many posterior sds (deterministic).",
      valueName: "sd"))
  var monteCarloTolerance: Double = 0.02

  @Option(
    help: ArgumentHelp(
      "Stop when the relative ELBO change falls below this (Stan's tol_rel_obj; stochastic).",
      discussion: "0 runs all --max-iterations. Default 0.01."))
  var tolerance: Double?

  @Option(help: "Adam's learning rate (stochastic; default 0.01).")
  var learningRate: Double?

  @Option(
    help: ArgumentHelp(
      "Rows of the data per step (stochastic; regressions only; default: every row).",
      discussion: """
        Stochastic variational inference (Hoffman et al. 2013): each step's likelihood is that         of a minibatch of rows, scaled by N / rows; ELBO estimates use every row. Implies         --algorithm stochastic. Under mpirun (a build with --traits MPI), the processes share         every minibatch.
        """,
      valueName: "rows"))
  var batchSize: Int?

  @Option(help: ArgumentHelp("Write the draws as CSV (Stan-like columns).", valueName: "file"))
  var output: String?

  @Option(help: ArgumentHelp("Write a JSON summary.", valueName: "file"))
  var json: String?

  @Flag(help: "Print no progress lines while fitting.")
  var quiet = false

  func validate() throws {
    if draws < Self.minimumDraws {
      throw ValidationError(
        "--draws must be at least \(Self.minimumDraws), got \(draws) (k̂ needs the "
          + "\(Self.minimumDraws / 5) largest importance ratios of at least \(Self.minimumDraws) "
          + "draws, and the sds need more than one)")
    }
    // Each draw is a row of every parameter's scalars, held several times over in memory.
    if draws > 1_000_000 {
      throw ValidationError("--draws must be at most 1000000, got \(draws)")
    }
    if maxIterations < 1 {
      throw ValidationError("--max-iterations must be at least 1, got \(maxIterations)")
    }
    if let tolerance, !(tolerance >= 0 && tolerance.isFinite) {
      throw ValidationError("--tolerance must be a finite number ≥ 0, got \(tolerance)")
    }
    if let learningRate, !(learningRate > 0 && learningRate.isFinite) {
      throw ValidationError("--learning-rate must be positive, got \(learningRate)")
    }
    if let fixedDraws, fixedDraws < 2 {
      throw ValidationError("--fixed-draws must be at least 2, got \(fixedDraws)")
    }
    if let maxFixedDraws, maxFixedDraws < 2 {
      throw ValidationError("--max-fixed-draws must be at least 2, got \(maxFixedDraws)")
    }
    if !(monteCarloTolerance > 0 && monteCarloTolerance.isFinite) {
      throw ValidationError(
        "--monte-carlo-tolerance must be positive, got \(monteCarloTolerance)")
    }
    if let batchSize, batchSize < 1 {
      throw ValidationError("--batch-size must be at least 1, got \(batchSize)")
    }
    switch resolvedAlgorithm {
    case .deterministic:
      if batchSize != nil {
        throw ValidationError(
          "--batch-size goes with --algorithm stochastic (the deterministic fit uses every row)")
      }
      if family == .lowrank {
        throw ValidationError(
          "--family lowrank needs --algorithm stochastic (the deterministic fit takes "
            + "meanfield and fullrank)")
      }
      if tolerance != nil || learningRate != nil {
        throw ValidationError(
          "--tolerance and --learning-rate go with --algorithm stochastic; the deterministic "
            + "fit (the default) has --fixed-draws, --max-fixed-draws and "
            + "--monte-carlo-tolerance")
      }
    case .stochastic:
      if fixedDraws != nil || maxFixedDraws != nil {
        throw ValidationError(
          "--fixed-draws and --max-fixed-draws go with --algorithm deterministic")
      }
    }
    if let rank {
      if rank < 1 { throw ValidationError("--rank must be at least 1, got \(rank)") }
      if family != .lowrank { throw ValidationError("--rank goes with --family lowrank") }
    }
  }

  var familyKind: FamilyKind {
    switch family {
    case .meanfield: return .meanField
    case .fullrank: return .fullRank
    case .lowrank: return .lowRank(rank: rank ?? 2)
    }
  }

  /// The algorithm asked for, or the default for the family.
  var resolvedAlgorithm: Algorithm {
    algorithm ?? (family == .lowrank || batchSize != nil ? .stochastic : .deterministic)
  }

  var options: FitOptions {
    switch resolvedAlgorithm {
    case .deterministic:
      return FitOptions(
        seed: seed, algorithm: .deterministic, draws: fixedDraws, maxDraws: maxFixedDraws,
        monteCarloTolerance: monteCarloTolerance, maxIterations: maxIterations)
    case .stochastic:
      var options = FitOptions(
        seed: seed, algorithm: .stochastic, maxIterations: maxIterations,
        tolerance: tolerance ?? 0.01, optimizer: .adam(learningRate: learningRate ?? 0.01))
      options.batchSize = batchSize
      return options
    }
  }

  /// Checks that the requested files can be written and are none of `inputs`, then fits
  /// `model`, prints progress to standard error and the report to standard output, and
  /// writes the requested files.
  func fitAndReport<Model: ProbabilisticModel>(
    _ model: () throws -> Model, reading inputs: [String]
  ) throws {
    try checkOutputs(reading: inputs)
    let fitted = try fit(model(), family: familyKind, options: options, progress: show)
    try report(fitted)
  }

  /// ``fitAndReport(_:reading:)`` for a model whose data rows can be shared: on minibatches
  /// with --batch-size, and under mpirun among the processes (process 0 reports).
  func fitAndReport<Model: MinibatchModel>(
    _ model: () throws -> Model, reading inputs: [String]
  ) throws {
    try checkOutputs(reading: inputs)
    let fitted = try fit(
      model(), family: familyKind, options: options, processes: ProcessGroups.current,
      progress: show)
    try report(fitted)
  }

  /// Checks that the requested files can be written and are none of `inputs`.
  private func checkOutputs(reading inputs: [String]) throws {
    var outputs: [(flag: String, path: String)] = []
    if let output { outputs.append(("--output", output)) }
    if let json { outputs.append(("--json", json)) }
    try OutputPaths.check(outputs, inputs: inputs)
  }

  private func show(_ progress: FitProgress) {
    guard !quiet, ProcessGroups.current.isMain else { return }
    FileHandle.standardError.write(Data((progress.line + "\n").utf8))
  }

  private func report(_ fitted: VariationalFit) throws {
    guard ProcessGroups.current.isMain else { return }
    // Whatever happens next, what was printed reaches a pipe or file.
    defer { fflush(nil) }
    let posterior = fitted.draws(count: draws)
    print(fitted.report(draws: posterior))
    fflush(nil)
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
