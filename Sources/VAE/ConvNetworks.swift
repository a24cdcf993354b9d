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
  public var first: Conv2D<Float>
  public var second: Conv2D<Float>
  public var dense: Dense<Float>
  @noDerivative public let imageShape: [Int]
  @noDerivative public let outputSize: Int

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

  public var parameterKeyPaths: [WritableKeyPath<Self, Tensor<Float>>] {
    parameterKeyPaths(of: \.first) + parameterKeyPaths(of: \.second)
      + parameterKeyPaths(of: \.dense)
  }

  public var tangentKeyPaths: [WritableKeyPath<TangentVector, Tensor<Float>>] {
    tangentKeyPaths(of: \.first, \.first) + tangentKeyPaths(of: \.second, \.second)
      + tangentKeyPaths(of: \.dense, \.dense)
  }

  public var parameterNames: [String] {
    ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "dense.weight", "dense.bias"]
  }
}

/// The convolutional decoder of the Keras VAE example, mirroring ``ConvEncoderNetwork``: a
/// dense layer to 64 × H/4 × W/4 with ReLU, two 3×3 transposed convolutions with stride 2
/// (64 → 64 → 32 channels, ReLU, padding 1, output padding 1, so each doubles the image), and a
/// 3×3 transposed convolution with stride 1 to the image's channels, without activation.
public struct ConvDecoderNetwork: VAENetwork {
  public var dense: Dense<Float>
  public var first: ConvTranspose2D<Float>
  public var second: ConvTranspose2D<Float>
  public var output: ConvTranspose2D<Float>
  @noDerivative public let featureShape: [Int]
  @noDerivative public let outputSize: Int

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

  @differentiable(reverse)
  public func callAsFunction(_ input: Tensor<Float>) -> Tensor<Float> {
    let batch = withoutDerivative(at: input.shape[0])
    let features = dense(input).reshaped(to: [batch] + featureShape)
    return output(second(first(features))).reshaped(to: [batch, -1])
  }

  public var parameterKeyPaths: [WritableKeyPath<Self, Tensor<Float>>] {
    parameterKeyPaths(of: \.dense) + parameterKeyPaths(of: \.first)
      + parameterKeyPaths(of: \.second) + parameterKeyPaths(of: \.output)
  }

  public var tangentKeyPaths: [WritableKeyPath<TangentVector, Tensor<Float>>] {
    tangentKeyPaths(of: \.dense, \.dense) + tangentKeyPaths(of: \.first, \.first)
      + tangentKeyPaths(of: \.second, \.second) + tangentKeyPaths(of: \.output, \.output)
  }

  public var parameterNames: [String] {
    [
      "dense.weight", "dense.bias", "deconv1.weight", "deconv1.bias", "deconv2.weight",
      "deconv2.bias", "output.weight", "output.bias",
    ]
  }
}
