import Distributions
import Inference
import TensorCore
import Testing
import _Differentiation

/// The README's Swift example, verbatim apart from the imports, so that it keeps compiling.
@Suite struct ReadmeExampleTests {
  /// y ~ Normal(μ, σ), μ ~ Normal(0, 10), σ ~ HalfNormal(5).
  struct NormalModel: ProbabilisticModel {
    let y: Tensor<Double>
    var parameters: [ParameterDeclaration] {
      [ParameterDeclaration("mu"), ParameterDeclaration("sigma", constraint: .positive)]
    }
    @differentiable(reverse)
    func logJoint(_ p: ParameterValues) -> Tensor<Double> {  // each parameter is [L, 1]
      let (mu, sigma) = (p["mu"], p["sigma"])
      let prior =
        Normal(mean: Tensor(0.0), standardDeviation: Tensor(10.0)).logProbability(of: mu)
        + HalfNormal(scale: Tensor(5.0)).logProbability(of: sigma)
      let likelihood = Normal(mean: mu, standardDeviation: sigma).logProbability(of: y)
      return (prior + likelihood.sum(alongAxes: [1])).squeezingShape(at: [1])  // [L]
    }
  }

  /// The posterior of μ is centred near the sample mean 5.1 and σ near the sample sd 0.6
  /// (with 4 points both are wide: the checks only rule out a broken example).
  @Test func readmeExampleRuns() throws {
    let fitted = try fit(NormalModel(y: Tensor([4.9, 5.3, 4.4, 5.8])), family: .fullRank)
    let draws = fitted.draws(count: 1000)
    #expect(fitted.report(draws: draws).contains("mu"))
    let mu = try #require(draws.summary(of: "mu"))
    let sigma = try #require(draws.summary(of: "sigma"))
    #expect(Swift.abs(mu.mean - 5.1) < 0.3, "\(mu.mean)")
    #expect(sigma.q50 > 0.3 && sigma.q50 < 1.5, "\(sigma.q50)")
  }
}
