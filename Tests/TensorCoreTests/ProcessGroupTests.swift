import TensorCore
import TestSupport
import Testing
import _Differentiation

/// ProcessGroup's shares and sums, with the processes played by threads
/// (`ThreadedProcesses`); the runs under `mpirun` are in ReleaseExitTests' MPIRunTests.
@Suite struct ProcessGroupTests {
  /// A process of a group of `size` whose sums change nothing.
  final class Rank: ProcessGroup, @unchecked Sendable {
    let rank: Int
    let size: Int
    init(_ rank: Int, of size: Int) { (self.rank, self.size) = (rank, size) }
    func sumInPlace(_ buffer: UnsafeMutableBufferPointer<Float>) {}
    func sumInPlace(_ buffer: UnsafeMutableBufferPointer<Double>) {}
    var communication: (seconds: Double, calls: Int) { (0, 0) }
  }

  @Test func theSharesCoverTheItemsInRankOrder() {
    for size in 1...5 {
      for count in 0...13 {
        let shares = (0..<size).map { Rank($0, of: size).share(of: count) }
        #expect(shares.first?.lowerBound == 0 && shares.last?.upperBound == count)
        for (left, right) in zip(shares, shares.dropFirst()) {
          #expect(left.upperBound == right.lowerBound)
        }
        let sizes = shares.map(\.count)
        #expect(sizes.max()! - sizes.min()! <= 1, "\(count) items on \(size): \(sizes)")
      }
    }
  }

  struct Pair: Differentiable, ParameterGroup {
    var weight: Tensor<Float>
    var bias: Tensor<Float>
    var parameterKeyPaths: [WritableKeyPath<Pair, Tensor<Float>>] { [\.weight, \.bias] }
    var tangentKeyPaths: [WritableKeyPath<TangentVector, Tensor<Float>>] {
      [\.weight, \.bias]
    }
  }

  @Test func aGradientIsSummedWithItsExtrasInOneAllReduce() {
    let processes = ThreadedProcesses(size: 2)
    let results = processes.run { group in
      let model = Pair(weight: Tensor(repeating: 0, shape: [2, 2]), bias: Tensor([0, 0, 0]))
      var gradient =
        group.rank == 0
        ? Pair.TangentVector(weight: Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]), bias: .zero)
        : Pair.TangentVector(
          weight: Tensor(shape: [2, 2], scalars: [10, 20, 30, 40]), bias: Tensor([5, 6, 7]))
      var extra: [Float] = group.rank == 0 ? [100, 0.5] : [200, 0.25]
      model.sum(&gradient, and: &extra, across: group)
      return (gradient.weight, gradient.bias, extra, group.communication.calls)
    }
    for (weight, bias, extra, calls) in results {
      #expect(weight == Tensor(shape: [2, 2], scalars: [11, 22, 33, 44]))
      // Process 0's bias took no part in its loss (a rank-0 zero): it counts as zeros.
      #expect(bias == Tensor([5, 6, 7]))
      #expect(extra == [300, 0.75])
      #expect(calls == 1)
    }
  }

  @Test func aSharedFunctionHasTheWholeValueAndGradientOnEveryProcess() {
    // f(x) = Σᵣ Σᵢ cᵣᵢ xᵢ², evaluated as one part per process.
    let coefficients: [[Double]] = [[1, 2, 3], [0.5, -1, 4]]
    let x = Tensor<Double>([0.3, -1.2, 2])
    let processes = ThreadedProcesses(size: 2)
    let results = processes.run { group in
      let c = Tensor(coefficients[group.rank])
      let (value, pullback) = valueWithPullback(at: x) { x in
        summed((c * shared(x, across: group).squared()).sum(), across: group)
      }
      return (value.scalarized(), pullback(Tensor(1)).scalars)
    }
    let total = zip(coefficients[0], coefficients[1]).map { $0 + $1 }
    let value = zip(total, x.scalars).map { $0 * $1 * $1 }.reduce(0, +)
    let gradient = zip(total, x.scalars).map { 2 * $0 * $1 }
    for (processValue, processGradient) in results {
      #expect(abs(processValue - value) <= 1e-12)
      for (a, b) in zip(processGradient, gradient) { #expect(abs(a - b) <= 1e-12) }
    }
  }
}
