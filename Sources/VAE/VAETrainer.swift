import Datasets
import Foundation
import Optimizers
import Reporting
import TensorCore
import _Differentiation

/// Trains a ``VariationalAutoencoder`` with Adam on minibatches, one epoch at a time.
///
/// Everything random (initialisation, the order of the images each epoch, the noise ε, the
/// binarisation of pixels) is drawn from one generator seeded by
/// ``TrainingConfiguration/seed``, whose state is saved with every checkpoint: an interrupted
/// run resumed from its last checkpoint gives the same numbers as an uninterrupted one.
public struct VAETrainer<Encoder: VAENetwork, Decoder: VAENetwork> {
  public typealias Model = VariationalAutoencoder<Encoder, Decoder>

  public var model: Model
  public var optimizer: Adam<Model>
  public var generator: Xoshiro256StarStar
  /// The training settings; only ``TrainingConfiguration/epochs`` may change between epochs
  /// (to extend a run).
  public var training: TrainingConfiguration
  /// The epochs completed so far, and their metrics.
  public var metrics: [EpochMetrics] = []
  /// The per-image losses of the latest batches, for ``DivergenceDetector``.
  var divergence = DivergenceDetector()

  /// A new run: the model initialised from the seed.
  public init(configuration: VAEConfiguration, training: TrainingConfiguration) throws(VAEError) {
    try configuration.validate()
    try training.validate()
    self.training = training
    generator = Xoshiro256StarStar(seed: training.seed)
    model = Model(configuration: configuration, using: &generator)
    optimizer = Adam(
      for: model, learningRate: training.learningRate, beta1: training.beta1,
      beta2: training.beta2)
  }

  /// A run restored from its parts (see ``VAECheckpoint``).
  public init(
    model: Model, optimizer: Adam<Model>, generator: Xoshiro256StarStar,
    training: TrainingConfiguration, metrics: [EpochMetrics]
  ) {
    self.model = model
    self.optimizer = optimizer
    self.generator = generator
    self.training = training
    self.metrics = metrics
  }

  /// The number of completed epochs.
  public var completedEpochs: Int { metrics.count }

  /// The learning rate of the update numbered `step` (from 0) under the schedule.
  func learningRate(atStep step: Int, stepsPerEpoch: Int) -> Double {
    switch training.schedule {
    case .constant: return training.learningRate
    case .cosine:
      return LearningRateSchedule.cosine(
        learningRate: training.learningRate, minimum: 0,
        totalSteps: training.epochs * stepsPerEpoch
      ).learningRate(at: step)
    }
  }

  /// The KL weight β·min(1, progress / warm-up), where progress counts epochs (fractionally).
  func klWeight(epochProgress: Double) -> Float {
    guard training.klWarmupEpochs > 0 else { return training.beta }
    return training.beta * Float(Swift.min(1, epochProgress / Double(training.klWarmupEpochs)))
  }

  /// Trains one epoch on `data`, then measures the test negative ELBO on `test` when given.
  ///
  /// The images are visited in a fresh random order; the last batch may be smaller (as
  /// PyTorch's `DataLoader`). `progress` is called after every step with the batch number
  /// and the running means of the loss and its parts.
  ///
  /// - Throws: ``VAEError/diverged(_:)`` when the loss or the gradient is not finite, or the
  ///   loss jumps far above its recent median (`DivergenceDetector`), naming the epoch and
  ///   batch and what to try. The model is then left as it was before the bad step.
  public mutating func trainEpoch(
    on data: ImageDataset, test: ImageDataset? = nil,
    progress: (
      _ batch: Int, _ batches: Int, _ means: (loss: Double, reconstruction: Double, kl: Double)
    ) -> Void = { _, _, _ in }
  ) throws(VAEError) -> EpochMetrics {
    let configuration = model.configuration
    guard data.pixelsPerImage == configuration.inputSize else {
      throw VAEError.data(
        "the data has \(data.rows)×\(data.columns) images, the model expects "
          + "\(configuration.height)×\(configuration.width)")
    }
    guard data.count > 0 else { throw VAEError.data("the training data holds no images") }
    let epoch = completedEpochs + 1
    let order = generator.permutation(of: data.count)
    let batchSize = training.batchSize
    let batches = (data.count + batchSize - 1) / batchSize
    let latent = configuration.latentDimension
    let samples = training.importanceSamples > 1 ? training.importanceSamples : training.samples
    var totals = (loss: 0.0, reconstruction: 0.0, kl: 0.0)
    let clock = ContinuousClock()
    let start = clock.now
    for batch in 0..<batches {
      let indices = order[(batch * batchSize)..<Swift.min(data.count, (batch + 1) * batchSize)]
      let x = Tensor<Float>(shape: [indices.count, configuration.inputSize]) { buffer in
        if training.binarize {
          data.writeBinarisedBatch(indices: indices, into: buffer, using: &generator)
        } else {
          // Images are independent: the conversion is split across the cores.
          let size = configuration.inputSize
          forEachChunk(of: indices.count, minimumChunk: 32) { rows in
            let first = indices.startIndex + rows.lowerBound
            data.writeBatch(
              indices: indices[first..<(first + rows.count)],
              into: UnsafeMutableBufferPointer(
                rebasing: buffer[(rows.lowerBound * size)..<(rows.upperBound * size)]))
          }
        }
      }
      let noise = Tensor<Float>(randomNormal: [samples * indices.count, latent], using: &generator)
      let weight = klWeight(epochProgress: Double(epoch - 1) + Double(batch) / Double(batches))
      optimizer.learningRate = learningRate(
        atStep: optimizer.step, stepsPerEpoch: batches)
      let terms: Tensor<Float>
      var gradient: Model.TangentVector
      if training.importanceSamples > 1 {
        let (value, pullback) = valueWithPullback(at: model) { model in
          -model.importanceWeightedBound(x, noise: noise).sum()
        }
        terms = Tensor([value.scalarized(), .nan, .nan])
        gradient = pullback(Tensor(1))
      } else {
        let (value, pullback) = valueWithPullback(at: model) { model in
          model.negativeELBOTerms(x, noise: noise, klWeight: weight)
        }
        terms = value
        gradient = pullback(Tensor([1, 0, 0]))
      }
      let loss = terms.scalars[0]
      // A non-finite gradient makes the next loss non-finite, so checking the loss suffices;
      // the gradient's norm is only computed when clipping needs it.
      var gradientIsFinite = true
      if let clip = training.gradientClipNorm {
        gradientIsFinite = model.clipByGlobalNorm(&gradient, maximumNorm: clip).isFinite
      }
      let advice =
        "Try a lower --learning-rate (now \(optimizer.learningRate)), --clip-norm 100, or "
        + "--kl-warmup 2."
      guard loss.isFinite, gradientIsFinite else {
        throw VAEError.diverged(
          "epoch \(epoch), batch \(batch + 1): the loss became \(loss) (not finite). \(advice)")
      }
      let perImage = Double(loss) / Double(indices.count)
      if let median = divergence.record(perImage) {
        throw VAEError.diverged(
          String(
            format: "epoch %d, batch %d: the loss per image jumped to %.3g, over %.0f× the "
              + "median %.3g of the last %d batches: training diverged. ",
            epoch, batch + 1, perImage, DivergenceDetector.factor, median,
            divergence.window.count) + advice)
      }
      optimizer.update(&model, along: gradient)
      totals.loss += Double(loss)
      totals.reconstruction += Double(terms.scalars[1])
      totals.kl += Double(terms.scalars[2])
      let seen = Double(Swift.min(data.count, (batch + 1) * batchSize))
      progress(
        batch + 1, batches,
        (totals.loss / seen, totals.reconstruction / seen, totals.kl / seen))
    }
    let elapsed = clock.now - start
    let seconds =
      Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    let n = Double(data.count)
    let iwae = training.importanceSamples > 1
    let testNegativeELBO = test.map {
      VAEEvaluation.negativeELBO(of: model, on: $0, seed: training.seed &+ UInt64(epoch))
    }
    let result = EpochMetrics(
      epoch: epoch, objective: training.objectiveName(epoch: epoch),
      trainObjective: totals.loss / n,
      trainNegativeELBO: iwae ? nil : (totals.reconstruction + totals.kl) / n,
      trainReconstruction: iwae ? nil : totals.reconstruction / n,
      trainKL: iwae ? nil : totals.kl / n,
      testNegativeELBO: testNegativeELBO, seconds: seconds, samplesPerSecond: n / seconds,
      learningRate: optimizer.learningRate)
    metrics.append(result)
    return result
  }
}
