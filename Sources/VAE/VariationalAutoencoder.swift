import Distributions
import NeuralNetworks
import Optimizers
import TensorCore
import _Differentiation

/// A variational autoencoder (Kingma & Welling 2014, "Auto-Encoding Variational Bayes").
///
/// - prior p(z) = N(0, I);
/// - encoder q_φ(z | x) = N(μ_φ(x), diag σ²_φ(x)), where the ``encoder`` network maps an image
///   to features and the ``encoderHead`` maps those to μ and log σ² (one dense layer with 2·d
///   outputs, split in two);
/// - decoder p_θ(x | z), Bernoulli with logits or Gaussian with mean ``decoder``(z).
///
/// `Encoder` and `Decoder` are the networks of the chosen architecture: ``MLPNetwork`` for
/// both, or ``ConvEncoderNetwork`` and ``ConvDecoderNetwork``. Images enter and leave flat,
/// `[batch, channels·height·width]`, with pixels in [0, 1].
public struct VariationalAutoencoder<Encoder: VAENetwork, Decoder: VAENetwork>: ParameterGroup {
  /// The networks compute in single precision.
  public typealias Scalar = Float

  /// The model's shape; not a parameter.
  @noDerivative public let configuration: VAEConfiguration
  /// Image → features.
  public var encoder: Encoder
  /// Features → [μ, log σ²], `[batch, 2·latentDimension]`.
  public var encoderHead: Dense<Float>
  /// z → decoder output (logits or means), `[batch, inputSize]`.
  public var decoder: Decoder
  /// log σ of a Gaussian likelihood: shape `[1]` (shared) or `[inputSize]` (per pixel).
  /// It receives no gradient unless the likelihood learns σ, so an optimiser leaves it alone;
  /// it is unused by the Bernoulli likelihood.
  public var logScale: Tensor<Float>

  /// A new model with PyTorch's default initialisation, drawn from `generator`.
  public init(
    configuration: VAEConfiguration, using generator: inout some RandomNumberGenerator
  ) {
    self.configuration = configuration
    encoder = Encoder(configuration: configuration, role: .encoder, using: &generator)
    encoderHead = Dense(
      inputSize: encoder.outputSize, outputSize: 2 * configuration.latentDimension,
      using: &generator)
    decoder = Decoder(configuration: configuration, role: .decoder, using: &generator)
    let scaleCount =
      configuration.likelihood == .gaussianPerPixelScale ? configuration.inputSize : 1
    let initialScale =
      configuration.likelihood == .gaussian ? Float.log(configuration.fixedStandardDeviation) : 0
    logScale = Tensor(repeating: initialScale, shape: [scaleCount])
  }

  /// The parameters an optimiser updates, in a fixed order (also the checkpoint's order).
  public var parameterKeyPaths: [WritableKeyPath<Self, Tensor<Float>>] {
    parameterKeyPaths(of: \.encoder) + parameterKeyPaths(of: \.encoderHead)
      + parameterKeyPaths(of: \.decoder) + [\.logScale]
  }

  /// The gradient's tensors, in the order of ``parameterKeyPaths``.
  public var tangentKeyPaths: [WritableKeyPath<TangentVector, Tensor<Float>>] {
    tangentKeyPaths(of: \.encoder, \.encoder) + tangentKeyPaths(of: \.encoderHead, \.encoderHead)
      + tangentKeyPaths(of: \.decoder, \.decoder) + [\.logScale]
  }

  /// The parameters in the order of ``parameterKeyPaths``, passed directly (an optimiser's
  /// step builds no key paths).
  public mutating func updateParameters(
    along gradient: TangentVector,
    _ body: (_ index: Int, _ parameter: inout Tensor<Float>, _ gradient: Tensor<Float>) -> Void
  ) {
    var next = TensorCore.updateParameters(
      of: &encoder, along: gradient.encoder, numberingFrom: 0, body)
    next = TensorCore.updateParameters(
      of: &encoderHead, along: gradient.encoderHead, numberingFrom: next, body)
    next = TensorCore.updateParameters(
      of: &decoder, along: gradient.decoder, numberingFrom: next, body)
    body(next, &logScale, gradient.logScale)
  }

  /// A name for each parameter, in the order of ``parameterKeyPaths``: the names of the
  /// tensors in `checkpoint.safetensors` (`encoder.0.weight`, `encoder_head.bias`, …).
  public var parameterNames: [String] {
    encoder.parameterNames.map { "encoder." + $0 } + ["encoder_head.weight", "encoder_head.bias"]
      + decoder.parameterNames.map { "decoder." + $0 } + ["log_scale"]
  }

  /// Whether the likelihood's σ is learned.
  public var learnsScale: Bool {
    configuration.likelihood == .gaussianLearnedScale
      || configuration.likelihood == .gaussianPerPixelScale
  }

  /// q_φ(z | x) for images `x` (`[batch, inputSize]`): N(μ, diag σ²) per image, from the
  /// encoder head's packed `[μ | log σ²]`. The images are data, so the encoder's first layer
  /// skips its input's gradient.
  @differentiable(reverse, wrt: self)
  public func encode(_ x: Tensor<Float>) -> DiagonalNormal {
    DiagonalNormal(packed: encoderHead(encoder.applied(toData: x)))
  }

  /// z = μ + σ ⊙ ε with σ = exp(½ log σ²): the reparameterisation trick, which makes a sample
  /// of q differentiable in μ and σ. `noise` is `[L·batch, latentDimension]`, L draws per
  /// image, sample-major; the fused `DiagonalNormal.sample(noise:)` (Distributions) does the work.
  @differentiable(reverse, wrt: posterior)
  public static func reparameterize(_ posterior: DiagonalNormal, noise: Tensor<Float>)
    -> Tensor<Float>
  {
    posterior.sample(noise: noise)
  }

  /// The decoder's output for latent codes z: Bernoulli logits or Gaussian means,
  /// `[batch, inputSize]`.
  @differentiable(reverse)
  public func decode(_ z: Tensor<Float>) -> Tensor<Float> {
    decoder(z)
  }

  /// The mean of p_θ(x | z): σ(logits) for Bernoulli, the decoder output for Gaussian.
  public func decodedMean(_ z: Tensor<Float>) -> Tensor<Float> {
    let output = decode(z)
    return configuration.likelihood == .bernoulli ? sigmoid(output) : output
  }
}
