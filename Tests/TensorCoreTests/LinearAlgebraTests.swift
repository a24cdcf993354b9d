import TensorCore
import TestSupport
import Testing

@Suite struct LinearAlgebraTests {
  /// The classic example A = [[4, 12, −16], [12, 37, −43], [−16, −43, 98]] = LLᵀ with
  /// L = [[2, 0, 0], [6, 1, 0], [−8, 5, 3]].
  @Test func choleskyOfAKnownMatrix() {
    let a = Tensor<Double>(shape: [3, 3], scalars: [4, 12, -16, 12, 37, -43, -16, -43, 98])
    let l = cholesky(a)
    #expect(l == Tensor(shape: [3, 3], scalars: [2, 0, 0, 6, 1, 0, -8, 5, 3]))
    assertClose(
      l.triangularLogAbsDeterminant().scalarized(), Double.log(6), relativeTolerance: 1e-15)
    assertClose(matmul(l, transposed: false, l, transposed: true), a, relativeTolerance: 1e-15)
  }

  @Test func matmulValuesWithEveryTransposition() {
    let a = Tensor<Double>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
    let b = Tensor<Double>(shape: [3, 2], scalars: [7, 8, 9, 10, 11, 12])
    let expected = Tensor<Double>(shape: [2, 2], scalars: [58, 64, 139, 154])
    #expect(matmul(a, b) == expected)
    #expect(matmul(a.transposed(), transposed: true, b) == expected)
    #expect(matmul(a, transposed: false, b.transposed(), transposed: true) == expected)
    #expect(matmul(a.transposed(), transposed: true, b.transposed(), transposed: true) == expected)
    let batch = batchedMatmul(
      Tensor(concatenating: [a.expandingShape(at: 0), a.expandingShape(at: 0)]),
      Tensor(concatenating: [b.expandingShape(at: 0), (2 * b).expandingShape(at: 0)]))
    #expect(batch.scalars == expected.scalars + (2 * expected).scalars)
    let float = matmul(Tensor<Float>(a), Tensor<Float>(b))
    #expect(float.scalars == [58, 64, 139, 154])
  }

  /// Triangular products and solves agree with dense products on the lower triangle.
  /// x·W + b with the bias accumulated by BLAS (β = 1) equals the product plus the bias.
  @Test func matmulPlusBiasAddsTheRowVector() {
    let x = Tensor<Double>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
    let w = Tensor<Double>(shape: [3, 2], scalars: [7, 8, 9, 10, 11, 12])
    let b = Tensor<Double>([0.5, -100])
    #expect(matmul(x, w, plusBias: b) == Tensor(shape: [2, 2], scalars: [58.5, -36, 139.5, 54]))
    let float = matmul(Tensor<Float>(x), Tensor<Float>(w), plusBias: Tensor<Float>(b))
    #expect(float.scalars == [58.5, -36, 139.5, 54])
    #expect(matmul(Tensor<Double>(zeros: [2, 0]), Tensor(zeros: [0, 2]), plusBias: b).scalars
      == [0.5, -100, 0.5, -100])
  }

  @Test func triangularOperationsMatchDenseAlgebra() {
    var generator = Xoshiro256StarStar(seed: 3)
    let m = Tensor<Double>(randomNormal: [4, 4], using: &generator)
    let l = m.lowerTriangularPart() + Tensor(diagonal: Tensor(repeating: 4, shape: [4]))
    let b = Tensor<Double>(randomNormal: [4, 3], using: &generator)
    // The strict upper triangle of m is ignored by the triangular routines.
    let full = m + Tensor(diagonal: Tensor(repeating: 4, shape: [4]))
    assertClose(lowerTriangularMatmul(full, b), matmul(l, b), relativeTolerance: 1e-14)
    assertClose(
      lowerTriangularMatmul(full, b, transposed: true), matmul(l, transposed: true, b),
      relativeTolerance: 1e-14)
    let x = triangularSolve(full, b)
    assertClose(matmul(l, x), b, relativeTolerance: 1e-12, absoluteTolerance: 1e-14)
    let y = triangularSolve(full, b.rows(0..<4).reshaped(to: [4, 3]), transposed: true)
    assertClose(
      matmul(l, transposed: true, y), b, relativeTolerance: 1e-12, absoluteTolerance: 1e-14)
    let v = Tensor<Double>([1, 2, 3, 4])
    let solved = triangularSolve(full, v)
    #expect(solved.shape == [4])
    assertClose(lowerTriangularMatmul(full, solved), v, relativeTolerance: 1e-13)
    #expect(Tensor(diagonal: v).diagonalPart() == v)
  }
}
