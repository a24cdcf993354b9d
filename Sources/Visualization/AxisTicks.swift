import Foundation

/// "Nice" axis tick positions and their labels, as used by ``LinePlot`` and ``ScatterPlot``.
///
/// Linear ticks are multiples of a step of the form 1, 2 or 5 × 10ᵏ. Logarithmic ticks are
/// powers of ten (or 1, 2, 5 × 10ᵏ when the range spans less than about a decade). Labels are
/// produced without locale influence, so they are identical on every machine.
public enum AxisTicks {
  /// The step of the form 1, 2 or 5 × 10ᵏ closest (by ratio) to `span / targetCount`, so the
  /// span holds about `targetCount` intervals. Returns 1 for a non-positive or non-finite span.
  public static func niceStep(span: Double, targetCount: Int) -> Double {
    guard span.isFinite, span > 0 else { return 1 }
    let raw = span / Double(max(targetCount, 1))
    let magnitude = pow(10, floor(log10(raw)))
    var best = magnitude
    for multiplier in [2.0, 5, 10] {
      let candidate = multiplier * magnitude
      if abs(log(candidate / raw)) < abs(log(best / raw)) { best = candidate }
    }
    return best
  }

  /// The multiples of ``niceStep(span:targetCount:)`` lying inside `lower...upper` (with a
  /// tolerance of a millionth of a step), in increasing order. Values within a millionth of a
  /// step of zero are returned as exactly 0.
  public static func linear(lower: Double, upper: Double, targetCount: Int) -> [Double] {
    guard lower.isFinite, upper.isFinite, upper > lower else { return [] }
    let step = niceStep(span: upper - lower, targetCount: targetCount)
    let first = ceil(lower / step - 1e-6)
    let last = floor(upper / step + 1e-6)
    guard last >= first, last - first < 10_000 else { return [] }
    return stride(from: first, through: last, by: 1).map { index in
      let value = index * step
      return abs(value) < step * 1e-6 ? 0 : value
    }
  }

  /// Major and minor ticks for a logarithmic axis covering `lower...upper` (both > 0).
  ///
  /// When the range includes at least two powers of ten, major ticks are powers of ten (every
  /// n-th one if there would be more than `targetCount`) and, when every power is shown and
  /// the range spans at most six decades, minor ticks are the multiples 2…9 between them.
  /// Narrower ranges use the values 1, 2, 5 × 10ᵏ inside the range as major ticks, falling back
  /// to ``linear(lower:upper:targetCount:)`` when those are fewer than two.
  public static func logarithmic(
    lower: Double, upper: Double, targetCount: Int
  ) -> (major: [Double], minor: [Double]) {
    guard lower.isFinite, upper.isFinite, lower > 0, upper > lower else { return ([], []) }
    let low = log10(lower)
    let high = log10(upper)
    let firstPower = Int(ceil(low - 1e-9))
    let lastPower = Int(floor(high + 1e-9))
    if lastPower - firstPower >= 1 {
      let count = lastPower - firstPower + 1
      let every = max(1, Int(ceil(Double(count) / Double(max(targetCount, 2)))))
      let major = stride(from: firstPower, through: lastPower, by: 1)
        .filter { ($0 - firstPower) % every == 0 }
        .map { pow(10, Double($0)) }
      var minor: [Double] = []
      if every == 1 && high - low <= 6 {
        for power in (firstPower - 1)...lastPower {
          for multiple in 2...9 {
            let value = Double(multiple) * pow(10, Double(power))
            if value >= lower && value <= upper { minor.append(value) }
          }
        }
      }
      return (major, minor)
    }
    var candidates: [Double] = []
    for power in (Int(floor(low)) - 1)...(Int(ceil(high)) + 1) {
      for multiple in [1.0, 2, 5] {
        let value = multiple * pow(10, Double(power))
        if value >= lower * (1 - 1e-9) && value <= upper * (1 + 1e-9) { candidates.append(value) }
      }
    }
    if candidates.count >= 2 { return (candidates, []) }
    return (linear(lower: lower, upper: upper, targetCount: targetCount).filter { $0 > 0 }, [])
  }

  /// The label for a linear tick `value` on an axis whose ticks are `step` apart.
  ///
  /// Uses plain decimals with as many fraction digits as `step` needs (`"0.2"`, `"-150"`,
  /// `"0.005"`), switching to scientific notation such as `"2e6"` or `"1.5e-5"` when
  /// `magnitude` (the largest absolute tick value, defaulting to `|value|`) is at least 10⁶ or
  /// `step` is below 10⁻⁴.
  public static func label(for value: Double, step: Double, magnitude: Double? = nil) -> String {
    guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
    let largest = magnitude ?? abs(value)
    let stepExponent = step > 0 && step.isFinite ? Int(floor(log10(step) + 1e-9)) : 0
    if largest >= 1e6 || stepExponent < -4 {
      return scientific(value, leastSignificantExponent: stepExponent)
    }
    return decimal(value, fractionDigits: max(0, -stepExponent))
  }

  /// The label for a tick `value` on a logarithmic axis: a plain decimal for 10⁻³ ≤ value <
  /// 10⁵ (`"0.01"`, `"200"`), otherwise scientific notation (`"1e-5"`, `"2e6"`).
  public static func logLabel(for value: Double) -> String {
    guard value.isFinite, value > 0 else { return label(for: value, step: 1) }
    let exponent = Int(floor(log10(value) + 1e-9))
    if exponent >= -3 && exponent < 5 {
      return decimal(value, fractionDigits: max(0, -exponent))
    }
    return scientific(value, leastSignificantExponent: exponent)
  }

  /// `value` rounded to `fractionDigits` decimals, written with `.` and without a sign for
  /// zero (`-0.0` becomes `"0"`).
  public static func decimal(_ value: Double, fractionDigits: Int) -> String {
    let digits = min(max(fractionDigits, 0), 15)
    let scaled = (abs(value) * pow(10, Double(digits))).rounded()
    guard scaled < 9e18 else { return scientific(value, leastSignificantExponent: 0) }
    let integer = UInt64(scaled)
    let sign = value < 0 && integer != 0 ? "-" : ""
    guard digits > 0 else { return sign + String(integer) }
    let divisor = UInt64(pow(10, Double(digits)))
    let fraction = String(integer % divisor)
    return sign + String(integer / divisor) + "."
      + String(repeating: "0", count: digits - fraction.count) + fraction
  }

  /// `value` as `<mantissa>e<exponent>` where the mantissa keeps the digits down to
  /// 10^`leastSignificantExponent`, trailing zeros removed: `scientific(1.5e-5, -6)` is
  /// `"1.5e-5"`, `scientific(2e6, 6)` is `"2e6"`.
  public static func scientific(_ value: Double, leastSignificantExponent: Int) -> String {
    guard value != 0 else { return "0" }
    var exponent = Int(floor(log10(abs(value)) + 1e-9))
    var digits = min(max(exponent - leastSignificantExponent, 0), 6)
    var mantissa = value / pow(10, Double(exponent))
    let rounded = (mantissa * pow(10, Double(digits))).rounded() / pow(10, Double(digits))
    if abs(rounded) >= 10 {
      exponent += 1
      digits = max(digits - 1, 0)
      mantissa = value / pow(10, Double(exponent))
    }
    var text = decimal(mantissa, fractionDigits: digits)
    if text.contains(".") {
      while text.hasSuffix("0") { text.removeLast() }
      if text.hasSuffix(".") { text.removeLast() }
    }
    return text + "e" + String(exponent)
  }
}
