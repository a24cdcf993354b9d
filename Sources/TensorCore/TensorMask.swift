import _Differentiation

/// A boolean tensor: the result of comparing tensors elementwise.
///
/// Comparisons are not differentiable, and this is visible in the types: a `TensorMask` is not
/// `Differentiable`, so it cannot be the result of a differentiable function and no gradient
/// silently becomes zero through it. A mask enters differentiable code only as a
/// non-differentiable argument, as in ``Tensor/replacing(with:where:)``.
public struct TensorMask: Equatable, Sendable, CustomStringConvertible {
  /// The size of each axis.
  public let shape: [Int]
  /// The booleans in row-major order.
  public let values: [Bool]

  /// Creates a mask of the given shape from booleans in row-major order.
  public init(shape: [Int], values: [Bool]) {
    userPrecondition(
      values.count == shape.elementCount,
      "TensorMask(shape:values:): shape \(shape) needs \(shape.elementCount) values, got "
        + "\(values.count)")
    self.shape = shape
    self.values = values
  }

  /// The number of `true` entries.
  public var trueCount: Int { values.reduce(0) { $0 + ($1 ? 1 : 0) } }

  /// Elementwise negation.
  public static prefix func ! (mask: TensorMask) -> TensorMask {
    TensorMask(shape: mask.shape, values: mask.values.map { !$0 })
  }

  /// Elementwise conjunction (shapes must match).
  public static func && (lhs: TensorMask, rhs: TensorMask) -> TensorMask {
    userPrecondition(lhs.shape == rhs.shape, "&&: masks \(lhs.shape) and \(rhs.shape) differ")
    return TensorMask(shape: lhs.shape, values: zip(lhs.values, rhs.values).map { $0 && $1 })
  }

  /// Elementwise disjunction (shapes must match).
  public static func || (lhs: TensorMask, rhs: TensorMask) -> TensorMask {
    userPrecondition(lhs.shape == rhs.shape, "||: masks \(lhs.shape) and \(rhs.shape) differ")
    return TensorMask(shape: lhs.shape, values: zip(lhs.values, rhs.values).map { $0 || $1 })
  }

  /// The shape and the first 16 values.
  public var description: String { "TensorMask\(shape)(\(values.prefix(16)))" }
}

infix operator .< : ComparisonPrecedence
infix operator .<= : ComparisonPrecedence
infix operator .> : ComparisonPrecedence
infix operator .>= : ComparisonPrecedence
infix operator .== : ComparisonPrecedence
infix operator .!= : ComparisonPrecedence

extension Tensor {
  @inlinable
  func _compare(_ other: Tensor, _ operation: String, _ f: (Scalar, Scalar) -> Bool) -> TensorMask {
    let ones = _zip(other, operation: operation) { f($0, $1) ? 1 : 0 }
    return TensorMask(shape: ones.shape, values: ones.scalars.map { $0 != 0 })
  }

  /// Elementwise `<`, broadcasting; not differentiable.
  @inlinable
  public static func .< (lhs: Tensor, rhs: Tensor) -> TensorMask { lhs._compare(rhs, ".<", <) }
  /// Elementwise `≤`, broadcasting; not differentiable.
  @inlinable
  public static func .<= (lhs: Tensor, rhs: Tensor) -> TensorMask { lhs._compare(rhs, ".<=", <=) }
  /// Elementwise `>`, broadcasting; not differentiable.
  @inlinable
  public static func .> (lhs: Tensor, rhs: Tensor) -> TensorMask { lhs._compare(rhs, ".>", >) }
  /// Elementwise `≥`, broadcasting; not differentiable.
  @inlinable
  public static func .>= (lhs: Tensor, rhs: Tensor) -> TensorMask { lhs._compare(rhs, ".>=", >=) }
  /// Elementwise `==`, broadcasting; not differentiable.
  @inlinable
  public static func .== (lhs: Tensor, rhs: Tensor) -> TensorMask { lhs._compare(rhs, ".==", ==) }
  /// Elementwise `≠`, broadcasting; not differentiable.
  @inlinable
  public static func .!= (lhs: Tensor, rhs: Tensor) -> TensorMask { lhs._compare(rhs, ".!=", !=) }

  /// `other` where `mask` is true and `self` elsewhere (all three of the same shape).
  ///
  /// Differentiable in `self` and `other`: the gradient flows to whichever tensor supplied each
  /// element; the mask, a comparison result, gets none.
  @inlinable
  @differentiable(reverse, wrt: (self, other))
  public func replacing(with other: Tensor, where mask: TensorMask) -> Tensor {
    userPrecondition(
      shape == other.shape && shape == mask.shape,
      "replacing(with:where:): shapes \(shape), \(other.shape) and mask \(mask.shape) differ")
    let result = Tensor(uninitializedShape: shape)
    for i in 0..<scalarCount {
      result.buffer.base[i] = mask.values[i] ? other.buffer.base[i] : buffer.base[i]
    }
    return result
  }

  @inlinable
  @derivative(of: replacing, wrt: (self, other))
  func _vjpReplacing(with other: Tensor, where mask: TensorMask) -> (
    value: Tensor, pullback: (Tensor) -> (Tensor, Tensor)
  ) {
    let shape = self.shape
    return (
      replacing(with: other, where: mask),
      { g in
        let g = g._unbroadcast(to: shape)
        let zeros = Tensor(zeros: shape)
        return (zeros.replacing(with: g, where: !mask), zeros.replacing(with: g, where: mask))
      }
    )
  }
}
