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
  /// The model this trainer trains.
  public typealias Model = VariationalAutoencoder<Encoder, Decoder>

  /// The model as trained so far.
  public var model: Model
  /// Adam, with its moments and step count (saved with every checkpoint).
  public var optimizer: Adam<Model>
  /// The source of all of training's randomness (saved with every checkpoint).
  public var generator: Xoshiro256StarStar
  /// The training settings; only ``TrainingConfiguration/epochs`` may change between epochs
  /// (to extend a run).
  public var training: TrainingConfiguration
  /// The epochs completed so far, and their metrics.
  public var metrics: [EpochMetrics] = []
  /// The per-image losses of the latest batches, for ``DivergenceDetector``.
  var divergence = DivergenceDetector()
  /// The processes that share each batch (data parallelism; `SingleProcess` by default).
  /// Every process holds the same model and generator and draws the same global batch and
  /// noise; each differentiates the loss of its share of the batch's images
  /// (`ProcessGroup.share(of:)`), and the gradients and losses are summed across the
  /// processes in one all-reduce per step before the same Adam update everywhere. The result is
  /// that of one process up to the rounding of the reordered sums.
  public var processes: any ProcessGroup = SingleProcess()

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
  /// PyTorch's `DataLoader`). Each batch is one ``step(batch:klWeight:)``, at the learning
  /// rate of the schedule and the KL weight of the warm-up. `progress` is called after every
  /// step with the batch number and the running means of the loss and its parts.
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
    var totals = (loss: 0.0, reconstruction: 0.0, kl: 0.0)
    let communication = processes.communication
    let clock = ContinuousClock()
    let start = clock.now
    for batch in 0..<batches {
      let indices = order[(batch * batchSize)..<Swift.min(data.count, (batch + 1) * batchSize)]
      let images = makeBatch(of: data, indices: indices)
      let weight = klWeight(epochProgress: Double(epoch - 1) + Double(batch) / Double(batches))
      optimizer.learningRate = learningRate(
        atStep: optimizer.step, stepsPerEpoch: batches)
      let terms: StepLoss
      do {
        terms = try step(batch: images, klWeight: weight)
      } catch {
        guard case .diverged(let message) = error else { throw error }
        throw VAEError.diverged("epoch \(epoch), batch \(batch + 1): " + message)
      }
      totals.loss += Double(terms.loss)
      totals.reconstruction += Double(terms.reconstruction)
      totals.kl += Double(terms.kl)
      let seen = Double(Swift.min(data.count, (batch + 1) * batchSize))
      progress(
        batch + 1, batches,
        (totals.loss / seen, totals.reconstruction / seen, totals.kl / seen))
    }
    let seconds = (clock.now - start).inSeconds
    let communicated = processes.communication
    var metrics = finishEpoch(epoch, on: data, totals: totals, seconds: seconds, test: test)
    if processes.size > 1 {
      metrics.processes = processes.size
      metrics.allReduceSeconds = communicated.seconds - communication.seconds
      metrics.allReduceCalls = communicated.calls - communication.calls
      self.metrics[self.metrics.count - 1] = metrics
    }
    return metrics
  }

  /// The loss of one step and its parts, summed over the batch's images.
  public struct StepLoss: Hashable, Sendable {
    /// The training objective: the negative ELBO with the KL term weighted (β, warm-up), or
    /// the negative importance-weighted bound.
    public var loss: Float
    /// The reconstruction term −E_q[log p(x | z)] (NaN when training on the IWAE bound).
    public var reconstruction: Float
    /// The unweighted KL term KL(q(z | x) ‖ p(z)) (NaN when training on the IWAE bound).
    public var kl: Float
  }

  /// One optimisation step on `batch` ([images, pixels], scaled to [0, 1]): draws the noise ε,
  /// computes the loss and its gradient (the negative ELBO with the KL term weighted by
  /// `klWeight`, or the negative IWAE bound when ``TrainingConfiguration/importanceSamples``
  /// is above 1), clips the gradient's global norm when
  /// ``TrainingConfiguration/gradientClipNorm`` is set, and updates the model with Adam at its
  /// current learning rate.
  ///
  /// - Parameters:
  ///   - batch: the images, one per row.
  ///   - klWeight: the weight of the KL term; nil for ``TrainingConfiguration/beta``.
  /// - Returns: the loss and its parts, summed over the batch.
  /// - Throws: ``VAEError/diverged(_:)`` when the loss or the gradient is not finite, or the
  ///   loss per image jumps far above its recent median (`DivergenceDetector`); the model is
  ///   then left unchanged.
  public mutating func step(
    batch: Tensor<Float>, klWeight: Float? = nil
  ) throws(VAEError) -> StepLoss {
    let images = batch.shape[0]
    let latent = model.configuration.latentDimension
    let samples = training.importanceSamples > 1 ? training.importanceSamples : training.samples
    let noise = Tensor<Float>(randomNormal: [samples * images, latent], using: &generator)
    let result = lossAndGradient(batch: batch, noise: noise, klWeight: klWeight ?? training.beta)
    let (terms, loss) = (result.terms, result.terms[0])
    var gradient = result.gradient
    // A non-finite gradient makes the next loss non-finite, so checking the loss suffices;
    // the gradient's norm is only computed when clipping needs it.
    var gradientIsFinite = true
    if let clip = training.gradientClipNorm {
      gradientIsFinite = model.clipByGlobalNorm(&gradient, maximumNorm: clip).isFinite
    }
    try checkDivergence(loss: loss, gradientIsFinite: gradientIsFinite, images: images)
    optimizer.update(&model, along: gradient)
    return StepLoss(loss: loss, reconstruction: terms[1], kl: terms[2])
  }

  /// The loss terms (objective, reconstruction, KL) summed over `batch`, and the gradient of
  /// the objective: over the whole batch, or with several ``processes`` over this process's
  /// share of its images (`noise` is sample-major, `[samples·images, latent]`, so the share
  /// takes the same rows of each sample's block), summed across the processes. A process whose
  /// share is empty differentiates one image with a zero weight, which gives a gradient of
  /// zeros with every tensor in place.
  private func lossAndGradient(
    batch: Tensor<Float>, noise: Tensor<Float>, klWeight: Float
  ) -> (terms: [Float], gradient: Model.TangentVector) {
    guard processes.size > 1 else {
      return Self.lossAndGradient(model, batch: batch, noise: noise, klWeight: klWeight, training)
    }
    let images = batch.shape[0]
    let share = processes.share(of: images)
    let rows = share.isEmpty ? 0..<1 : share
    let samples = noise.shape[0] / images
    let localNoise = Tensor(
      concatenating: (0..<samples).map { sample in
        noise.rows((rows.lowerBound + sample * images)..<(rows.upperBound + sample * images))
      })
    var (terms, gradient) = Self.lossAndGradient(
      model, batch: batch.rows(rows), noise: localNoise, klWeight: klWeight, training,
      weight: share.isEmpty ? 0 : 1)
    model.sum(&gradient, and: &terms, across: processes)
    return (terms, gradient)
  }

  /// The loss terms summed over `batch` and the gradient of `weight` times the objective (the
  /// negative ELBO with the KL term weighted by `klWeight`, or the negative IWAE bound when
  /// ``TrainingConfiguration/importanceSamples`` is above 1); the terms are scaled by `weight`
  /// too.
  private static func lossAndGradient(
    _ model: Model, batch: Tensor<Float>, noise: Tensor<Float>, klWeight: Float,
    _ training: TrainingConfiguration, weight: Float = 1
  ) -> (terms: [Float], gradient: Model.TangentVector) {
    if training.importanceSamples > 1 {
      let (value, pullback) = valueWithPullback(at: model) { model in
        -model.importanceWeightedBound(batch, noise: noise).sum()
      }
      return ([weight * value.scalarized(), .nan, .nan], pullback(Tensor(weight)))
    }
    let (value, pullback) = valueWithPullback(at: model) { model in
      model.negativeELBOTerms(batch, noise: noise, klWeight: klWeight)
    }
    return (value.scalars.map { weight * $0 }, pullback(Tensor([weight, 0, 0])))
  }

  /// Throws ``VAEError/diverged(_:)`` when the loss or the gradient is not finite, or the loss
  /// per image is far above the recent median (recording it in `DivergenceDetector`
  /// otherwise), with what to try.
  private mutating func checkDivergence(
    loss: Float, gradientIsFinite: Bool, images: Int
  ) throws(VAEError) {
    func advice() -> String {
      "Try a lower --learning-rate (now \(optimizer.learningRate)), --clip-norm 100, or "
        + "--kl-warmup 2."
    }
    guard loss.isFinite, gradientIsFinite else {
      throw VAEError.diverged("the loss became \(loss) (not finite). \(advice())")
    }
    let perImage = Double(loss) / Double(images)
    if let median = divergence.record(perImage) {
      throw VAEError.diverged(
        String(
          format: "the loss per image jumped to %.3g, over %.0f× the median %.3g of the last "
            + "%d batches: training diverged. ",
          perImage, DivergenceDetector.factor, median, divergence.window.count) + advice())
    }
  }

  /// The images at `indices` as a batch [images, pixels]: binarised with fresh draws when
  /// ``TrainingConfiguration/binarize`` is set, else scaled to [0, 1] (split across the
  /// cores, the images being independent).
  private mutating func makeBatch(
    of data: ImageDataset, indices: ArraySlice<Int>
  ) -> Tensor<Float> {
    let size = model.configuration.inputSize
    return Tensor<Float>(shape: [indices.count, size]) { buffer in
      if training.binarize {
        data.writeBinarisedBatch(indices: indices, into: buffer, using: &generator)
      } else {
        forEachChunk(of: indices.count, minimumChunk: 32) { rows in
          let first = indices.startIndex + rows.lowerBound
          data.writeBatch(
            indices: indices[first..<(first + rows.count)],
            into: UnsafeMutableBufferPointer(
              rebasing: buffer[(rows.lowerBound * size)..<(rows.upperBound * size)]))
        }
      }
    }
  }

  /// Records the epoch's metrics (the means per image of the summed `totals`, and the test
  /// negative ELBO on `test` when given) and returns them.
  private mutating func finishEpoch(
    _ epoch: Int, on data: ImageDataset,
    totals: (loss: Double, reconstruction: Double, kl: Double), seconds: Double,
    test: ImageDataset?
  ) -> EpochMetrics {
    let n = Double(data.count)
    let iwae = training.importanceSamples > 1
    let testNegativeELBO = test.map {
      VAEEvaluation.negativeELBO(
        of: model, on: $0, seed: training.seed &+ UInt64(epoch), processes: processes)
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
