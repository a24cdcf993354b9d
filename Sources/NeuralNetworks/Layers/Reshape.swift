import TensorCore
import _Differentiation

/// A layer without parameters that reshapes every example of a batch, keeping the batch axis:
/// `[batch, …] → [batch] + shape`. Reshaping is free (the storage is shared).
///
/// ```swift
/// let flatten = Reshape<Float>.flatten            // [n, 64, 7, 7] → [n, 3136]
/// let unflatten = Reshape<Float>(to: [64, 7, 7])  // [n, 3136] → [n, 64, 7, 7]
/// ```
public struct Reshape<Scalar: TensorScalar>: Layer {
  /// The shape of one example after reshaping; one entry may be −1, meaning "whatever size
  /// keeps the count".
  @noDerivative public let shape: [Int]

  /// A layer reshaping each example to `shape` (one entry may be −1).
  @inlinable
  public init(to shape: [Int]) {
    userPrecondition(
      shape.filter { $0 == -1 }.count <= 1 && shape.allSatisfy { $0 > 0 || $0 == -1 },
      "Reshape: shape \(shape) needs positive sizes and at most one −1")
    self.shape = shape
  }

  /// The layer that flattens each example to a vector: `[batch, …] → [batch, −1]`.
  @inlinable
  public static var flatten: Reshape { Reshape(to: [-1]) }

  /// `input` with each example reshaped.
  @inlinable
  @differentiable(reverse)
  public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
    input.reshaped(to: Reshape._batchShape(of: withoutDerivative(at: input).shape, shape))
  }

  /// `[batch] + shape` for an input of shape `inputShape` (outside differentiable code).
  @inlinable
  static func _batchShape(of inputShape: [Int], _ shape: [Int]) -> [Int] {
    userPrecondition(!inputShape.isEmpty, "Reshape: input needs a batch axis, got a scalar")
    return [inputShape[0]] + shape
  }
}
