import ArgumentParser
import Foundation
import VAE

struct TrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train a VAE; write checkpoint, metrics and pictures after every epoch.")

  @OptionGroup var data: DataOptions

  @Option(help: "Passes over the training images.") var epochs = 10
  @Option(help: "Images per minibatch.") var batchSize = 128
  @Option(help: "Dimension of the latent code z.") var latentDim = 20
  @Option(help: "Hidden layer sizes, comma separated (e.g. 512,256).") var hidden = "400"
  @Option(help: "Encoder/decoder networks: mlp or conv.")
  var architecture: VAEConfiguration.Architecture = .mlp
  @Option(
    help:
      "Decoder likelihood: bernoulli, gaussian (σ fixed by --sigma), gaussian-learned, gaussian-per-pixel."
  )
  var likelihood: VAEConfiguration.Likelihood = .bernoulli
  @Option(help: "σ of the gaussian likelihood.") var sigma: Float = 0.1
  @Option(help: "Adam's learning rate.") var learningRate = 1e-3
  @Option(help: "Adam's decay rate β₁ of the first-moment estimate.") var adamBeta1 = 0.9
  @Option(help: "Adam's decay rate β₂ of the second-moment estimate.") var adamBeta2 = 0.999
  @Option(help: "Learning-rate schedule: constant or cosine.")
  var schedule: TrainingConfiguration.Schedule = .constant
  @Option(help: "Monte-Carlo samples of z per image (L).") var samples = 1
  @Option(help: "Weight β of the KL term.") var beta: Float = 1
  @Option(help: "Epochs of linear KL warm-up from 0 to β.") var klWarmup = 0
  @Option(help: "Train on the importance-weighted bound with K samples (1: the ELBO).")
  var iwae = 1
  @Flag(help: "Re-sample binary pixels from the grey levels for every batch.") var binarize = false
  @Option(help: "Clip the gradient's global norm to this value.") var clipNorm: Float?
  @Option(help: "Seed of all randomness.") var seed: UInt64 = 1
  @Option(help: ArgumentHelp("Output directory (default runs/<timestamp>).", valueName: "dir"))
  var output: String?
  @Flag(help: "Continue the interrupted run in --output.") var resume = false
  @Option(help: "Stop after this many epochs of this invocation (resume later).")
  var stopAfter: Int?

  func validate() throws {
    if resume && output == nil { throw ValidationError("--resume needs --output DIR") }
    if hiddenSizes == nil {
      throw ValidationError(
        "--hidden must be positive integers separated by commas, got '\(hidden)'")
    }
    if let stopAfter, stopAfter <= 0 { throw ValidationError("--stop-after must be positive") }
    do {
      try modelConfiguration.validate()
      try trainingConfiguration.validate()
    } catch {
      throw ValidationError(
        error.description.replacingOccurrences(of: "invalid configuration: ", with: ""))
    }
  }

  var hiddenSizes: [Int]? {
    let sizes = hidden.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !sizes.isEmpty, sizes.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
    return sizes.map { $0! }
  }

  var modelConfiguration: VAEConfiguration {
    var configuration = VAEConfiguration()
    configuration.architecture = architecture
    configuration.hiddenSizes = hiddenSizes ?? []
    configuration.latentDimension = latentDim
    configuration.likelihood = likelihood
    configuration.fixedStandardDeviation = sigma
    return configuration
  }

  var trainingConfiguration: TrainingConfiguration {
    var training = TrainingConfiguration()
    training.epochs = epochs
    training.batchSize = batchSize
    training.learningRate = learningRate
    training.beta1 = adamBeta1
    training.beta2 = adamBeta2
    training.schedule = schedule
    training.samples = samples
    training.beta = beta
    training.klWarmupEpochs = klWarmup
    training.importanceSamples = iwae
    training.binarize = binarize
    training.gradientClipNorm = clipNorm
    training.seed = seed
    return training
  }

  func run() throws {
    let train = try data.load(.train)
    let test = try data.load(.test)
    var configuration = modelConfiguration
    configuration.height = train.rows
    configuration.width = train.columns
    try configuration.trainingMemory(
      batchSize: min(batchSize, train.count), samples: samples, importanceSamples: iwae
    ).check()
    let directory = output ?? "runs/" + Self.timestamp()
    try VAETrainingRun(
      configuration: configuration, training: trainingConfiguration, outputDirectory: directory,
      resume: resume, trainingData: train, testData: test, epochLimit: stopAfter
    ).run()
  }

  static func timestamp() -> String {
    let formatter = DateFormatter()
    formatter.dateFormat = "yyyyMMdd-HHmmss"
    formatter.locale = Locale(identifier: "en_US_POSIX")
    return formatter.string(from: Date())
  }
}

extension VAEConfiguration.Architecture: ExpressibleByArgument {}
extension VAEConfiguration.Likelihood: ExpressibleByArgument {}
extension TrainingConfiguration.Schedule: ExpressibleByArgument {}
