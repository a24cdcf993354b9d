import TensorCore

// Scalar loops and shape helpers shared by this module's primitives, written on TensorCore's
// public API (`withUnsafeBufferPointer`, `Tensor(shape:scalars:)`, …).

extension Tensor {
  /// `f` applied to every scalar.
  @inlinable
  func _mapScalars(_ f: (Scalar) -> Scalar) -> Tensor {
    var result = Tensor(zeros: shape)
    withUnsafeBufferPointer { x in
      result.withUnsafeMutableBufferPointer { y in
        for i in 0..<x.count { y[i] = f(x[i]) }
      }
    }
    return result
  }

  /// `f` applied to pairs of scalars of two tensors of the same shape.
  @inlinable
  static func _zipScalars(
    _ a: Tensor, _ b: Tensor, _ f: (Scalar, Scalar) -> Scalar
  ) -> Tensor {
    precondition(a.shape == b.shape, "shapes \(a.shape) and \(b.shape) differ")
    var result = Tensor(zeros: a.shape)
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        result.withUnsafeMutableBufferPointer { c in
          for i in 0..<c.count { c[i] = f(a[i], b[i]) }
        }
      }
    }
    return result
  }

  /// `self`, an incoming gradient, at `shape`: itself if it has that shape, or filled with its
  /// one scalar if it is the rank-0 `zero` (or any single scalar) that stands for a constant.
  @inlinable
  func _expanded(to shape: [Int]) -> Tensor {
    if self.shape == shape { return self }
    precondition(
      scalarCount == 1, "pullback: gradient of shape \(self.shape) for a result of shape \(shape)")
    return Tensor(repeating: withUnsafeBufferPointer { $0[0] }, shape: shape)
  }
}
