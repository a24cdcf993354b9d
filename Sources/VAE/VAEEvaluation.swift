import Distributions
import Datasets
import TensorCore

/// Held-out measures of a trained VAE (all in nats, per image).
public enum VAEEvaluation {
  /// The images `indices` of `data` as a `[count, pixels]` tensor with values in [0, 1].
  public static func batch(_ data: ImageDataset, _ indices: some Collection<Int>) -> Tensor<Float> {
    Tensor<Float>(shape: [indices.count, data.pixelsPerImage]) { buffer in
      data.writeBatch(indices: indices, into: buffer)
    }
  }

  /// The negative ELBO averaged over the first `limit` images (all by default), with one
  /// sample of z per image and β = 1: the reconstruction term summed over pixels plus the
  /// analytic KL — the number the PyTorch VAE example reports as its test loss. Images go
  /// through in batches of `batchSize` (the configuration's `evaluationBatchSize` unless given).
  ///
  /// With several `processes`, each evaluates every `size`-th batch (from its rank) and the
  /// totals are summed across them; every process draws the noise of every batch, so each
  /// image gets the noise it gets in one process.
  public static func negativeELBO<E, D>(
    of model: VariationalAutoencoder<E, D>, on data: ImageDataset, limit: Int? = nil,
    batchSize: Int? = nil, seed: UInt64, processes: any ProcessGroup = SingleProcess()
  ) -> Double {
    let batchSize = batchSize ?? model.configuration.evaluationBatchSize
    var generator = Xoshiro256StarStar(seed: seed)
    let count = Swift.min(limit ?? data.count, data.count)
    var total = 0.0
    for (index, start) in stride(from: 0, to: count, by: batchSize).enumerated() {
      let images = start..<Swift.min(count, start + batchSize)
      let noise = Tensor<Float>(
        randomNormal: [images.count, model.configuration.latentDimension], using: &generator)
      guard index % processes.size == processes.rank else { continue }
      let terms = model.negativeELBOTerms(batch(data, images), noise: noise, klWeight: 1)
      total += Double(terms.scalars[0])
    }
    return processes.sum([total])[0] / Double(count)
  }

  /// The importance-sampled estimate of log p(x) averaged over the first `limit` images
  /// (Burda et al. 2016), with K samples from q_φ(z | x) per image:
  /// ```
  /// log p(x) ≈ log (1/K) Σ_k p_θ(x | z_k) p(z_k) / q_φ(z_k | x)
  /// ```
  /// computed in log space with log-sum-exp. It is a lower bound in expectation that tightens
  /// as K grows, and it is never below the one-sample ELBO in expectation. The K samples of
  /// several images are decoded together in one batch of at most `rowsPerBatch` rows (the
  /// configuration's `evaluationRowsPerBatch` unless given), so the work is large matrix
  /// products. `progress` receives the number of images done (by this process). With several
  /// `processes`, the batches are shared as in
  /// ``negativeELBO(of:on:limit:batchSize:seed:processes:)``.
  public static func logLikelihood<E, D>(
    of model: VariationalAutoencoder<E, D>, on data: ImageDataset, importanceSamples: Int,
    limit: Int? = nil, rowsPerBatch: Int? = nil, seed: UInt64,
    processes: any ProcessGroup = SingleProcess(), progress: (Int) -> Void = { _ in }
  ) -> Double {
    userPrecondition(importanceSamples > 0, "logLikelihood: importanceSamples must be positive")
    var generator = Xoshiro256StarStar(seed: seed)
    let count = Swift.min(limit ?? data.count, data.count)
    let rows = rowsPerBatch ?? model.configuration.evaluationRowsPerBatch
    let imagesPerBatch = Swift.max(1, rows / importanceSamples)
    var total = 0.0
    for (index, start) in stride(from: 0, to: count, by: imagesPerBatch).enumerated() {
      let images = start..<Swift.min(count, start + imagesPerBatch)
      let noise = Tensor<Float>(
        randomNormal: [importanceSamples * images.count, model.configuration.latentDimension],
        using: &generator)
      guard index % processes.size == processes.rank else { continue }
      let bound = model.importanceWeightedBound(batch(data, images), noise: noise)
      total += bound.scalars.reduce(0) { $0 + Double($1) }
      progress(images.upperBound)
    }
    return processes.sum([total])[0] / Double(count)
  }

  /// The posterior means μ_φ(x) of the first `limit` images, `[count, latentDimension]`.
  public static func latentMeans<E, D>(
    of model: VariationalAutoencoder<E, D>, on data: ImageDataset, limit: Int? = nil,
    batchSize: Int = 1000
  ) -> (means: Tensor<Float>, logVariances: Tensor<Float>) {
    let count = Swift.min(limit ?? data.count, data.count)
    var means: [Tensor<Float>] = []
    var logVariances: [Tensor<Float>] = []
    for start in stride(from: 0, to: count, by: batchSize) {
      let posterior = model.encode(batch(data, start..<Swift.min(count, start + batchSize)))
      means.append(posterior.mean)
      logVariances.append(posterior.logVariance)
    }
    return (Tensor(concatenating: means), Tensor(concatenating: logVariances))
  }

  /// KL(q_φ(z_j | x) ‖ N(0, 1)) for each latent dimension j, averaged over the images: which
  /// dimensions carry information.
  public static func klPerDimension(means: Tensor<Float>, logVariances: Tensor<Float>) -> [Double] {
    let perDimension = DiagonalNormal(
      packed: Tensor(concatenating: [means, logVariances], alongAxis: 1)
    ).klDivergencePerDimension()
    return perDimension.mean(alongAxes: [0]).scalars.map(Double.init)
  }

  /// The active units of Burda et al. (2016): latent dimensions j with
  /// Cov_x(E_q[z_j]) > `threshold` (0.01), the variance over images of the posterior mean.
  public static func activeUnits(
    means: Tensor<Float>, threshold: Double = 0.01
  ) -> (count: Int, variances: [Double]) {
    let centered = means - means.mean(alongAxes: [0])
    let variances = centered.squared().mean(alongAxes: [0]).scalars.map(Double.init)
    return (variances.filter { $0 > threshold }.count, variances)
  }
}
