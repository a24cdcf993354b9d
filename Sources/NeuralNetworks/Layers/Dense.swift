import TensorCore
import _Differentiation

/// A fully connected layer: y = f(x·W + b) for a batch of row vectors x.
///
/// The weight is stored as `[inputSize, outputSize]`, so the forward pass is one matrix product
/// with no transpose, followed by the bias and activation in place on its result
/// (``dense(_:weight:bias:activation:)``):
/// ```
/// x: [batch, inputSize],  W: [inputSize, outputSize],  b: [outputSize],
/// y = f(x·W + b): [batch, outputSize]
/// ```
/// PyTorch's `nn.Linear` stores the transpose, `[outputSize, inputSize]`: transpose its
/// `weight` when importing.
public struct Dense<Scalar: TensorScalar>: Layer {
  /// The weight matrix W, `[inputSize, outputSize]`.
  public var weight: Tensor<Scalar>
  /// The bias b, `[outputSize]`.
  public var bias: Tensor<Scalar>
  /// The activation f applied after the bias.
  @noDerivative public let activation: Activation

  /// A layer with the given parameters.
  ///
  /// - Precondition: `weight` is a matrix and `bias` a vector of its column count.
  @inlinable
  @differentiable(reverse, wrt: (weight, bias))
  public init(weight: Tensor<Scalar>, bias: Tensor<Scalar>, activation: Activation = .identity) {
    userPrecondition(
      weight.rank == 2 && bias.shape == [weight.shape[1]],
      "Dense: weight \(weight.shape) and bias \(bias.shape) need shapes [in, out] and [out]")
    self.weight = weight
    self.bias = bias
    self.activation = activation
  }

  /// A layer initialised as PyTorch's `nn.Linear`: weight and bias uniform on
  /// (−1/√inputSize, 1/√inputSize) (see `Tensor(fanInUniform:fanIn:using:)`).
  @inlinable
  public init(
    inputSize: Int, outputSize: Int, activation: Activation = .identity,
    using generator: inout some RandomNumberGenerator
  ) {
    userPrecondition(
      inputSize > 0 && outputSize > 0,
      "Dense: sizes \(inputSize) → \(outputSize) must be positive")
    weight = Tensor(fanInUniform: [inputSize, outputSize], fanIn: inputSize, using: &generator)
    bias = Tensor(fanInUniform: [outputSize], fanIn: inputSize, using: &generator)
    self.activation = activation
  }

  /// The number of inputs, the rows of ``weight``.
  @inlinable public var inputSize: Int { weight.shape[0] }

  /// The number of outputs, the columns of ``weight``.
  @inlinable public var outputSize: Int { weight.shape[1] }

  /// f(x·W + b) for `input` of shape `[batch, inputSize]`.
  @inlinable
  @differentiable(reverse)
  public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
    dense(input, weight: weight, bias: bias, activation: activation)
  }

  /// f(x·W + b) for data `input` that needs no gradient: differentiable with respect to the
  /// parameters only, so the pullback skips the input's gradient (one matrix product).
  @inlinable
  @differentiable(reverse, wrt: self)
  public func applied(toData input: Tensor<Scalar>) -> Tensor<Scalar> {
    dense(withoutDerivative(at: input), weight: weight, bias: bias, activation: activation)
  }
}

extension Dense: ParameterGroup {
  /// `weight`, then `bias`.
  @inlinable
  public var parameterKeyPaths: [WritableKeyPath<Dense, Tensor<Scalar>>] { [\.weight, \.bias] }

  /// The gradients of `weight` and `bias`.
  @inlinable
  public var tangentKeyPaths: [WritableKeyPath<TangentVector, Tensor<Scalar>>] {
    [\.weight, \.bias]
  }

  /// `weight`, then `bias`, passed directly.
  @inlinable
  public mutating func updateParameters(
    along gradient: TangentVector,
    _ body: (_ index: Int, _ parameter: inout Tensor<Scalar>, _ gradient: Tensor<Scalar>) -> Void
  ) {
    body(0, &weight, gradient.weight)
    body(1, &bias, gradient.bias)
  }
}
