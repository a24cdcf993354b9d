import TensorCore
import TestSupport
import Testing
import _Differentiation

/// log Φ(x) against SciPy's `log_ndtr` and mpmath, pinned, in both tails, with
/// finite-difference cases that `GradientTests` runs.
@Suite struct StandardNormalLogCDFTests {
  /// SciPy's `scipy.special.log_ndtr` at x = −40, −10, −1, 0, 1, 10, 40 (SciPy 1.17), and its
  /// derivative φ(x)/Φ(x) from mpmath at 50 digits.
  @Test func standardNormalLogCDFMatchesSciPy() {
    let x = Tensor<Double>([-40, -10, -1, 0, 1, 10, 40])
    let scipy: [Double] = [
      -804.6084420137539, -53.23128515051248, -1.8410216450092634, -0.6931471805599453,
      -0.1727537790234499, -7.61985302416047e-24, -0.0,
    ]
    // At x = 10 both are ~1e-14 from the exact −7.6198530241605261e-24 (mpmath), on either
    // side: erfc(x/√2) inherits 2z² times the rounding of z = x/√2.
    assertClose(standardNormalLogCDF(x), Tensor(scipy), relativeTolerance: 3e-14)
    let ratio: [Double] = [
      40.024968847207264, 10.098093233962512, 1.5251352761609812, 0.79788456080286536,
      0.28759997093917836, 7.6945986267064193e-23, 0,
    ]
    let derivative = gradient(at: x) { standardNormalLogCDF($0).sum().scalarized() }
    assertClose(derivative, Tensor(ratio), relativeTolerance: 1e-13)
    // Float goes through Double.
    assertClose(
      standardNormalLogCDF(Tensor<Float>(x)), Tensor<Float>(Tensor(scipy)), relativeTolerance: 1e-6)
    // The tails continue smoothly across the switch to the continued fraction at −4√2.
    let edge = -4 * 2.0.squareRoot()
    let across = standardNormalLogCDF(Tensor([edge.nextDown, edge, edge.nextUp])).scalars
    assertClose(across[0], across[2], relativeTolerance: 1e-14)
    let infinite = standardNormalLogCDF(Tensor<Double>([-.infinity, .infinity, .nan])).scalars
    #expect(infinite[0] == -.infinity && infinite[1] == 0 && infinite[2].isNaN)
  }

  /// Finite differences in both tails and around the switch, at points the random table does
  /// not reach.
  @Test func standardNormalLogCDFGradientInTheTails() {
    let points = Tensor<Double>([-30, -8, -5.7, -5.6, -2.5, 0.3, 4, 9])
    checkGradients(of: { standardNormalLogCDF($0[0]) }, at: [points], tolerance: 1e-6)
  }

  static func gradientCases<Scalar: TensorScalar>(_: Scalar.Type) -> [GradientCase<Scalar>] {
    typealias Case = GradientCase<Scalar>
    return [
      Case(name: "standardNormalLogCDF", shapes: [[2, 3]]) { standardNormalLogCDF(3 * $0[0]) }
    ]
  }
}
