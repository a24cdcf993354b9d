import TensorCore
import _Differentiation

/// A 2-D convolution layer over NCHW images: y = f(conv(x, W) + b), as PyTorch's `nn.Conv2d`
/// with square kernels, equal stride and padding along both axes, no dilation and no groups.
///
/// ```
/// x: [batch, inputChannels, height, width]
/// W: [outputChannels, inputChannels, k, k],  b: [outputChannels]
/// y: [batch, outputChannels, (height + 2p − k)/s + 1, (width + 2p − k)/s + 1]
/// ```
/// See ``conv2D(_:weight:bias:stride:padding:)`` for the computation (im2col and a matrix
/// product) and its hand-written gradient.
public struct Conv2D<Scalar: TensorScalar>: Layer {
  /// The filters W, `[outputChannels, inputChannels, k, k]` (PyTorch's layout).
  public var weight: Tensor<Scalar>
  /// The bias b, `[outputChannels]`.
  public var bias: Tensor<Scalar>
  /// The step s between kernel positions.
  @noDerivative public let stride: Int
  /// The zeros p added on every side of the input.
  @noDerivative public let padding: Int
  /// The activation f applied after the bias.
  @noDerivative public let activation: Activation

  /// A layer with the given parameters.
  ///
  /// - Precondition: `weight` is `[out, in, k, k]` and `bias` is `[out]`; s ≥ 1, p ≥ 0.
  @inlinable
  @differentiable(reverse, wrt: (weight, bias))
  public init(
    weight: Tensor<Scalar>, bias: Tensor<Scalar>, stride: Int = 1, padding: Int = 0,
    activation: Activation = .identity
  ) {
    userPrecondition(
      weight.rank == 4 && weight.shape[2] == weight.shape[3] && bias.shape == [weight.shape[0]],
      "Conv2D: weight \(weight.shape) and bias \(bias.shape) need shapes [out, in, k, k], [out]")
    userPrecondition(stride > 0 && padding >= 0, "Conv2D: stride \(stride), padding \(padding)")
    self.weight = weight
    self.bias = bias
    self.stride = stride
    self.padding = padding
    self.activation = activation
  }

  /// A layer initialised as PyTorch's `nn.Conv2d`: weight and bias uniform on
  /// (−1/√fanIn, 1/√fanIn) with fanIn = inputChannels · k² (Kaiming-uniform with a = √5, see
  /// `Tensor(fanInUniform:fanIn:using:)`).
  @inlinable
  public init(
    inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1,
    padding: Int = 0, activation: Activation = .identity,
    using generator: inout some RandomNumberGenerator
  ) {
    userPrecondition(
      inputChannels > 0 && outputChannels > 0 && kernelSize > 0,
      "Conv2D: channels \(inputChannels) → \(outputChannels) and kernel size \(kernelSize) "
        + "must be positive")
    let fanIn = inputChannels * kernelSize * kernelSize
    self.init(
      weight: Tensor(
        fanInUniform: [outputChannels, inputChannels, kernelSize, kernelSize], fanIn: fanIn,
        using: &generator),
      bias: Tensor(fanInUniform: [outputChannels], fanIn: fanIn, using: &generator),
      stride: stride, padding: padding, activation: activation)
  }

  /// f(conv(x, W) + b) for `input` of shape `[batch, inputChannels, height, width]`.
  @inlinable
  @differentiable(reverse)
  public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
    activation(conv2D(input, weight: weight, bias: bias, stride: stride, padding: padding))
  }

  /// f(conv(x, W) + b) for data `input` that needs no gradient (a network's images):
  /// differentiable with respect to the parameters only, so the pullback skips the input's
  /// gradient (one of the convolution's three products).
  @inlinable
  @differentiable(reverse, wrt: self)
  public func applied(toData input: Tensor<Scalar>) -> Tensor<Scalar> {
    activation(
      conv2D(
        withoutDerivative(at: input), weight: weight, bias: bias, stride: stride,
        padding: padding))
  }

  /// The output height and width for an input of the given height and width.
  @inlinable
  public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
    let k = weight.shape[2]
    return ((height + 2 * padding - k) / stride + 1, (width + 2 * padding - k) / stride + 1)
  }
}

extension Conv2D: ParameterGroup {
  /// `weight`, then `bias`.
  @inlinable
  public var parameterKeyPaths: [WritableKeyPath<Conv2D, Tensor<Scalar>>] { [\.weight, \.bias] }

  /// The gradients of `weight` and `bias`.
  @inlinable
  public var tangentKeyPaths: [WritableKeyPath<TangentVector, Tensor<Scalar>>] {
    [\.weight, \.bias]
  }
}
