import ArgumentParser
import Foundation
import TensorCore
import VAE

struct TrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train a VAE; write checkpoint, metrics and pictures after every epoch.",
    discussion: """
      With --resume, the model, training and data flags default to the run's own (config.json) \
      and may not change; only --epochs may be raised, to extend the run.
      """)

  @OptionGroup var data: DataOptions
  @Option(help: "Use only the first N training images (for quick runs).")
  var limitTrain: Int?

  // Model and training flags are optional so that --resume can tell which were given; their
  // defaults are those of VAEConfiguration and TrainingConfiguration.
  @Option(help: "Passes over the training images (default: 10).") var epochs: Int?
  @Option(help: "Images per minibatch (default: 128).") var batchSize: Int?
  @Option(help: "Dimension of the latent code z (default: 20).") var latentDim: Int?
  @Option(help: "Hidden layer sizes, comma separated, e.g. 512,256 (default: 400).")
  var hidden: String?
  @Option(help: "Encoder/decoder networks: mlp or conv (default: mlp).")
  var architecture: VAEConfiguration.Architecture?
  @Option(
    help: """
      Decoder likelihood: bernoulli, gaussian (σ fixed by --sigma), gaussian-learned, \
      gaussian-per-pixel (default: bernoulli).
      """)
  var likelihood: VAEConfiguration.Likelihood?
  @Option(help: "σ of the gaussian likelihood (default: 0.1).") var sigma: Float?
  @Option(help: "Adam's learning rate (default: 0.001).") var learningRate: Double?
  @Option(help: "Adam's decay rate β₁ of the first-moment estimate (default: 0.9).")
  var adamBeta1: Double?
  @Option(help: "Adam's decay rate β₂ of the second-moment estimate (default: 0.999).")
  var adamBeta2: Double?
  @Option(help: "Learning-rate schedule: constant or cosine (default: constant).")
  var schedule: TrainingConfiguration.Schedule?
  @Option(help: "Monte-Carlo samples of z per image, L (default: 1).") var samples: Int?
  @Option(help: "Weight β of the KL term (default: 1).") var beta: Float?
  @Option(help: "Epochs of linear KL warm-up from 0 to β (default: 0).") var klWarmup: Int?
  @Option(help: "Train on the importance-weighted bound with K samples (default 1: the ELBO).")
  var iwae: Int?
  @Flag(
    inversion: .prefixedNo,
    help: "Re-sample binary pixels from the grey levels for every batch (default: off).")
  var binarize: Bool?
  @Option(help: "Clip the gradient's global norm to this value.") var clipNorm: Float?
  @Option(help: "Seed of all randomness (default: 1).") var seed: UInt64?
  @Option(help: ArgumentHelp("Output directory (default runs/<timestamp>).", valueName: "dir"))
  var output: String?
  @Flag(help: "Continue the run in --output (finished or interrupted).") var resume = false
  @Option(help: "Stop after this many epochs of this invocation (resume later).")
  var stopAfter: Int?

  func validate() throws {
    if resume && output == nil { throw ValidationError("--resume needs --output DIR") }
    if let hidden, Self.hiddenSizes(hidden) == nil {
      throw ValidationError(
        "--hidden must be positive integers separated by commas, got '\(hidden)'")
    }
    if let limitTrain, limitTrain <= 0 {
      throw ValidationError("--limit-train must be positive, got \(limitTrain)")
    }
    if let stopAfter, stopAfter <= 0 { throw ValidationError("--stop-after must be positive") }
    // The image size is not known before the data is read: check what does not depend on it
    // here (on 4 × 4 images, the smallest the conv networks take), and the whole model once the
    // data is loaded.
    var model = configuration(over: nil).model
    (model.height, model.width) = (4, 4)
    do {
      try model.validate()
      try configuration(over: nil).training.validate()
    } catch {
      throw ValidationError(
        error.description.replacingOccurrences(of: "invalid configuration: ", with: "")
          .replacingOccurrences(of: " on \(model.channels)×4×4 images", with: ""))
    }
  }

  static func hiddenSizes(_ text: String) -> [Int]? {
    let sizes = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !sizes.isEmpty, sizes.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
    return sizes.map { $0! }
  }

  /// The model and training settings of the flags given, over `base` (a resumed run's) or
  /// the defaults.
  func configuration(over base: VAECheckpoint.Configuration?) -> (
    model: VAEConfiguration, training: TrainingConfiguration
  ) {
    var model = base?.model ?? VAEConfiguration()
    if let architecture { model.architecture = architecture }
    if let hidden, let sizes = Self.hiddenSizes(hidden) { model.hiddenSizes = sizes }
    if let latentDim { model.latentDimension = latentDim }
    if let likelihood { model.likelihood = likelihood }
    if let sigma { model.fixedStandardDeviation = sigma }
    var training = base?.training ?? TrainingConfiguration()
    if let epochs { training.epochs = epochs }
    if let batchSize { training.batchSize = batchSize }
    if let learningRate { training.learningRate = learningRate }
    if let adamBeta1 { training.beta1 = adamBeta1 }
    if let adamBeta2 { training.beta2 = adamBeta2 }
    if let schedule { training.schedule = schedule }
    if let samples { training.samples = samples }
    if let beta { training.beta = beta }
    if let klWarmup { training.klWarmupEpochs = klWarmup }
    if let iwae { training.importanceSamples = iwae }
    if let binarize { training.binarize = binarize }
    if let clipNorm { training.gradientClipNorm = clipNorm }
    if let seed { training.seed = seed }
    return (model, training)
  }

  func run() throws {
    let directory = output ?? "runs/" + Self.timestamp()
    // Before any work (recovery included): the paths the flags name.
    try pathCheck(directory: directory, data: data).check()
    var saved: VAECheckpoint.Configuration?
    var recoveryNotes: [String] = []
    // Under mpirun every process runs this command; process 0 writes (VAETrainingRun).
    let processes = ProcessGroups.current
    if resume {
      // The run's settings are those of its last committed epoch: finish (or discard) a save
      // that a killed process left in .commit/ before reading config.json.
      if processes.isMain { recoveryNotes = try VAECheckpoint.recover(directory) }
      _ = processes.any(false)  // the others read the directory once it is recovered
      if processes.isMain { for note in recoveryNotes { print(note) } }
      // Without a saved epoch, VAETrainingRun says why there is nothing to resume.
      if VAECheckpoint.hasSavedEpoch(in: directory) {
        saved = try VAECheckpoint.configuration(in: directory)
      }
    }
    let dataOptions = data.filled(from: saved?.data)
    let limit = limitTrain ?? saved?.data?.limitTrain
    // The run's recorded data, which --resume reads by default, is an input too.
    if saved?.data != nil { try pathCheck(directory: directory, data: dataOptions).check() }
    let (train, test) = try dataOptions.loadTrainingAndTest(limitTrain: limit)
    guard test.rows == train.rows && test.columns == train.columns else {
      throw VAEError.data(
        "the training images (\(dataOptions.source)) are \(train.rows) × \(train.columns), "
          + "the test images (\(dataOptions.testSourceDescription)) \(test.rows) × "
          + "\(test.columns): they must have the same shape")
    }
    var (model, training) = configuration(over: saved)
    model.height = train.rows
    model.width = train.columns
    try model.trainingMemory(
      batchSize: min(training.batchSize, train.count), samples: training.samples,
      importanceSamples: training.importanceSamples
    ).check()
    var run = VAETrainingRun(
      configuration: model, training: training, outputDirectory: directory, resume: resume,
      trainingData: train, testData: test, epochLimit: stopAfter,
      data: dataOptions.record(training: train, test: test, limitTrain: limit))
    run.recoveryNotes = recoveryNotes
    run.processes = processes
    StopSignals.install(processes: processes)
    run.stopRequested = { StopSignals.requested }
    do { try run.run() } catch let interrupted as TrainingInterrupted {
      fflush(nil)
      FileHandle.standardError.write(Data("vae: \(interrupted)\n".utf8))
      throw ExitCode(StopSignals.exitStatus)
    }
  }

  /// The inputs (the data options `data`) and the run directory's files: none may be the
  /// other.
  func pathCheck(directory: String, data: DataOptions) -> PathCheck {
    var check = PathCheck()
    data.addInputs(to: &check)
    check.outputDirectories = [PathCheck.Named(flag: "--output", path: directory)]
    let files = [
      "checkpoint.safetensors", "training-state.safetensors", "config.json", "metrics.jsonl",
      "samples.png", "reconstructions.png", "curves.png", ".commit",
    ]
    check.filesInOutputDirectories = files.map {
      PathCheck.Named(flag: "--output", path: (directory as NSString).appendingPathComponent($0))
    }
    return check
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
