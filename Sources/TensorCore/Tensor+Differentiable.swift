import _Differentiation

extension Tensor: AdditiveArithmetic {
  /// The additive identity: a rank-0 zero, which broadcasts against every shape.
  ///
  /// Automatic differentiation uses it as the gradient of values that do not influence the
  /// result, so a gradient can come back as a rank-0 zero instead of a zero tensor of the
  /// parameter's shape. Broadcasting makes both behave the same in arithmetic.
  @inlinable
  public static var zero: Tensor { Tensor(0) }
}

extension Tensor: Differentiable {
  /// A tensor's gradient is a tensor of the same shape (or a broadcastable rank-0 zero).
  public typealias TangentVector = Tensor

  /// Adds `offset` to `self`, broadcasting it to `self`'s shape.
  @inlinable
  public mutating func move(by offset: Tensor) {
    if offset.rank == 0 && offset.buffer.base[0] == 0 { return }
    self = (self + offset)._requireShape(shape, "move(by:)")
  }

  @inlinable
  func _requireShape(_ expected: [Int], _ operation: String) -> Tensor {
    userPrecondition(shape == expected, "\(operation): result \(shape), expected \(expected)")
    return self
  }
}

extension Tensor {
  /// `self` with its gradient stopped: the result has the same value, and nothing flows back.
  @inlinable
  public var detached: Tensor { withoutDerivative(at: self) }
}
