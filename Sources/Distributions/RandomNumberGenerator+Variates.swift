import RealModule
import TensorCore

// Scalar random variates behind the samplers of the distributions, computed in `Double` for every
// scalar type. Each takes the generator explicitly, so a seed fixes every draw.

extension RandomNumberGenerator {
  /// A draw uniform on (0, 1]: never 0, so its logarithm is finite.
  @inlinable
  mutating func nextPositiveUniform() -> Double {
    1 - Double.unitUniform(next())
  }

  /// A standard normal draw, by the Box–Muller transform
  /// ```
  /// z = √(−2 log u₁) · cos(2π u₂),   u₁ ∈ (0, 1], u₂ ∈ [0, 1).
  /// ```
  @inlinable
  public mutating func nextStandardNormal() -> Double {
    let radius = Double.sqrt(-2 * Double.log(nextPositiveUniform()))
    return radius * Double.cos(2 * Double.pi * Double.unitUniform(next()))
  }

  /// A draw from the standard exponential distribution (rate 1), by inversion: −log u with
  /// u ∈ (0, 1].
  @inlinable
  public mutating func nextStandardExponential() -> Double {
    -Double.log(nextPositiveUniform())
  }

  /// A draw from the standard Cauchy distribution, by inversion: tan(π(u − ½)).
  @inlinable
  public mutating func nextStandardCauchy() -> Double {
    Double.tan(Double.pi * (Double.unitUniform(next()) - 0.5))
  }

  /// A draw from Gamma(α, 1), the gamma distribution with concentration α and rate 1.
  ///
  /// Marsaglia and Tsang (2000), "A simple method for generating gamma variables": for α ≥ 1,
  /// with d = α − ⅓ and c = 1/√(9d), draw x ~ N(0, 1) and v = (1 + cx)³ > 0 and accept d·v
  /// when u < 1 − 0.0331x⁴ (a cheap squeeze) or log u < x²/2 + d(1 − v + log v). For α < 1 the
  /// draw is boosted: G(α) = G(α + 1) · u^{1/α}, u uniform on (0, 1].
  ///
  /// - Precondition: α > 0 and finite.
  @inlinable
  public mutating func nextGamma(concentration: Double) -> Double {
    Double.exp(nextLogGamma(concentration: concentration))
  }

  /// The logarithm of a Gamma(α, 1) draw (see ``nextGamma(concentration:)``), computed in log
  /// space so that draws for very small α, which underflow to 0 as plain numbers, stay usable
  /// (for instance in ``nextBeta(alpha:beta:)``).
  @inlinable
  public mutating func nextLogGamma(concentration: Double) -> Double {
    userPrecondition(
      concentration > 0 && concentration.isFinite,
      "nextGamma(concentration:): concentration \(concentration) is not positive and finite")
    if concentration < 1 {
      // G(α) = G(α + 1) · U^{1/α}.
      let boost = Double.log(nextPositiveUniform()) / concentration
      return nextLogGamma(concentration: concentration + 1) + boost
    }
    let d = concentration - 1.0 / 3
    let c = 1 / Double.sqrt(9 * d)
    while true {
      var x: Double
      var v: Double
      repeat {
        x = nextStandardNormal()
        v = 1 + c * x
      } while v <= 0
      v = v * v * v
      let u = nextPositiveUniform()
      let x2 = x * x
      if u < 1 - 0.0331 * x2 * x2 || Double.log(u) < 0.5 * x2 + d * (1 - v + Double.log(v)) {
        return Double.log(d) + Double.log(v)
      }
    }
  }

  /// A draw from Beta(α, β), as X / (X + Y) with X ~ Gamma(α, 1) and Y ~ Gamma(β, 1),
  /// evaluated as the logistic function of log X − log Y so that small concentrations
  /// (where X and Y underflow) still give valid draws.
  ///
  /// - Precondition: α, β > 0 and finite.
  @inlinable
  public mutating func nextBeta(alpha: Double, beta: Double) -> Double {
    let logX = nextLogGamma(concentration: alpha)
    let logY = nextLogGamma(concentration: beta)
    return 1 / (1 + Double.exp(logY - logX))
  }

  /// A draw from Poisson(λ).
  ///
  /// For λ < 10, inversion by sequential search: walk k = 0, 1, … accumulating
  /// P(k) = e^{−λ} λᵏ / k! until the cumulative probability exceeds a uniform draw. For λ ≥ 10,
  /// the transformed rejection with squeeze of Hörmann (1993), "The transformed rejection method
  /// for generating Poisson random variables" (PTRS), whose cost does not grow with λ.
  ///
  /// - Precondition: λ ≥ 0 and finite.
  @inlinable
  public mutating func nextPoisson(rate: Double) -> Int {
    userPrecondition(
      rate >= 0 && rate.isFinite, "nextPoisson(rate:): rate \(rate) is not non-negative and finite")
    if rate == 0 { return 0 }
    if rate < 10 {
      let u = Double.unitUniform(next())
      var k = 0
      var probability = Double.exp(-rate)
      var cumulative = probability
      // The cap only matters if rounding leaves the cumulative sum below u.
      while u >= cumulative && k < 1000 {
        k += 1
        probability *= rate / Double(k)
        cumulative += probability
      }
      return k
    }
    return nextPoissonByTransformedRejection(rate: rate)
  }

  /// Hörmann's PTRS algorithm for λ ≥ 10.
  @inlinable
  mutating func nextPoissonByTransformedRejection(rate: Double) -> Int {
    let logRate = Double.log(rate)
    let b = 0.931 + 2.53 * Double.sqrt(rate)
    let a = -0.059 + 0.02483 * b
    let inverseAlpha = 1.1239 + 1.1328 / (b - 3.4)
    let acceptanceBound = 0.9277 - 3.6224 / (b - 2)
    while true {
      let u = Double.unitUniform(next()) - 0.5
      let v = Double.unitUniform(next())
      let distance = 0.5 - Swift.abs(u)
      let k = ((2 * a / distance + b) * u + rate + 0.43).rounded(.down)
      if distance >= 0.07 && v <= acceptanceBound { return Int(k) }
      if k < 0 || (distance < 0.013 && v > distance) { continue }
      let logAcceptance =
        Double.log(v) + Double.log(inverseAlpha) - Double.log(a / (distance * distance) + b)
      if logAcceptance <= -rate + k * logRate - Double.logGamma(k + 1) { return Int(k) }
    }
  }

  /// A draw from Binomial(n, p), the number of successes in n independent trials.
  ///
  /// While n > 16, the order-statistics recursion of Knuth (TAOCP vol. 2, §3.4.1 F) halves the
  /// problem: with a = 1 + ⌊n/2⌋ and b = n + 1 − a, the a-th smallest of n uniforms is
  /// X ~ Beta(a, b); if X ≥ p the successes are Binomial(a − 1, p/X), otherwise they are
  /// a + Binomial(b − 1, (p − X)/(1 − X)). The remaining ≤ 16 trials are drawn one by one. The
  /// method is exact and costs O(log n) beta draws.
  ///
  /// - Precondition: n ≥ 0 and 0 ≤ p ≤ 1.
  @inlinable
  public mutating func nextBinomial(count: Int, probability: Double) -> Int {
    userPrecondition(count >= 0, "nextBinomial(count:probability:): count \(count) is negative")
    userPrecondition(
      probability >= 0 && probability <= 1,
      "nextBinomial(count:probability:): probability \(probability) is not in [0, 1]")
    var n = count
    var p = probability
    var successes = 0
    while n > 16 && p > 0 && p < 1 {
      let a = 1 + n / 2
      let b = n + 1 - a
      let x = nextBeta(alpha: Double(a), beta: Double(b))
      if x >= p {
        n = a - 1
        p /= x
      } else {
        successes += a
        n = b - 1
        p = (p - x) / (1 - x)
      }
    }
    if p <= 0 { return successes }
    if p >= 1 { return successes + n }
    for _ in 0..<n where Double.unitUniform(next()) < p { successes += 1 }
    return successes
  }
}
