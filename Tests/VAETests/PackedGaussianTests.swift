import TensorCore
import TestSupport
import Testing
import VAE
import _Differentiation

/// The fused latent primitives against the composite formulas and finite differences.
@Suite struct PackedGaussianTests {
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
      PackedGaussian.sample(parameters: parameters, noise: noise), expected,
      relativeTolerance: 1e-6)
  }

  @Test func klIsTheClosedForm() {
    let (parameters, _) = Self.inputs()
    let pieces = parameters.split(sizes: [2, 2], alongAxis: 1)
    let expected = MLPVAE.klDivergenceFromPrior(mean: pieces[0], logVariance: pieces[1])
    assertClose(
      PackedGaussian.klDivergenceFromPrior(parameters: parameters), expected,
      relativeTolerance: 1e-6)
  }

  @Test func sampleGradientMatchesFiniteDifferences() {
    let (parameters, noise) = Self.inputs()
    checkGradients(
      of: { PackedGaussian.sample(parameters: $0[0], noise: noise) }, at: [parameters],
      tolerance: 1e-2)
  }

  @Test func klGradientMatchesFiniteDifferences() {
    let (parameters, _) = Self.inputs()
    checkGradients(
      of: { PackedGaussian.klDivergenceFromPrior(parameters: $0[0]) }, at: [parameters],
      tolerance: 1e-2)
  }
}
