import TensorCore
import TestSupport
import Testing
import Distributions
import _Differentiation

/// The fused latent primitives against the composite formulas and finite differences.
@Suite struct DiagonalNormalTests {
  /// [μ | log σ²] for 3 rows and d = 2, and noise for L = 2 samples.
  static func inputs() -> (parameters: Tensor<Float>, noise: Tensor<Float>) {
    var generator = Xoshiro256StarStar(seed: 21)
    return (
      Tensor(randomUniform: [3, 4], in: -1..<1, using: &generator),
      Tensor(randomNormal: [6, 2], using: &generator)
    )
  }

  @Test func sampleIsMeanPlusScaledNoise() {
    let (parameters, noise) = Self.inputs()
    let pieces = parameters.split(sizes: [2, 2], alongAxis: 1)
    let repeated = { (x: Tensor<Float>) in Tensor(concatenating: [x, x], alongAxis: 0) }
    let expected = repeated(pieces[0]) + exp(0.5 * repeated(pieces[1])) * noise
    assertClose(
      DiagonalNormal(packed: parameters).sample(noise: noise), expected,
      relativeTolerance: 1e-6)
  }

  @Test func klIsTheClosedForm() {
    let (parameters, _) = Self.inputs()
    let pieces = parameters.split(sizes: [2, 2], alongAxis: 1)
    // Σⱼ ½ (μⱼ² + σⱼ² − log σⱼ² − 1), the composite formula, and the per-dimension terms.
    let expected = (0.5 * (pieces[0].squared() + exp(pieces[1]) - pieces[1] - 1))
    let normal = DiagonalNormal(packed: parameters)
    assertClose(
      normal.klDivergenceFromStandardNormal(), expected.sum(squeezingAxes: [1]),
      relativeTolerance: 1e-6)
    assertClose(normal.klDivergencePerDimension(), expected, relativeTolerance: 1e-5)
    assertClose(normal.mean, pieces[0], relativeTolerance: 0)
    assertClose(normal.logVariance, pieces[1], relativeTolerance: 0)
  }

  @Test func sampleGradientMatchesFiniteDifferences() {
    let (parameters, noise) = Self.inputs()
    checkGradients(
      of: { DiagonalNormal(packed: $0[0]).sample(noise: noise) }, at: [parameters],
      tolerance: 1e-2)
  }

  @Test func klGradientMatchesFiniteDifferences() {
    let (parameters, _) = Self.inputs()
    checkGradients(
      of: { DiagonalNormal(packed: $0[0]).klDivergenceFromStandardNormal() }, at: [parameters],
      tolerance: 1e-2)
  }
}
