import Distributions
import RealModule
import TensorCore

/// One row of the continuous sampling table: a sampler, and the closed-form mean, variance and
/// CDF of its distribution (each optional: the Cauchy family has no moments).
struct SamplingCase {
  var name: String
  var mean: Double?
  var variance: Double?
  var cdf: ((Double) -> Double)?
  var draw: (Int, inout Xoshiro256StarStar) -> [Double]

  init<D: Distribution>(
    _ name: String, _ distribution: D, mean: Double? = nil, variance: Double? = nil,
    cdf: ((Double) -> Double)? = nil
  ) where D.Scalar == Double {
    self.name = name
    self.mean = mean
    self.variance = variance
    self.cdf = cdf
    draw = { count, generator in
      distribution.sample(sampleShape: [count], using: &generator).scalars
    }
  }
}

/// Moments and CDFs in closed form (e.g. Gamma(α, β): mean α/β, variance α/β², CDF P(α, βx)
/// with P the regularised lower incomplete gamma function).
func samplingCases() -> [SamplingCase] {
  func s(_ value: Double) -> Tensor<Double> { scalar(value) }
  let pi = Double.pi
  return [
    SamplingCase(
      "Normal", Normal(mean: s(0.5), standardDeviation: s(1.7)), mean: 0.5, variance: 2.89,
      cdf: { standardNormalCDF(($0 - 0.5) / 1.7) }),
    SamplingCase(
      "HalfNormal", HalfNormal(scale: s(1.3)), mean: 1.3 * (2 / pi).squareRoot(),
      variance: 1.69 * (1 - 2 / pi), cdf: { 2 * standardNormalCDF($0 / 1.3) - 1 }),
    SamplingCase(
      "Cauchy", Cauchy(location: s(-0.5), scale: s(2)),
      cdf: { 0.5 + Double.atan(($0 + 0.5) / 2) / pi }),
    SamplingCase("HalfCauchy", HalfCauchy(scale: s(0.8)), cdf: { 2 / pi * Double.atan($0 / 0.8) }),
    // ν = 9: the fourth moment, needed for the variance's standard error, is finite.
    SamplingCase(
      "StudentT moments", StudentT(degreesOfFreedom: s(9), location: s(1), scale: s(2)), mean: 1,
      variance: 4 * 9 / 7.0),
    // ν = 2 has the closed-form CDF ½ + t/(2√(2 + t²)) for t = (x − μ)/σ.
    SamplingCase(
      "StudentT CDF", StudentT(degreesOfFreedom: s(2), location: s(1), scale: s(2)),
      cdf: { x in
        let t = (x - 1) / 2
        return 0.5 + t / (2 * (2 + t * t).squareRoot())
      }),
    SamplingCase(
      "LogNormal", LogNormal(location: s(0.3), scale: s(0.8)), mean: Double.exp(0.3 + 0.32),
      variance: Double.expMinusOne(0.64) * Double.exp(0.6 + 0.64),
      cdf: { $0 <= 0 ? 0 : standardNormalCDF((Double.log($0) - 0.3) / 0.8) }),
    SamplingCase(
      "Exponential", Exponential(rate: s(2.5)), mean: 0.4, variance: 0.16,
      cdf: { -Double.expMinusOne(-2.5 * $0) }),
    SamplingCase(
      "Gamma", Gamma(concentration: s(2.5), rate: s(1.5)), mean: 2.5 / 1.5,
      variance: 2.5 / 2.25, cdf: { regularizedLowerIncompleteGamma(2.5, 1.5 * $0) }),
    SamplingCase(
      "Gamma integer concentration", Gamma(concentration: s(3), rate: s(0.7)), mean: 3 / 0.7,
      variance: 3 / 0.49, cdf: { regularizedLowerIncompleteGamma(3, 0.7 * $0) }),
    SamplingCase(
      "Gamma concentration below 1", Gamma(concentration: s(0.5), rate: s(2)), mean: 0.25,
      variance: 0.125, cdf: { regularizedLowerIncompleteGamma(0.5, 2 * $0) }),
    SamplingCase(
      "Gamma tiny concentration", Gamma(concentration: s(0.1), rate: s(1)), mean: 0.1,
      variance: 0.1),
    SamplingCase(
      "Gamma large concentration", Gamma(concentration: s(50.5), rate: s(2)), mean: 25.25,
      variance: 12.625, cdf: { regularizedLowerIncompleteGamma(50.5, 2 * $0) }),
    // α = 5.5 > 4 keeps the fourth moment finite; CDF 1 − P(α, β/x).
    SamplingCase(
      "InverseGamma", InverseGamma(concentration: s(5.5), scale: s(2)), mean: 2 / 4.5,
      variance: 4 / (4.5 * 4.5 * 3.5),
      cdf: { $0 <= 0 ? 0 : 1 - regularizedLowerIncompleteGamma(5.5, 2 / $0) }),
    // Beta(2, 3) has the CDF 6x² − 8x³ + 3x⁴.
    SamplingCase(
      "Beta", Beta(alpha: s(2), beta: s(3)), mean: 0.4, variance: 0.04,
      cdf: { x in x * x * (6 - 8 * x + 3 * x * x) }),
    SamplingCase(
      "Beta small concentrations", Beta(alpha: s(0.3), beta: s(0.5)), mean: 0.375,
      variance: 0.15 / (0.64 * 1.8)),
    SamplingCase(
      "Uniform", Uniform(low: s(-1), high: s(2.5)), mean: 0.75, variance: 3.5 * 3.5 / 12,
      cdf: { Swift.min(Swift.max(($0 + 1) / 3.5, 0), 1) }),
    SamplingCase(
      "Bernoulli", Bernoulli(probabilities: s(0.3)), mean: 0.3, variance: 0.21),
    SamplingCase(
      "Binomial large count", Binomial(count: s(1000), probabilities: s(0.37)), mean: 370,
      variance: 1000 * 0.37 * 0.63),
    SamplingCase("Poisson large rate", Poisson(rate: s(1234.5)), mean: 1234.5, variance: 1234.5),
  ]
}
