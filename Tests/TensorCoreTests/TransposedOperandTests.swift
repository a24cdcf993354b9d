import TensorCore
import TestSupport
import Testing
import _Differentiation

/// Products with the second operand transposed by one flag, `matmul(_:_:transposed:)`
/// and `batchedMatmul(_:_:transposed:)`: the same values and gradients as the four-flag
/// spelling, and finite-difference cases that `GradientTests` runs.
@Suite struct TransposedOperandTests {
  /// The one-flag spelling is the four-flag one with A not transposed, in value and gradient.
  @Test func transposedSecondOperandMatchesTheFourFlagProduct() {
    var generator = Xoshiro256StarStar(seed: 5)
    let draws = Tensor<Double>(randomNormal: [4, 3], using: &generator)  // [L, D]
    let design = Tensor<Double>(randomNormal: [6, 3], using: &generator)  // [N, D]
    let means = matmul(draws, design, transposed: true)
    #expect(means.shape == [4, 6])
    #expect(means == matmul(draws, transposed: false, design, transposed: true))
    #expect(
      matmul(draws, design.transposed(), transposed: false) == matmul(draws, design.transposed()))
    let (one, four) = (
      gradient(at: draws) { matmul($0, design, transposed: true).sum().scalarized() },
      gradient(at: draws) {
        matmul($0, transposed: false, design, transposed: true).sum().scalarized()
      }
    )
    #expect(one == four)
    let batch = Tensor<Double>(randomNormal: [2, 4, 3], using: &generator)
    let other = Tensor<Double>(randomNormal: [2, 5, 3], using: &generator)
    #expect(
      batchedMatmul(batch, other, transposed: true)
        == batchedMatmul(batch, transposed: false, other, transposed: true))
  }

  static func gradientCases<Scalar: TensorScalar>(_: Scalar.Type) -> [GradientCase<Scalar>] {
    typealias Case = GradientCase<Scalar>
    return [
      Case(name: "matmul(_:_:transposed: true)", shapes: [[3, 4], [2, 4]]) {
        matmul($0[0], $0[1], transposed: true)
      },
      Case(name: "matmul(_:_:transposed: false)", shapes: [[3, 4], [4, 2]]) {
        matmul($0[0], $0[1], transposed: false)
      },
      // Draws times a constant design matrix, and a constant times parameters: the one-sided
      // derivatives.
      Case(name: "matmul(_:_:transposed:) by constant", shapes: [[3, 4]]) {
        matmul(
          $0[0], Tensor(shape: [5, 4], scalars: (0..<20).map { Scalar($0) / 7 - 1 }),
          transposed: true)
      },
      Case(name: "matmul(_:_:transposed:) of constant", shapes: [[2, 4]]) {
        matmul(
          Tensor(shape: [3, 4], scalars: (0..<12).map { Scalar($0) / 5 - 1 }), $0[0],
          transposed: true)
      },
      Case(name: "batchedMatmul(_:_:transposed:)", shapes: [[2, 3, 4], [2, 5, 4]]) {
        batchedMatmul($0[0], $0[1], transposed: true)
      },
    ]
  }
}
