import TensorCore
import TestSupport
import Testing
import _Differentiation

/// Column slices of matrices, the way a model reads elements of a vector parameter, with
/// finite-difference cases that `GradientTests` runs.
@Suite struct ColumnTests {
  @Test func columnsSliceTheLastAxis() {
    let draws = Tensor<Double>(shape: [2, 4], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
    #expect(draws.column(0) == Tensor(shape: [2, 1], scalars: [1, 5]))
    #expect(draws.column(3) == Tensor(shape: [2, 1], scalars: [4, 8]))
    #expect(draws.columns(1..<3) == Tensor(shape: [2, 2], scalars: [2, 3, 6, 7]))
    #expect(draws.columns(1...2) == draws.columns(1..<3))
    #expect(draws.columns(2..<2).shape == [2, 0])
    let stack = Tensor<Double>(shape: [2, 2, 3], scalars: (0..<12).map(Double.init))
    #expect(stack.columns(1..<3).scalars == [1, 2, 4, 5, 7, 8, 10, 11])
    #expect(Tensor<Double>([3, 4, 5]).column(1) == Tensor([4]))
    // The gradient is one in the columns taken and zero elsewhere.
    let g = gradient(at: draws) { $0.columns(1..<3).sum().scalarized() }
    #expect(g.scalars == [0, 1, 1, 0, 0, 1, 1, 0])
  }

  @Test func columnOutOfBoundsNamesTheShape() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Tensor<Double>(zeros: [5, 3]).columns(2..<4)
    }
    PreconditionTests.expect(
      result, toMention: "columns(2..<4): out of bounds for shape [5, 3]")
    let column = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Tensor<Double>(zeros: [5, 3]).column(3)
    }
    PreconditionTests.expect(
      column, toMention: "column(3): out of bounds for shape [5, 3], whose last axis has indices")
  }

  static func gradientCases<Scalar: TensorScalar>(_: Scalar.Type) -> [GradientCase<Scalar>] {
    typealias Case = GradientCase<Scalar>
    return [
      Case(name: "column", shapes: [[3, 4]]) { $0[0].column(2) },
      Case(name: "columns", shapes: [[3, 5]]) { $0[0].columns(1..<4) * $0[0].column(0) },
      Case(name: "columns, closed range, rank 3", shapes: [[2, 2, 4]]) { $0[0].columns(0...1) },
    ]
  }
}
