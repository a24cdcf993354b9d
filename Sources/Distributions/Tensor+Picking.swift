import TensorCore
import _Differentiation

extension Tensor {
  /// For a tensor of shape `[..., K]`, the scalar at position `indices[i]` of each of its
  /// length-`K` rows i (rows in row-major order), as a tensor of shape `[...]`: a row-wise
  /// gather, the differentiable core of ``Categorical/logProbability(of:)``.
  ///
  /// The gradient scatters each row's incoming gradient back to the picked position; every
  /// other position gets zero.
  ///
  /// - Precondition: `rank ≥ 1`, one index per row, each in `0..<K`.
  @inlinable
  @differentiable(reverse, wrt: self)
  func pickingAlongLastAxis(_ indices: [Int]) -> Tensor {
    userPrecondition(rank >= 1, "pickingAlongLastAxis: needs rank ≥ 1, got a scalar")
    let width = shape[rank - 1]
    let rows = scalarCount / Swift.max(width, 1)
    userPrecondition(
      indices.count == rows,
      "pickingAlongLastAxis: \(indices.count) indices for \(rows) rows of shape \(shape)")
    let source = scalars
    let picked = indices.enumerated().map { row, index in
      userPrecondition(
        index >= 0 && index < width,
        "pickingAlongLastAxis: index \(index) is out of range for rows of length \(width)")
      return source[row * width + index]
    }
    return Tensor(shape: Array(shape.dropLast()), scalars: picked)
  }

  @inlinable
  @derivative(of: pickingAlongLastAxis, wrt: self)
  func _vjpPickingAlongLastAxis(_ indices: [Int]) -> (
    value: Tensor, pullback: (Tensor) -> Tensor
  ) {
    let shape = self.shape
    let value = pickingAlongLastAxis(indices)
    let valueShape = value.shape
    return (
      value,
      { gradient in
        let incoming = gradient.broadcasted(to: valueShape).scalars
        let width = shape[shape.count - 1]
        var result = Tensor(zeros: shape)
        result.withUnsafeMutableBufferPointer { g in
          for (row, index) in indices.enumerated() { g[row * width + index] = incoming[row] }
        }
        return result
      }
    )
  }
}
