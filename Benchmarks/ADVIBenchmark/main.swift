// Our side of `Benchmarks/advi/run.sh`: Bayesian logistic regression by ADVI on a CSV file,
// mean-field and full-rank, timed and written as JSON for `compare.py`. It runs the stochastic
// algorithm (`FitAlgorithm.stochastic`, `advi --algorithm stochastic`: Adam steps), asked for
// explicitly since the default fit became the deterministic one; it stops if a fit ran
// anything else.
//
//   swift run -c release advi-benchmark --csv data.csv --target target --steps 10000 \
//     --lr 0.002 --json ours.json
//
// Per family it reports
// - steps_per_second: `steps` optimisation steps (one gradient draw each) ÷ the time of a fit
//   that runs them with a single ELBO evaluation at the end, the median of `--repeats` fits;
//   like NumPyro's compiled `lax.scan` loop, this leaves out convergence checks; the
//   likelihood splits its rows over two threads when the machine has two CPUs
//   (`helperThreadEnabled`; "threads" says which);
// - steps_per_second_one_thread: the same with the helper thread turned off;
// - fit_seconds: the whole `fit` with the same steps and step size (Stan's convergence checks
//   every 100 steps, iterate averaging and the final 10,000-draw ELBO included);
// - elbo, elbo_se: the ELBO of the fitted q from 10,000 fresh draws;
// - means, sds: the fitted q's exact marginal means and standard deviations (the coefficients
//   are unconstrained, so no draws are needed).
import ArgumentParser
import Datasets
import Foundation
import Inference
import TensorCore

@main
struct ADVIBenchmark: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "advi-benchmark",
    abstract: "Time ADVI on Bayesian logistic regression and write the results as JSON.")

  @Option(help: "The CSV file: features and a 0/1 target column.")
  var csv: String

  @Option(help: "The target column.")
  var target: String = "target"

  @Option(help: "Optimisation steps per family.")
  var steps: Int = 10_000

  @Option(help: "Adam's learning rate (NumPyro's side uses the same).")
  var lr: Double = 0.002

  @Option(help: "The seed.")
  var seed: UInt64 = 1

  @Option(help: "Timed repeats of the optimisation loop; the median is reported.")
  var repeats: Int = 5

  @Option(help: "Where to write the results.")
  var json: String

  @Option(help: "Only this family (meanfield or fullrank), for profiling; both by default.")
  var family: String?

  func validate() throws {
    if steps < 100 { throw ValidationError("--steps must be at least 100, got \(steps)") }
    if !(lr > 0) { throw ValidationError("--lr must be positive, got \(lr)") }
    if let family, family != "meanfield" && family != "fullrank" {
      throw ValidationError("--family must be meanfield or fullrank, got \(family)")
    }
    if repeats < 1 { throw ValidationError("--repeats must be at least 1, got \(repeats)") }
  }

  func run() throws {
    let model = try LogisticRegression(
      data: RegressionData(table: CSVTable(contentsOf: csv), target: target))
    let names = model.data.coefficientNames
    var sections: [String] = []
    let families = [("mean_field", FamilyKind.meanField), ("full_rank", .fullRank)]
    for (key, kind) in families where family == nil || family == kind.description {
      let usesTwoThreads = helperThreadEnabled
      helperThreadEnabled = false
      let oneThreadRate = try stepsPerSecond(model, kind)
      helperThreadEnabled = usesTwoThreads
      let rate = try stepsPerSecond(model, kind)
      var options = FitOptions(
        seed: seed, algorithm: .stochastic, maxIterations: steps, tolerance: 0,
        optimizer: .adam(learningRate: lr))
      options.finalELBOSamples = 10_000
      let fitted = try fit(model, family: kind, options: options)
      guard fitted.algorithm == .stochastic else {
        throw ValidationError(
          "the fit ran the \(fitted.algorithm) algorithm, not the stochastic one")
      }
      let mean = fitted.unconstrainedMean!.scalars
      let covariance = fitted.unconstrainedCovariance!
      let d = mean.count
      let sds = (0..<d).map { covariance.scalars[$0 * d + $0].squareRoot() }
      print(
        "\(kind): \(Int(rate)) steps/s (\(Int(oneThreadRate)) on one thread), "
          + "fit \(String(format: "%.2f", fitted.seconds)) s, "
          + "ELBO \(String(format: "%.3f", fitted.elbo.value)) "
          + "± \(String(format: "%.3f", fitted.elbo.standardError))")
      sections.append(
        """
          "\(key)": {
            "steps_per_second": \(rate),
            "steps_per_second_one_thread": \(oneThreadRate),
            "threads": \(usesTwoThreads ? 2 : 1),
            "algorithm": "\(fitted.algorithm)",
            "fit_seconds": \(fitted.seconds),
            "elbo": \(fitted.elbo.value),
            "elbo_se": \(fitted.elbo.standardError),
            "means": \(object(names, mean)),
            "sds": \(object(names, sds))
          }
        """)
    }
    let text = """
      {
        "system": "Variational ADVI (Swift, float64)",
        "settings": {"steps": \(steps), "lr": \(lr), "num_particles": 1, "dtype": "float64"},
      \(sections.joined(separator: ",\n"))
      }

      """
    try text.write(toFile: json, atomically: true, encoding: .utf8)
  }

  /// The median over `repeats` fits (after one untimed fit) of `steps` steps per second of the
  /// whole fit, run with one ELBO evaluation (at the end), no averaging and a 10-draw final
  /// ELBO, so that nearly all of its time is the optimisation steps.
  func stepsPerSecond(_ model: LogisticRegression, _ kind: FamilyKind) throws -> Double {
    var options = FitOptions(
      seed: seed, algorithm: .stochastic, maxIterations: steps, elboSamples: 10,
      evalEvery: steps, tolerance: 0, optimizer: .adam(learningRate: lr))
    options.averaging = .none
    options.finalELBOSamples = 10
    // One untimed fit first: the first fits of a process run slower (the allocator's and the
    // buffer cache's warm-up).
    _ = try fit(model, family: kind, options: options)
    var rates: [Double] = []
    for _ in 0..<repeats {
      let fitted = try fit(model, family: kind, options: options)
      guard fitted.algorithm == .stochastic && fitted.iterations == steps else {
        throw ValidationError(
          "the timed fit ran \(fitted.iterations) iterations of the \(fitted.algorithm) "
            + "algorithm, not \(steps) stochastic steps")
      }
      rates.append(Double(steps) / fitted.seconds)
    }
    return rates.sorted()[rates.count / 2]
  }
}

/// A JSON object of numbers by name.
func object(_ names: [String], _ values: [Double]) -> String {
  "{" + zip(names, values).map { "\"\($0)\": \($1)" }.joined(separator: ", ") + "}"
}
