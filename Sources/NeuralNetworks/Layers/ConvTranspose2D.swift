import TensorCore
import _Differentiation

/// A 2-D transposed convolution layer over NCHW images, y = f(convᵀ(x, W) + b): the upsampling
/// layer of convolutional decoders, as PyTorch's `nn.ConvTranspose2d` with square kernels,
/// equal stride and padding along both axes, no dilation and no groups.
///
/// ```
/// x: [batch, inputChannels, height, width]
/// W: [inputChannels, outputChannels, k, k],  b: [outputChannels]
/// y: [batch, outputChannels, (height − 1)s − 2p + k + outputPadding, (same for width)]
/// ```
/// With k = 4, s = 2, p = 1 it doubles the height and width. See
/// ``transposedConv2D(_:weight:bias:stride:padding:outputPadding:)`` for the computation and
/// its hand-written gradient.
public struct ConvTranspose2D<Scalar: TensorScalar>: Layer {
  /// The filters W, `[inputChannels, outputChannels, k, k]` (PyTorch's layout).
  public var weight: Tensor<Scalar>
  /// The bias b, `[outputChannels]`.
  public var bias: Tensor<Scalar>
  /// The stride s: the upsampling factor.
  @noDerivative public let stride: Int
  /// The padding p removed from every side of the full output.
  @noDerivative public let padding: Int
  /// Extra rows and columns (< s) at the bottom and right of the output.
  @noDerivative public let outputPadding: Int
  /// The activation f applied after the bias.
  @noDerivative public let activation: Activation

  /// A layer with the given parameters.
  ///
  /// - Precondition: `weight` is `[in, out, k, k]` and `bias` is `[out]`; s ≥ 1, p ≥ 0,
  ///   0 ≤ outputPadding < s.
  @inlinable
  @differentiable(reverse, wrt: (weight, bias))
  public init(
    weight: Tensor<Scalar>, bias: Tensor<Scalar>, stride: Int = 1, padding: Int = 0,
    outputPadding: Int = 0, activation: Activation = .identity
  ) {
    userPrecondition(
      weight.rank == 4 && weight.shape[2] == weight.shape[3] && bias.shape == [weight.shape[1]],
      "ConvTranspose2D: weight \(weight.shape) and bias \(bias.shape) need shapes "
        + "[in, out, k, k], [out]")
    userPrecondition(
      stride > 0 && padding >= 0 && outputPadding >= 0 && outputPadding < stride,
      "ConvTranspose2D: stride \(stride), padding \(padding), outputPadding \(outputPadding)")
    self.weight = weight
    self.bias = bias
    self.stride = stride
    self.padding = padding
    self.outputPadding = outputPadding
    self.activation = activation
  }

  /// A layer initialised as PyTorch's `nn.ConvTranspose2d`: weight and bias uniform on
  /// (−1/√fanIn, 1/√fanIn) where, as PyTorch computes it from the weight's second axis,
  /// fanIn = **outputChannels** · k².
  @inlinable
  public init(
    inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1,
    padding: Int = 0, outputPadding: Int = 0, activation: Activation = .identity,
    using generator: inout some RandomNumberGenerator
  ) {
    userPrecondition(
      inputChannels > 0 && outputChannels > 0 && kernelSize > 0,
      "ConvTranspose2D: channels \(inputChannels) → \(outputChannels) and kernel size "
        + "\(kernelSize) must be positive")
    let fanIn = outputChannels * kernelSize * kernelSize
    self.init(
      weight: Tensor(
        fanInUniform: [inputChannels, outputChannels, kernelSize, kernelSize], fanIn: fanIn,
        using: &generator),
      bias: Tensor(fanInUniform: [outputChannels], fanIn: fanIn, using: &generator),
      stride: stride, padding: padding, outputPadding: outputPadding, activation: activation)
  }

  /// f(convᵀ(x, W) + b) for `input` of shape `[batch, inputChannels, height, width]`.
  @inlinable
  @differentiable(reverse)
  public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
    activation(
      transposedConv2D(
        input, weight: weight, bias: bias, stride: stride, padding: padding,
        outputPadding: outputPadding))
  }

  /// The output height and width for an input of the given height and width.
  @inlinable
  public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
    let k = weight.shape[2]
    return (
      (height - 1) * stride - 2 * padding + k + outputPadding,
      (width - 1) * stride - 2 * padding + k + outputPadding
    )
  }
}

extension ConvTranspose2D: ParameterGroup {
  /// `weight`, then `bias`.
  @inlinable
  public var parameterKeyPaths: [WritableKeyPath<ConvTranspose2D, Tensor<Scalar>>] {
    [\.weight, \.bias]
  }

  /// The gradients of `weight` and `bias`.
  @inlinable
  public var tangentKeyPaths: [WritableKeyPath<TangentVector, Tensor<Scalar>>] {
    [\.weight, \.bias]
  }
}
