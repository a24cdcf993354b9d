import Distributions
import RealModule
import TensorCore
import TestSupport
import Testing

/// A rank-0 tensor.
func scalar<Scalar: TensorScalar>(_ value: Double) -> Tensor<Scalar> {
  Tensor(Scalar(value))
}

/// The sample mean and variance of draws, with the standard errors that the central limit
/// theorem gives them: σ/√n for the mean and √((m₄ − s⁴)/n) for the variance, where m₄ is the
/// fourth central moment.
struct SampleMoments {
  var count: Double
  var mean: Double
  var variance: Double
  var fourthCentralMoment: Double

  init(_ draws: [Double]) {
    count = Double(draws.count)
    mean = draws.reduce(0, +) / count
    var second = 0.0
    var fourth = 0.0
    for x in draws {
      let d = (x - mean) * (x - mean)
      second += d
      fourth += d * d
    }
    variance = second / (count - 1)
    fourthCentralMoment = fourth / count
  }

  init<Scalar: TensorScalar>(_ draws: Tensor<Scalar>) {
    self.init(draws.scalars.map { Double($0) })
  }

  var standardErrorOfMean: Double { (variance / count).squareRoot() }
  var standardErrorOfVariance: Double {
    ((fourthCentralMoment - variance * variance) / count).squareRoot()
  }
}

/// Records an issue unless |estimate − expected| ≤ `multiple` standard errors. With fixed seeds
/// the outcome is deterministic; five standard errors would be exceeded by chance with
/// probability below 10⁻⁶ for a normal estimator.
func expectWithinStandardErrors(
  _ estimate: Double, _ expected: Double, standardError: Double, multiple: Double = 5,
  _ comment: String = "", sourceLocation: SourceLocation = #_sourceLocation
) {
  let allowed = multiple * standardError
  #expect(
    Swift.abs(estimate - expected) <= allowed,
    "\(comment): \(estimate) vs \(expected), allowed ±\(allowed)", sourceLocation: sourceLocation)
}

/// The Kolmogorov–Smirnov statistic √n · sup |F̂(x) − F(x)| of draws against a continuous CDF.
///
/// Under the null hypothesis it follows the Kolmogorov distribution asymptotically, for which
/// P(√n D > 1.95) ≈ 0.001; tests use that threshold.
func kolmogorovSmirnovStatistic(_ draws: [Double], cdf: (Double) -> Double) -> Double {
  let sorted = draws.sorted()
  let n = Double(sorted.count)
  var largest = 0.0
  for (i, x) in sorted.enumerated() {
    let f = cdf(x)
    largest = Swift.max(largest, Swift.abs(Double(i + 1) / n - f), Swift.abs(f - Double(i) / n))
  }
  return largest * n.squareRoot()
}

/// The 0.1% critical value of the Kolmogorov distribution.
let kolmogorovSmirnovThreshold = 1.95

/// Φ(x), the standard normal CDF.
func standardNormalCDF(_ x: Double) -> Double {
  0.5 * Double.erfc(-x / 2.0.squareRoot())
}

/// P(a, x), the regularised lower incomplete gamma function (the Gamma(a, 1) CDF), for
/// half-integer or integer a ≥ ½, by the closed forms P(½, x) = erf(√x), P(1, x) = 1 − e^{−x}
/// and the recurrence P(a + 1, x) = P(a, x) − xᵃ e^{−x}/Γ(a + 1).
func regularizedLowerIncompleteGamma(_ a: Double, _ x: Double) -> Double {
  if x <= 0 { return 0 }
  var order = a.rounded() == a ? 1.0 : 0.5
  var value = order == 1 ? -Double.expMinusOne(-x) : Double.erf(x.squareRoot())
  while order < a {
    value -= Double.exp(order * Double.log(x) - x - Double.logGamma(order + 1))
    order += 1
  }
  return value
}

/// Checks the empirical frequencies of the integers 0…`maximum` in `draws` against a
/// probability mass function: each within five binomial standard errors √(p(1 − p)/n).
func expectFrequencies(
  _ draws: [Double], maximum: Int, mass: (Int) -> Double, _ comment: String,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  var counts = [Double](repeating: 0, count: maximum + 2)
  for x in draws {
    #expect(x.rounded() == x && x >= 0, "\(comment): draw \(x) is not a count")
    counts[Swift.min(Int(x), maximum + 1)] += 1
  }
  let n = Double(draws.count)
  for k in 0...maximum {
    let p = mass(k)
    let standardError = (Swift.max(p * (1 - p), 1 / n) / n).squareRoot()
    expectWithinStandardErrors(
      counts[k] / n, p, standardError: standardError, "\(comment): frequency of \(k)",
      sourceLocation: sourceLocation)
  }
}
