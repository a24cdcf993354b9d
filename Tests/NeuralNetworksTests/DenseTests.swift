import NeuralNetworks
import Optimizers
import TensorCore
import TestSupport
import Testing
import _Differentiation

/// The dense layer: forward values, gradients, initialisation and key paths.
@Suite struct DenseTests {
  @Test func forwardIsInputTimesWeightPlusBias() {
    let layer = Dense(
      weight: Tensor<Double>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]),
      bias: Tensor([0.5, -10, 0]), activation: .relu)
    let x = Tensor<Double>(shape: [2, 2], scalars: [1, 1, -1, 2])
    // [1, 1]·W = [5, 7, 9]; [−1, 2]·W = [7, 8, 9]; + b, then relu.
    #expect(layer(x) == Tensor(shape: [2, 3], scalars: [5.5, 0, 9, 7.5, 0, 9]))
  }

  /// Input, weight and bias for a gradient check: |x·W| ≤ 0.6 and b = ±1, so that every
  /// pre-activation is at least 0.4 away from the kinks of relu and leakyRelu at 0.
  func gradientInputs<Scalar: TensorScalar>(_: Scalar.Type) -> [Tensor<Scalar>] {
    [
      randomTensor([4, 3], seed: 1), randomTensor([3, 5], seed: 2) * 0.2,
      Tensor([1, -1, 1, -1, 1]),
    ]
  }

  @Test(arguments: Activation.allCases)
  func gradientInDouble(activation: Activation) {
    checkGradients(
      of: { Dense(weight: $0[1], bias: $0[2], activation: activation)($0[0]) },
      at: gradientInputs(Double.self), tolerance: 1e-6, activation.rawValue)
  }

  @Test(arguments: Activation.allCases)
  func gradientInFloat(activation: Activation) {
    checkGradients(
      of: { Dense(weight: $0[1], bias: $0[2], activation: activation)($0[0]) },
      at: gradientInputs(Float.self), tolerance: 1e-2, activation.rawValue)
  }

  /// The fused primitive `dense` directly, with respect to all three inputs (Float takes the C
  /// kernels for identity and relu).
  @Test(arguments: Activation.allCases)
  func densePrimitiveGradient(activation: Activation) {
    checkGradients(
      of: { dense($0[0], weight: $0[1], bias: $0[2], activation: activation) },
      at: gradientInputs(Double.self), tolerance: 1e-6, activation.rawValue)
    checkGradients(
      of: { dense($0[0], weight: $0[1], bias: $0[2], activation: activation) },
      at: gradientInputs(Float.self), tolerance: 1e-2, activation.rawValue)
  }

  /// With a constant input, the derivative that skips the input's gradient.
  @Test(arguments: [Activation.identity, .relu, .tanh])
  func densePrimitiveGradientOfData(activation: Activation) {
    let inputs = gradientInputs(Float.self)
    let x = inputs[0]
    checkGradients(
      of: { dense(x, weight: $0[0], bias: $0[1], activation: activation) },
      at: Array(inputs.dropFirst()), tolerance: 1e-2, activation.rawValue)
    let layer = Dense(weight: inputs[1], bias: inputs[2], activation: activation)
    #expect(layer.applied(toData: x) == layer(x))
  }

  @Test func gradientThroughKeyPaths() {
    var generator = Xoshiro256StarStar(seed: 5)
    let layer = Dense<Double>(inputSize: 3, outputSize: 4, activation: .tanh, using: &generator)
    checkParameterGradients(of: layer, at: randomTensor([2, 3], seed: 6), tolerance: 1e-6)
  }

  /// PyTorch's `nn.Linear` default: weight and bias uniform on (−1/√fanIn, 1/√fanIn).
  @Test func initialisationIsUniformWithinOneOverRootFanIn() {
    var generator = Xoshiro256StarStar(seed: 7)
    let layer = Dense<Float>(inputSize: 784, outputSize: 400, using: &generator)
    let bound: Float = 1 / 28
    #expect(layer.weight.shape == [784, 400] && layer.bias.shape == [400])
    for tensor in [layer.weight, layer.bias] {
      #expect(tensor.scalars.allSatisfy { $0 >= -bound && $0 < bound })
    }
    let w = layer.weight.scalars
    let mean = w.reduce(0, +) / Float(w.count)
    let variance = w.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(w.count)
    assertClose(mean, 0, absoluteTolerance: 1e-4)
    // The variance of U(−a, a) is a²/3.
    assertClose(variance, bound * bound / 3, relativeTolerance: 1e-2)
    #expect(layer.weight.scalars.max()! > 0.99 * bound)
  }

  @Test func sameSeedGivesTheSameLayer() {
    var first = Xoshiro256StarStar(seed: 8)
    var second = Xoshiro256StarStar(seed: 8)
    let a = Dense<Float>(inputSize: 5, outputSize: 3, using: &first)
    let b = Dense<Float>(inputSize: 5, outputSize: 3, using: &second)
    #expect(a.weight == b.weight && a.bias == b.bias)
  }

  @Test func keyPathsListWeightThenBias() {
    var generator = Xoshiro256StarStar(seed: 9)
    let layer = Dense<Float>(inputSize: 2, outputSize: 3, using: &generator)
    #expect(layer.parameters == [layer.weight, layer.bias])
    let gradient = _Differentiation.gradient(at: layer) { layer in
      layer(Tensor(ones: [1, 2])).sum().scalarized()
    }
    #expect(layer.tensors(of: gradient) == [gradient.weight, gradient.bias])
  }
}
