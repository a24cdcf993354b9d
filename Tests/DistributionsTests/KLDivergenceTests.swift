import Distributions
import TensorCore
import TestSupport
import Testing

/// One row of the KL table: the analytic divergence of a pair, its reference value, and a Monte
/// Carlo estimate (1/n) Σ [log p(xᵢ) − log q(xᵢ)], xᵢ ~ p.
struct KLDivergenceCase {
  var name: String
  var expected: Double
  var divergence: () -> Tensor<Double>
  /// Draws of log p(x) − log q(x), x ~ p.
  var logRatios: (inout Xoshiro256StarStar) -> [Double]

  init<P: Distribution, Q: Distribution>(
    _ name: String, _ p: P, _ q: Q, expected: Double,
    _ divergence: @escaping (P, Q) -> Tensor<Double>
  ) where P.Scalar == Double, Q.Scalar == Double {
    self.name = name
    self.expected = expected
    self.divergence = { divergence(p, q) }
    logRatios = { generator in
      let draws = p.sample(sampleShape: [20_000], using: &generator)
      return (p.logProbability(of: draws) - q.logProbability(of: draws)).scalars
    }
  }
}

/// References: numerical integrals `scipy.integrate.quad` of p.pdf(x)·(p.logpdf(x) −
/// q.logpdf(x)) over the support of p (epsabs 1e-14, epsrel 1e-13) with SciPy 1.17.1 frozen
/// distributions of the same parameters, or sums of the same over the support for discrete
/// families; they agree with the closed forms to 5e-13. For the multivariate normal, the closed
/// form evaluated with NumPy's `inv` and `slogdet` of the covariances L·Lᵀ.
func klDivergenceCases() -> [KLDivergenceCase] {
  let scaleTril: Tensor<Double> = tensor([1.2, 0, 0, 0.3, 0.8, 0, -0.5, 0.4, 1.5], shape: [3, 3])
  let otherScaleTril: Tensor<Double> = tensor(
    [0.9, 0, 0, -0.4, 1.3, 0, 0.2, 0.6, 0.7], shape: [3, 3])
  let mvn = MultivariateNormal(mean: tensor([0.5, -1, 2]), scaleTril: scaleTril)
  let standardMVN = MultivariateNormal<Double>(
    mean: Tensor(zeros: [3]), scaleTril: Tensor(diagonal: Tensor(ones: [3])))
  return [
    KLDivergenceCase(
      "Normal", Normal(mean: scalar(0.5), standardDeviation: scalar(1.7)),
      Normal(mean: scalar(-0.3), standardDeviation: scalar(0.9)), expected: 1.0430235789590157,
      klDivergence),
    KLDivergenceCase(
      "Normal to standard normal", Normal(mean: scalar(0.5), standardDeviation: scalar(1.7)),
      Normal<Double>(mean: scalar(0), standardDeviation: scalar(1)), expected: 0.5393717489378296
    ) { p, _ in klDivergenceToStandardNormal(from: p) },
    KLDivergenceCase(
      "MultivariateNormal", mvn,
      MultivariateNormal(mean: tensor([-0.5, 0.3, 1.0]), scaleTril: otherScaleTril),
      expected: 5.1057805536855785, klDivergence),
    KLDivergenceCase(
      "MultivariateNormal to standard normal", mvn, standardMVN, expected: 3.1753568864120907
    ) { p, _ in klDivergenceToStandardNormal(from: p) },
    KLDivergenceCase(
      "LogNormal", LogNormal(location: scalar(0.3), scale: scalar(0.8)),
      LogNormal(location: scalar(-0.2), scale: scalar(1.1)), expected: 0.18622232615985704,
      klDivergence),
    KLDivergenceCase(
      "HalfNormal", HalfNormal(scale: scalar(1.3)), HalfNormal(scale: scalar(0.7)),
      expected: 0.6054505875121443, klDivergence),
    KLDivergenceCase(
      "Exponential", Exponential(rate: scalar(2.5)), Exponential(rate: scalar(0.8)),
      expected: 0.4594342831883647, klDivergence),
    KLDivergenceCase(
      "Gamma", Gamma(concentration: scalar(2.5), rate: scalar(1.5)),
      Gamma(concentration: scalar(0.7), rate: scalar(0.4)), expected: 0.33376208387447526,
      klDivergence),
    KLDivergenceCase(
      "InverseGamma", InverseGamma(concentration: scalar(3), scale: scalar(2)),
      InverseGamma(concentration: scalar(1.5), scale: scalar(0.6)),
      expected: 0.27620629094141425, klDivergence),
    KLDivergenceCase(
      "Beta", Beta(alpha: scalar(2.5), beta: scalar(0.7)),
      Beta(alpha: scalar(1.2), beta: scalar(3)),
      expected: 3.6180688613775156, klDivergence),
    KLDivergenceCase(
      "Cauchy", Cauchy(location: scalar(-0.5), scale: scalar(2)),
      Cauchy(location: scalar(1), scale: scalar(0.7)), expected: 0.5327268877190917,
      klDivergence),
    KLDivergenceCase(
      "Uniform", Uniform(low: scalar(-1), high: scalar(2.5)),
      Uniform(low: scalar(-2), high: scalar(4)), expected: 0.5389965007326869, klDivergence),
    KLDivergenceCase(
      "Bernoulli", Bernoulli(logits: scalar(0.8)), Bernoulli(logits: scalar(-1.3)),
      expected: 0.5188541982532008, klDivergence),
    KLDivergenceCase(
      "Binomial", Binomial(count: scalar(12), logits: scalar(-0.4)),
      Binomial(count: scalar(12), logits: scalar(0.9)), expected: 2.4771909657398714,
      klDivergence),
    KLDivergenceCase(
      "Poisson", Poisson(logRate: scalar(1.3)), Poisson(logRate: scalar(0.2)),
      expected: 1.5883324249220943, klDivergence),
    KLDivergenceCase(
      "Categorical", Categorical(logits: tensor([0.2, -1.0, 2.3, 0.0])),
      Categorical(logits: tensor([1, 0.4, -0.3, 0.1])), expected: 1.2076933975435984,
      klDivergence),
  ]
}

@Suite struct KLDivergenceTests {
  static let names = klDivergenceCases().map(\.name)

  /// The analytic divergence against the reference, to a relative error of 1e-10.
  @Test(arguments: names)
  func analytic(_ name: String) throws {
    let testCase = try #require(klDivergenceCases().first { $0.name == name })
    assertClose(
      testCase.divergence().scalarized(), testCase.expected, relativeTolerance: 1e-10, name)
  }

  /// The Monte Carlo estimate over n = 20,000 draws from p is within five standard errors of
  /// the analytic divergence.
  @Test(arguments: names)
  func monteCarlo(_ name: String) throws {
    let testCase = try #require(klDivergenceCases().first { $0.name == name })
    var generator = Xoshiro256StarStar(seed: 99)
    let moments = SampleMoments(testCase.logRatios(&generator))
    expectWithinStandardErrors(
      moments.mean, testCase.expected,
      standardError: Swift.max(moments.standardErrorOfMean, 1e-12), name)
  }

  /// For 200 random pairs of each family, KL(p ‖ q) ≥ 0 and KL(p ‖ p) = 0.
  @Test func nonNegativeAndZeroOnTheDiagonal() {
    var generator = Xoshiro256StarStar(seed: 5)
    func positive() -> Tensor<Double> {
      exp(Tensor(randomNormal: [200], using: &generator))
    }
    func real() -> Tensor<Double> {
      Tensor(randomNormal: [200], standardDeviation: 2, using: &generator)
    }
    let pairs: [(String, Tensor<Double>, Tensor<Double>)] = [
      (
        "Normal",
        klDivergence(
          from: Normal(mean: real(), standardDeviation: positive()),
          to: Normal(mean: real(), standardDeviation: positive())),
        {
          let p = Normal(mean: real(), standardDeviation: positive())
          return klDivergence(from: p, to: p)
        }()
      ),
      (
        "Gamma",
        klDivergence(
          from: Gamma(concentration: positive(), rate: positive()),
          to: Gamma(concentration: positive(), rate: positive())),
        {
          let p = Gamma(concentration: positive(), rate: positive())
          return klDivergence(from: p, to: p)
        }()
      ),
      (
        "Beta",
        klDivergence(
          from: Beta(alpha: positive(), beta: positive()),
          to: Beta(alpha: positive(), beta: positive())),
        {
          let p = Beta(alpha: positive(), beta: positive())
          return klDivergence(from: p, to: p)
        }()
      ),
      (
        "Exponential",
        klDivergence(from: Exponential(rate: positive()), to: Exponential(rate: positive())),
        {
          let p = Exponential(rate: positive())
          return klDivergence(from: p, to: p)
        }()
      ),
      (
        "Bernoulli", klDivergence(from: Bernoulli(logits: real()), to: Bernoulli(logits: real())),
        {
          let p = Bernoulli(logits: real())
          return klDivergence(from: p, to: p)
        }()
      ),
      (
        "Poisson", klDivergence(from: Poisson(logRate: real()), to: Poisson(logRate: real())),
        {
          let p = Poisson(logRate: real())
          return klDivergence(from: p, to: p)
        }()
      ),
      (
        "Categorical",
        klDivergence(
          from: Categorical(logits: real().reshaped(to: [40, 5])),
          to: Categorical(logits: real().reshaped(to: [40, 5]))),
        {
          let p = Categorical(logits: real().reshaped(to: [40, 5]))
          return klDivergence(from: p, to: p)
        }()
      ),
      (
        "Cauchy",
        klDivergence(
          from: Cauchy(location: real(), scale: positive()),
          to: Cauchy(location: real(), scale: positive())),
        {
          let p = Cauchy(location: real(), scale: positive())
          return klDivergence(from: p, to: p)
        }()
      ),
      (
        "MultivariateNormal",
        {
          let matrix = real().reshaped(to: [2, 10, 10])
          let lowers = matrix.split(sizes: [1, 1], alongAxis: 0).map {
            $0.reshaped(to: [10, 10]).lowerTriangularPart(includingDiagonal: false)
              + Tensor(diagonal: Tensor(repeating: 3, shape: [10]))
          }
          return klDivergence(
            from: MultivariateNormal(mean: real().reshaped(to: [20, 10]), scaleTril: lowers[0]),
            to: MultivariateNormal(mean: real().reshaped(to: [20, 10]), scaleTril: lowers[1]))
        }(),
        {
          let lower =
            real().reshaped(to: [2, 100]).rows(0..<1).reshaped(to: [10, 10])
            .lowerTriangularPart(includingDiagonal: false)
            + Tensor(diagonal: Tensor(repeating: 3, shape: [10]))
          let p = MultivariateNormal(mean: real().reshaped(to: [20, 10]), scaleTril: lower)
          return klDivergence(from: p, to: p)
        }()
      ),
    ]
    for (name, divergences, selfDivergences) in pairs {
      #expect(
        divergences.scalars.allSatisfy { $0 >= 0 },
        "\(name): negative divergence \(divergences.scalars.min()!)")
      assertClose(
        selfDivergences, Tensor(zeros: selfDivergences.shape), absoluteTolerance: 1e-12, name)
    }
  }

  @Test func categoricalDivergenceToAnImpossibleClassIsInfinite() {
    let p = Categorical<Double>(logits: tensor([0, 0, -.infinity]))
    let q = Categorical<Double>(logits: tensor([0, -.infinity, 0]))
    #expect(klDivergence(from: p, to: q).scalarized() == .infinity)
    // Classes impossible under p contribute nothing: KL(p ‖ uniform) = log 3 − log 2.
    let uniform = Categorical<Double>(logits: Tensor(zeros: [3]))
    assertClose(
      klDivergence(from: p, to: uniform).scalarized(), Double.log(1.5), relativeTolerance: 1e-14)
  }

  @Test func uniformDivergenceOutsideTheSupportIsInfinite() {
    let p = Uniform<Double>(low: scalar(0), high: scalar(2))
    let q = Uniform<Double>(low: scalar(1), high: scalar(3))
    #expect(klDivergence(from: p, to: q).scalarized() == .infinity)
  }
}
