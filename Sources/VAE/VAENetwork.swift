import NeuralNetworks
import Optimizers
import TensorCore
import _Differentiation

/// Which side of the autoencoder a network is.
public enum VAENetworkRole: Sendable {
  /// Image (flat) → features.
  case encoder
  /// Latent code → decoder output (flat), one value per pixel.
  case decoder
}

/// An encoder or decoder network of a ``VariationalAutoencoder``: a layer on flat `Float`
/// tensors, built from a ``VAEConfiguration``, whose parameters are listed for the optimiser
/// and named for checkpoints.
public protocol VAENetwork: Layer, ParameterGroup where Scalar == Float {
  /// Builds the network for `role`, initialised as PyTorch initialises its layers.
  init(
    configuration: VAEConfiguration, role: VAENetworkRole,
    using generator: inout some RandomNumberGenerator)

  /// The size of the output's second axis.
  var outputSize: Int { get }

  /// A name for each parameter, in the order of `parameterKeyPaths` (e.g. `0.weight`).
  var parameterNames: [String] { get }

  /// The network applied to data that needs no gradient (the encoder's images): the same
  /// values as `callAsFunction`, differentiable with respect to the parameters only, so that
  /// a network may skip its input's gradient.
  @differentiable(reverse, wrt: self)
  func applied(toData input: Tensor<Float>) -> Tensor<Float>
}

extension VAENetwork {
  /// `self(input)`, with the input's gradient computed and dropped.
  @differentiable(reverse, wrt: self)
  public func applied(toData input: Tensor<Float>) -> Tensor<Float> {
    self(withoutDerivative(at: input))
  }
}

/// Fully connected layers: `inputSize → hidden₁ → … → hiddenₙ` with ReLU for the encoder, and
/// `latent → hiddenₙ → … → hidden₁ → inputSize` (ReLU between, none at the end) for the
/// decoder. With `hiddenSizes = [400]` these are the PyTorch example's `fc1` and `fc3`/`fc4`.
public struct MLPNetwork: VAENetwork {
  /// The dense layers, applied in order.
  public var layers: [Dense<Float>]
  /// The width of the network's output rows.
  @noDerivative public let outputSize: Int

  /// A network for `configuration` in `role`, initialised as PyTorch initialises `nn.Linear`.
  public init(
    configuration: VAEConfiguration, role: VAENetworkRole,
    using generator: inout some RandomNumberGenerator
  ) {
    let sizes: [Int]
    let activations: [Activation]
    switch role {
    case .encoder:
      sizes = [configuration.inputSize] + configuration.hiddenSizes
      activations = Array(repeating: .relu, count: sizes.count - 1)
    case .decoder:
      sizes =
        [configuration.latentDimension] + configuration.hiddenSizes.reversed()
        + [configuration.inputSize]
      activations = Array(repeating: .relu, count: sizes.count - 2) + [.identity]
    }
    var layers: [Dense<Float>] = []
    for index in 0..<(sizes.count - 1) {
      layers.append(
        Dense(
          inputSize: sizes[index], outputSize: sizes[index + 1], activation: activations[index],
          using: &generator))
    }
    self.layers = layers
    outputSize = sizes.last!
  }

  /// The layers applied in order to a batch of rows.
  @differentiable(reverse)
  public func callAsFunction(_ input: Tensor<Float>) -> Tensor<Float> {
    applyInOrder(layers, to: input)
  }

  /// The layers applied to data; the first one skips its input's gradient.
  @differentiable(reverse, wrt: self)
  public func applied(toData input: Tensor<Float>) -> Tensor<Float> {
    applyInOrder(layers, toData: input)
  }

  /// The trainable tensors, in the fixed order that optimisers and checkpoints follow.
  public var parameterKeyPaths: [WritableKeyPath<Self, Tensor<Float>>] {
    parameterKeyPaths(of: \.layers)
  }

  /// The gradients of the tensors of ``parameterKeyPaths``, in the same order.
  public var tangentKeyPaths: [WritableKeyPath<TangentVector, Tensor<Float>>] {
    tangentKeyPaths(of: \.layers, \.layers)
  }

  /// Calls `body` with each parameter tensor in the order of ``parameterKeyPaths`` (its index,
  /// the tensor to update in place, and its gradient from `gradient`).
  public mutating func updateParameters(
    along gradient: TangentVector,
    _ body: (_ index: Int, _ parameter: inout Tensor<Float>, _ gradient: Tensor<Float>) -> Void
  ) {
    _ = TensorCore.updateParameters(of: &layers, along: gradient.layers, numberingFrom: 0, body)
  }

  /// The names of the tensors in checkpoints (`0.weight`, `0.bias`, …), in the order of
  /// ``parameterKeyPaths``.
  public var parameterNames: [String] {
    layers.indices.flatMap { ["\($0).weight", "\($0).bias"] }
  }
}
