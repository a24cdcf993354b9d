import TensorCore

/// Draws from a fitted approximation, mapped to the constrained space, with the log densities
/// Stan writes beside them.
///
/// Each draw ζₛ ~ q is a row: the constrained scalars of every parameter (and then every
/// derived quantity) under their output names, `logP` = log p̃(ζₛ) (the log joint plus the log
/// Jacobian of the bijectors, Stan's `log_p__`) and `logQ` = log q(ζₛ) (Stan's `log_g__`, here
/// normalised). Their difference is the log importance ratio the Pareto diagnostic uses.
public struct PosteriorDraws: Sendable {
  /// The output name of every column, parameters first, then derived quantities.
  public let columnNames: [String]
  /// S, the number of draws.
  public let count: Int
  /// The values, draw after draw: column c of draw s is `values[s * columnNames.count + c]`.
  public let values: [Double]
  /// log p̃(ζₛ) for each draw.
  public let logP: [Double]
  /// log q(ζₛ) for each draw.
  public let logQ: [Double]
  /// The Pareto k̂ of the importance ratios p̃/q (of independent draws from q: see
  /// ``VariationalFit/draws(count:seed:)``).
  public let pareto: ParetoDiagnostic
  /// Whether q's sds match the posterior's, by importance sampling from independent draws.
  public let scaleCheck: ScaleCheck

  /// Assembles draws from their columns ([S, k] blocks, in order) and log densities, with k̂
  /// from `paretoLogWeights` and the scale check of independent draws.
  init(
    blocks: [(names: [String], values: Tensor<Double>)], logP: [Double], logQ: [Double],
    paretoLogWeights: [Double], scaleCheck: ScaleCheck
  ) {
    let count = logP.count
    var names: [String] = []
    var scalars = [Double](repeating: 0, count: count * blocks.reduce(0) { $0 + $1.names.count })
    let width = scalars.count / Swift.max(count, 1)
    var column = 0
    for block in blocks {
      let k = block.names.count
      userPrecondition(
        block.values.shape == [count, k],
        "draws: \(block.names.prefix(3))\(k > 3 ? " …" : "") has values of shape "
          + "\(block.values.shape) for \(count) draws; a derived quantity needs one row per draw, "
          + "[\(count), \(k)]")
      block.values.withUnsafeBufferPointer { v in
        for s in 0..<count {
          for j in 0..<k { scalars[s * width + column + j] = v[s * k + j] }
        }
      }
      names += block.names
      column += k
    }
    self.columnNames = names
    self.count = count
    self.values = scalars
    self.logP = logP
    self.logQ = logQ
    self.pareto = ParetoDiagnostic(logWeights: paretoLogWeights)
    self.scaleCheck = scaleCheck
  }

  /// The draws of the column called `name` (e.g. `tau`, `theta.3`), or nil.
  public func column(named name: String) -> [Double]? {
    columnNames.firstIndex(of: name).map(column(at:))
  }

  /// The draws of the column at `index`.
  public func column(at index: Int) -> [Double] {
    let width = columnNames.count
    return (0..<count).map { values[$0 * width + index] }
  }

  /// The summary of every column, in order.
  public func summary() -> [ParameterSummary] {
    columnNames.indices.map { ParameterSummary(name: columnNames[$0], draws: column(at: $0)) }
  }

  /// The summary of the column called `name`, or nil.
  public func summary(of name: String) -> ParameterSummary? {
    column(named: name).map { ParameterSummary(name: name, draws: $0) }
  }
}
