import Distributions
import TensorCore
import TestSupport
import Testing

/// One row of the entropy table: the closed form, its reference value, and a Monte Carlo
/// estimate −(1/n) Σ log p(xᵢ) from the distribution's own sampler.
struct EntropyCase {
  var name: String
  var expected: Double
  var entropy: () -> Tensor<Double>
  /// Draws of −log p(x), x ~ p.
  var negativeLogDensities: (inout Xoshiro256StarStar) -> [Double]

  init<D: AnalyticEntropy>(_ name: String, _ distribution: D, expected: Double)
  where D.Scalar == Double {
    self.name = name
    self.expected = expected
    entropy = { distribution.entropy() }
    negativeLogDensities = { generator in
      let draws = distribution.sample(sampleShape: [20_000], using: &generator)
      return distribution.logProbability(of: draws).scalars.map { -$0 }
    }
  }
}

/// Reference entropies from SciPy 1.17.1, the frozen distributions' `entropy()` with the same
/// parameters, e.g. `stats.t(3.5, 1, 2).entropy()`, `stats.gamma(2.5, scale=1/1.5).entropy()`;
/// the categorical one is `stats.entropy(softmax(logits))`, the Bernoulli one
/// `stats.bernoulli(expit(0.8)).entropy()`, the multivariate normal one
/// `stats.multivariate_normal(mean, L @ L.T).entropy()`.
func entropyCases() -> [EntropyCase] {
  let scaleTril: Tensor<Double> = tensor([1.2, 0, 0, 0.3, 0.8, 0, -0.5, 0.4, 1.5], shape: [3, 3])
  return [
    EntropyCase(
      "Normal", Normal(mean: scalar(0.5), standardDeviation: scalar(1.7)),
      expected: 1.949566784266843),
    EntropyCase("HalfNormal", HalfNormal(scale: scalar(1.3)), expected: 0.9881556171122184),
    EntropyCase(
      "Cauchy", Cauchy(location: scalar(-0.5), scale: scalar(2)), expected: 3.224171427529236),
    EntropyCase("HalfCauchy", HalfCauchy(scale: scalar(0.8)), expected: 1.6147335150951356),
    EntropyCase(
      "StudentT", StudentT(degreesOfFreedom: scalar(3.5), location: scalar(1), scale: scalar(2)),
      expected: 2.4140373012424123),
    EntropyCase(
      "LogNormal", LogNormal(location: scalar(0.3), scale: scalar(0.8)),
      expected: 1.495794981890463),
    EntropyCase("Exponential", Exponential(rate: scalar(2.5)), expected: 0.083709268125845),
    EntropyCase(
      "Gamma", Gamma(concentration: scalar(2.5), rate: scalar(1.5)),
      expected: 1.3244828013968901),
    EntropyCase(
      "Gamma concentration below 1", Gamma(concentration: scalar(0.4), rate: scalar(3)),
      expected: -1.4387651977173959),
    EntropyCase(
      "InverseGamma", InverseGamma(concentration: scalar(3), scale: scalar(2)),
      expected: 0.695157020726022),
    EntropyCase(
      "Beta", Beta(alpha: scalar(2.5), beta: scalar(0.7)), expected: -0.561990067683648),
    EntropyCase(
      "Uniform", Uniform(low: scalar(-1), high: scalar(2.5)), expected: 1.252762968495368),
    EntropyCase("Bernoulli", Bernoulli(logits: scalar(0.8)), expected: 0.6191210810456877),
    EntropyCase(
      "Categorical", Categorical(logits: tensor([0.2, -1.0, 2.3, 0.0])),
      expected: 0.7146521705620112),
    EntropyCase(
      "MultivariateNormal", MultivariateNormal(mean: tensor([0.5, -1, 2]), scaleTril: scaleTril),
      expected: 4.621458713201928),
  ]
}

@Suite struct EntropyTests {
  static let names = entropyCases().map(\.name)

  /// The closed form against SciPy, to a relative error of 1e-10.
  @Test(arguments: names)
  func closedForm(_ name: String) throws {
    let testCase = try #require(entropyCases().first { $0.name == name })
    assertClose(testCase.entropy().scalarized(), testCase.expected, relativeTolerance: 1e-10, name)
  }

  /// −(1/n) Σ log p(xᵢ) over n = 20,000 draws is within five standard errors of the closed form:
  /// ties the entropy, the log density and the sampler together.
  @Test(arguments: names)
  func monteCarlo(_ name: String) throws {
    let testCase = try #require(entropyCases().first { $0.name == name })
    var generator = Xoshiro256StarStar(seed: 2024)
    let moments = SampleMoments(testCase.negativeLogDensities(&generator))
    expectWithinStandardErrors(
      moments.mean, testCase.expected,
      standardError: Swift.max(moments.standardErrorOfMean, 1e-12), name)
  }
}
