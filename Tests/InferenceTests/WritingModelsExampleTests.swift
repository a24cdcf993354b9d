import Distributions
import Inference
import TensorCore
import TestSupport
import Testing
import _Differentiation

/// The README's "Writing models" examples, verbatim apart from the imports and the data the
/// README leaves out, so that they keep compiling; their log joints against SciPy 1.17
/// (pinned), and fits.
@Suite struct WritingModelsExampleTests {
  /// y ~ Normal(Xβ, σ), β₀ ~ Normal(0, 10), β₁…β_D ~ Normal(0, 1), σ ~ HalfCauchy(2.5).
  struct Regression: ProbabilisticModel {
    let design: Tensor<Double>  // [N, D + 1]
    let y: Tensor<Double>  // [N]
    var parameters: [ParameterDeclaration] {
      [
        ParameterDeclaration("beta", shape: [design.shape[1]]),
        ParameterDeclaration("sigma", constraint: .positive),
      ]
    }
    @differentiable(reverse)
    func logJoint(_ p: ParameterValues) -> Tensor<Double> {
      let (beta, sigma) = (p["beta"], p["sigma"])  // [L, D + 1], [L, 1]
      let slopes = beta.columns(1..<design.shape[1])
      let prior =
        Normal(mean: 0, standardDeviation: 10).logProbability(of: beta.column(0))
        + Normal(mean: 0, standardDeviation: 1).logProbability(of: slopes).sum(alongAxes: [1])
        + HalfCauchy(scale: 2.5).logProbability(of: sigma)  // [L, 1]
      let mean = matmul(beta, design, transposed: true)  // [L, N]
      let likelihood = Normal(mean: mean, standardDeviation: sigma).logProbability(of: y)
      return (prior + likelihood.sum(alongAxes: [1])).squeezingShape(at: [1])  // [L]
    }
  }

  /// y ~ Normal(μ, σ), `aboveLimit` more measurements > limit; μ ~ Normal(0, 10), σ ~ Gamma(2, 1).
  struct CensoredMeasurements: ProbabilisticModel {
    let y: Tensor<Double>
    let limit: Double
    let aboveLimit: Double
    var parameters: [ParameterDeclaration] {
      [ParameterDeclaration("mu"), ParameterDeclaration("sigma", constraint: .positive)]
    }
    @differentiable(reverse)
    func logJoint(_ p: ParameterValues) -> Tensor<Double> {
      let (mu, sigma) = (p["mu"], p["sigma"])  // [L, 1] each
      let measurement = Normal(mean: mu, standardDeviation: sigma)
      let prior =
        Normal(mean: 0, standardDeviation: 10).logProbability(of: mu)
        + Gamma(concentration: 2, rate: 1).logProbability(of: sigma)
      let likelihood =
        measurement.logProbability(of: y).sum(alongAxes: [1])
        + aboveLimit * measurement.logComplementaryCDF(of: Tensor(limit))
      return (prior + likelihood).squeezingShape(at: [1])
    }
  }

  /// The README's Gaussian process, on inputs `x` and observations `y`.
  static func gaussianProcessModel(x: Tensor<Double>, y: Tensor<Double>) -> ClosureModel {
    // x, y: the inputs and observations, Tensor<Double> of shape [N]
    let gaussianProcess = ClosureModel(
      parameters: ["rho", "alpha", "sigma"].map { ParameterDeclaration($0, constraint: .positive) }
    ) { p in
      let (rho, alpha, sigma) = (p["rho"], p["alpha"], p["sigma"])  // [L, 1] each
      let k = squaredExponentialCovariance(x, magnitude: alpha, lengthScale: rho)
        .addingToDiagonal(sigma)  // [L, N, N]
      let prior =
        Gamma(concentration: 25, rate: 4).logProbability(of: rho)
        + Normal(mean: 0, standardDeviation: 2).logProbability(of: alpha)
        + Normal(mean: 0, standardDeviation: 1).logProbability(of: sigma)
      return prior.squeezingShape(at: [1])
        + multivariateNormalLogDensity(of: y, mean: 0, scaleTril: batchedCholesky(k))
    }
    return gaussianProcess
  }

  /// `ParameterValues` for a model's parameters from `[L, size]` tensors.
  static func values(
    _ tensors: [Tensor<Double>], of model: some ProbabilisticModel
  ) throws -> ParameterValues {
    ParameterValues(tensors: tensors, layout: try ParameterLayout(model.parameters))
  }

  /// Σ of SciPy's `norm(0, 10).logpdf(β₀)`, `norm(0, 1).logpdf(β₁, β₂)`,
  /// `halfcauchy(scale=2.5).logpdf(σ)` and `norm(Xβ, σ).logpdf(y)`, for two draws.
  @Test func regressionLogJointMatchesSciPy() throws {
    let model = Regression(
      design: Tensor(shape: [3, 3], scalars: [1, 0.5, -1.2, 1, -0.3, 0.8, 1, 1.1, 0.1]),
      y: Tensor([1.2, -0.4, 2.3]))
    let p = try Self.values(
      [
        Tensor(shape: [2, 3], scalars: [0.5, 1.0, -0.5, 1.5, -0.2, 0.3]),
        Tensor(shape: [2, 1], scalars: [0.7, 1.3]),
      ], of: model)
    assertClose(
      model.logJoint(p), Tensor([-9.593854583235196, -12.016261375719017]),
      relativeTolerance: 1e-13)
  }

  /// Data from β = (1, 2, −1), σ = 0.5 with 60 rows: the fitted means are near β and σ.
  @Test func regressionFits() throws {
    var generator = Xoshiro256StarStar(seed: 4)
    let features = Tensor<Double>(randomNormal: [60, 2], using: &generator)
    let design = Tensor(concatenating: [Tensor(ones: [60, 1]), features], alongAxis: 1)
    let noise = Tensor<Double>(randomNormal: [60], using: &generator)
    let y =
      matmul(Tensor(shape: [1, 3], scalars: [1, 2, -1]), design, transposed: true)
      .reshaped(to: [60]) + 0.5 * noise
    let fitted = try fit(Regression(design: design, y: y), family: .fullRank)
    let draws = fitted.draws(count: 1000)
    for (name, truth) in [("beta.1", 1.0), ("beta.2", 2), ("beta.3", -1), ("sigma", 0.5)] {
      let summary = try #require(draws.summary(of: name))
      #expect(Swift.abs(summary.mean - truth) < 0.2, "\(name): \(summary.mean) vs \(truth)")
    }
  }

  /// SciPy: `norm(0, 10).logpdf(μ) + gamma(2).logpdf(σ) + norm(μ, σ).logpdf(y).sum()
  /// + 3 * norm(μ, σ).logsf(6.5)`; the second draw puts μ above the limit.
  @Test func censoredLogJointMatchesSciPy() throws {
    let model = CensoredMeasurements(y: Tensor([4.1, 5.3, 3.8, 6.0]), limit: 6.5, aboveLimit: 3)
    let p = try Self.values(
      [Tensor(shape: [2, 1], scalars: [4.5, 7.0]), Tensor(shape: [2, 1], scalars: [1.2, 0.6])],
      of: model)
    assertClose(
      model.logJoint(p), Tensor([-19.097453581524867, -38.19353125684711]),
      relativeTolerance: 1e-13)
    let fitted = try fit(model, options: FitOptions(seed: 2))
    let mu = try #require(fitted.draws(count: 1000).summary(of: "mu"))
    // Three of seven measurements lie above 6.5: μ is pulled above the observed mean 4.8.
    #expect(mu.mean > 5 && mu.mean < 8, "\(mu.mean)")
  }

  /// The closure model is the posteriordb model `GaussianProcessRegression`, draw by draw.
  @Test func gaussianProcessIsThePosteriorDBModel() throws {
    let (x, y) = (
      Tensor<Double>([-10, -8, -6, -4, -2, 0, 2, 4, 6, 8, 10]),
      Tensor<Double>([
        4.75906, 1.59423, 2.99548, 5.27501, 1.66472, 2.24347, 2.8914, 4.08681, 4.60588, 0.802364,
        3.92136,
      ])
    )
    let model = Self.gaussianProcessModel(x: x, y: y)
    let reference = GaussianProcessRegression(x: x.scalars, y: y.scalars)
    let tensors = [[6.87, 3.1], [2.44, 0.9], [1.83, 0.45]].map {
      Tensor<Double>(shape: [2, 1], scalars: $0)
    }
    assertClose(
      model.logJoint(try Self.values(tensors, of: model)),
      reference.logJoint(try Self.values(tensors, of: reference)), relativeTolerance: 1e-15)
  }
}
