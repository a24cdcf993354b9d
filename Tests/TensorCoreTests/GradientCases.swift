import TensorCore
import _Differentiation

/// One row of the gradient-check table: a differentiable function of some tensors, the shapes
/// of its inputs and where to draw them so the function is smooth there.
struct GradientCase<Scalar: TensorScalar> {
  /// Where input scalars are drawn: `anywhere` is (−2, 2); `positive` is (0.5, 3);
  /// `awayFromZero` is ±(0.2, 2), for functions with a kink at 0.
  enum Domain { case anywhere, positive, awayFromZero }

  var name: String
  var shapes: [[Int]]
  var domain: Domain = .anywhere
  var function: @differentiable(reverse) ([Tensor<Scalar>]) -> Tensor<Scalar>

  func inputs(seed: UInt64) -> [Tensor<Scalar>] {
    var generator = Xoshiro256StarStar(seed: seed)
    return shapes.map { shape in
      let u = Tensor<Scalar>(randomUniform: shape, in: 0..<1, using: &generator).scalars
      let values = u.map { u -> Scalar in
        switch domain {
        case .anywhere: return 4 * u - 2
        case .positive: return 0.5 + 2.5 * u
        case .awayFromZero:
          let magnitude = 0.2 + 1.8 * (2 * u - (u < 0.5 ? 0 : 1))
          return u < 0.5 ? -magnitude : magnitude
        }
      }
      return Tensor(shape: shape, scalars: values)
    }
  }
}

/// A well-conditioned lower-triangular matrix from arbitrary scalars: the lower triangle plus 3
/// on the diagonal.
@differentiable(reverse)
func wellConditionedLower<Scalar>(_ m: Tensor<Scalar>) -> Tensor<Scalar> {
  m.lowerTriangularPart() + Tensor(diagonal: Tensor(repeating: 3, shape: [m.shape[0]]))
}

/// Every differentiable primitive of TensorCore, with broadcasting variants, written once for
/// both scalar types.
func gradientCases<Scalar: TensorScalar>(_: Scalar.Type) -> [GradientCase<Scalar>] {
  typealias Case = GradientCase<Scalar>
  return [
    // Arithmetic, with broadcasting.
    Case(name: "add same shape", shapes: [[3, 4], [3, 4]]) { $0[0] + $0[1] },
    Case(name: "add broadcast row", shapes: [[3, 4], [4]]) { $0[0] + $0[1] },
    Case(name: "add broadcast both", shapes: [[2, 1, 3], [4, 1]]) { $0[0] + $0[1] },
    Case(name: "add rank-0", shapes: [[3, 4], []]) { $0[0] + $0[1] },
    Case(name: "subtract broadcast column", shapes: [[3, 4], [3, 1]]) { $0[0] - $0[1] },
    Case(name: "subtract broadcast left", shapes: [[4], [3, 4]]) { $0[0] - $0[1] },
    Case(name: "multiply broadcast", shapes: [[3, 1], [1, 4]]) { $0[0] * $0[1] },
    Case(name: "multiply rank-0", shapes: [[], [2, 3]]) { $0[0] * $0[1] },
    Case(name: "divide broadcast", shapes: [[3, 4], [4]], domain: .positive) { $0[0] / $0[1] },
    Case(name: "divide by column", shapes: [[2, 3], [2, 1]], domain: .positive) {
      $0[0] / $0[1]
    },
    Case(name: "negate", shapes: [[5]]) { -$0[0] },
    Case(name: "tensor + scalar", shapes: [[5]]) { $0[0] + 2.5 },
    Case(name: "scalar - tensor", shapes: [[5]]) { 2.5 - $0[0] },
    Case(name: "scalar * tensor", shapes: [[5]]) { 1.5 * $0[0] },
    Case(name: "tensor / scalar", shapes: [[5]]) { $0[0] / 4 },
    Case(name: "scalar / tensor", shapes: [[5]], domain: .positive) { 2 / $0[0] },
    Case(name: "squared", shapes: [[2, 3]]) { $0[0].squared() },
    Case(name: "sqrt", shapes: [[2, 3]], domain: .positive) { sqrt($0[0]) },
    Case(name: "pow integer", shapes: [[2, 3]]) { pow($0[0], 3) },
    Case(name: "pow fractional", shapes: [[2, 3]], domain: .positive) { pow($0[0], 0.7) },
    Case(name: "abs", shapes: [[2, 3]], domain: .awayFromZero) { abs($0[0]) },

    // Elementwise functions.
    Case(name: "exp", shapes: [[2, 3]]) { exp($0[0]) },
    Case(name: "log", shapes: [[2, 3]], domain: .positive) { log($0[0]) },
    Case(name: "log(onePlus:)", shapes: [[2, 3]], domain: .positive) { log(onePlus: $0[0]) },
    Case(name: "expMinusOne", shapes: [[2, 3]]) { expMinusOne($0[0]) },
    Case(name: "tanh", shapes: [[2, 3]]) { tanh($0[0]) },
    Case(name: "sigmoid", shapes: [[2, 3]]) { sigmoid($0[0]) },
    Case(name: "logSigmoid", shapes: [[2, 3]]) { logSigmoid($0[0]) },
    Case(name: "softplus", shapes: [[2, 3]]) { softplus($0[0]) },
    Case(name: "relu", shapes: [[2, 3]], domain: .awayFromZero) { relu($0[0]) },
    Case(name: "clamped", shapes: [[3, 3]], domain: .awayFromZero) {
      $0[0].clamped(to: -1.05...1.1)
    },
    Case(name: "logGamma", shapes: [[2, 3]], domain: .positive) { logGamma($0[0]) },
    Case(name: "digamma", shapes: [[2, 3]], domain: .positive) { digamma($0[0]) },

    // Reductions.
    Case(name: "sum", shapes: [[3, 4]]) { $0[0].sum() },
    Case(name: "sum along 0", shapes: [[3, 4]]) { $0[0].sum(alongAxes: [0]) },
    Case(name: "sum along 1 of rank 3", shapes: [[2, 3, 4]]) { $0[0].sum(alongAxes: [1]) },
    Case(name: "sum along 0, 2", shapes: [[2, 3, 4]]) { $0[0].sum(alongAxes: [0, -1]) },
    Case(name: "sum squeezing", shapes: [[2, 3, 4]]) { $0[0].sum(squeezingAxes: [1]) },
    Case(name: "mean", shapes: [[3, 4]]) { $0[0].mean() },
    Case(name: "mean along 1", shapes: [[3, 4]]) { $0[0].mean(alongAxes: [1]) },
    Case(name: "max", shapes: [[3, 4]]) { $0[0].max() },
    Case(name: "max along 1", shapes: [[3, 4]]) { $0[0].max(alongAxes: [1]) },
    Case(name: "max along 0 of rank 3", shapes: [[3, 2, 2]]) { $0[0].max(alongAxes: [0]) },
    Case(name: "logSumExp", shapes: [[3, 4]]) { $0[0].logSumExp() },
    Case(name: "logSumExp along 1", shapes: [[3, 4]]) { $0[0].logSumExp(alongAxis: 1) },
    Case(name: "logSumExp along 0", shapes: [[3, 4]]) { $0[0].logSumExp(alongAxis: 0) },
    Case(name: "logMeanExp along 0", shapes: [[3, 4]]) { $0[0].logMeanExp(alongAxis: 0) },
    Case(name: "logMeanExp along -1", shapes: [[3, 4]]) { $0[0].logMeanExp(alongAxis: -1) },

    Case(name: "sigmoidCrossEntropy", shapes: [[3, 4]]) {
      let labels = Tensor<Scalar>(shape: [3, 4], scalars: (0..<12).map { Scalar($0) / 11 })
      return sigmoidCrossEntropy(logits: 3 * $0[0], labels: labels)
    },

    Case(name: "summedSigmoidCrossEntropy", shapes: [[3, 4]]) {
      let labels = Tensor<Scalar>(shape: [3, 4], scalars: (0..<12).map { Scalar($0) / 11 })
      return summedSigmoidCrossEntropy(logits: 3 * $0[0], labels: labels)
    },
    Case(name: "summedSigmoidCrossEntropy, repeated labels", shapes: [[6, 5]]) {
      let labels = Tensor<Scalar>(shape: [2, 5], scalars: (0..<10).map { Scalar($0 % 7) / 6 })
      return summedSigmoidCrossEntropy(logits: 4 * $0[0], labels: labels)
    },

    Case(name: "replacing(with:where:)", shapes: [[2, 3], [2, 3]]) {
      let mask = TensorMask(shape: [2, 3], values: [true, false, false, true, true, false])
      return $0[0].replacing(with: $0[1], where: mask)
    },

    // Linear algebra.
    Case(name: "matmul", shapes: [[3, 4], [4, 2]]) { matmul($0[0], $0[1]) },
    Case(name: "matmul Aᵀ", shapes: [[4, 3], [4, 2]]) {
      matmul($0[0], transposed: true, $0[1])
    },
    Case(name: "matmul Bᵀ", shapes: [[3, 4], [2, 4]]) {
      matmul($0[0], transposed: false, $0[1], transposed: true)
    },
    Case(name: "matmul AᵀBᵀ", shapes: [[4, 3], [2, 4]]) {
      matmul($0[0], transposed: true, $0[1], transposed: true)
    },
    // Products with a constant operand use the one-sided derivatives (one GEMM each).
    Case(name: "matmul of constant", shapes: [[4, 2]]) {
      matmul(Tensor(shape: [3, 4], scalars: (0..<12).map { Scalar($0) / 5 - 1 }), $0[0])
    },
    Case(name: "matmul of constant, both ᵀ", shapes: [[2, 4]]) {
      let a = Tensor<Scalar>(shape: [4, 3], scalars: (0..<12).map { Scalar($0) / 5 - 1 })
      return matmul(a, transposed: true, $0[0], transposed: true)
    },
    Case(name: "matmul by constant", shapes: [[3, 4]]) {
      matmul($0[0], Tensor(shape: [4, 2], scalars: (0..<8).map { Scalar($0) / 3 - 1 }))
    },
    Case(name: "matmul by constant, both ᵀ", shapes: [[4, 3]]) {
      let b = Tensor<Scalar>(shape: [2, 4], scalars: (0..<8).map { Scalar($0) / 3 - 1 })
      return matmul($0[0], transposed: true, b, transposed: true)
    },
    Case(name: "batchedMatmul", shapes: [[2, 3, 4], [2, 4, 2]]) { batchedMatmul($0[0], $0[1]) },
    Case(name: "batchedMatmul Aᵀ Bᵀ", shapes: [[2, 4, 3], [2, 2, 4]]) {
      batchedMatmul($0[0], transposed: true, $0[1], transposed: true)
    },
    Case(name: "transposed", shapes: [[3, 4]]) { $0[0].transposed() },
    Case(name: "transposed batch", shapes: [[2, 3, 4]]) { $0[0].transposed() },
    Case(name: "lowerTriangularMatmul matrix", shapes: [[3, 3], [3, 2]]) {
      lowerTriangularMatmul($0[0], $0[1])
    },
    Case(name: "lowerTriangularMatmul vector ᵀ", shapes: [[3, 3], [3]]) {
      lowerTriangularMatmul($0[0], $0[1], transposed: true)
    },
    Case(name: "triangularSolve matrix", shapes: [[3, 3], [3, 2]]) {
      triangularSolve(wellConditionedLower($0[0]), $0[1])
    },
    Case(name: "triangularSolve vector ᵀ", shapes: [[4, 4], [4]]) {
      triangularSolve(wellConditionedLower($0[0]), $0[1], transposed: true)
    },
    Case(name: "cholesky", shapes: [[3, 3]]) {
      // A symmetric positive-definite function of an arbitrary matrix M: M·Mᵀ + 3I.
      let m = $0[0]
      let a =
        matmul(m, transposed: false, m, transposed: true)
        + Tensor(diagonal: Tensor(repeating: 3, shape: [3]))
      return cholesky(a)
    },
    Case(name: "diagonalPart", shapes: [[3, 3]]) { $0[0].diagonalPart() },
    Case(name: "Tensor(diagonal:)", shapes: [[3]]) { Tensor(diagonal: $0[0]) },
    Case(name: "lowerTriangularPart", shapes: [[3, 3]]) { $0[0].lowerTriangularPart() },
    Case(name: "strictly lower part", shapes: [[3, 3]]) {
      $0[0].lowerTriangularPart(includingDiagonal: false)
    },
    Case(name: "triangularLogAbsDeterminant", shapes: [[3, 3]], domain: .awayFromZero) {
      $0[0].triangularLogAbsDeterminant()
    },

    // Shapes.
    Case(name: "reshaped", shapes: [[2, 6]]) {
      $0[0].reshaped(to: [3, -1]) * $0[0].reshaped(to: [3, 4])
    },
    Case(name: "expandingShape", shapes: [[3]]) {
      $0[0].expandingShape(at: 1) * Tensor(ones: [3, 2])
    },
    Case(name: "squeezingShape", shapes: [[3, 1, 2]]) { $0[0].squeezingShape(at: [1]) },
    Case(name: "broadcasted", shapes: [[3, 1]]) { $0[0].broadcasted(to: [2, 3, 4]) },
    Case(name: "concatenating along 0", shapes: [[2, 3], [1, 3]]) {
      Tensor(concatenating: [$0[0], $0[1]], alongAxis: 0)
    },
    Case(name: "concatenating along 1", shapes: [[2, 3], [2, 2], [2, 1]]) {
      Tensor(concatenating: [$0[0], $0[1], $0[2]], alongAxis: 1)
    },
    Case(name: "split along 1", shapes: [[2, 5]]) {
      let pieces = $0[0].split(sizes: [2, 3], alongAxis: 1)
      return pieces[0].sum(alongAxes: [1]) * pieces[1]
    },
    Case(name: "split, one piece unused", shapes: [[4, 2]]) {
      $0[0].split(sizes: [1, 3], alongAxis: 0)[1]
    },
    Case(name: "rows", shapes: [[5, 3]]) { $0[0].rows(1..<4) },
    Case(name: "gathering rows with repeats", shapes: [[4, 3]]) {
      $0[0].gathering(rows: [2, 0, 2, 3])
    },
    Case(name: "scalarized and back", shapes: [[1, 1]]) {
      Tensor($0[0].scalarized()) * Tensor(ones: [2]) * 3
    },
  ]
}
