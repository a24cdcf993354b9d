import TensorCore
import _Differentiation

extension Normal {
  /// The log of the cumulative distribution function, log P(X ≤ x), elementwise (Stan's
  /// `normal_lcdf`, SciPy's `norm.logcdf`):
  /// ```
  /// log F(x) = log Φ((x − μ)/σ),   Φ(z) = ½ erfc(−z/√2),
  /// ```
  /// finite far into both tails (log F = −804.6 at 40σ below the mean, where F itself
  /// underflows), through <doc:/documentation/TensorCore/standardNormalLogCDF(_:)>'s continued fraction for the scaled
  /// erfc. For left-censored observations: an observation known only to be ≤ c contributes
  /// log F(c). Differentiable in x, μ and σ.
  @inlinable
  @differentiable(reverse)
  public func logCDF(of value: Tensor<Scalar>) -> Tensor<Scalar> {
    standardNormalLogCDF((value - mean) / standardDeviation)
  }

  /// The log of the complementary CDF (the survival function), log P(X > x), elementwise
  /// (Stan's `normal_lccdf`, SciPy's `norm.logsf`):
  /// ```
  /// log(1 − F(x)) = log Φ((μ − x)/σ),
  /// ```
  /// by the symmetry of the normal, so it is as accurate in the upper tail as ``logCDF(of:)``
  /// is in the lower one (1 − F would round to 0 beyond about 8σ). For right-censored
  /// observations. Differentiable in x, μ and σ.
  @inlinable
  @differentiable(reverse)
  public func logComplementaryCDF(of value: Tensor<Scalar>) -> Tensor<Scalar> {
    standardNormalLogCDF((mean - value) / standardDeviation)
  }
}
