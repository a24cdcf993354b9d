import Foundation
import TensorCore
import Testing

/// Bad input stops with a message that names the operation and the shapes, before any BLAS
/// call or out-of-bounds read. Each case runs in a child process (an exit test) whose standard
/// error is checked.
@Suite struct PreconditionTests {
  /// Records an issue at the caller unless the exit test's standard error contains `message`.
  static func expect(
    _ result: ExitTest.Result?, toMention message: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    guard let result else { return }
    let standardError = String(decoding: result.standardErrorContent, as: UTF8.self)
    #expect(standardError.contains(message), "\(standardError)", sourceLocation: sourceLocation)
  }

  @Test func matmulNamesTheShapes() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = matmul(Tensor<Float>(zeros: [128, 784]), Tensor<Float>(zeros: [400, 784]))
    }
    Self.expect(
      result, toMention: "matmul: [128, 784] × [400, 784] needs inner dimensions to match")
  }

  @Test func matmulWithTransposesNamesThem() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = matmul(
        Tensor<Float>(zeros: [3, 4]), transposed: true, Tensor<Float>(zeros: [3, 5]),
        transposed: true)
    }
    Self.expect(result, toMention: "matmul: [3, 4]ᵀ × [3, 5]ᵀ needs inner dimensions to match")
  }

  @Test func broadcastingNamesTheShapes() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Tensor<Double>(zeros: [3, 4]) + Tensor<Double>(zeros: [5])
    }
    Self.expect(result, toMention: "+: shapes [3, 4] and [5] do not broadcast")
  }

  @Test func reshapeNamesTheShapes() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Tensor<Double>(zeros: [2, 3]).reshaped(to: [4, 2])
    }
    Self.expect(result, toMention: "reshaped(to:): cannot reshape [2, 3] (6 scalars) to [4, 2]")
  }

  @Test func choleskyNamesThePivot() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = cholesky(Tensor<Double>(shape: [2, 2], scalars: [1, 2, 2, 1]))
    }
    Self.expect(result, toMention: "cholesky: the [2, 2] matrix is not positive definite (pivot 1")
  }

  @Test func gatherNamesTheIndex() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Tensor<Double>(zeros: [3, 2]).gathering(rows: [0, 7])
    }
    Self.expect(
      result, toMention: "gathering(rows:): row index 7 is out of bounds for shape [3, 2]")
  }

  @Test func scalarCountMustMatchTheShape() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Tensor<Double>(shape: [2, 2], scalars: [1, 2, 3])
    }
    Self.expect(result, toMention: "shape [2, 2] needs 4 scalars, got 3")
  }

  @Test func triangularSolveNamesTheShapes() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = triangularSolve(Tensor<Double>(zeros: [3, 3]), Tensor<Double>(zeros: [4, 2]))
    }
    Self.expect(
      result, toMention: "triangularSolve: right-hand side [4, 2] needs 3 rows for a [3, 3]")
  }
}
