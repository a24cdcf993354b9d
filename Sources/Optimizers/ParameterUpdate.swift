import TensorCore
import _Differentiation

/// The per-parameter loop shared by the optimisers: mutable access to one parameter's scalars,
/// in place, together with its gradient's scalars.
///
/// A gradient may be the rank-0 `zero` that automatic differentiation returns for a parameter
/// that did not influence the loss; it then stands for that scalar everywhere, read through a
/// stride of 0.
@usableFromInline
struct ParameterUpdate<Scalar: TensorScalar> {
  /// The name of the optimiser, for messages.
  @usableFromInline let optimizer: String

  @inlinable
  init(optimizer: String) { self.optimizer = optimizer }

  /// Calls `body(θ, g, gradientStride)` with the scalars θ of `parameter` (the `index`-th),
  /// mutable in place, and those of `gradient`, where gᵢ is at `g[i * gradientStride]`.
  @inlinable
  func callAsFunction(
    _ parameter: inout Tensor<Scalar>, index: Int, gradient: Tensor<Scalar>,
    _ body: (UnsafeMutableBufferPointer<Scalar>, UnsafeBufferPointer<Scalar>, Int) -> Void
  ) {
    let broadcast = gradient.shape != parameter.shape
    userPrecondition(
      !broadcast || gradient.scalarCount == 1,
      "\(optimizer): gradient of shape \(gradient.shape) for parameter \(index) of shape "
        + "\(parameter.shape) (are parameterKeyPaths and tangentKeyPaths in the same order?)")
    parameter.withUnsafeMutableBufferPointer { theta in
      gradient.withUnsafeBufferPointer { g in body(theta, g, broadcast ? 0 : 1) }
    }
  }
}
