// Fits posteriordb's reference posteriors with the default algorithm and compares the draws
// with the reference (NUTS) moments:
//
//   swift build -c release --product posteriordb-benchmark
//   .build/release/posteriordb-benchmark                      # every posterior, 3 seeds
//   .build/release/posteriordb-benchmark --posterior arma-arma11 --markdown --json out.json
//   .build/release/posteriordb-benchmark --log-joint-cost      # µs per log joint, no fits
//
// Each posterior is fitted by `fit(model, family: .meanField)` and `.fullRank` with
// `FitOptions(seed: s)` for every seed (nothing else changed), and `--draws` draws of each fit
// are compared with reference.json: mean error = |E_q θᵢ − reference mean| / reference sd,
// sd ratio = sd_q θᵢ / reference sd (see the posteriordb folder's README). One row per
// posterior and family gives each statistic at its worst over the seeds.
import ArgumentParser
import Foundation
import Inference
import PosteriorDBModels

struct PosteriorDBBenchmark: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "posteriordb-benchmark",
    abstract: "Fit posteriordb's reference posteriors and compare with their NUTS moments.",
    discussion: "Posteriors: "
      + posteriorDBModels.map { $0.posteriorName }.joined(separator: ", ") + ".")

  @Option(help: "A posterior to run (repeatable); all by default.")
  var posterior: [String] = []

  @Option(help: "The folder of posteriordb posteriors (model.stan, data.json, reference.json).")
  var root: String = defaultRoot

  @Option(parsing: .upToNextOption, help: "The seeds of the fits.")
  var seeds: [UInt64] = [1, 2, 3]

  @Option(help: "A family to fit, meanfield or fullrank (repeatable); both by default.")
  var family: [String] = []

  @Option(help: "Draws from each fit to compare with the reference.")
  var draws: Int = 4000

  @Flag(help: "Also print the table as Markdown.")
  var markdown = false

  @Option(help: "Write every seed's numbers (per parameter) to this JSON file.")
  var json: String?

  @Flag(help: "Only measure each log joint's cost (µs per call at --cost-draws draws).")
  var logJointCost = false

  @Option(parsing: .upToNextOption, help: "The draws L of the log-joint timings.")
  var costDraws: [Int] = [32, 1]

  func validate() throws {
    let known = posteriorDBModels.map { $0.posteriorName }
    for name in posterior where !known.contains(name) {
      throw ValidationError(
        "--posterior \(name) is not one of " + known.joined(separator: ", "))
    }
    for name in family where familyKind(name) == nil {
      throw ValidationError("--family must be meanfield or fullrank, got \(name)")
    }
    if seeds.isEmpty { throw ValidationError("--seeds needs at least one seed") }
    if draws < 100 { throw ValidationError("--draws must be at least 100, got \(draws)") }
    if costDraws.contains(where: { $0 < 1 }) {
      throw ValidationError("--cost-draws must be positive, got \(costDraws)")
    }
  }

  func run() throws {
    let models = posteriorDBModels.filter {
      posterior.isEmpty || posterior.contains($0.posteriorName)
    }
    print("posteriordb benchmark, \(timestamp())")
    print("CPU:  \(cpuDescription()); load \(loadAverage()) (1/5/15 min)")
    print("root: \(root)")
    if logJointCost {
      try printLogJointCosts(models)
      return
    }
    let families =
      family.isEmpty
      ? [FamilyKind.meanField, .fullRank]
      : family.map(familyKind)
        .map { $0! }
    print(
      "fits: fit(model, family:, options: FitOptions(seed: s)) for seeds "
        + seeds.map(String.init).joined(separator: ", ")
        + "; \(draws) draws each; each statistic is the worst over the seeds")
    warmUp(models)
    var results: [PosteriorResult] = []
    for model in models {
      for kind in families {
        results.append(benchmark(model, family: kind))
      }
    }
    let rows = results.map(TableRow.init)
    print()
    print(textTable(rows))
    if markdown {
      print()
      print(markdownTable(rows))
    }
    if let json {
      try writeJSON(results, to: json)
      print("\nwrote \(json)")
    }
  }

  /// Every seed of one posterior and family; a posterior whose files cannot be read, or a fit
  /// that throws, gives seeds with an error rather than stopping the run.
  func benchmark(_ type: any PosteriorDBModel.Type, family: FamilyKind) -> PosteriorResult {
    let name = type.posteriorName
    var result = PosteriorResult(posterior: name, family: family.description, seeds: [])
    let loaded: (model: any PosteriorDBModel, reference: ReferencePosterior)
    do {
      loaded = (
        try type.load(fromRoot: root),
        try ReferencePosterior(posterior: name, root: root)
      )
    } catch {
      result.seeds = seeds.map { SeedResult(seed: $0, error: "\(error)") }
      log("\(name) \(family): \(error)")
      return result
    }
    for seed in seeds {
      let outcome = fitAndCompare(
        loaded.model, family: family, seed: seed, reference: loaded.reference)
      result.seeds.append(outcome)
      if let error = outcome.error {
        log("\(name) \(family) seed \(seed): \(error)")
      } else {
        log(
          "\(name) \(family) seed \(seed): \(String(format: "%.2f", outcome.seconds ?? .nan)) s, "
            + "worst error \(formatStatistic(outcome.worstMeanError)), sd ratio "
            + "\(formatStatistic(outcome.minimumSDRatio))–"
            + "\(formatStatistic(outcome.maximumSDRatio)), k̂ "
            + String(format: "%.2f", outcome.paretoK ?? .nan))
      }
    }
    return result
  }

  /// One fit with the default options and the given seed, compared with the reference.
  func fitAndCompare<Model: PosteriorDBModel>(
    _ model: Model, family: FamilyKind, seed: UInt64, reference: ReferencePosterior
  ) -> SeedResult {
    do {
      let fitted = try fit(model, family: family, options: FitOptions(seed: seed))
      return try SeedResult(
        seed: seed, fitted: fitted, draws: fitted.draws(count: draws), reference: reference)
    } catch {
      return SeedResult(seed: seed, error: "\(error)")
    }
  }

  /// One short untimed fit: the first fits of a process run slower (allocator warm-up).
  func warmUp(_ models: [any PosteriorDBModel.Type]) {
    for type in models {
      guard let model = try? type.load(fromRoot: root) else { continue }
      _ = try? fit(model, options: FitOptions(seed: 0, maxIterations: 200))
      return
    }
  }

  /// The log-joint cost table: µs per call of the value, the value and gradient, and the
  /// unconstrained log density and gradient, at each of `costDraws`.
  func printLogJointCosts(_ models: [any PosteriorDBModel.Type]) throws {
    print(
      "log joint cost: µs of CPU time per call on one thread (the minimum over 7 rounds of "
        + "the mean), for L draws of ζ ~ N(0, 0.1²I)")
    let header = ["posterior", "L", "log p", "log p + ∇", "log p̃(ζ) + ∇ζ"]
    var rows: [[String]] = []
    for type in models {
      for count in costDraws {
        do {
          let cost = try measureLogJointCost(try type.load(fromRoot: root), draws: count)
          rows.append(
            [type.posteriorName, "\(count)"]
              + [cost.value, cost.gradient, cost.unconstrainedGradient].map {
                String(format: "%.1f", $0)
              })
        } catch {
          rows.append([type.posteriorName, "\(count)", "\(error)", "", ""])
        }
      }
    }
    let widths = header.indices.map { column in
      ([header] + rows).map { $0[column].count }.max()!
    }
    for row in [header] + rows {
      print(
        row.indices.map { column in
          let padding = String(repeating: " ", count: widths[column] - row[column].count)
          return column == 0 ? row[column] + padding : padding + row[column]
        }.joined(separator: "  "))
    }
  }

  /// Writes the settings, the machine and every seed's numbers.
  func writeJSON(_ results: [PosteriorResult], to path: String) throws {
    struct Output: Codable {
      var date: String
      var cpu: String
      var settings: String
      var draws: Int
      var seeds: [UInt64]
      var results: [PosteriorResult]
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    let output = Output(
      date: timestamp(), cpu: cpuDescription(),
      settings: "fit(model, family:, options: FitOptions(seed: s)), default options",
      draws: draws, seeds: seeds, results: results)
    do {
      try encoder.encode(output).write(to: URL(fileURLWithPath: path))
    } catch {
      throw ValidationError("cannot write --json \(path): \(error)")
    }
  }
}

/// The family called `name` (as `FamilyKind.description` spells it), or nil.
func familyKind(_ name: String) -> FamilyKind? {
  [FamilyKind.meanField, .fullRank].first { $0.description == name }
}

/// `shared/posteriordb` beside this checkout: the package root is three levels above this file.
let defaultRoot = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  .appendingPathComponent("../shared/posteriordb").standardized.path

/// A progress line on standard error, so that standard output holds only the results.
func log(_ line: String) {
  FileHandle.standardError.write(Data((line + "\n").utf8))
}

PosteriorDBBenchmark.main()
