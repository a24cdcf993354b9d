import _Differentiation

// Shape operations. Storage is always dense and row-major, so reshaping is free and the
// others copy blocks of contiguous scalars.

extension Tensor {
  /// The same scalars in a new shape with the same number of elements. One axis may be −1,
  /// meaning "whatever size makes the count match".
  @inlinable
  @differentiable(reverse)
  public func reshaped(to newShape: [Int]) -> Tensor {
    var resolved = newShape
    if let unknown = newShape.firstIndex(of: -1) {
      let known = newShape.enumerated().filter { $0.offset != unknown }.map(\.element)
        .elementCount
      userPrecondition(
        known > 0 && scalarCount % known == 0,
        "reshaped(to:): cannot reshape \(shape) to \(newShape)")
      resolved[unknown] = scalarCount / known
    }
    userPrecondition(
      resolved.allSatisfy { $0 >= 0 } && resolved.elementCount == scalarCount,
      "reshaped(to:): cannot reshape \(shape) (\(scalarCount) scalars) to \(newShape)")
    return Tensor(shape: resolved, buffer: buffer)
  }

  @inlinable
  @derivative(of: reshaped)
  func _vjpReshaped(to newShape: [Int]) -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let shape = self.shape
    let y = reshaped(to: newShape)
    let yShape = y.shape
    return (y, { g in g._unbroadcast(to: yShape).reshaped(to: shape) })
  }

  /// Inserts an axis of size 1 at `axis` (which may equal `rank`, or count from the end when
  /// negative).
  @inlinable
  @differentiable(reverse)
  public func expandingShape(at axis: Int) -> Tensor {
    let rank = shape.count
    let position = axis < 0 ? axis + rank + 1 : axis
    userPrecondition(
      position >= 0 && position <= rank,
      "expandingShape(at:): axis \(axis) is out of range for shape \(shape)")
    var newShape = shape
    newShape.insert(1, at: position)
    return reshaped(to: newShape)
  }

  /// Removes axes of size 1 at the given positions.
  @inlinable
  @differentiable(reverse)
  public func squeezingShape(at axes: [Int]) -> Tensor {
    let newShape = withoutDerivative(at: self)._shape(removing: axes, "squeezingShape(at:)")
    userPrecondition(
      newShape.elementCount == shape.elementCount,
      "squeezingShape(at:): axes \(axes) of shape \(shape) are not all of size 1")
    return reshaped(to: newShape)
  }

  /// `self` repeated along its size-1 (and missing leading) axes to `shape`.
  @inlinable
  @differentiable(reverse)
  public func broadcasted(to shape: [Int]) -> Tensor {
    userPrecondition(
      broadcastShape(self.shape, shape, operation: "broadcasted(to:)") == shape,
      "broadcasted(to:): cannot broadcast \(self.shape) to \(shape)")
    return _broadcast(to: shape)
  }

  @inlinable
  @derivative(of: broadcasted)
  func _vjpBroadcasted(to shape: [Int]) -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let original = self.shape
    return (broadcasted(to: shape), { g in g._unbroadcast(to: shape)._unbroadcast(to: original) })
  }

  /// The rows `range` of the first axis (for a matrix, a block of rows; for a batch, a
  /// minibatch), as a new tensor.
  @inlinable
  @differentiable(reverse)
  public func rows(_ range: Range<Int>) -> Tensor {
    userPrecondition(rank >= 1, "rows(_:): needs rank ≥ 1, got a scalar")
    userPrecondition(
      range.lowerBound >= 0 && range.upperBound <= shape[0],
      "rows(_:): rows \(range) are out of bounds for shape \(shape)")
    var newShape = shape
    newShape[0] = range.count
    let result = Tensor(uninitializedShape: newShape)
    let rowSize = shape.dropFirst().elementCount
    result.buffer.base.update(
      from: buffer.base + range.lowerBound * rowSize, count: range.count * rowSize)
    return result
  }

  @inlinable
  @derivative(of: rows)
  func _vjpRows(_ range: Range<Int>) -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let shape = self.shape
    let y = rows(range)
    let yShape = y.shape
    return (
      y,
      { g in
        let g = g._unbroadcast(to: yShape)
        let result = Tensor(zeros: shape)
        let rowSize = shape.dropFirst().elementCount
        (result.buffer.base + range.lowerBound * rowSize).update(
          from: g.buffer.base, count: g.scalarCount)
        return result
      }
    )
  }

  /// The rows at `indices` along the first axis, in that order (repeats allowed): how a
  /// minibatch is drawn from a data set.
  @inlinable
  @differentiable(reverse)
  public func gathering(rows indices: [Int]) -> Tensor {
    userPrecondition(rank >= 1, "gathering(rows:): needs rank ≥ 1, got a scalar")
    var newShape = shape
    newShape[0] = indices.count
    let result = Tensor(uninitializedShape: newShape)
    let rowSize = shape.dropFirst().elementCount
    for (row, index) in indices.enumerated() {
      userPrecondition(
        index >= 0 && index < shape[0],
        "gathering(rows:): row index \(index) is out of bounds for shape \(shape)")
      (result.buffer.base + row * rowSize).update(
        from: buffer.base + index * rowSize, count: rowSize)
    }
    return result
  }

  @inlinable
  @derivative(of: gathering)
  func _vjpGathering(rows indices: [Int]) -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let shape = self.shape
    let y = gathering(rows: indices)
    let yShape = y.shape
    return (
      y,
      { g in
        // Scatter-add: a row drawn twice receives both gradients.
        let g = g._unbroadcast(to: yShape)
        let result = Tensor(zeros: shape)
        let rowSize = shape.dropFirst().elementCount
        for (row, index) in indices.enumerated() {
          let target = result.buffer.base + index * rowSize
          let source = g.buffer.base + row * rowSize
          for k in 0..<rowSize { target[k] += source[k] }
        }
        return result
      }
    )
  }
}
