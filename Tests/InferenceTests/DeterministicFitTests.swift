import Distributions
import Inference
import RealModule
import TensorCore
import TestSupport
import Testing
import _Differentiation

@testable import Inference

/// The pieces of the default (deterministic) fit, and the fit on posteriors whose answers are
/// known exactly.
@Suite struct DeterministicFitTests {
  /// A two-dimensional Gaussian posterior with means and sds far apart in scale (77 ± 0.001
  /// next to −61,000 ± 10,000, correlation ρ): a log density in closed form.
  static func badlyScaledGaussian(correlation rho: Double) -> ClosureModel {
    let (m1, s1, m2, s2) = (77.0, 0.001, -61_000.0, 10_000.0)
    return ClosureModel(parameters: [ParameterDeclaration("a"), ParameterDeclaration("b")]) { p in
      let u = (p["a"] - m1) / s1
      let v = (p["b"] - m2) / s2
      let quadratic = (u.squared() - 2 * rho * u * v + v.squared()) / (1 - rho * rho)
      return -0.5 * quadratic.sum(squeezingAxes: [1])
    }
  }

  /// Full-rank: exact mean and covariance whatever the scales, from the default options; the
  /// stochastic algorithm's defaults are known to miss this by orders of magnitude.
  @Test(arguments: [0.0, 0.9, -0.999])
  func badlyScaledGaussianIsExact(correlation: Double) throws {
    let fitted = try fit(Self.badlyScaledGaussian(correlation: correlation), family: .fullRank)
    let mean = try #require(fitted.unconstrainedMean).scalars
    let covariance = try #require(fitted.unconstrainedCovariance).scalars
    assertClose(mean[0], 77, absoluteTolerance: 1e-4 * 0.001)
    assertClose(mean[1], -61_000, absoluteTolerance: 1e-4 * 10_000)
    assertClose(covariance[0].squareRoot(), 0.001, relativeTolerance: 1e-4)
    assertClose(covariance[3].squareRoot(), 10_000, relativeTolerance: 1e-4)
    assertClose(covariance[1] / (0.001 * 10_000), correlation, absoluteTolerance: 1e-4)
    #expect(fitted.converged)
    #expect(fitted.algorithm == .deterministic)
  }

  /// Mean-field on the same: the exact mean and the best mean-field sds, the conditional ones
  /// σᵢ√(1 − ρ²) (precision Hᵢᵢ).
  @Test func badlyScaledGaussianMeanField() throws {
    let rho = 0.9
    let fitted = try fit(Self.badlyScaledGaussian(correlation: rho))
    let mean = try #require(fitted.unconstrainedMean).scalars
    let covariance = try #require(fitted.unconstrainedCovariance).scalars
    let shrink = (1 - rho * rho).squareRoot()
    assertClose(mean[0], 77, absoluteTolerance: 1e-4 * 0.001)
    assertClose(mean[1], -61_000, absoluteTolerance: 1e-4 * 10_000)
    assertClose(covariance[0].squareRoot(), 0.001 * shrink, relativeTolerance: 1e-4)
    assertClose(covariance[3].squareRoot(), 10_000 * shrink, relativeTolerance: 1e-4)
  }

  /// A skewed posterior (a Gamma(3, 2) scale, fitted in log space): the optimum of the
  /// Gaussian family on the unconstrained space is not the Laplace approximation, so the fit
  /// must move away from it; with the same seed the same numbers, and the Monte-Carlo error is
  /// reported. For x ~ Gamma(a, b), y = log x has density ∝ exp(a y − b eʸ), and the ELBO of
  /// q = N(m, s²) is a m − b e^{m + s²/2} + log s + const, maximised where
  /// b e^{m + s²/2} = a and s² = 1/a: m = log(a/b) − 1/(2a) = 0.238798, s = 0.577350.
  @Test func skewedPosteriorReachesTheGaussianOptimum() throws {
    let model = ClosureModel(parameters: [ParameterDeclaration("x", constraint: .positive)]) {
      p in
      Gamma(concentration: Tensor(3.0), rate: Tensor(2.0)).logProbability(of: p["x"])
        .sum(squeezingAxes: [1])
    }
    let first = try fit(model, options: FitOptions(seed: 5))
    let second = try fit(model, options: FitOptions(seed: 5))
    #expect(first.unconstrainedMean == second.unconstrainedMean)
    #expect(first.unconstrainedCovariance == second.unconstrainedCovariance)
    let mean = try #require(first.unconstrainedMean).scalars[0]
    let sd = try #require(first.unconstrainedCovariance).scalars[0].squareRoot()
    assertClose(mean, 0.238798, absoluteTolerance: 0.02 * 0.577350)
    assertClose(sd, 0.577350, relativeTolerance: 0.02)
    let errors = try #require(first.monteCarloStandardErrors)
    #expect(errors.count == 1 && errors[0] >= 0 && errors[0] < 0.05)
    #expect((first.drawCount ?? 0) >= 32)
  }

  /// A log joint that is −∞ on part of the support (a hard bound the constraint does not
  /// know): draws there are rejected, the fit completes with a finite ELBO and says so.
  @Test func rejectedDrawsDoNotStopTheFit() throws {
    let model = ClosureModel(parameters: [ParameterDeclaration("z")]) { p in
      let z = p["z"]
      let inside = withoutDerivative(at: z).scalars.map { $0 < 3 ? 0.0 : -Double.infinity }
      return (-0.5 * (z - 2).squared()).sum(squeezingAxes: [1])
        + Tensor(inside)
    }
    let fitted = try fit(model)
    #expect(fitted.elbo.value.isFinite)
    let mean = try #require(fitted.unconstrainedMean).scalars[0]
    let sd = try #require(fitted.unconstrainedCovariance).scalars[0].squareRoot()
    print("truncated: mean \(mean), sd \(sd), warnings \(fitted.warnings)")
    // Every fixed draw lies below the bound, so q sits inside it.
    #expect(mean > 1 && mean < 3 && sd < 1)
    #expect(fitted.warnings.contains { $0.contains("rejected") })
  }

  /// log q of q's own draws from the noise equals the density formula where L is well
  /// conditioned, and stays exact where L is nearly singular (the triangular solve does not).
  @Test func logDensityOfSampleIsExact() throws {
    var generator = Xoshiro256StarStar(seed: 3)
    let noise = Tensor<Double>(randomNormal: [5, 3], using: &generator)
    let family = FullRankGaussian(
      mean: Tensor([1, -2, 0.5]),
      offDiagonal: Tensor(shape: [3, 3], scalars: [0, 0, 0, 0.4, 0, 0, -0.3, 0.8, 0]),
      logDiagonal: Tensor([0.1, -0.2, 0.3]))
    let draws = family.reparameterizedSample(noise: noise)
    assertClose(
      family.logDensityOfSample(noise: noise), family.logDensity(of: draws),
      relativeTolerance: 1e-12)
    let meanField = MeanFieldGaussian(mean: Tensor([1, 2, 3]), logStandardDeviation: Tensor([0, -1, 2]))
    assertClose(
      meanField.logDensityOfSample(noise: noise),
      meanField.logDensity(of: meanField.reparameterizedSample(noise: noise)),
      relativeTolerance: 1e-12)
    let nearlySingular = FullRankGaussian(
      mean: Tensor([0, 0, 0]),
      offDiagonal: Tensor(shape: [3, 3], scalars: [0, 0, 0, 1e8, 0, 0, 1e8, 1e8, 0]),
      logDiagonal: Tensor([0, -30, -30]))
    let exact = nearlySingular.logDensityOfSample(noise: noise).scalars
    for (row, value) in exact.enumerated() {
      var squares = 0.0
      for i in 0..<3 { squares += noise.scalars[row * 3 + i] * noise.scalars[row * 3 + i] }
      assertClose(value, -0.5 * squares + 60 - 1.5 * Double.log(2 * Double.pi), relativeTolerance: 1e-12)
    }
  }

  /// Whitened antithetic noise has sample mean 0 and sample covariance I exactly.
  @Test func whitenedNoiseHasExactMoments() {
    var generator = Xoshiro256StarStar(seed: 9)
    let noise = WhitenedNoise(pairs: 12, dimension: 4, using: &generator)
    let rows = noise.rows.scalars
    #expect(noise.count == 24)
    for i in 0..<4 {
      var sum = 0.0
      for r in 0..<24 { sum += rows[r * 4 + i] }
      assertClose(sum, 0, absoluteTolerance: 1e-12)
      for j in 0..<4 {
        var product = 0.0
        for r in 0..<24 { product += rows[r * 4 + i] * rows[r * 4 + j] }
        assertClose(product / 24, i == j ? 1 : 0, absoluteTolerance: 1e-12)
      }
    }
  }

  /// L-BFGS finds the minimum of Rosenbrock's function (1, 1) from (−1.2, 1).
  @Test func lbfgsMinimisesRosenbrock() {
    let minimizer = LBFGSMinimizer(gradientTolerance: 1e-8, maxIterations: 500)
    let outcome = minimizer.minimize(from: [-1.2, 1]) { x in
      let (a, b) = (1 - x[0], x[1] - x[0] * x[0])
      return (a * a + 100 * b * b, [-2 * a - 400 * x[0] * b, 200 * b])
    }
    #expect(outcome.converged)
    assertClose(outcome.point[0], 1, absoluteTolerance: 1e-6)
    assertClose(outcome.point[1], 1, absoluteTolerance: 1e-6)
  }

  /// The mode search finds the mode and the exact Hessian of a Gaussian log density in a few
  /// Newton steps, from far away and on any scale.
  @Test func modeSearchOnAGaussian() throws {
    let objective = try VariationalObjective(Self.badlyScaledGaussian(correlation: 0.5))
    let outcome = ModeSearch().run(objective, from: [0, 0])
    #expect(outcome.converged)
    assertClose(outcome.point[0], 77, absoluteTolerance: 1e-9)
    assertClose(outcome.point[1], -61_000, absoluteTolerance: 1e-3)
    // H = Σ⁻¹; its (0, 0) entry is 1/(σ₁²(1 − ρ²)).
    assertClose(outcome.hessian[0, 0], 1 / (1e-6 * 0.75), relativeTolerance: 1e-6)
    assertClose(outcome.hessian[1, 1], 1 / (1e8 * 0.75), relativeTolerance: 1e-6)
    assertClose(outcome.hessian[0, 1], -0.5 / (0.001 * 10_000 * 0.75), relativeTolerance: 1e-6)
    #expect(outcome.iterations <= 10)
  }
}
