import TensorCore
import _Differentiation

/// x·W for a mostly-zero data matrix x (`[batch, in]`, word counts) and weights W
/// (`[in, out]`), differentiable in W only: the product and its pullback
/// ```
/// y[b, :] = Σ_{i: x_bi ≠ 0} x_bi W[i, :],     W̄[i, :] = Σ_{b: x_bi ≠ 0} x_bi ȳ[b, :],
/// ```
/// visit only the nonzero entries of x. A document of the Debian descriptions has about 25
/// distinct words of the 10,000, so this is about 400 times less work than the dense product
/// (`Dense.applied(toData:)`), which was the largest part of a ProdLDA step.
@differentiable(reverse, wrt: weight)
public func sparseRowsProduct(_ x: Tensor<Float>, _ weight: Tensor<Float>) -> Tensor<Float> {
  _sparseRowsProduct(_NonzeroEntries(x), weight)
}

@usableFromInline
@derivative(of: sparseRowsProduct, wrt: weight)
func _vjpSparseRowsProduct(_ x: Tensor<Float>, _ weight: Tensor<Float>) -> (
  value: Tensor<Float>, pullback: (Tensor<Float>) -> Tensor<Float>
) {
  let entries = _NonzeroEntries(x)
  let (inputs, outputs) = (weight.shape[0], weight.shape[1])
  return (
    _sparseRowsProduct(entries, weight),
    { g in
      var gradient = Tensor<Float>(zeros: [inputs, outputs])
      g.withUnsafeBufferPointer { g in
        gradient.withUnsafeMutableBufferPointer { gw in
          entries.accumulateProducts(of: g, into: gw, width: outputs, transposed: true)
        }
      }
      return gradient
    }
  )
}

/// The nonzero entries of a `[rows, columns]` matrix, row by row.
struct _NonzeroEntries {
  var rows: Int
  var rowStarts: [Int]
  var columns: [Int]
  var values: [Float]

  init(_ x: Tensor<Float>) {
    userPrecondition(x.rank == 2, "sparseRowsProduct: input \(x.shape) must be [batch, in]")
    let (rows, width) = (x.shape[0], x.shape[1])
    self.rows = rows
    var rowStarts = [0]
    var columns: [Int] = []
    var values: [Float] = []
    rowStarts.reserveCapacity(rows + 1)
    x.withUnsafeBufferPointer { x in
      for row in 0..<rows {
        let base = row * width
        for column in 0..<width where x[base + column] != 0 {
          columns.append(column)
          values.append(x[base + column])
        }
        rowStarts.append(columns.count)
      }
    }
    self.rowStarts = rowStarts
    self.columns = columns
    self.values = values
  }

  /// For each nonzero v = x[row, column], adds v times a row of `source` to a row of `target`
  /// (rows of `width` scalars): row `column` of `source` to row `row` of `target` for x·W, or,
  /// `transposed`, row `row` of `source` to row `column` of `target` for the gradient xᵀ·G.
  func accumulateProducts(
    of source: UnsafeBufferPointer<Float>, into target: UnsafeMutableBufferPointer<Float>,
    width: Int, transposed: Bool
  ) {
    for row in 0..<rows {
      for entry in rowStarts[row]..<rowStarts[row + 1] {
        let value = values[entry]
        let (rowStart, columnStart) = (row * width, columns[entry] * width)
        let (from, to) = transposed ? (rowStart, columnStart) : (columnStart, rowStart)
        for j in 0..<width { target[to + j] += value * source[from + j] }
      }
    }
  }
}

func _sparseRowsProduct(_ entries: _NonzeroEntries, _ weight: Tensor<Float>) -> Tensor<Float> {
  userPrecondition(
    weight.rank == 2, "sparseRowsProduct: weight \(weight.shape) must be [in, out]")
  let outputs = weight.shape[1]
  var result = Tensor<Float>(zeros: [entries.rows, outputs])
  weight.withUnsafeBufferPointer { w in
    result.withUnsafeMutableBufferPointer { y in
      entries.accumulateProducts(of: w, into: y, width: outputs, transposed: false)
    }
  }
  return result
}
