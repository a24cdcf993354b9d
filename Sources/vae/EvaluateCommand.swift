import ArgumentParser
import Datasets
import Reporting
import Serialization
import TensorCore
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
    let count = Swift.min(limit ?? test.count, test.count)
    // Under mpirun the processes share the images, and process 0 reports.
    let processes = ProcessGroups.current
    var bar = ProgressBar(title: "log p(x), K = \(importanceSamples)", total: count)
    var done = 0
    let report = try TrainedVAE(directory: checkpoint.checkpoint).evaluate(
      on: test, importanceSamples: importanceSamples, limit: count, seed: seed,
      processes: processes
    ) { images in
      guard processes.isMain else { return }
      bar.advance(by: images - done)
      done = images
    }
    guard processes.isMain else { return }
    print(report.text)
    if let json {
      try AtomicFile.write(report.json(), toPath: json)
      print("wrote \(json)")
    }
  }
}
