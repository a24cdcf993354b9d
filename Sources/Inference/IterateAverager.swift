import Optimizers
import TensorCore

/// Polyak–Ruppert averaging of the variational parameters (Polyak & Juditsky 1992,
/// "Acceleration of stochastic approximation by averaging", SIAM J. Control Optim. 30(4)):
/// stochastic-gradient iterates jitter around the optimum, and their average is much closer to
/// it than any one of them.
///
/// The iterates are summed in blocks of `blockLength` iterations (the evaluation interval of
/// the convergence rule), the newest `capacity` blocks are kept, and `average(ofLast:)`
/// averages the iterates of the newest blocks. Averaging in the parameters λ = (μ, ω, …) gives a
/// member of the same family.
public struct IterateAverager<Family: ParameterGroup> {
  /// The number of completed blocks kept.
  public let capacity: Int
  private var blocks: [(sums: [Tensor<Family.Scalar>], count: Int)] = []
  private var current: [Tensor<Family.Scalar>] = []
  private var currentCount = 0
  private var paths: [WritableKeyPath<Family, Tensor<Family.Scalar>>] = []

  /// An averager keeping the newest `capacity` blocks.
  public init(capacity: Int) {
    userPrecondition(capacity >= 1, "IterateAverager: capacity \(capacity) must be ≥ 1")
    self.capacity = capacity
  }

  /// The number of completed blocks held.
  public var blockCount: Int { blocks.count }

  /// Adds an iterate to the current block.
  public mutating func add(_ family: Family) {
    if paths.isEmpty { paths = family.parameterKeyPaths }
    if currentCount == 0 {
      current = paths.map { family[keyPath: $0] }
      // Detach from the family's storage so that the next update cannot touch the sums.
      for k in current.indices { current[k] = current[k] + 0 }
    } else {
      for k in paths.indices { current[k] += family[keyPath: paths[k]] }
    }
    currentCount += 1
  }

  /// Closes the current block (if it holds any iterate), dropping the oldest beyond capacity.
  public mutating func closeBlock() {
    guard currentCount > 0 else { return }
    blocks.append((current, currentCount))
    if blocks.count > capacity { blocks.removeFirst() }
    current = []
    currentCount = 0
  }

  /// `template` with its parameters replaced by the average of the iterates of the newest
  /// `blockCount` completed blocks (all of them if fewer), and the number of iterates averaged;
  /// nil if there are no blocks.
  public func average(ofLast blockCount: Int, template: Family) -> (
    family: Family, iterations: Int
  )? {
    let chosen = blocks.suffix(Swift.max(blockCount, 1))
    guard !chosen.isEmpty else { return nil }
    var sums = chosen.first!.sums.map { $0 + 0 }
    var count = chosen.first!.count
    for block in chosen.dropFirst() {
      for k in sums.indices { sums[k] += block.sums[k] }
      count += block.count
    }
    var result = template
    let paths = template.parameterKeyPaths
    let scale = Family.Scalar(1) / Family.Scalar(count)
    for k in paths.indices { result[keyPath: paths[k]] = sums[k] * scale }
    return (result, count)
  }
}
