import Inference
import RealModule
import TensorCore
import TestSupport
import Testing
import _Differentiation

/// log p(x = 5) = log N(5; 0, 2) for the Normal–Normal model.
let normalNormalLogEvidence = -0.5 * 25 / 2 - 0.5 * Double.log(2 * Double.pi * 2)

@Suite struct EstimatorTests {
  let objective = try! VariationalObjective(NormalNormal())
  let exact = MeanFieldGaussian(
    mean: tensor([2.5]), logStandardDeviation: tensor([-0.5 * Double.log(2)]))

  func noise(_ rows: Int, seed: UInt64 = 3) -> Tensor<Double> {
    var generator = Xoshiro256StarStar(seed: seed)
    return Tensor(randomNormal: [rows, 1], using: &generator)
  }

  func gradient(
    _ family: MeanFieldGaussian, _ estimator: GradientEstimator, _ noise: Tensor<Double>
  ) -> MeanFieldGaussian.TangentVector {
    let objective = self.objective
    return _Differentiation.gradient(at: family) { q in
      objective.negativeELBO(q, noise: noise, estimator: estimator).scalarized()
    }
  }

  /// At the exact posterior the log weights are constant: the ELBO estimate is log p(x) with
  /// no Monte-Carlo error, and the sticking-the-landing gradient is exactly zero for every draw
  /// (Roeder et al. 2017), while the closed-form-entropy gradient is not.
  @Test func exactPosteriorIsAFixedPointWithoutVariance() {
    let estimate = objective.estimateELBO(exact, noise: noise(50))
    assertClose(estimate.value, normalNormalLogEvidence, relativeTolerance: 1e-13)
    #expect(estimate.standardError < 1e-12)
    for seed in UInt64(1)...5 {
      let g = gradient(exact, .stickingTheLanding, noise(1, seed: seed))
      #expect(
        Swift.abs(g.mean.scalars[0]) < 1e-12 && Swift.abs(g.logStandardDeviation.scalars[0]) < 1e-12
      )
    }
    let closedForm = gradient(exact, .closedFormEntropy, noise(1))
    #expect(Swift.abs(closedForm.mean.scalars[0]) > 1e-3)
  }

  /// All three estimators are unbiased: with many draws their gradients match the exact
  /// gradient of the ELBO. For q = N(μ, σ²), ELBO = −½(μ² + σ²) − ½((5 − μ)² + σ²) + log σ +
  /// const, so ∂(−ELBO)/∂μ = 2μ − 5 and ∂(−ELBO)/∂ω = 2σ² − 1.
  @Test(arguments: GradientEstimator.allCases)
  func gradientIsUnbiased(_ estimator: GradientEstimator) {
    let sigma = 0.8
    let q = MeanFieldGaussian(mean: tensor([1]), logStandardDeviation: tensor([Double.log(sigma)]))
    let g = gradient(q, estimator, noise(40_000))
    assertClose(g.mean.scalars[0], 2 * 1 - 5, absoluteTolerance: 0.05, "\(estimator) μ")
    assertClose(
      g.logStandardDeviation.scalars[0], 2 * sigma * sigma - 1, absoluteTolerance: 0.05,
      "\(estimator) ω")
  }

  /// Monte-Carlo log q and sticking the landing have the same value (only their gradients
  /// differ); the IWAE bound with K = 1 is the ELBO estimate.
  @Test func identitiesBetweenEstimators() {
    let q = MeanFieldGaussian(mean: tensor([1.5]), logStandardDeviation: tensor([-0.1]))
    let draws = noise(64)
    let monteCarlo = objective.negativeELBO(q, noise: draws, estimator: .monteCarlo).scalarized()
    let landing = objective.negativeELBO(q, noise: draws, estimator: .stickingTheLanding)
      .scalarized()
    #expect(monteCarlo == landing)
    let elbo = objective.estimateELBO(q, noise: draws)
    assertClose(-monteCarlo, elbo.value, relativeTolerance: 1e-13)
    let iwae = objective.importanceWeightedBound(q, noise: draws, samples: 1)
    assertClose(iwae.value, elbo.value, relativeTolerance: 1e-13)
  }

  /// ELBO ≤ IWAE₁₀ ≤ IWAE₁₀₀ ≤ log p(x) (Burda et al. 2016), for an inexact q.
  @Test func importanceWeightedBoundsAreOrdered() {
    let q = MeanFieldGaussian(mean: tensor([2]), logStandardDeviation: tensor([0]))
    let draws = noise(20_000)
    let elbo = objective.estimateELBO(q, noise: draws).value
    let iwae10 = objective.importanceWeightedBound(q, noise: draws, samples: 10)
    let iwae100 = objective.importanceWeightedBound(q, noise: draws, samples: 100)
    #expect(elbo < iwae10.value)
    #expect(iwae10.value < iwae100.value)
    #expect(iwae100.value <= normalNormalLogEvidence + 3 * iwae100.standardError)
    // The exact ELBO of q: log p(x) − KL(q ‖ posterior).
    let kl = 0.5 * (1 / 0.5 + 0.25 / 0.5 - 1 + Double.log(0.5))
    assertClose(elbo, normalNormalLogEvidence - kl, absoluteTolerance: 0.03)
  }

  /// log p̃ adds the log Jacobian of the bijectors: for a positive parameter,
  /// log p̃(ζ) = log p(e^ζ) + ζ.
  @Test func unconstrainedDensityIncludesTheJacobian() throws {
    let model = ClosureModel(parameters: [ParameterDeclaration("s", constraint: .positive)]) { p in
      (-p["s"]).sum(squeezingAxes: [1])  // Exponential(1) up to its constant 0
    }
    let objective = try VariationalObjective(model)
    let zeta = tensor([-1, 0, 0.5], shape: [3, 1])
    let expected = zeta.scalars.map { -Double.exp($0) + $0 }
    assertClose(
      objective.logDensity(unconstrained: zeta), tensor(expected), relativeTolerance: 1e-14)
  }
}
