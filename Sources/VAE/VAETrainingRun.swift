import Datasets
import Foundation
import Reporting
import TensorCore
import Visualization

/// A whole `vae train` run: build or resume the trainer, train epoch by epoch with a progress
/// bar, and after every epoch write the checkpoint, `metrics.jsonl` and the pictures
/// (`samples.png`, `reconstructions.png`, `curves.png`) to the output directory.
public struct VAETrainingRun {
  /// The model's architecture and likelihood.
  public var configuration: VAEConfiguration
  /// How the model is trained.
  public var training: TrainingConfiguration
  /// Where the run's files go.
  public var outputDirectory: String
  /// Continue the checkpoint in ``outputDirectory`` instead of starting afresh. The model,
  /// training and data settings must be those saved in its `config.json`
  /// (``VAECheckpoint/Configuration/resumeChanges(to:)``), except that a larger
  /// ``TrainingConfiguration/epochs`` extends the run.
  public var resume: Bool
  /// The images trained on.
  public var trainingData: ImageDataset
  /// The images of the test negative ELBO after each epoch, if any.
  public var testData: ImageDataset?
  /// Stop after this many epochs of this invocation (the run stays resumable); `nil` to run
  /// to ``TrainingConfiguration/epochs``.
  public var epochLimit: Int?
  /// Asked after every saved epoch; when it returns true, the run stops there by throwing
  /// ``TrainingInterrupted`` (the CLI's SIGINT/SIGTERM handler sets it).
  public var stopRequested: () -> Bool = { false }
  /// The record of the data, saved in `config.json` (committed with every epoch).
  public var data: VAEDataRecord?
  /// The notes of a ``VAECheckpoint/recover(_:)`` of ``outputDirectory`` that the caller ran
  /// (and logged) before reading the run's configuration; ``run(log:)`` recovers in any case.
  public var recoveryNotes: [String] = []
  /// The processes that train together (see ``VAETrainer/processes``). Every process runs
  /// ``run(log:)`` with the same settings; process 0 alone recovers and writes the run
  /// directory, logs and shows progress (with the numbers of all processes), and a stop request
  /// on any process stops all of them after the same epoch.
  public var processes: any ProcessGroup = SingleProcess()

  /// A run of `configuration` trained as `training` on `trainingData`, written to
  /// `outputDirectory`; nothing happens until ``run(log:)``.
  public init(
    configuration: VAEConfiguration, training: TrainingConfiguration, outputDirectory: String,
    resume: Bool = false, trainingData: ImageDataset, testData: ImageDataset?,
    epochLimit: Int? = nil, data: VAEDataRecord? = nil
  ) {
    self.data = data
    self.configuration = configuration
    self.training = training
    self.outputDirectory = outputDirectory
    self.resume = resume
    self.trainingData = trainingData
    self.testData = testData
    self.epochLimit = epochLimit
  }

  /// Runs training and returns every epoch's metrics (earlier ones too, when resuming).
  /// `log` receives one line per epoch and notes such as where files were written.
  @discardableResult
  public func run(log: (String) -> Void = { print($0) }) throws -> [EpochMetrics] {
    let log = processes.isMain ? log : { _ in }
    switch configuration.architecture {
    case .mlp: return try run(MLPNetwork.self, MLPNetwork.self, log: log)
    case .conv: return try run(ConvEncoderNetwork.self, ConvDecoderNetwork.self, log: log)
    }
  }

  func run<E: VAENetwork, D: VAENetwork>(
    _: E.Type, _: D.Type, log: (String) -> Void
  ) throws -> [EpochMetrics] {
    let newNotes = processes.isMain ? try VAECheckpoint.recover(outputDirectory) : []
    for note in newNotes { log(note) }
    // The others read the directory once process 0 has recovered it.
    _ = processes.any(false)
    let start: (trainer: VAETrainer<E, D>, data: VAEDataRecord?)
    if resume {
      start = try resumedTrainer(notes: recoveryNotes + newNotes, log: log)
    } else {
      start = (try newTrainer(notes: recoveryNotes + newNotes, log: log), data)
    }
    var trainer = start.trainer
    trainer.processes = processes
    let total = trainer.training.epochs
    if resume && trainer.completedEpochs >= total {
      log(
        "\(outputDirectory) has completed its \(trainer.completedEpochs) epochs; raise --epochs "
          + "to extend it")
      return trainer.metrics
    }
    var remaining = epochLimit ?? Int.max
    while trainer.completedEpochs < total && remaining > 0 {
      let metrics = try trainEpoch(&trainer)
      log(Self.summary(of: metrics, epochs: total))
      if processes.isMain {
        try VAECheckpoint.commit(
          trainer, data: start.data, extraFiles: try pictures(trainer), to: outputDirectory)
      }
      remaining -= 1
      if processes.any(stopRequested()) && trainer.completedEpochs < total && remaining > 0 {
        throw TrainingInterrupted(
          directory: outputDirectory, epoch: trainer.completedEpochs, epochs: total)
      }
    }
    log(
      "wrote \(outputDirectory)/{checkpoint.safetensors, training-state.safetensors, config.json, metrics.jsonl, samples.png, reconstructions.png, curves.png}"
    )
    return trainer.metrics
  }

  /// Whether ``outputDirectory`` holds a saved epoch, and whether it holds the remains of a
  /// first save that did not finish (its files were just removed, as `notes` say, or an older
  /// version left a config.json without weights).
  private func savedState(notes: [String]) -> (exists: Bool, unsaved: Bool) {
    let configurationFile = VAECheckpoint.path(outputDirectory, VAECheckpoint.configurationFile)
    let exists = VAECheckpoint.hasSavedEpoch(in: outputDirectory)
    let unsaved =
      !exists && (!notes.isEmpty || FileManager.default.fileExists(atPath: configurationFile))
    return (exists, unsaved)
  }

  /// A new trainer, after checking that ``outputDirectory`` holds no run.
  private func newTrainer<E: VAENetwork, D: VAENetwork>(
    notes: [String], log: (String) -> Void
  ) throws -> VAETrainer<E, D> {
    let (exists, unsaved) = savedState(notes: notes)
    guard !exists else {
      throw VAEError.checkpoint(
        path: outputDirectory,
        message: "already holds a training run; pass --resume to continue it, or choose "
          + "another --output")
    }
    if unsaved { log("\(outputDirectory) holds no saved epoch; starting afresh") }
    return try VAETrainer(configuration: configuration, training: training)
  }

  /// The trainer of the run in ``outputDirectory`` and its data record, after checking that
  /// the settings are the run's own (warning when the images differ from those it recorded),
  /// extended to ``TrainingConfiguration/epochs`` when that is larger.
  private func resumedTrainer<E: VAENetwork, D: VAENetwork>(
    notes: [String], log: (String) -> Void
  ) throws -> (trainer: VAETrainer<E, D>, data: VAEDataRecord?) {
    let (exists, unsaved) = savedState(notes: notes)
    guard exists else {
      if unsaved {
        throw VAEError.checkpoint(
          path: outputDirectory,
          message: "holds no saved epoch (the run's first save did not finish); run again "
            + "without --resume to start it afresh")
      }
      throw VAEError.checkpoint(
        path: VAECheckpoint.path(outputDirectory, VAECheckpoint.configurationFile),
        message: "missing: there is no run to --resume in \(outputDirectory)")
    }
    let saved = try VAECheckpoint.configuration(in: outputDirectory)
    let changes = saved.resumeChanges(
      to: VAECheckpoint.Configuration(model: configuration, training: training, data: data))
    guard changes.isEmpty else {
      throw VAEError.invalidConfiguration(
        "--resume continues \(outputDirectory) with its own settings, and this command "
          + "changes them:\n  " + changes.joined(separator: "\n  ")
          + "\nDrop these flags to continue the run, or start a new run in another --output.")
    }
    if let old = saved.data, let new = data { warnIfImagesDiffer(old, new, log: log) }
    var trainer: VAETrainer<E, D> = try VAECheckpoint.loadTrainer(from: outputDirectory)
    let completed = trainer.completedEpochs
    if training.epochs > trainer.training.epochs {
      log(
        "extending \(outputDirectory) from \(trainer.training.epochs) to \(training.epochs) epochs"
      )
      trainer.training.epochs = training.epochs
    }
    if completed < trainer.training.epochs {
      log("continuing run \(outputDirectory) from epoch \(completed) of \(trainer.training.epochs)")
    }
    return (trainer, saved.data ?? data)
  }

  /// Logs a warning for each image set that differs from the one the run recorded.
  private func warnIfImagesDiffer(
    _ recorded: VAEDataRecord, _ found: VAEDataRecord, log: (String) -> Void
  ) {
    if recorded.training != found.training {
      log(
        "warning: the training images differ from the run's: it recorded \(recorded.training), "
          + "found \(found.training)")
    }
    if let recordedTest = recorded.test, let foundTest = found.test, recordedTest != foundTest {
      log(
        "warning: the test images differ from the run's: it recorded \(recordedTest), found "
          + "\(foundTest)")
    }
  }

  /// Trains the next epoch with a progress bar; a divergence says which checkpoint is kept.
  private func trainEpoch<E, D>(_ trainer: inout VAETrainer<E, D>) throws -> EpochMetrics {
    let epoch = trainer.completedEpochs + 1
    let batches =
      (trainingData.count + trainer.training.batchSize - 1) / trainer.training.batchSize
    var bar = ProgressBar(
      title: "epoch \(epoch)/\(trainer.training.epochs)", total: batches,
      itemsPerUnit: trainer.training.batchSize)
    let showsProgress = processes.isMain
    do {
      return try trainer.trainEpoch(on: trainingData, test: testData) { _, _, means in
        guard showsProgress else { return }
        bar.advance(fields: ["loss": means.loss, "recon": means.reconstruction, "KL": means.kl])
      }
    } catch {
      guard case .diverged(let message) = error else { throw error }
      let kept =
        trainer.completedEpochs > 0
        ? "\(outputDirectory) keeps the checkpoint of epoch \(trainer.completedEpochs), the "
          + "last good one."
        : "No epoch completed; nothing was saved."
      throw VAEError.diverged(message + " " + kept)
    }
  }

  /// The line logged after an epoch: the training objective (and its parts), the test
  /// negative ELBO, the time and the speed.
  static func summary(of metrics: EpochMetrics, epochs total: Int) -> String {
    var line = String(format: "epoch %d/%d  train ", metrics.epoch, total)
    if metrics.objective == EpochMetrics.negativeELBOName {
      line += String(format: "%.2f", metrics.trainObjective)
    } else {
      line += metrics.objective + String(format: " %.2f", metrics.trainObjective)
      if let elbo = metrics.trainNegativeELBO {
        line += String(format: ", negative ELBO %.2f", elbo)
      }
    }
    if let reconstruction = metrics.trainReconstruction, let kl = metrics.trainKL {
      line += String(format: "  (recon %.2f, KL %.2f)", reconstruction, kl)
    }
    if let test = metrics.testNegativeELBO { line += String(format: "  test %.2f", test) }
    line += String(format: "  %.1fs  %.0f images/s", metrics.seconds, metrics.samplesPerSecond)
    return line
  }

  /// The PNG files saved with every epoch, by name.
  func pictures<E, D>(_ trainer: VAETrainer<E, D>) throws -> [(name: String, bytes: [UInt8])] {
    var generator = Xoshiro256StarStar(seed: trainer.training.seed)
    return [
      ("samples.png", try VAEPictures.samples(from: trainer.model, using: &generator).pngData()),
      (
        "reconstructions.png",
        try VAEPictures.reconstructions(from: trainer.model, of: testData ?? trainingData)
          .pngData()
      ),
      ("curves.png", try VAEPictures.curves(trainer.metrics).pngData()),
    ]
  }
}
