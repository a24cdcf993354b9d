import Foundation
import Serialization
import TensorCore
import TestSupport
import Testing
import VAE

/// What `checkpoint.safetensors` says it is, and the memory estimates that refuse jobs too big
/// for the machine.
@Suite struct CheckpointFormatTests {
  /// A checkpoint's weights no longer claim PyTorch's `"pt"` format (its dense weights are
  /// `[in, out]`, not `nn.Linear`'s `[out, in]`), and a checkpoint written before, which
  /// claimed it, still loads.
  @Test func weightsDoNotClaimPyTorchFormatAndOldCheckpointsLoad() throws {
    let directory = try TemporaryDirectory()
    var configuration = VAEConfiguration()
    configuration.height = 4
    configuration.width = 4
    configuration.hiddenSizes = [8]
    configuration.latentDimension = 2
    let trainer = try VAETrainer<MLPNetwork, MLPNetwork>(
      configuration: configuration, training: TrainingConfiguration())
    try VAECheckpoint.save(trainer, to: directory.path)
    let file = directory.file(VAECheckpoint.weightsFile)
    let archive = try SafeTensors.read(contentsOfFile: file)
    #expect(archive.metadata["format"] == "variational-vae-1")
    guard case .float(let weight) = archive.entries["encoder.0.weight"] else {
      Issue.record("no encoder.0.weight")
      return
    }
    #expect(weight.shape == [16, 8])

    // The same weights as an older version wrote them.
    try SafeTensors.write(
      archive.entries, metadata: ["epoch": "0", "format": "pt"], toPath: file)
    let loaded: VariationalAutoencoder<MLPNetwork, MLPNetwork> = try VAECheckpoint.loadModel(
      from: directory.path)
    #expect(loaded.parameters == trainer.model.parameters)
  }

  /// The estimate's parameter count is the model's, for both architectures and every
  /// likelihood with a learned scale.
  @Test(arguments: [
    (VAEConfiguration.Architecture.mlp, VAEConfiguration.Likelihood.bernoulli),
    (.mlp, .gaussianPerPixelScale), (.conv, .gaussianLearnedScale),
  ])
  func parameterCountIsTheModels(
    architecture: VAEConfiguration.Architecture, likelihood: VAEConfiguration.Likelihood
  ) throws {
    var configuration = VAEConfiguration()
    configuration.architecture = architecture
    configuration.likelihood = likelihood
    configuration.hiddenSizes = architecture == .mlp ? [12, 10] : [12]
    configuration.latentDimension = 3
    var scalars = 0
    if architecture == .mlp {
      let trainer = try VAETrainer<MLPNetwork, MLPNetwork>(
        configuration: configuration, training: TrainingConfiguration())
      scalars = trainer.model.parameters.reduce(0) { $0 + $1.scalarCount }
    } else {
      let trainer = try VAETrainer<ConvEncoderNetwork, ConvDecoderNetwork>(
        configuration: configuration, training: TrainingConfiguration())
      scalars = trainer.model.parameters.reduce(0) { $0 + $1.scalarCount }
    }
    #expect(configuration.parameterCount == scalars)
  }

  /// `--hidden 10000000` needs ~ 16 bytes × 2 × 784 × 10⁷ parameters: refused, naming the
  /// size and the flag; sizes whose products overflow an Int are refused too.
  @Test func hugeModelsAndBatchesAreRefusedBeforeAllocating() throws {
    var configuration = VAEConfiguration()
    configuration.hiddenSizes = [10_000_000]
    let huge = configuration.trainingMemory(batchSize: 128, samples: 1, importanceSamples: 1)
    #expect((huge.parameterBytes ?? 0) > 16 * 2 * 784 * 10_000_000)
    #expect(throws: VAEError.self) { try huge.check(available: 1 << 36) }
    do { try huge.check(available: 1 << 36) } catch {
      #expect(error.description.contains("lower --hidden or --latent-dim"), "\(error)")
      #expect(error.description.contains("GB"), "\(error)")
    }

    configuration.hiddenSizes = [Int.max / 2]
    #expect(configuration.parameterCount == nil)
    configuration.hiddenSizes = [400]
    let manySamples = configuration.trainingMemory(
      batchSize: 128, samples: Int.max / 100, importanceSamples: 1)
    #expect(manySamples.totalBytes == nil)
    do { try manySamples.check(available: 1 << 40) } catch {
      #expect(error.description.contains("lower --batch-size or --samples or --iwae"), "\(error)")
    }
    let sampling = configuration.samplingMemory(count: 1 << 40)
    do { try sampling.check(available: 1 << 34) } catch {
      #expect(error.description.contains("lower --count"), "\(error)")
    }
    // The defaults fit in a gigabyte.
    try configuration.trainingMemory(batchSize: 128, samples: 1, importanceSamples: 1)
      .check(available: 1 << 30)
    try configuration.evaluationMemory(importanceSamples: 1000).check(available: 1 << 30)
  }
}
