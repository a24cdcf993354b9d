import _Differentiation

// Columns of a matrix, or slices of the last axis of any tensor: how a model reads one
// coefficient of a vector parameter, which arrives as an `[L, size]` tensor of L draws.

extension Tensor {
  /// Column `index` of a matrix, as a one-column matrix: for the `[L, size]` draws of a vector
  /// parameter, the `[L, 1]` draws of its element `index` (0-based). For a tensor of any rank
  /// ≥ 1, the slice `index` of the last axis, which is kept with size 1.
  ///
  /// ```swift
  /// let intercept = p["beta"].column(0)       // [L, 1]
  /// ```
  ///
  /// Stops with a message (in every build) if `index` is outside `0..<shape.last`.
  @inlinable
  @differentiable(reverse)
  public func column(_ index: Int) -> Tensor {
    _ = _columnCount(index..<(index &+ 1), "column(\(index))")
    return columns(index..<(index &+ 1))
  }

  /// Columns `range` of a matrix (0-based, upper bound excluded): for the `[L, size]` draws of
  /// a vector parameter, the `[L, range.count]` draws of those elements. For a tensor of any
  /// rank ≥ 1, the slices `range` of the last axis.
  ///
  /// ```swift
  /// let slopes = p["beta"].columns(1..<3)     // [L, 2]
  /// ```
  ///
  /// The gradient is zero outside the columns taken. Stops with a message (in every build) if
  /// the range is outside `0..<shape.last`.
  @inlinable
  @differentiable(reverse)
  public func columns(_ range: Range<Int>) -> Tensor {
    let width = _columnCount(range, "columns(\(range))")
    let rows = scalarCount / Swift.max(width, 1)
    var newShape = shape
    newShape[rank - 1] = range.count
    let result = Tensor(uninitializedShape: newShape)
    if range.count > 0 {
      for row in 0..<rows {
        (result.buffer.base + row &* range.count).update(
          from: buffer.base + (row &* width &+ range.lowerBound), count: range.count)
      }
    }
    return result
  }

  /// Columns `range` of a matrix, the upper bound included: `columns(1...2)` is
  /// `columns(1..<3)`.
  @inlinable
  @differentiable(reverse)
  public func columns(_ range: ClosedRange<Int>) -> Tensor {
    columns(range.lowerBound..<(range.upperBound &+ 1))
  }

  @inlinable
  @derivative(of: columns(_:))
  func _vjpColumns(_ range: Range<Int>) -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let shape = self.shape
    let y = columns(range)
    let yShape = y.shape
    return (
      y,
      { g in
        // Scatter the gradient of the columns taken into zeros of the input's shape.
        let g = g._unbroadcast(to: yShape)
        let result = Tensor(zeros: shape)
        let width = shape[shape.count - 1]
        let rows = result.scalarCount / Swift.max(width, 1)
        if range.count > 0 {
          for row in 0..<rows {
            (result.buffer.base + (row &* width &+ range.lowerBound)).update(
              from: g.buffer.base + row &* range.count, count: range.count)
          }
        }
        return result
      }
    )
  }

  /// The size of the last axis, after checking that `range` lies within it.
  @inlinable
  func _columnCount(_ range: Range<Int>, _ operation: @autoclosure () -> String) -> Int {
    guard rank >= 1 else {
      fatalError("\(operation()): needs a tensor of rank ≥ 1, got a scalar")
    }
    let width = shape[rank - 1]
    guard range.lowerBound >= 0 && range.upperBound <= width else {
      fatalError(
        "\(operation()): out of bounds for shape \(shape), whose last axis has indices "
          + "0..<\(width)")
    }
    return width
  }
}
