import Foundation
import Inference
import TensorCore
import TestSupport
import Testing
import _Differentiation

/// posteriordb's `gp_pois_regr-gp_regr` as a `ProbabilisticModel`. The model's file is
/// `Benchmarks/PosteriorDB/Models/GaussianProcessRegression.swift`, compiled into this target
/// through the symbolic link `GaussianProcessRegression.swift` next to this file, until the
/// PosteriorDB benchmark has a target of its own.
@Suite struct GaussianProcessRegressionTests {
  /// posteriordb's data (`data.json`), N = 11.
  static let model = GaussianProcessRegression(
    x: [-10, -8, -6, -4, -2, 0, 2, 4, 6, 8, 10],
    y: [
      4.75906, 1.59423, 2.99548, 5.27501, 1.66472, 2.24347, 2.8914, 4.08681, 4.60588, 0.802364,
      3.92136,
    ])

  /// Three draws of (ρ, α, σ) as the log joint receives them, `[3, 1]` each: near the
  /// posterior mean, elsewhere, and far out (σ = 0.05, a nearly singular covariance).
  static func values(
    rho: [Double] = [6.87, 3.1, 12], alpha: [Double] = [2.44, 0.9, 5.5],
    sigma: [Double] = [1.83, 0.45, 0.05]
  ) throws -> ParameterValues {
    let layout = try ParameterLayout(model.parameters)
    return ParameterValues(
      tensors: [rho, alpha, sigma].map { Tensor(shape: [$0.count, 1], scalars: $0) },
      layout: layout)
  }

  /// log p(y, ρ, α, σ) from NumPy and SciPy 1.17, with every normalising constant:
  /// `gamma(a=25, scale=1/4).logpdf(rho) + norm(0, 2).logpdf(alpha) + norm(0, 1).logpdf(sigma)
  /// + multivariate_normal(zeros(11), K).logpdf(y)`, K = α² exp(−(xᵢ − xⱼ)²/(2ρ²)) + σI.
  @Test func logJointMatchesSciPy() throws {
    let logJoint = Self.model.logJoint(try Self.values())
    assertClose(
      logJoint, Tensor([-31.042210616218917, -57.781557448685746, -228.88517407654876]),
      relativeTolerance: 1e-12)
    // Up to the constants Stan drops, what matters is the difference between two points.
    assertClose(
      logJoint.scalars[0] - logJoint.scalars[1], 26.73934683246683, relativeTolerance: 1e-12)
  }

  @Test func gradientMatchesFiniteDifferences() throws {
    let layout = try ParameterLayout(Self.model.parameters)
    let values = try Self.values()
    checkGradients(
      of: { Self.model.logJoint(ParameterValues(tensors: $0, layout: layout)) },
      at: values.tensors, tolerance: 1e-6)
  }

  /// A draw whose covariance has no Cholesky factor (σ < 0 here, which the positive
  /// constraint never produces, but rounding can do the same) gets NaN; the others keep their
  /// values.
  @Test func aDrawWithoutFactorIsNaN() throws {
    let logJoint = Self.model.logJoint(try Self.values(sigma: [1.83, -5, 0.05]))
    assertClose(logJoint.scalars[0], -31.042210616218917, relativeTolerance: 1e-12)
    #expect(logJoint.scalars[1].isNaN)
    assertClose(logJoint.scalars[2], -228.88517407654876, relativeTolerance: 1e-12)
  }

  /// Mean-field ADVI lands within a quarter of a posterior sd of posteriordb's reference means
  /// (NUTS: ρ 6.87 ± 1.27, α 2.44 ± 0.78, σ 1.83 ± 0.50), with sds within 30% (seed 1: means
  /// 6.881, 2.441, 1.831, sds 1.24, 0.84, 0.52).
  @Test func fitNearTheReferencePosterior() throws {
    let fitted = try fit(Self.model, family: .meanField, options: FitOptions(seed: 1))
    let draws = fitted.draws(count: 2000)
    print(fitted.report(draws: draws))
    let reference = [("rho", 6.874, 1.266), ("alpha", 2.442, 0.782), ("sigma", 1.829, 0.505)]
    for (name, mean, sd) in reference {
      let summary = try #require(draws.summary(of: name))
      #expect(
        Swift.abs(summary.mean - mean) < 0.25 * sd, "\(name): \(summary.mean) vs \(mean) ± \(sd)")
      #expect(
        Swift.abs(summary.standardDeviation / sd - 1) < 0.3,
        "\(name): sd \(summary.standardDeviation) vs \(sd)")
    }
  }
}
