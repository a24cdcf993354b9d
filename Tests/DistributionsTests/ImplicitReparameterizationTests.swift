import RealModule
import TensorCore
import TestSupport
import Testing
import _Differentiation

@testable import Distributions

/// The implicit reparameterisation of gamma draws (Gamma, InverseGamma, Beta, StudentT): the
/// derivative d(log ε)/dα against high-precision references, and pathwise gradients of
/// expectations against their closed forms, each within five standard errors estimated from
/// the per-draw gradients (one parameter copy per draw, so the gradient is per draw).
@Suite struct ImplicitReparameterizationTests {
  static let count = 20_000

  /// (α, log ε, d(log ε)/dα) from mpmath 1.3.0 at 40 digits:
  /// −mpmath.diff(lambda s: gammainc(s, 0, ε, regularized=True), α) / (ε · p(ε; α)), with p the
  /// Gamma(α, 1) density.
  static let references: [(Double, Double, Double)] = [
    (0.1, -11.512925464970229, 110.89279600203115),
    (0.1, -1.2039728043259361, 13.354934640751777),
    (0.5, -1.6094379124341003, 3.9702528316542165),
    (1, 0.0, 1.1735630272247268),
    (2.5, -0.35667494393873245, 0.751903988566958),
    (2.5, 1.791759469228055, 0.2671644415367069),
    (10, 2.0794415416798357, 0.11344346471544355),
    (10, 2.70805020110221, 0.08245249822947794),
    (100, 4.499809670330265, 0.010553621664457127),
    (100, 4.8283137373023015, 0.008940610007338938),
    (1000, 6.956545443151569, 0.0009759659210117565),
    (0.05, -800.0, 15990.043100174002),
    // Far tails, where the series has the most cancellation.
    (2.5, 2.995732273553991, 0.1261843001225587),
    (0.1, 2.70805020110221, 0.8323150634647725),
    (0.1, 3.4011973816621555, 0.44882525235751675),
    (10000.0, 9.239899174217728, 9.85309829296649e-05),
    // Around the switch from the series (ε < α + 1) to the continued fraction.
    (50, 3.9318256327243257, 0.019868767000766712),
    (50, 3.9415818076696905, 0.01977168427968965),
    (3, 1.3862943611198906, 0.3041242496306113),
    (3, 1.3860443298646814, 0.3041641028415206),
    (1000, 7.090076835776092, 0.0009117595669583989),
    (0.01, 1.6094379124341003, 17.463988550760305),
    (10000.0, 9.190137664658664, 0.00010101522014029966),
  ]

  @Test func logDrawDerivativeMatchesReferences() {
    for (alpha, logDraw, expected) in Self.references {
      assertClose(
        standardGammaLogDrawDerivative(concentration: alpha, logDraw: logDraw), expected,
        relativeTolerance: 1e-11, "α = \(alpha), log ε = \(logDraw)")
    }
  }

  @Test func primitivePassesTheValueAndScalesTheGradient() {
    let alphas: Tensor<Double> = tensor([0.5, 2.5, 100])
    let logDraws: Tensor<Double> = tensor([
      -1.6094379124341003, 1.791759469228055, 4.499809670330265,
    ])
    #expect(logDraws.implicitLogGammaDraws(concentration: alphas) == logDraws)
    let (gradientDraws, gradientAlphas) = _Differentiation.gradient(at: logDraws, alphas) {
      ($0.implicitLogGammaDraws(concentration: $1) * tensor([1, 2, 3])).sum().scalarized()
    }
    assertClose(gradientDraws, tensor([1, 2, 3]))
    assertClose(
      gradientAlphas,
      tensor([3.9702528316542165, 2 * 0.2671644415367069, 3 * 0.010553621664457127]),
      relativeTolerance: 1e-9)
  }

  /// Per-draw pathwise gradients of f(z) with respect to one parameter, from a distribution
  /// whose batch holds one copy of the parameters per draw.
  func perDrawGradients<D: ReparameterizedDistribution>(
    _ distribution: D, seed: UInt64,
    of f: @escaping @differentiable(reverse) (Tensor<Double>) -> Tensor<Double>,
    _ component: (D.TangentVector) -> Tensor<Double>
  ) -> SampleMoments where D.Scalar == Double {
    var generator = Xoshiro256StarStar(seed: seed)
    let noise = distribution.sampleNoise(sampleShape: [], using: &generator)
    let gradient = _Differentiation.gradient(at: distribution) { d in
      f(d.reparameterizedSample(noise: noise)).sum().scalarized()
    }
    return SampleMoments(component(gradient))
  }

  func copies(_ value: Double) -> Tensor<Double> {
    Tensor(repeating: value, shape: [Self.count])
  }

  /// d/dα E[z] = 1/β and d/dα E[log z] = ψ₁(α) (trigamma) for z ~ Gamma(α, β).
  @Test func gammaConcentrationGradients() {
    for alpha in [0.3, 2.5, 40] {
      let gamma = Gamma(concentration: copies(alpha), rate: copies(2))
      let mean = perDrawGradients(gamma, seed: 1, of: { $0 }, \.concentration)
      expectWithinStandardErrors(
        mean.mean, 0.5, standardError: mean.standardErrorOfMean, "d/dα E[z], α = \(alpha)")
      let logMean = perDrawGradients(gamma, seed: 2, of: { log($0) }, \.concentration)
      expectWithinStandardErrors(
        logMean.mean, Double.trigamma(alpha), standardError: logMean.standardErrorOfMean,
        "d/dα E[log z], α = \(alpha)")
      let rate = perDrawGradients(gamma, seed: 3, of: { $0 }, \.rate)
      expectWithinStandardErrors(
        rate.mean, -alpha / 4, standardError: rate.standardErrorOfMean, "d/dβ E[z]")
    }
  }

  /// d/dα E[z] = −β/(α − 1)² for z ~ InverseGamma(α, β).
  @Test func inverseGammaConcentrationGradient() {
    let inverseGamma = InverseGamma(concentration: copies(4), scale: copies(1.5))
    let moments = perDrawGradients(inverseGamma, seed: 4, of: { $0 }, \.concentration)
    expectWithinStandardErrors(
      moments.mean, -1.5 / 9, standardError: moments.standardErrorOfMean, "d/dα E[z]")
  }

  /// d/dα E[z] = β/(α + β)² and d/dβ E[z] = −α/(α + β)² for z ~ Beta(α, β).
  @Test func betaConcentrationGradients() {
    for (alpha, beta) in [(2.0, 3.0), (0.4, 0.7)] {
      let distribution = Beta(alpha: copies(alpha), beta: copies(beta))
      let total = (alpha + beta) * (alpha + beta)
      let dAlpha = perDrawGradients(distribution, seed: 5, of: { $0 }, \.alpha)
      expectWithinStandardErrors(
        dAlpha.mean, beta / total, standardError: dAlpha.standardErrorOfMean, "d/dα")
      let dBeta = perDrawGradients(distribution, seed: 6, of: { $0 }, \.beta)
      expectWithinStandardErrors(
        dBeta.mean, -alpha / total, standardError: dBeta.standardErrorOfMean, "d/dβ")
    }
  }

  /// d/dν E[(z − μ)²] = d/dν σ²ν/(ν − 2) = −2σ²/(ν − 2)² for Student's t with ν = 9.
  @Test func studentTDegreesOfFreedomGradient() {
    let student = StudentT(degreesOfFreedom: copies(9), location: copies(1), scale: copies(2))
    let moments = perDrawGradients(student, seed: 7, of: { ($0 - 1).squared() }, \.degreesOfFreedom)
    expectWithinStandardErrors(
      moments.mean, -8.0 / 49, standardError: moments.standardErrorOfMean, "d/dν")
  }
}
