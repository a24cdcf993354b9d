import ArgumentParser
import Datasets
import Foundation
import Reporting
import Serialization
import VAE

struct EvaluateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "evaluate",
    abstract: "Test negative ELBO, importance-sampled log p(x), KL per dimension, active units.")

  @OptionGroup var checkpoint: CheckpointOptions
  @OptionGroup var data: DataOptions
  @Option(help: "Samples K of the importance-sampled log-likelihood.")
  var importanceSamples = 1000
  @Option(help: "Evaluate only the first N test images.") var limit: Int?
  @Option(help: "Seed of the evaluation's noise.") var seed: UInt64 = 1
  @Option(help: ArgumentHelp("Also write the results as JSON to this file.", valueName: "file"))
  var json: String?

  func validate() throws {
    if importanceSamples <= 0 { throw ValidationError("--importance-samples must be positive") }
    if let limit, limit <= 0 { throw ValidationError("--limit must be positive, got \(limit)") }
  }

  struct Evaluate: VAEModelAction {
    var test: ImageDataset
    var command: EvaluateCommand

    func callAsFunction<E, D>(_ model: VariationalAutoencoder<E, D>) throws -> VAEEvaluationReport {
      let count = Swift.min(command.limit ?? test.count, test.count)
      var bar = ProgressBar(title: "log p(x), K = \(command.importanceSamples)", total: count)
      var done = 0
      return VAEEvaluationReport.evaluate(
        model, on: test, importanceSamples: command.importanceSamples, limit: count,
        seed: command.seed
      ) { images in
        bar.advance(by: images - done)
        done = images
      }
    }
  }

  func run() throws {
    // Before any work: the paths (the run's recorded data, read by default, is an input too),
    // then the memory the evaluation needs.
    var paths = PathCheck(inputs: checkpoint.inputFiles)
    checkpoint.dataOptions(data).addInputs(to: &paths)
    if let json { paths.outputs = [PathCheck.Named(flag: "--json", path: json)] }
    try paths.check()
    try VAECheckpoint.configuration(in: checkpoint.checkpoint).model
      .evaluationMemory(importanceSamples: importanceSamples).check()
    let test = try checkpoint.testData(data).images
    let report = try VAECheckpoint.withModel(
      in: checkpoint.checkpoint, perform: Evaluate(test: test, command: self))
    print(String(format: "images             %d", report.images))
    print(String(format: "negative ELBO      %.2f nats", report.negativeELBO))
    print(
      String(format: "log p(x) (K=%d)  %.2f nats", report.importanceSamples, report.logLikelihood))
    if let seconds = report.logLikelihoodSeconds {
      print(String(format: "time of log p(x)   %.2f s", seconds))
    }
    print("active units       \(report.activeUnits) of \(report.klPerDimension.count)")
    print(
      "KL per dimension   "
        + report.klPerDimension.map { String(format: "%.2f", $0) }.joined(separator: " "))
    if let json {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      try AtomicFile.write(Array(try encoder.encode(report)) + [10], toPath: json)
      print("wrote \(json)")
    }
  }
}
