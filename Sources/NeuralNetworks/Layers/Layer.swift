import TensorCore
import _Differentiation

/// A differentiable function of a tensor with trainable parameters: the building block of
/// neural networks.
///
/// A layer is a plain struct: parameters are `var` tensors, settings are `@noDerivative let`,
/// and its gradient (`TangentVector`, synthesised) has the layer's shape. Layers with
/// parameters also conform to `ParameterGroup` (module TensorCore), listing their tensors for
/// an optimiser. A model is a struct of layers with its own `callAsFunction`:
/// ```swift
/// struct Classifier: Layer {
///   var hidden: Dense<Float>
///   var output: Dense<Float>
///
///   @differentiable(reverse)
///   func callAsFunction(_ input: Tensor<Float>) -> Tensor<Float> { output(hidden(input)) }
/// }
/// ```
public protocol Layer: Differentiable {
  /// The scalar type of the layer's tensors: `Float` for training, `Double` for exact checks.
  associatedtype Scalar: TensorScalar

  /// The layer's output for a batch of inputs (the batch along the first axis).
  @differentiable(reverse)
  func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar>
}
