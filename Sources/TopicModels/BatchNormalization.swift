import TensorCore
import _Differentiation

/// Batch normalisation without an affine transform (PyTorch's `BatchNorm1d(affine=False)`),
/// as ProdLDA uses it: each column of a `[batch, features]` matrix is centred and scaled by
/// its own mean and (biased) variance over the batch,
/// ```
/// y_bj = (x_bj − m_j) / √(v_j + ε),   m_j = mean_b x_bj,   v_j = mean_b (x_bj − m_j)²,
/// ```
/// differentiable through the statistics (the gradient of a column sums to zero). For
/// evaluation, ``BatchNormalizationStatistics`` holds fixed statistics instead.
@differentiable(reverse)
public func batchNormalized(_ x: Tensor<Float>, epsilon: Float = 1e-5) -> Tensor<Float> {
  userPrecondition(
    x.rank == 2 && x.shape[0] >= 1,
    "batchNormalized: input \(x.shape) must be [batch, features] with a batch of at least 1")
  let centred = x - x.mean(alongAxes: [0])
  let variance = (centred * centred).mean(alongAxes: [0])
  return centred / sqrt(variance + epsilon)
}

/// Fixed per-feature means and variances for batch normalisation at evaluation time.
public struct BatchNormalizationStatistics: Sendable, Equatable {
  /// The mean of each feature, `[features]`.
  public var mean: Tensor<Float>
  /// The (biased) variance of each feature, `[features]`.
  public var variance: Tensor<Float>

  /// Statistics with the given per-feature `mean` and (biased) `variance`, both `[features]`
  /// (as read from a model file).
  public init(mean: Tensor<Float>, variance: Tensor<Float>) {
    self.mean = mean
    self.variance = variance
  }

  /// Statistics of `features` features that leave an input unchanged up to ε: mean 0,
  /// variance 1.
  public init(features: Int) {
    mean = Tensor(zeros: [features])
    variance = Tensor(ones: [features])
  }

  /// The per-column mean and biased variance of a `[batch, features]` matrix.
  public init(of x: Tensor<Float>) {
    let mean = x.mean(alongAxes: [0])
    let centred = x - mean
    self.mean = mean.reshaped(to: [x.shape[1]])
    variance = (centred * centred).mean(alongAxes: [0]).reshaped(to: [x.shape[1]])
  }

  /// (x − m) / √(v + ε) with these statistics, column by column.
  @differentiable(reverse, wrt: x)
  public func normalize(_ x: Tensor<Float>, epsilon: Float = 1e-5) -> Tensor<Float> {
    (x - mean) / sqrt(variance + epsilon)
  }
}
