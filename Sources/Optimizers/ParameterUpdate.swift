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

  /// The tensor that stands in the model while a parameter is being updated (see
  /// ``modifyInPlace(_:at:placeholder:_:)``), allocated once.
  @usableFromInline let placeholder = Tensor<Scalar>(0)

  @inlinable
  init(optimizer: String) { self.optimizer = optimizer }

  /// The model's and the gradient's key paths, checked to be equally many.
  @inlinable
  func keyPaths<Model: ParameterGroup>(
    _ model: Model, _ gradient: Model.TangentVector
  ) -> (
    [WritableKeyPath<Model, Tensor<Scalar>>], [WritableKeyPath<Model.TangentVector, Tensor<Scalar>>]
  )
  where Model.Scalar == Scalar {
    let modelPaths = model.parameterKeyPaths
    let gradientPaths = model.tangentKeyPaths
    precondition(
      modelPaths.count == gradientPaths.count,
      "\(optimizer): the model lists \(modelPaths.count) parameter key paths but "
        + "\(gradientPaths.count) tangent key paths")
    return (modelPaths, gradientPaths)
  }

  /// Calls `body(θ, g, gradientStride)` with the scalars θ of `model`'s parameter at `path`,
  /// mutable in place, and those of `gradient`, where gᵢ is at `g[i * gradientStride]`.
  @inlinable
  func callAsFunction<Model>(
    _ model: inout Model, at path: WritableKeyPath<Model, Tensor<Scalar>>,
    index: Int, gradient: Tensor<Scalar>,
    _ body: (UnsafeMutableBufferPointer<Scalar>, UnsafeBufferPointer<Scalar>, Int) -> Void
  ) {
    modifyInPlace(&model, at: path, placeholder: placeholder) { parameter in
      let broadcast = gradient.shape != parameter.shape
      precondition(
        !broadcast || gradient.scalarCount == 1,
        "\(optimizer): gradient of shape \(gradient.shape) for parameter \(index) of shape "
          + "\(parameter.shape) (are parameterKeyPaths and tangentKeyPaths in the same order?)")
      parameter.withUnsafeMutableBufferPointer { theta in
        gradient.withUnsafeBufferPointer { g in body(theta, g, broadcast ? 0 : 1) }
      }
    }
  }
}
