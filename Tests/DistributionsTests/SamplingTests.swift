import Distributions
import RealModule
import TensorCore
import TestSupport
import Testing

/// Samplers against closed forms with fixed seeds and n = 100,000 draws: sample means and
/// variances within five standard errors, Kolmogorov–Smirnov statistics below the 0.1% critical
/// value, and frequencies of discrete values within five binomial standard errors.
@Suite struct SamplingTests {
  static let names = samplingCases().map(\.name)
  static let count = 100_000

  @Test(arguments: names)
  func momentsAndDistributionFunction(_ name: String) throws {
    let testCase = try #require(samplingCases().first { $0.name == name })
    var generator = Xoshiro256StarStar(seed: 31)
    let draws = testCase.draw(Self.count, &generator)
    #expect(draws.count == Self.count && draws.allSatisfy(\.isFinite), "\(name): non-finite draw")
    let moments = SampleMoments(draws)
    if let mean = testCase.mean {
      expectWithinStandardErrors(
        moments.mean, mean, standardError: moments.standardErrorOfMean, "\(name) mean")
    }
    if let variance = testCase.variance {
      expectWithinStandardErrors(
        moments.variance, variance, standardError: moments.standardErrorOfVariance,
        "\(name) variance")
    }
    if let cdf = testCase.cdf {
      let statistic = kolmogorovSmirnovStatistic(draws, cdf: cdf)
      #expect(statistic < kolmogorovSmirnovThreshold, "\(name): KS statistic \(statistic)")
    }
  }

  @Test func poissonFrequencies() {
    var generator = Xoshiro256StarStar(seed: 8)
    // λ = 3 uses inversion, λ = 40 transformed rejection, λ = 0.01 the trivial end.
    for rate in [0.01, 3, 9.99, 10, 40] {
      let draws = Poisson<Double>(rate: scalar(rate)).sample(
        sampleShape: [Self.count], using: &generator)
      expectFrequencies(
        draws.scalars, maximum: Int(rate + 8 * rate.squareRoot() + 3),
        mass: { k in
          Double.exp(Double(k) * Double.log(rate) - rate - Double.logGamma(Double(k) + 1))
        }, "Poisson(\(rate))")
    }
  }

  @Test func binomialFrequencies() {
    var generator = Xoshiro256StarStar(seed: 9)
    for (count, probability) in [(10, 0.3), (16, 0.9), (60, 0.45), (500, 0.02)] {
      let binomial = Binomial<Double>(
        count: scalar(Double(count)), probabilities: scalar(probability))
      let draws = binomial.sample(sampleShape: [Self.count], using: &generator)
      let n = Double(count)
      expectFrequencies(
        draws.scalars, maximum: count,
        mass: { k in
          let k = Double(k)
          return Double.exp(
            Double.logGamma(n + 1) - Double.logGamma(k + 1) - Double.logGamma(n - k + 1)
              + k * Double.log(probability) + (n - k) * Double.log(onePlus: -probability))
        }, "Binomial(\(count), \(probability))")
    }
  }

  @Test func categoricalFrequencies() {
    var generator = Xoshiro256StarStar(seed: 10)
    let logits: Tensor<Double> = tensor([0.2, -1.0, 2.3, 0.0, -.infinity])
    let categorical = Categorical(logits: logits)
    let probabilities = categorical.probabilities.scalars
    let draws = categorical.sample(sampleShape: [Self.count], using: &generator)
    expectFrequencies(draws.scalars, maximum: 4, mass: { probabilities[$0] }, "Categorical")
  }

  @Test func multivariateNormalMeanAndCovariance() {
    var generator = Xoshiro256StarStar(seed: 11)
    let scaleTril: Tensor<Double> = tensor(
      [1.2, 0, 0, 0.3, 0.8, 0, -0.5, 0.4, 1.5], shape: [3, 3])
    let mean: Tensor<Double> = tensor([0.5, -1, 2])
    let mvn = MultivariateNormal(mean: mean, scaleTril: scaleTril)
    let draws = mvn.sample(sampleShape: [Self.count], using: &generator)
    #expect(draws.shape == [Self.count, 3])
    let covariance = mvn.covariance
    let columns = draws.transposed().split(sizes: [1, 1, 1], alongAxis: 0).map(\.scalars)
    for i in 0..<3 {
      let moments = SampleMoments(columns[i])
      expectWithinStandardErrors(
        moments.mean, mean[i], standardError: moments.standardErrorOfMean, "mean \(i)")
      for j in 0...i {
        // The products (xᵢ − μᵢ)(xⱼ − μⱼ) have mean Σᵢⱼ.
        let products = zip(columns[i], columns[j]).map { ($0 - mean[i]) * ($1 - mean[j]) }
        let productMoments = SampleMoments(products)
        expectWithinStandardErrors(
          productMoments.mean, covariance[i, j], standardError: productMoments.standardErrorOfMean,
          "covariance \(i), \(j)")
      }
    }
  }

  @Test func samplesHaveTheSampleShapeThenTheBatchShape() {
    var generator = Xoshiro256StarStar(seed: 12)
    let batch: Tensor<Double> = Tensor(ones: [2, 3])
    #expect(
      Normal(mean: batch, standardDeviation: scalar(1)).sample(sampleShape: [4], using: &generator)
        .shape == [4, 2, 3])
    #expect(
      Gamma(concentration: batch, rate: tensor([1, 2, 3])).sample(using: &generator).shape == [
        2, 3,
      ])
    #expect(
      Beta(alpha: batch, beta: batch).sample(sampleShape: [5, 1], using: &generator).shape == [
        5, 1, 2, 3,
      ])
    #expect(
      Binomial(count: scalar(4), logits: batch).sample(sampleShape: [2], using: &generator).shape
        == [2, 2, 3])
    #expect(Categorical(logits: batch).sample(sampleShape: [7], using: &generator).shape == [7, 2])
    #expect(
      StudentT(degreesOfFreedom: scalar(3), location: batch, scale: scalar(1)).sample(
        using: &generator
      ).shape == [2, 3])
    let mvn = MultivariateNormal<Double>(
      mean: batch, scaleTril: Tensor(diagonal: Tensor(ones: [3])))
    #expect(mvn.sample(sampleShape: [4], using: &generator).shape == [4, 2, 3])
  }

  @Test func theSameSeedGivesTheSameDraws() {
    func draws(_ seed: UInt64) -> [Double] {
      var generator = Xoshiro256StarStar(seed: seed)
      return Gamma<Double>(concentration: tensor([0.3, 2, 7]), rate: scalar(1)).sample(
        sampleShape: [10], using: &generator
      ).scalars
        + Poisson<Double>(rate: tensor([2, 50])).sample(sampleShape: [10], using: &generator)
        .scalars
        + Normal<Double>(mean: scalar(0), standardDeviation: scalar(1)).sample(
          sampleShape: [10], using: &generator
        ).scalars
    }
    #expect(draws(1) == draws(1))
    #expect(draws(1) != draws(2))
  }

  @Test func floatSamplersWork() {
    var generator = Xoshiro256StarStar(seed: 13)
    let draws = Gamma<Float>(concentration: Tensor(Float(2)), rate: Tensor(Float(4))).sample(
      sampleShape: [20_000], using: &generator)
    let moments = SampleMoments(draws)
    expectWithinStandardErrors(
      moments.mean, 0.5, standardError: moments.standardErrorOfMean, "Float Gamma mean")
  }
}
