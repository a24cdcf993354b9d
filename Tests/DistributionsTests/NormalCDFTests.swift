import Distributions
import TensorCore
import TestSupport
import Testing
import _Differentiation

/// Normal log CDFs and complementary CDFs against SciPy 1.17 (pinned), far into both tails,
/// with finite-difference gradients in the value, the mean and the standard deviation.
@Suite struct NormalCDFTests {
  /// `scipy.stats.norm(1.5, 0.4).logcdf(x)` and `.logsf(x)`, 11σ below to 19σ above the mean.
  @Test func normalLogCDFsMatchSciPy() {
    let normal = Normal<Double>(mean: 1.5, standardDeviation: 0.4)
    let x = Tensor<Double>([-3, 0.2, 1.7, 9])
    assertClose(
      normal.logCDF(of: x),
      Tensor([-66.62830758547554, -7.457624891374114, -0.3689464152886565, -9.679551479134201e-79]),
      relativeTolerance: 1e-13)
    assertClose(
      normal.logComplementaryCDF(of: x),
      Tensor([
        -1.1579603185686336e-29, -0.000577191585409949, -1.1759117615936183, -179.6342067811148,
      ]), relativeTolerance: 1e-13)
  }

  @Test func gradientsMatchFiniteDifferences() {
    checkGradients(
      of: { Normal(mean: $0[1], standardDeviation: $0[2]).logCDF(of: $0[0]) },
      at: [Tensor([-3, 0.2, 1.7, 4]), Tensor(1.5), Tensor(0.4)], tolerance: 1e-6, "logCDF")
    checkGradients(
      of: { Normal(mean: $0[1], standardDeviation: $0[2]).logComplementaryCDF(of: $0[0]) },
      at: [Tensor([-1, 0.2, 1.7, 6]), Tensor([1.5, 1, 0, 2]), Tensor(0.4)], tolerance: 1e-6,
      "logComplementaryCDF")
  }
}
