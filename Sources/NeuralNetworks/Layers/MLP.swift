import TensorCore
import _Differentiation

/// A multilayer perceptron: a stack of ``Dense`` layers, every hidden layer activated and the
/// last one linear (or with its own `outputActivation`).
///
/// `MLP(sizes: [784, 400, 20], activation: .relu, using: &generator)` is
/// ```
/// x ↦ W₂ᵀ·relu(W₁ᵀ·x + b₁) + b₂,   784 → 400 → 20.
/// ```
public struct MLP<Scalar: TensorScalar>: Layer {
  /// The layers, input first.
  public var layers: [Dense<Scalar>]

  /// A perceptron from explicit layers, applied in order.
  ///
  /// - Precondition: at least one layer, and each layer's output size matches the next one's
  ///   input size.
  @inlinable
  public init(layers: [Dense<Scalar>]) {
    userPrecondition(!layers.isEmpty, "MLP: needs at least one layer")
    for index in layers.indices.dropFirst() {
      userPrecondition(
        layers[index - 1].outputSize == layers[index].inputSize,
        "MLP: layer \(index - 1) outputs \(layers[index - 1].outputSize) values, layer \(index) "
          + "takes \(layers[index].inputSize)")
    }
    self.layers = layers
  }

  /// A perceptron through the given sizes, initialised as PyTorch's `nn.Linear` layers.
  ///
  /// - Parameters:
  ///   - sizes: the input size, the hidden sizes, and the output size (at least two entries).
  ///   - activation: applied after every layer but the last.
  ///   - outputActivation: applied after the last layer, by default none.
  ///   - generator: the source of randomness for the initial weights.
  @inlinable
  public init(
    sizes: [Int], activation: Activation, outputActivation: Activation = .identity,
    using generator: inout some RandomNumberGenerator
  ) {
    userPrecondition(sizes.count >= 2, "MLP: sizes \(sizes) need an input and an output size")
    var layers: [Dense<Scalar>] = []
    for index in 0..<(sizes.count - 1) {
      let last = index == sizes.count - 2
      layers.append(
        Dense(
          inputSize: sizes[index], outputSize: sizes[index + 1],
          activation: last ? outputActivation : activation, using: &generator))
    }
    self.init(layers: layers)
  }

  /// The layers applied in order, for `input` of shape `[batch, inputSize]`.
  @inlinable
  @differentiable(reverse)
  public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
    applyInOrder(layers, to: input)
  }
}

/// `layers` applied to `input` in order: the forward pass of ``MLP``, and of any network
/// that stores its dense layers in an array.
///
/// Differentiating the loop directly makes every iteration's pullback return a whole array of
/// layer gradients, zeros but one, which are then summed: O(n²) tensor additions for n layers.
/// The derivative below collects one gradient per layer instead. (A free function, not a
/// method: see ``fusedBiasActivation(_:bias:activation:)``.)
@inlinable
@differentiable(reverse)
public func applyInOrder<Scalar: TensorScalar>(
  _ layers: [Dense<Scalar>], to input: Tensor<Scalar>
) -> Tensor<Scalar> {
  var output = input
  for index in 0..<withoutDerivative(at: layers.count) {
    output = layers[index](output)
  }
  return output
}

/// `layers` applied in order to data that needs no gradient (an encoder's images): as
/// ``applyInOrder(_:to:)``, but differentiable with respect to the layers only, so the first
/// layer skips its input's gradient — for a 784 → 400 layer, a third of its backward work.
@inlinable
@differentiable(reverse, wrt: layers)
public func applyInOrder<Scalar: TensorScalar>(
  _ layers: [Dense<Scalar>], toData input: Tensor<Scalar>
) -> Tensor<Scalar> {
  applyInOrder(layers, to: withoutDerivative(at: input))
}

/// `layer(input)`, as a function to differentiate.
@inlinable
@differentiable(reverse)
func _apply<Scalar: TensorScalar>(_ layer: Dense<Scalar>, _ input: Tensor<Scalar>) -> Tensor<Scalar>
{
  layer(input)
}

/// `layer.applied(toData: input)`, as a function to differentiate: the gradient it returns for
/// `input` is always zero (and never computed).
@inlinable
@differentiable(reverse)
func _applyToData<Scalar: TensorScalar>(
  _ layer: Dense<Scalar>, _ input: Tensor<Scalar>
) -> Tensor<Scalar> {
  layer.applied(toData: withoutDerivative(at: input))
}

/// The layers' pullbacks, input layer first, run in reverse: one gradient per layer.
@inlinable
func _pullBackInOrder<Scalar: TensorScalar>(
  _ gradient: Tensor<Scalar>, firstLayer: (Tensor<Scalar>) -> Dense<Scalar>.TangentVector,
  otherLayers: [(Tensor<Scalar>) -> (Dense<Scalar>.TangentVector, Tensor<Scalar>)]
) -> [Dense<Scalar>].TangentVector {
  var gradient = gradient
  var layerGradients = [Dense<Scalar>.TangentVector](
    repeating: .zero, count: otherLayers.count + 1)
  for index in otherLayers.indices.reversed() {
    (layerGradients[index + 1], gradient) = otherLayers[index](gradient)
  }
  layerGradients[0] = firstLayer(gradient)
  return [Dense<Scalar>].TangentVector(layerGradients)
}

@inlinable
@derivative(of: applyInOrder(_:to:))
func _vjpApplyInOrder<Scalar: TensorScalar>(
  _ layers: [Dense<Scalar>], to input: Tensor<Scalar>
) -> (
  value: Tensor<Scalar>,
  pullback: (Tensor<Scalar>) -> ([Dense<Scalar>].TangentVector, Tensor<Scalar>)
) {
  typealias LayerPullback = (Tensor<Scalar>) -> (Dense<Scalar>.TangentVector, Tensor<Scalar>)
  var pullbacks: [LayerPullback] = []
  pullbacks.reserveCapacity(layers.count)
  var output = input
  for index in layers.indices {
    let (value, pullback) = valueWithPullback(at: layers[index], output, of: _apply)
    pullbacks.append(pullback)
    output = value
  }
  return (
    output,
    { gradient in
      var gradient = gradient
      var layerGradients = [Dense<Scalar>.TangentVector](repeating: .zero, count: pullbacks.count)
      for index in pullbacks.indices.reversed() {
        (layerGradients[index], gradient) = pullbacks[index](gradient)
      }
      return ([Dense<Scalar>].TangentVector(layerGradients), gradient)
    }
  )
}

@inlinable
@derivative(of: applyInOrder(_:toData:), wrt: layers)
func _vjpApplyInOrderToData<Scalar: TensorScalar>(
  _ layers: [Dense<Scalar>], toData input: Tensor<Scalar>
) -> (
  value: Tensor<Scalar>,
  pullback: (Tensor<Scalar>) -> [Dense<Scalar>].TangentVector
) {
  if layers.isEmpty {
    return (input, { _ in [Dense<Scalar>].TangentVector([]) })
  }
  typealias LayerPullback = (Tensor<Scalar>) -> (Dense<Scalar>.TangentVector, Tensor<Scalar>)
  let (first, firstPullback) = valueWithPullback(at: layers[0], input, of: _applyToData)
  var pullbacks: [LayerPullback] = []
  pullbacks.reserveCapacity(layers.count - 1)
  var output = first
  for index in layers.indices.dropFirst() {
    let (value, pullback) = valueWithPullback(at: layers[index], output, of: _apply)
    pullbacks.append(pullback)
    output = value
  }
  return (
    output,
    { gradient in
      _pullBackInOrder(gradient, firstLayer: { firstPullback($0).0 }, otherLayers: pullbacks)
    }
  )
}

extension MLP: ParameterGroup {
  /// Each layer's `weight` and `bias`, input layer first: `\MLP.layers[0].weight`, …
  @inlinable
  public var parameterKeyPaths: [WritableKeyPath<MLP, Tensor<Scalar>>] {
    parameterKeyPaths(of: \.layers)
  }

  /// The matching gradients: `\MLP.TangentVector.layers.base[0].weight`, …
  @inlinable
  public var tangentKeyPaths: [WritableKeyPath<TangentVector, Tensor<Scalar>>] {
    tangentKeyPaths(of: \.layers, \.layers)
  }

  /// Each layer's parameters in turn, passed directly.
  @inlinable
  public mutating func updateParameters(
    along gradient: TangentVector,
    _ body: (_ index: Int, _ parameter: inout Tensor<Scalar>, _ gradient: Tensor<Scalar>) -> Void
  ) {
    _ = TensorCore.updateParameters(of: &layers, along: gradient.layers, numberingFrom: 0, body)
  }
}
