import RealModule

/// The Pareto k̂ diagnostic of Pareto-smoothed importance sampling, which says how far the
/// variational approximation q can be trusted as a proposal for the posterior (Yao, Vehtari,
/// Simpson & Gelman 2018, "Yes, but did it work?: Evaluating variational inference", ICML).
///
/// The importance ratios rₛ = p̃(ζₛ)/q(ζₛ) of draws ζₛ ~ q have a right tail that a generalized
/// Pareto distribution fits; its shape k̂ estimates how many moments the ratios have (1/k̂).
/// Following Vehtari, Simpson, Gelman, Yao & Gabry (2024, "Pareto smoothed importance
/// sampling", JMLR 25(72)), the tail is the largest M = ⌈min(S/5, 3√S)⌉ of S ratios, their
/// excesses over the next largest are fitted by the empirical-Bayes estimator of Zhang &
/// Stephens (2009, "A new and efficient estimation method for the generalized Pareto
/// distribution", Technometrics 51(3)), and the estimate is shrunk towards 0.5 by a weakly
/// informative prior worth 10 observations:
/// ```
/// θⱼ = 1/x₍M₎ + (1 − √(m/(j − ½))) / (3 x₍⌊M/4 + ½⌋₎),   j = 1, …, m = 30 + ⌊√M⌋
/// k(θ) = −mean log(1 − θxᵢ),   ℓ(θ) = M (log(θ/k(θ)) + k(θ) − 1)        (profile likelihood)
/// θ̂ = Σⱼ wⱼθⱼ,   wⱼ ∝ exp ℓ(θⱼ)
/// k̂ = (M · mean log(1 − θ̂xᵢ) + 10 · ½) / (M + 10)
/// ```
/// The ratios are computed from log weights shifted by their maximum, so they never overflow.
public struct ParetoDiagnostic: Hashable, Sendable, CustomStringConvertible {
  /// How much the approximation can be trusted, by k̂.
  public enum Reading: String, Hashable, Sendable {
    /// k̂ < 0.5: the approximation is close to the posterior; importance sampling converges
    /// quickly.
    case good
    /// 0.5 ≤ k̂ ≤ 0.7: usable; PSIS-corrected estimates are still reliable.
    case usable
    /// k̂ > 0.7 (or not finite): the importance ratios have a heavy right tail, so q misses
    /// part of the posterior (at least in its tails); do not trust importance-weighted
    /// estimates, and treat the summaries with care.
    case unreliable
  }

  /// The estimated shape k̂.
  public var k: Double
  /// M, the number of ratios in the tail fit.
  public var tailLength: Int
  /// The importance sampling efficiency (Σw)²/(S Σw²) of the S ratios w (Kish's effective
  /// sample size over S): near 1 when the ratios hardly vary, so that q and the posterior agree
  /// where the draws fall, whatever k̂ says about the far tail.
  public var relativeEffectiveSampleSize: Double = .nan

  /// The reading of k̂ (Yao et al. 2018): good below 0.5, usable up to 0.7, unreliable above.
  public var reading: Reading {
    guard k.isFinite else { return .unreliable }
    return k < 0.5 ? .good : k <= 0.7 ? .usable : .unreliable
  }

  /// e.g. "k̂ = 0.42 (good: the importance ratios are well behaved)".
  public var description: String {
    let explanation: String
    switch reading {
    case .good: explanation = "good: the importance ratios are well behaved"
    case .usable: explanation = "usable: importance-weighted estimates are still reliable"
    case .unreliable:
      explanation =
        "unreliable: the importance ratios have a heavy tail; q misses part of the posterior"
        + " (at least its tails)"
    }
    return "k̂ = \(formatNumber(k)) (\(explanation))"
  }

  /// The diagnostic of the log importance weights log p̃(ζₛ) − log q(ζₛ) of draws from q.
  /// Draws with weight 0 (−∞) are allowed; a NaN or +∞ weight gives k̂ = ∞, and fewer than 5
  /// tail ratios (S < 25) give NaN.
  public init(logWeights: [Double]) {
    let count = logWeights.count
    if let largest = logWeights.max(), largest.isFinite {
      var (sum, squares) = (0.0, 0.0)
      for value in logWeights {
        let w = Double.exp(value - largest)
        sum += w
        squares += w * w
      }
      relativeEffectiveSampleSize = sum * sum / (Double(count) * squares)
    }
    let tail = Int(Swift.min(0.2 * Double(count), 3 * Double(count).squareRoot()).rounded(.up))
    tailLength = tail
    if logWeights.contains(where: { $0.isNaN || $0 == .infinity }) {
      k = .infinity
      return
    }
    guard tail >= 5, tail < count else {
      k = .nan
      return
    }
    let sorted = logWeights.sorted()
    let largest = sorted[count - 1]
    let threshold = Double.exp(sorted[count - tail - 1] - largest)
    let excesses = sorted[(count - tail)...].map { Double.exp($0 - largest) - threshold }
    guard let top = excesses.last, top > 0 else {
      // Equal ratios: importance sampling is exact.
      k = 0
      return
    }
    k = Self.generalizedParetoShape(excesses: excesses, prior: true)
  }

  /// The Zhang–Stephens estimate of the shape of a generalized Pareto distribution fitted to
  /// `excesses` (non-negative, ascending), optionally shrunk by the prior of Vehtari et al.
  public static func generalizedParetoShape(excesses x: [Double], prior: Bool) -> Double {
    let n = x.count
    let gridSize = 30 + Int(Double(n).squareRoot())
    let quartile = x[Swift.max(Int(Double(n) / 4 + 0.5) - 1, 0)]
    let largest = x[n - 1]
    var thetas: [Double] = []
    var logLikelihoods: [Double] = []
    for j in 1...gridSize {
      let theta =
        1 / largest + (1 - (Double(gridSize) / (Double(j) - 0.5)).squareRoot()) / (3 * quartile)
      let k = -meanLogOneMinus(theta, x)
      thetas.append(theta)
      logLikelihoods.append(Double(n) * (Double.log(theta / k) + k - 1))
    }
    var weights = logLikelihoods.indices.map { j in
      1 / logLikelihoods.reduce(0) { $0 + Double.exp($1 - logLikelihoods[j]) }
    }
    for j in weights.indices where !(weights[j] >= 10 * Double.ulpOfOne) { weights[j] = 0 }
    let total = weights.reduce(0, +)
    var thetaHat = 0.0
    for j in thetas.indices { thetaHat += weights[j] / total * thetas[j] }
    let shape = meanLogOneMinus(thetaHat, x)
    return prior ? (Double(n) * shape + 10 * 0.5) / (Double(n) + 10) : shape
  }

  /// (1/n) Σ log(1 − θxᵢ), with log1p for accuracy.
  static func meanLogOneMinus(_ theta: Double, _ x: [Double]) -> Double {
    var total = 0.0
    for value in x { total += Double.log(onePlus: -theta * value) }
    return total / Double(x.count)
  }
}
