import Foundation
import NeuralNetworks
import TensorCore
import TestSupport
import Testing
import _Differentiation

/// Activations: values, the fused bias-and-activation primitive and its gradient.
@Suite struct ActivationTests {
  /// Inputs away from 0, where relu and leakyRelu have a kink.
  func awayFromZero<Scalar: TensorScalar>(_ shape: [Int], seed: UInt64) -> Tensor<Scalar> {
    randomTensor(shape, seed: seed, as: Scalar.self)._awayFromZero
  }

  @Test(arguments: Activation.allCases)
  func valuesMatchTheirFormulas(activation: Activation) {
    let x = Tensor<Double>([-2, -0.5, 0.5, 3])
    let expected: [Double] = x.scalars.map { x in
      switch activation {
      case .identity: return x
      case .relu: return Swift.max(x, 0)
      case .leakyRelu: return x > 0 ? x : 0.01 * x
      case .sigmoid: return 1 / (1 + Foundation.exp(-x))
      case .tanh: return Foundation.tanh(x)
      case .softplus: return Foundation.log(1 + Foundation.exp(x))
      }
    }
    assertClose(activation(x), Tensor(expected), relativeTolerance: 1e-14)
    let bias = Tensor<Double>([0.25])
    assertClose(
      fusedBiasActivation(x.reshaped(to: [4, 1]), bias: bias, activation: activation),
      activation(x.reshaped(to: [4, 1]) + bias), relativeTolerance: 1e-14)
  }

  @Test func rawValuesAreTheConfigurationNames() throws {
    #expect(Activation(rawValue: "leakyRelu") == .leakyRelu)
    let data = try JSONEncoder().encode([Activation.relu, .softplus])
    #expect(String(decoding: data, as: UTF8.self) == #"["relu","softplus"]"#)
  }

  @Test func leakyReluGradientInDoubleAndFloat() {
    let x: Tensor<Double> = awayFromZero([3, 4], seed: 1)
    checkGradients(of: { leakyRelu($0[0], slope: 0.2) }, at: [x], tolerance: 1e-6)
    let y: Tensor<Float> = awayFromZero([3, 4], seed: 1)
    checkGradients(of: { leakyRelu($0[0], slope: 0.2) }, at: [y], tolerance: 1e-2)
  }

  @Test(arguments: Activation.allCases)
  func fusedBiasActivationGradientInDouble(activation: Activation) {
    let x: Tensor<Double> = awayFromZero([5, 3], seed: 2)
    let bias = Tensor<Double>([0.05, -0.1, 0.08])
    checkGradients(
      of: { fusedBiasActivation($0[0], bias: $0[1], activation: activation) }, at: [x, bias],
      tolerance: 1e-6,
      activation.rawValue)
  }

  @Test(arguments: Activation.allCases)
  func fusedBiasActivationGradientInFloat(activation: Activation) {
    let x: Tensor<Float> = awayFromZero([2, 3, 4], seed: 3)
    let bias = Tensor<Float>([0.05, -0.1, 0.08, 0])
    checkGradients(
      of: { fusedBiasActivation($0[0], bias: $0[1], activation: activation) }, at: [x, bias],
      tolerance: 1e-2,
      activation.rawValue)
  }

  /// The method form gives the same values and gradients, in the right order, also in
  /// release builds (where a method with a custom derivative once had them swapped).
  @Test func addingBiasMatchesTheFunction() {
    let x: Tensor<Float> = awayFromZero([3, 4], seed: 5)
    let bias = Tensor<Float>([0.1, -0.2, 0.3, 0])
    let weights: Tensor<Float> = randomTensor([3, 4], seed: 6)
    let (gx, gb) = _Differentiation.gradient(at: x, bias) { x, bias in
      (x.addingBias(bias, activation: .softplus) * weights).sum().scalarized()
    }
    let (fx, fb) = _Differentiation.gradient(at: x, bias) { x, bias in
      (fusedBiasActivation(x, bias: bias, activation: .softplus) * weights).sum().scalarized()
    }
    #expect(gx.shape == [3, 4] && gb.shape == [4])
    #expect(gx == fx && gb == fb)
    checkGradients(
      of: { $0[0].addingBias($0[1], activation: .tanh) }, at: [x, bias], tolerance: 1e-2)
  }

  @Test func activationAsAFunctionIsDifferentiable() {
    let x: Tensor<Double> = awayFromZero([2, 3], seed: 4)
    for activation in Activation.allCases {
      checkGradients(of: { activation($0[0]) }, at: [x], tolerance: 1e-6, activation.rawValue)
    }
  }
}

extension Tensor {
  /// Each scalar moved at least 0.2 away from 0, keeping its sign: inputs where kinks at 0 do
  /// not disturb finite differences.
  var _awayFromZero: Tensor {
    Tensor(shape: shape, scalars: scalars.map { $0 < 0 ? $0 - 0.2 : $0 + 0.2 })
  }
}
