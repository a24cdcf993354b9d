import Datasets
import Foundation
import Serialization
import TensorCore
import TestSupport
import Testing
import VAE
import Visualization

@Suite(
  .enabled(if: VAETestData.available, "needs dataset-fashion-mnist (scripts/setup installs it)"))
struct TrainingTests {
  /// Two epochs of a small model on 2,000 real images: the test negative ELBO starts near
  /// 784 · log 2 ≈ 543 nats (an untrained decoder predicts ½ everywhere) and must fall below
  /// 330 nats, and fall again in the second epoch.
  @Test func shortRunLossFalls() throws {
    var training = VAETestData.training(epochs: 2)
    training.batchSize = 50
    training.learningRate = 3e-3
    var trainer = try VAETrainer<MLPNetwork, MLPNetwork>(
      configuration: VAETestData.smallModel, training: training)
    let before = VAEEvaluation.negativeELBO(of: trainer.model, on: VAETestData.test, seed: 1)
    let first = try trainer.trainEpoch(on: VAETestData.train, test: VAETestData.test)
    let second = try trainer.trainEpoch(on: VAETestData.train, test: VAETestData.test)
    #expect(before > 500)
    #expect(second.testNegativeELBO! < first.testNegativeELBO!)
    print(
      "short run: test negative ELBO \(before) → \(first.testNegativeELBO!) → \(second.testNegativeELBO!)"
    )
    #expect(second.testNegativeELBO! < 330)
  }

  /// The importance-sampled log-likelihood (K = 50) is at least the ELBO on the same images.
  @Test func importanceSampledEstimateIsAtLeastTheELBO() throws {
    var trainer = try VAETrainer<MLPNetwork, MLPNetwork>(
      configuration: VAETestData.smallModel, training: VAETestData.training(epochs: 1))
    _ = try trainer.trainEpoch(on: VAETestData.train)
    let elbo = -VAEEvaluation.negativeELBO(
      of: trainer.model, on: VAETestData.test, limit: 200, seed: 2)
    let logLikelihood = VAEEvaluation.logLikelihood(
      of: trainer.model, on: VAETestData.test, importanceSamples: 50, limit: 200, seed: 3)
    #expect(logLikelihood >= elbo, "log p(x) ≈ \(logLikelihood), ELBO \(elbo)")
  }

  /// Saving and loading gives back exactly the same model, optimiser state, generator and
  /// metrics.
  @Test func checkpointRoundTripIsExact() throws {
    let directory = try TemporaryDirectory()
    var trainer = try VAETrainer<MLPNetwork, MLPNetwork>(
      configuration: VAETestData.smallModel, training: VAETestData.training(epochs: 2))
    _ = try trainer.trainEpoch(on: VAETestData.train.prefix(500))
    try VAECheckpoint.save(trainer, to: directory.path)
    let loaded: VAETrainer<MLPNetwork, MLPNetwork> = try VAECheckpoint.loadTrainer(
      from: directory.path)
    #expect(loaded.model.parameters == trainer.model.parameters)
    #expect(loaded.optimizer.exportState() == trainer.optimizer.exportState())
    #expect(loaded.generator == trainer.generator)
    #expect(loaded.metrics == trainer.metrics)
    #expect(loaded.model.configuration == trainer.model.configuration)
  }

  /// An interrupted run resumed from its last checkpoint ends bit-identical to an
  /// uninterrupted one.
  @Test func resumeEqualsUninterruptedRun() throws {
    let data = VAETestData.train.prefix(600)
    var uninterrupted = try VAETrainer<MLPNetwork, MLPNetwork>(
      configuration: VAETestData.smallModel, training: VAETestData.training(epochs: 2))
    _ = try uninterrupted.trainEpoch(on: data)
    _ = try uninterrupted.trainEpoch(on: data)

    let directory = try TemporaryDirectory()
    var first = try VAETrainer<MLPNetwork, MLPNetwork>(
      configuration: VAETestData.smallModel, training: VAETestData.training(epochs: 2))
    _ = try first.trainEpoch(on: data)
    try VAECheckpoint.save(first, to: directory.path)
    var resumed: VAETrainer<MLPNetwork, MLPNetwork> = try VAECheckpoint.loadTrainer(
      from: directory.path)
    _ = try resumed.trainEpoch(on: data)

    let a = uninterrupted.model.parameters.map { $0.scalars.map(\.bitPattern) }
    let b = resumed.model.parameters.map { $0.scalars.map(\.bitPattern) }
    #expect(a == b)
    #expect(
      resumed.metrics.map(\.trainNegativeELBO) == uninterrupted.metrics.map(\.trainNegativeELBO))
  }

  /// The whole `vae train` run writes its files; the PNGs are valid (signature, IHDR, CRCs);
  /// numpy reads the weights by name with the right shapes; a second run into the same
  /// directory is refused instead of overwriting it; and --resume continues it.
  @Test func trainingRunWritesItsFiles() throws {
    let directory = try TemporaryDirectory()
    var training = VAETestData.training(epochs: 2)
    training.batchSize = 250
    let run = VAETrainingRun(
      configuration: VAETestData.smallModel, training: training, outputDirectory: directory.path,
      trainingData: VAETestData.train.prefix(500), testData: VAETestData.test.prefix(100),
      epochLimit: 1)
    try run.run(log: { _ in })
    for name in ["samples.png", "reconstructions.png", "curves.png"] {
      let info = try PNG.validateFile(atPath: directory.file(name))
      #expect(info.width > 0 && info.height > 0)
    }
    #expect(try VAECheckpoint.readMetrics(in: directory.path).count == 1)
    #expect(throws: VAEError.self) { try run.run(log: { _ in }) }
    var resume = run
    resume.resume = true
    resume.epochLimit = nil
    let metrics = try resume.run(log: { _ in })
    #expect(metrics.map(\.epoch) == [1, 2])

    if pythonHasNumpy {
      let script = """
        import json, struct, sys, numpy as np
        raw = open(sys.argv[1], 'rb').read()
        n = struct.unpack('<Q', raw[:8])[0]
        header = json.loads(raw[8:8 + n])
        print(header['encoder.0.weight']['shape'], header['decoder.1.bias']['shape'], header['encoder_head.weight']['dtype'])
        begin, end = header['encoder.0.weight']['data_offsets']
        print(np.isfinite(np.frombuffer(raw[8 + n + begin:8 + n + end], dtype='<f4')).all())
        """
      let output = try runPython(script, arguments: [directory.file("checkpoint.safetensors")])
      #expect(output == "[784, 64] [784] F32\nTrue\n")
    }
  }

  /// A checkpoint whose weights do not fit its configuration (here: the configuration was
  /// edited to another hidden size) is refused with the file, the tensor and both shapes named.
  @Test func checkpointOfAnotherArchitectureIsRefused() throws {
    let directory = try TemporaryDirectory()
    let trainer = try VAETrainer<MLPNetwork, MLPNetwork>(
      configuration: VAETestData.smallModel, training: VAETestData.training(epochs: 1))
    try VAECheckpoint.save(trainer, to: directory.path)
    let configFile = directory.file("config.json")
    let edited = try String(contentsOfFile: configFile, encoding: .utf8)
      .replacingOccurrences(of: "64", with: "32")
    try edited.write(toFile: configFile, atomically: true, encoding: .utf8)
    #expect {
      _ = try VAECheckpoint.loadModel(from: directory.path, as: MLPVAE.self)
    } throws: { error in
      let message = "\(error)"
      return message.contains("checkpoint.safetensors") && message.contains("encoder.0.weight")
        && message.contains("[784, 64]") && message.contains("[784, 32]")
    }
  }

  /// Training on the importance-weighted bound (K = 5) runs, improves the test ELBO, and its
  /// metrics (which have no reconstruction/KL split) are saved.
  @Test func trainingOnTheImportanceWeightedBound() throws {
    var training = VAETestData.training(epochs: 1)
    training.importanceSamples = 5
    var trainer = try VAETrainer<MLPNetwork, MLPNetwork>(
      configuration: VAETestData.smallModel, training: training)
    let test = VAETestData.test.prefix(200)
    let before = VAEEvaluation.negativeELBO(of: trainer.model, on: test, seed: 2)
    let metrics = try trainer.trainEpoch(on: VAETestData.train.prefix(1000), test: test)
    #expect(metrics.trainReconstruction == nil && metrics.trainKL == nil)
    #expect(metrics.testNegativeELBO! < before - 10, "\(before) → \(metrics.testNegativeELBO!)")
    let directory = try TemporaryDirectory()
    try VAECheckpoint.save(trainer, to: directory.path)
    #expect(try VAECheckpoint.readMetrics(in: directory.path) == [metrics])
  }

  /// A run that diverges stops with a message saying what happened and what to try.
  @Test func divergenceStopsWithAdvice() throws {
    var training = VAETestData.training(epochs: 1)
    training.learningRate = 1e9
    var trainer = try VAETrainer<MLPNetwork, MLPNetwork>(
      configuration: VAETestData.smallModel, training: training)
    #expect {
      _ = try trainer.trainEpoch(on: VAETestData.train.prefix(1000))
    } throws: { error in
      ("\(error)".contains("not finite") || "\(error)".contains("diverged"))
        && "\(error)".contains("--learning-rate")
    }
  }

  /// Sizes of zero or less are refused, naming the flag.
  @Test func invalidSettingsAreRefused() {
    var training = TrainingConfiguration()
    training.batchSize = 0
    #expect(throws: VAEError.invalidConfiguration("--batch-size must be positive, got 0")) {
      try training.validate()
    }
    var configuration = VAEConfiguration()
    configuration.latentDimension = -1
    #expect(throws: VAEError.self) { try configuration.validate() }
  }
}

/// Training shared among processes (played by threads): each takes its share of every batch,
/// and the summed gradients give the run of one process, up to the reordered sums.
@Suite struct SharedTrainingTests {
  @Test(.enabled(if: VAETestData.available)) func twoProcessesTrainWhatOneTrains() throws {
    var configuration = VAETestData.smallModel
    (configuration.height, configuration.width) = (28, 28)
    let training = VAETestData.training(epochs: 1)
    let data = VAETestData.train.prefix(500)
    var single = try VAETrainer<MLPNetwork, MLPNetwork>(
      configuration: configuration, training: training)
    let reference = try single.trainEpoch(on: data, test: VAETestData.test)
    let processes = ThreadedProcesses(size: 2)
    let shared = processes.run { group in
      var trainer = try! VAETrainer<MLPNetwork, MLPNetwork>(
        configuration: configuration, training: training)
      trainer.processes = group
      return try! trainer.trainEpoch(on: data, test: VAETestData.test)
    }
    for metrics in shared {
      #expect(metrics.processes == 2 && metrics.allReduceCalls == 5)
      for (value, expected) in [
        (metrics.trainObjective, reference.trainObjective),
        (metrics.testNegativeELBO!, reference.testNegativeELBO!),
      ] {
        #expect(Swift.abs(value - expected) <= 1e-5 * Swift.abs(expected), "\(value) vs \(expected)")
      }
    }
    // Both processes hold the same model.
    #expect(shared[0].trainKL == shared[1].trainKL)
  }

  /// Batches with fewer images than processes: the processes without an image add zeros.
  @Test func processesWithoutImagesAddNothing() throws {
    var training = VAETestData.training(epochs: 1)
    training.batchSize = 4
    let data = VAETestData.tinyImages(count: 5, seed: 8)
    var single = try VAETrainer<MLPNetwork, MLPNetwork>(
      configuration: VAETestData.tinyModel, training: training)
    let reference = try single.trainEpoch(on: data)
    let shared = ThreadedProcesses(size: 3).run { group in
      var trainer = try! VAETrainer<MLPNetwork, MLPNetwork>(
        configuration: VAETestData.tinyModel, training: training)
      trainer.processes = group
      return try! trainer.trainEpoch(on: data)
    }
    for metrics in shared {
      let (value, expected) = (metrics.trainObjective, reference.trainObjective)
      #expect(Swift.abs(value - expected) <= 1e-5 * Swift.abs(expected), "\(value) vs \(expected)")
    }
  }
}
