import TensorCore
import TestSupport
import Testing
import _Differentiation

/// Stacks of matrices, one per draw: diagonal shifts and Cholesky factors (against NumPy,
/// and the single-matrix `cholesky`), soft failure and the throwing factorisation, with
/// finite-difference cases that `GradientTests` runs.
@Suite struct BatchedCholeskyTests {
  @Test func addingToDiagonalShiftsEachMatrix() {
    let a = Tensor<Double>(zeros: [2, 2, 2])
    let perMatrix = a.addingToDiagonal(Tensor(shape: [2, 1], scalars: [1, 3]))
    #expect(perMatrix.scalars == [1, 0, 0, 1, 3, 0, 0, 3])
    let perElement = a.addingToDiagonal(Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]))
    #expect(perElement.scalars == [1, 0, 0, 2, 3, 0, 0, 4])
    #expect(a.addingToDiagonal(0.5).scalars == [0.5, 0, 0, 0.5, 0.5, 0, 0, 0.5])
    let single = Tensor<Double>(ones: [2, 2]).addingToDiagonal(Tensor([1, 2]))
    #expect(single.scalars == [2, 1, 1, 3])
  }

  @Test func addingToDiagonalRejectsAVectorOfDraws() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = Tensor<Double>(zeros: [4, 3, 3]).addingToDiagonal(Tensor(zeros: [4]))
    }
    PreconditionTests.expect(
      result, toMention: "addingToDiagonal(_:): values of shape [4] do not broadcast")
  }

  // MARK: Cholesky

  /// Two factors from NumPy's `linalg.cholesky`: the classic A (whose factor is integer) and
  /// the tridiagonal [[2, 1, 0], [1, 2, 1], [0, 1, 2]].
  @Test func batchedCholeskyMatchesNumPy() throws {
    let a = Tensor<Double>(
      shape: [2, 3, 3],
      scalars: [4, 12, -16, 12, 37, -43, -16, -43, 98] + [2, 1, 0, 1, 2, 1, 0, 1, 2])
    let expected = Tensor<Double>(
      shape: [2, 3, 3],
      scalars: [2, 0, 0, 6, 1, 0, -8, 5, 3]
        + [
          1.4142135623730951, 0, 0, 0.7071067811865475, 1.224744871391589, 0, 0,
          0.8164965809277261, 1.1547005383792515,
        ])
    let factors = batchedCholesky(a)
    assertClose(factors, expected, relativeTolerance: 1e-15)
    assertClose(try choleskyFactor(of: a), expected, relativeTolerance: 1e-15)
    // Each factor and its gradient are those of the single-matrix `cholesky`.
    var generator = Xoshiro256StarStar(seed: 2)
    let seed = Tensor<Double>(randomNormal: [2, 3, 3], using: &generator)
    let batchGradient = gradient(at: a) { (batchedCholesky($0) * seed).sum().scalarized() }
    for index in 0..<2 {
      let matrix = a.rows(index..<(index + 1)).reshaped(to: [3, 3])
      let weights = seed.rows(index..<(index + 1)).reshaped(to: [3, 3])
      #expect(cholesky(matrix).scalars == factors.rows(index..<(index + 1)).scalars)
      let single = gradient(at: matrix) { (cholesky($0) * weights).sum().scalarized() }
      assertClose(
        batchGradient.rows(index..<(index + 1)).reshaped(to: [3, 3]), single,
        relativeTolerance: 1e-12, absoluteTolerance: 1e-14)
    }
  }

  /// A matrix that is not positive definite gives NaN for its own factor only, and its
  /// gradient is NaN only there.
  @Test func batchedCholeskyFailsSoftly() {
    let a = Tensor<Double>(shape: [3, 2, 2], scalars: [4, 2, 2, 5, 1, 2, 2, 1, 1, 0, 0, 1])
    let factors = batchedCholesky(a)
    #expect(factors.rows(0..<1).scalars == [2, 0, 1, 2])
    #expect(factors.rows(1..<2).scalars.allSatisfy { $0.isNaN })
    #expect(factors.rows(2..<3).scalars == [1, 0, 0, 1])
    let g = gradient(at: a) { batchedCholesky($0).sum(alongAxes: [1, 2]).sum().scalarized() }
    #expect(g.rows(0..<1).isFinite && g.rows(2..<3).isFinite)
    #expect(g.rows(1..<2).scalars.allSatisfy { $0.isNaN })
    let nan = batchedCholesky(Tensor<Double>(shape: [1, 1, 1], scalars: [.nan]))
    #expect(nan.scalars[0].isNaN)
  }

  @Test func choleskyFactorThrowsWithThePivot() {
    let notDefinite = Tensor<Double>(shape: [2, 2], scalars: [1, 2, 2, 1])
    #expect(throws: NotPositiveDefiniteError.self) { try choleskyFactor(of: notDefinite) }
    do {
      _ = try choleskyFactor(of: notDefinite)
    } catch {
      #expect(error.pivot == 1 && error.pivotValue == -3 && error.matrixIndex == nil)
      #expect(
        error.description
          == "choleskyFactor(of:): the [2, 2] matrix is not positive definite (pivot 1 is -3.0)")
    }
    let batch = Tensor<Double>(shape: [2, 2, 2], scalars: [1, 0, 0, 1, 0, 0, 0, 1])
    do {
      _ = try choleskyFactor(of: batch)
      Issue.record("a zero pivot was accepted")
    } catch {
      #expect(
        error.description
          == "choleskyFactor(of:): matrix 1 of the [2, 2, 2] batch is not positive definite "
          + "(pivot 0 is 0.0)")
    }
  }

  static func gradientCases<Scalar: TensorScalar>(_: Scalar.Type) -> [GradientCase<Scalar>] {
    typealias Case = GradientCase<Scalar>
    return [
      Case(name: "addingToDiagonal, one per matrix", shapes: [[3, 2, 2], [3, 1]]) {
        $0[0].addingToDiagonal($0[1])
      },
      Case(name: "addingToDiagonal, whole diagonals", shapes: [[2, 3, 3], [2, 3]]) {
        $0[0].addingToDiagonal($0[1])
      },
      Case(name: "addingToDiagonal, shared", shapes: [[2, 3, 3], []]) {
        $0[0].addingToDiagonal($0[1]) * $0[0].addingToDiagonal(2)
      },
      Case(name: "batchedCholesky", shapes: [[3, 3, 3]]) {
        batchedCholesky(batchedMatmul($0[0], $0[0], transposed: true).addingToDiagonal(3))
      },
      // A symmetric positive-definite stack from arbitrary matrices: M·Mᵀ + 3I.
      Case(name: "batchedCholesky of one matrix", shapes: [[4, 4]]) {
        batchedCholesky(matmul($0[0], $0[0], transposed: true).addingToDiagonal(3))
      },
    ]
  }
}
