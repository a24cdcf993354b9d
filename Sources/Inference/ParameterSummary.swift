import TensorCore

/// The posterior summary of one scalar, from draws: mean, standard deviation and the 5%, 50%
/// and 95% quantiles.
public struct ParameterSummary: Hashable, Sendable {
  /// The output name, e.g. `tau` or `theta.3`.
  public var name: String
  /// The mean of the draws.
  public var mean: Double
  /// The standard deviation of the draws (divisor S − 1).
  public var standardDeviation: Double
  /// The 5% quantile.
  public var q5: Double
  /// The median.
  public var q50: Double
  /// The 95% quantile.
  public var q95: Double

  /// The summary of `draws`; quantiles interpolate linearly between order statistics
  /// (NumPy's default, Hyndman & Fan's type 7).
  ///
  /// - Precondition: at least one draw.
  public init(name: String, draws: [Double]) {
    userPrecondition(!draws.isEmpty, "ParameterSummary: no draws of \(name)")
    let n = Double(draws.count)
    let mean = draws.reduce(0, +) / n
    var squares = 0.0
    for x in draws { squares += (x - mean) * (x - mean) }
    let sorted = draws.sorted()
    self.name = name
    self.mean = mean
    self.standardDeviation = draws.count > 1 ? (squares / (n - 1)).squareRoot() : 0
    self.q5 = Self.quantile(sorted, 0.05)
    self.q50 = Self.quantile(sorted, 0.5)
    self.q95 = Self.quantile(sorted, 0.95)
  }

  /// The quantile at `probability` of ascending `sorted` values, by linear interpolation.
  public static func quantile(_ sorted: [Double], _ probability: Double) -> Double {
    let position = probability * Double(sorted.count - 1)
    let lower = Int(position.rounded(.down))
    let upper = Swift.min(lower + 1, sorted.count - 1)
    let fraction = position - Double(lower)
    if fraction == 0 { return sorted[lower] }
    return sorted[lower] + fraction * (sorted[upper] - sorted[lower])
  }
}

extension Array where Element == ParameterSummary {
  /// A table in the manner of Stan's summary, one row per scalar:
  /// ```
  ///              Mean    StdDev        5%       50%       95%
  /// mu          4.412     3.301    -1.012     4.398     9.856
  /// ```
  public func table() -> String {
    let nameWidth = Swift.max(12, (map(\.name.count).max() ?? 0) + 2)
    let columns = ["Mean", "StdDev", "5%", "50%", "95%"]
    func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
      let padding = String(repeating: " ", count: Swift.max(0, width - text.count))
      return left ? text + padding : padding + text
    }
    var lines = [pad("", nameWidth, left: true) + columns.map { pad($0, 11) }.joined()]
    for row in self {
      let numbers = [row.mean, row.standardDeviation, row.q5, row.q50, row.q95]
      lines.append(
        pad(row.name, nameWidth, left: true) + numbers.map { pad(formatNumber($0), 11) }.joined())
    }
    return lines.joined(separator: "\n")
  }
}
