/// What ``fit(_:family:options:progress:)-(ProbabilisticModel,_,_,_)`` reports while it runs: once per candidate of the
/// step-size adaptation, and at every ELBO evaluation of the optimisation.
public struct FitProgress: Hashable, Sendable {
  /// The phase a report comes from.
  public enum Phase: Hashable, Sendable {
    /// Trying a candidate η (Stan's adaptation).
    case adaptation
    /// The main optimisation, at an ELBO evaluation.
    case optimization
    /// The deterministic fit's search for the mode of log p̃ has ended; `elbo` holds
    /// log p̃ at the mode and `iteration` the Newton iterations.
    case modeSearch
    /// The deterministic fit has maximised the ELBO on this many fixed draws; `elbo` holds
    /// that ELBO and `iteration` the L-BFGS iterations so far.
    case fixedDraws(Int)
  }

  /// The phase.
  public var phase: Phase
  /// The optimisation iteration (0 during adaptation).
  public var iteration: Int
  /// The maximum number of iterations.
  public var maxIterations: Int
  /// The ELBO estimate just made (−∞ for a diverged adaptation candidate).
  public var elbo: Double
  /// The relative ELBO change of this evaluation (nil during adaptation).
  public var relativeChange: Double?
  /// The mean relative change over the convergence window (nil during adaptation).
  public var meanRelativeChange: Double?
  /// The median relative change over the convergence window (nil during adaptation).
  public var medianRelativeChange: Double?
  /// The learning rate: the candidate η during adaptation, the optimiser's rate afterwards.
  public var learningRate: Double
  /// Seconds since the fit started.
  public var elapsedSeconds: Double

  /// A one-line summary in the manner of Stan's output, e.g.
  /// `iteration  1200/10000  ELBO -39.41  Δ mean 0.0132  Δ median 0.0041`.
  public var line: String {
    switch phase {
    case .adaptation:
      return "adaptation  η = \(learningRate)  ELBO \(formatNumber(elbo))"
    case .modeSearch:
      return "mode of log p̃ after \(iteration) Newton iterations: log p̃ = \(formatNumber(elbo))"
    case .fixedDraws(let draws):
      return "ELBO on \(draws) fixed draws \(formatNumber(elbo))  (\(iteration) L-BFGS iterations)"
    case .optimization:
      var text = "iteration \(iteration)/\(maxIterations)  ELBO \(formatNumber(elbo))"
      if let meanRelativeChange, let medianRelativeChange {
        text += "  Δ mean \(formatNumber(meanRelativeChange))"
        text += "  Δ median \(formatNumber(medianRelativeChange))"
      }
      return text
    }
  }
}

/// A number with about four significant digits, for progress lines and tables.
func formatNumber(_ value: Double) -> String {
  guard value.isFinite else { return "\(value)" }
  let magnitude = Swift.abs(value)
  if magnitude != 0 && (magnitude >= 1e6 || magnitude < 1e-3) {
    var exponent = 0
    var mantissa = magnitude
    while mantissa >= 10 {
      mantissa /= 10
      exponent += 1
    }
    while mantissa < 1 {
      mantissa *= 10
      exponent -= 1
    }
    return (value < 0 ? "-" : "") + fixed(mantissa, decimals: 3) + "e\(exponent)"
  }
  let decimals = magnitude >= 1000 ? 1 : magnitude >= 100 ? 2 : magnitude >= 10 ? 3 : 4
  return (value < 0 ? "-" : "") + fixed(magnitude, decimals: decimals)
}

/// A non-negative number with exactly `decimals` digits after the point, rounded half up.
func fixed(_ value: Double, decimals: Int) -> String {
  var scale = 1.0
  for _ in 0..<decimals { scale *= 10 }
  let rounded = (value * scale).rounded()
  var whole = rounded / scale
  whole.round(.towardZero)
  let fraction = Int(rounded - whole * scale)
  let integer = String(Int(whole))
  guard decimals > 0 else { return integer }
  let digits = String(fraction)
  return integer + "." + String(repeating: "0", count: decimals - digits.count) + digits
}
