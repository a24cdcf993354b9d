import Distributions
import RealModule
import TensorCore
import TestSupport
import Testing
import _Differentiation

/// Pathwise gradients through `reparameterizedSample(noise:)`: exact identities, and Monte Carlo
/// estimates ∇_θ E[f(z)] ≈ (1/n) Σ ∇_θ f(g(εᵢ; θ)) within five standard errors of the closed
/// form, the standard error taken from the per-draw gradients.
@Suite struct ReparameterizationTests {
  static let count = 20_000

  /// d/dμ of the sample mean of z = μ + σε is exactly 1, and d/dσ is the mean of ε.
  @Test func normalMeanGradientIsOne() {
    var generator = Xoshiro256StarStar(seed: 1)
    let normal = Normal<Double>(mean: tensor([0.5, -2]), standardDeviation: tensor([1.5, 0.3]))
    let noise = normal.sampleNoise(sampleShape: [Self.count], using: &generator)
    let gradient = _Differentiation.gradient(at: normal) { q in
      q.reparameterizedSample(noise: noise).mean(alongAxes: [0]).sum().scalarized()
    }
    assertClose(gradient.mean, tensor([1, 1]), relativeTolerance: 1e-12)
    assertClose(
      gradient.standardDeviation, noise.mean(alongAxes: [0]).reshaped(to: [2]),
      relativeTolerance: 1e-12)
  }

  /// d/dσ E[z²] = 2σ for z ~ N(μ, σ²), estimated by the mean of 2zε.
  @Test func normalSecondMomentGradient() {
    var generator = Xoshiro256StarStar(seed: 2)
    let normal = Normal<Double>(mean: scalar(0.7), standardDeviation: scalar(1.3))
    let noise = normal.sampleNoise(sampleShape: [Self.count], using: &generator)
    let gradient = _Differentiation.gradient(at: normal) { q in
      q.reparameterizedSample(noise: noise).squared().mean().scalarized()
    }
    let z = normal.reparameterizedSample(noise: noise)
    let perDraw = SampleMoments(2 * z * noise)
    assertClose(gradient.standardDeviation.scalarized(), perDraw.mean, relativeTolerance: 1e-12)
    expectWithinStandardErrors(
      perDraw.mean, 2 * 1.3, standardError: perDraw.standardErrorOfMean, "d/dσ E[z²]")
  }

  /// d/dλ E[z] = −1/λ² for z ~ Exponential(λ).
  @Test func exponentialRateGradient() {
    var generator = Xoshiro256StarStar(seed: 3)
    let exponential = Exponential<Double>(rate: scalar(2.5))
    let noise = exponential.sampleNoise(sampleShape: [Self.count], using: &generator)
    let gradient = _Differentiation.gradient(at: exponential) { q in
      q.reparameterizedSample(noise: noise).mean().scalarized()
    }
    let perDraw = SampleMoments(-noise / 6.25)
    assertClose(gradient.rate.scalarized(), perDraw.mean, relativeTolerance: 1e-12)
    expectWithinStandardErrors(
      perDraw.mean, -1 / 6.25, standardError: perDraw.standardErrorOfMean, "d/dλ E[z]")
  }

  /// For z = exp(μ + σε): d/dμ E[z] = E[z] = e^{μ+σ²/2} and d/dσ E[z] = σ e^{μ+σ²/2}.
  @Test func logNormalGradients() {
    var generator = Xoshiro256StarStar(seed: 4)
    let logNormal = LogNormal<Double>(location: scalar(0.2), scale: scalar(0.5))
    let noise = logNormal.sampleNoise(sampleShape: [Self.count], using: &generator)
    let gradient = _Differentiation.gradient(at: logNormal) { q in
      q.reparameterizedSample(noise: noise).mean().scalarized()
    }
    let z = logNormal.reparameterizedSample(noise: noise)
    let expected = Double.exp(0.2 + 0.125)
    let locationDraws = SampleMoments(z)
    let scaleDraws = SampleMoments(z * noise)
    assertClose(gradient.location.scalarized(), locationDraws.mean, relativeTolerance: 1e-12)
    assertClose(gradient.scale.scalarized(), scaleDraws.mean, relativeTolerance: 1e-12)
    expectWithinStandardErrors(
      locationDraws.mean, expected, standardError: locationDraws.standardErrorOfMean, "d/dμ")
    expectWithinStandardErrors(
      scaleDraws.mean, 0.5 * expected, standardError: scaleDraws.standardErrorOfMean, "d/dσ")
  }

  /// d/dσ E[z] = √(2/π) for the half-normal, and d/dhigh E[z] = ½ for the uniform.
  @Test func scaleGradientsOfHalfNormalAndUniform() {
    var generator = Xoshiro256StarStar(seed: 5)
    let halfNormal = HalfNormal<Double>(scale: scalar(0.8))
    let halfNormalNoise = halfNormal.sampleNoise(sampleShape: [Self.count], using: &generator)
    let halfNormalGradient = _Differentiation.gradient(at: halfNormal) { q in
      q.reparameterizedSample(noise: halfNormalNoise).mean().scalarized()
    }
    let halfNormalDraws = SampleMoments(halfNormalNoise)
    expectWithinStandardErrors(
      halfNormalGradient.scale.scalarized(), (2 / Double.pi).squareRoot(),
      standardError: halfNormalDraws.standardErrorOfMean, "half-normal d/dσ")

    let uniform = Uniform<Double>(low: scalar(-1), high: scalar(3))
    let uniformNoise = uniform.sampleNoise(sampleShape: [Self.count], using: &generator)
    let uniformGradient = _Differentiation.gradient(at: uniform) { q in
      q.reparameterizedSample(noise: uniformNoise).mean().scalarized()
    }
    let uniformDraws = SampleMoments(uniformNoise)
    expectWithinStandardErrors(
      uniformGradient.high.scalarized(), 0.5, standardError: uniformDraws.standardErrorOfMean,
      "uniform d/dhigh")
    assertClose(
      uniformGradient.low.scalarized() + uniformGradient.high.scalarized(), 1,
      relativeTolerance: 1e-12)
  }

  /// For z = μ + Lε: d/dμ E[z] = 1 per coordinate, and d/dL E[‖z‖²] = 2L (lower triangle),
  /// since E[‖z‖²] = ‖μ‖² + ‖L‖²_F.
  @Test func multivariateNormalGradients() {
    var generator = Xoshiro256StarStar(seed: 6)
    let scaleTril: Tensor<Double> = tensor(
      [1.2, 0, 0, 0.3, 0.8, 0, -0.5, 0.4, 1.5], shape: [3, 3])
    let mvn = MultivariateNormal(mean: tensor([0.5, -1, 2]), scaleTril: scaleTril)
    let noise = mvn.sampleNoise(sampleShape: [Self.count], using: &generator)
    let meanGradient = _Differentiation.gradient(at: mvn) { q in
      q.reparameterizedSample(noise: noise).mean(alongAxes: [0]).sum().scalarized()
    }
    assertClose(meanGradient.mean, tensor([1, 1, 1]), relativeTolerance: 1e-12)
    let gradient = _Differentiation.gradient(at: mvn) { q in
      q.reparameterizedSample(noise: noise).squared().sum(alongAxes: [1]).mean().scalarized()
    }
    // Per draw, d‖z‖²/dLᵢⱼ = 2 zᵢ εⱼ (i ≥ j).
    let z = mvn.reparameterizedSample(noise: noise).transposed().split(
      sizes: [1, 1, 1], alongAxis: 0)
    let e = noise.transposed().split(sizes: [1, 1, 1], alongAxis: 0)
    for i in 0..<3 {
      for j in 0...i {
        let perDraw = SampleMoments(2 * z[i] * e[j])
        assertClose(gradient.scaleTril[i, j], perDraw.mean, relativeTolerance: 1e-10)
        expectWithinStandardErrors(
          perDraw.mean, 2 * scaleTril[i, j], standardError: perDraw.standardErrorOfMean,
          "L[\(i), \(j)]")
      }
    }
  }

  /// Generic code over `ReparameterizedDistribution`: the pathwise gradient of −log q(z) with
  /// z = g(ε; θ) is exactly d/dσ = 1/σ, d/dμ = 0 for a normal q, whatever ε (the entropy's
  /// gradient, without Monte Carlo noise).
  @Test func genericPathwiseEntropyGradient() {
    func entropyGradient<Q: ReparameterizedDistribution>(
      _ q: Q, using generator: inout Xoshiro256StarStar
    ) -> Q.TangentVector where Q.Scalar == Double {
      let noise = q.sampleNoise(sampleShape: [64], using: &generator)
      return _Differentiation.gradient(at: q) { q in
        -q.logProbability(of: q.reparameterizedSample(noise: noise)).mean().scalarized()
      }
    }
    var generator = Xoshiro256StarStar(seed: 7)
    let normal = Normal<Double>(mean: scalar(0.3), standardDeviation: scalar(2.5))
    let gradient = entropyGradient(normal, using: &generator)
    assertClose(gradient.standardDeviation.scalarized(), 1 / 2.5, relativeTolerance: 1e-12)
    assertClose(gradient.mean.scalarized(), 0, absoluteTolerance: 1e-12)
  }
}
