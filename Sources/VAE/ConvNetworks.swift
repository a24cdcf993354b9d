import NeuralNetworks
import Optimizers
import TensorCore
import _Differentiation

/// The convolutional encoder of the Keras VAE example, for images whose sides are divisible
/// by 4: two 3×3 convolutions with stride 2 (32 and 64 channels, ReLU, padding 1, so each
/// halves the image), then a dense layer to `hiddenSizes[0]` features with ReLU.
/// ```
/// [B, C·H·W] → [B, C, H, W] → [B, 32, H/2, W/2] → [B, 64, H/4, W/4] → [B, hidden]
/// ```
public struct ConvEncoderNetwork: VAENetwork {
  /// The first convolution: channels → 32, stride 2.
  public var first: Conv2D<Float>
  /// The second convolution: 32 → 64 channels, stride 2.
  public var second: Conv2D<Float>
  /// The dense layer between the feature maps and the latent code.
  public var dense: Dense<Float>
  /// Channels, height and width of an image.
  @noDerivative public let imageShape: [Int]
  @noDerivative public let outputSize: Int

  /// A network for `configuration` in `role`, initialised as PyTorch initialises its layers.
  public init(
    configuration: VAEConfiguration, role: VAENetworkRole,
    using generator: inout some RandomNumberGenerator
  ) {
    userPrecondition(role == .encoder, "ConvEncoderNetwork is an encoder")
    imageShape = [configuration.channels, configuration.height, configuration.width]
    first = Conv2D(
      inputChannels: configuration.channels, outputChannels: 32, kernelSize: 3, stride: 2,
      padding: 1, activation: .relu, using: &generator)
    second = Conv2D(
      inputChannels: 32, outputChannels: 64, kernelSize: 3, stride: 2, padding: 1,
      activation: .relu, using: &generator)
    let features = 64 * (configuration.height / 4) * (configuration.width / 4)
    outputSize = configuration.hiddenSizes[0]
    dense = Dense(inputSize: features, outputSize: outputSize, activation: .relu, using: &generator)
  }

  /// The network on a batch of rows `[B, inputs]`: `[B, outputSize]`.
  @differentiable(reverse)
  public func callAsFunction(_ input: Tensor<Float>) -> Tensor<Float> {
    let batch = withoutDerivative(at: input.shape[0])
    let images = input.reshaped(to: [batch] + imageShape)
    let features = second(first(images))
    return dense(features.reshaped(to: [batch, -1]))
  }

  /// The encoder on images that need no gradient: the first convolution skips its input
  /// gradient.
  @differentiable(reverse, wrt: self)
  public func applied(toData input: Tensor<Float>) -> Tensor<Float> {
    let batch = withoutDerivative(at: input.shape[0])
    let images = input.reshaped(to: [batch] + imageShape)
    let features = second(first.applied(toData: images))
    return dense(features.reshaped(to: [batch, -1]))
  }

  /// The trainable tensors, in the fixed order that optimisers and checkpoints follow.
  public var parameterKeyPaths: [WritableKeyPath<Self, Tensor<Float>>] {
    parameterKeyPaths(of: \.first) + parameterKeyPaths(of: \.second)
      + parameterKeyPaths(of: \.dense)
  }

  /// The gradients of the tensors of ``parameterKeyPaths``, in the same order.
  public var tangentKeyPaths: [WritableKeyPath<TangentVector, Tensor<Float>>] {
    tangentKeyPaths(of: \.first, \.first) + tangentKeyPaths(of: \.second, \.second)
      + tangentKeyPaths(of: \.dense, \.dense)
  }

  /// The names of the tensors in checkpoints, in the order of ``parameterKeyPaths``.
  public var parameterNames: [String] {
    ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "dense.weight", "dense.bias"]
  }
}

/// The convolutional decoder of the Keras VAE example, mirroring ``ConvEncoderNetwork``: a
/// dense layer to 64 × H/4 × W/4 with ReLU, two 3×3 transposed convolutions with stride 2
/// (64 → 64 → 32 channels, ReLU, padding 1, output padding 1, so each doubles the image), and a
/// 3×3 transposed convolution with stride 1 to the image's channels, without activation.
public struct ConvDecoderNetwork: VAENetwork {
  /// The dense layer between the feature maps and the latent code.
  public var dense: Dense<Float>
  /// The first transposed convolution: 64 → 64 channels, stride 2.
  public var first: ConvTranspose2D<Float>
  /// The second transposed convolution: 64 → 32 channels, stride 2.
  public var second: ConvTranspose2D<Float>
  /// The last transposed convolution: 32 channels → the image's, stride 1, no activation.
  public var output: ConvTranspose2D<Float>
  /// The shape [64, H/4, W/4] of the dense layer's output as feature maps.
  @noDerivative public let featureShape: [Int]
  @noDerivative public let outputSize: Int

  /// A network for `configuration` in `role`, initialised as PyTorch initialises its layers.
  public init(
    configuration: VAEConfiguration, role: VAENetworkRole,
    using generator: inout some RandomNumberGenerator
  ) {
    userPrecondition(role == .decoder, "ConvDecoderNetwork is a decoder")
    featureShape = [64, configuration.height / 4, configuration.width / 4]
    dense = Dense(
      inputSize: configuration.latentDimension, outputSize: featureShape.reduce(1, *),
      activation: .relu, using: &generator)
    first = ConvTranspose2D(
      inputChannels: 64, outputChannels: 64, kernelSize: 3, stride: 2, padding: 1,
      outputPadding: 1, activation: .relu, using: &generator)
    second = ConvTranspose2D(
      inputChannels: 64, outputChannels: 32, kernelSize: 3, stride: 2, padding: 1,
      outputPadding: 1, activation: .relu, using: &generator)
    output = ConvTranspose2D(
      inputChannels: 32, outputChannels: configuration.channels, kernelSize: 3, stride: 1,
      padding: 1, using: &generator)
    outputSize = configuration.inputSize
  }

  /// The network on a batch of rows `[B, inputs]`: `[B, outputSize]`.
  @differentiable(reverse)
  public func callAsFunction(_ input: Tensor<Float>) -> Tensor<Float> {
    let batch = withoutDerivative(at: input.shape[0])
    let features = dense(input).reshaped(to: [batch] + featureShape)
    return output(second(first(features))).reshaped(to: [batch, -1])
  }

  /// The trainable tensors, in the fixed order that optimisers and checkpoints follow.
  public var parameterKeyPaths: [WritableKeyPath<Self, Tensor<Float>>] {
    parameterKeyPaths(of: \.dense) + parameterKeyPaths(of: \.first)
      + parameterKeyPaths(of: \.second) + parameterKeyPaths(of: \.output)
  }

  /// The gradients of the tensors of ``parameterKeyPaths``, in the same order.
  public var tangentKeyPaths: [WritableKeyPath<TangentVector, Tensor<Float>>] {
    tangentKeyPaths(of: \.dense, \.dense) + tangentKeyPaths(of: \.first, \.first)
      + tangentKeyPaths(of: \.second, \.second) + tangentKeyPaths(of: \.output, \.output)
  }

  /// The names of the tensors in checkpoints, in the order of ``parameterKeyPaths``.
  public var parameterNames: [String] {
    [
      "dense.weight", "dense.bias", "deconv1.weight", "deconv1.bias", "deconv2.weight",
      "deconv2.bias", "output.weight", "output.bias",
    ]
  }
}
