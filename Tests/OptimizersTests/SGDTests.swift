import Optimizers
import TensorCore
import TestSupport
import Testing
import _Differentiation

/// SGD's update rules and convergence on a quadratic.
@Suite struct SGDTests {
  let curvature = Tensor<Double>([1, 4])
  let center = Tensor<Double>([0.5, 1])

  func gradient(_ model: Pair<Double>) -> Pair<Double>.TangentVector {
    _Differentiation.gradient(at: model) { model in
      quadratic(model, curvature: curvature, center: center).scalarized()
    }
  }

  @Test func plainStepIsLearningRateTimesGradient() {
    var model = Pair(weight: Tensor<Double>([1, -2]), bias: Tensor([3]))
    var optimizer = SGD(for: model, learningRate: 0.1)
    optimizer.update(&model, along: gradient(model))
    // g = (0.5, −12) and 2: θ − 0.1 g.
    assertClose(model.weight, Tensor([0.95, -0.8]), relativeTolerance: 1e-15)
    assertClose(model.bias, Tensor([2.8]), relativeTolerance: 1e-15)
  }

  /// Momentum as in PyTorch: b₁ = g₁, b₂ = μb₁ + g₂, and with weight decay g ← g + λθ.
  @Test func momentumAndWeightDecayFollowTheFormula() {
    var model = Pair(weight: Tensor<Double>([1, -2]), bias: Tensor([3]))
    var optimizer = SGD(for: model, learningRate: 0.1, momentum: 0.9, weightDecay: 0.01)
    optimizer.update(&model, along: gradient(model))
    // d₁ = (0.5 + 0.01, −12 − 0.02) = (0.51, −12.02); θ₁ = θ₀ − 0.1 d₁.
    assertClose(model.weight, Tensor([0.949, -0.798]), relativeTolerance: 1e-14)
    optimizer.update(&model, along: gradient(model))
    // d₂ = a(θ₁ − c) + 0.01 θ₁ = (0.449 + 0.00949, −7.192 − 0.00798); b₂ = 0.9 d₁ + d₂.
    let d2 = [0.449 + 0.00949, -7.192 - 0.00798]
    let b2 = [0.9 * 0.51 + d2[0], 0.9 * -12.02 + d2[1]]
    assertClose(
      model.weight, Tensor([0.949 - 0.1 * b2[0], -0.798 - 0.1 * b2[1]]), relativeTolerance: 1e-13)
  }

  @Test func nesterovStepFollowsTheFormula() {
    var model = Pair(weight: Tensor<Double>([1, -2]), bias: Tensor([3]))
    var optimizer = SGD(for: model, learningRate: 0.1, momentum: 0.5, nesterov: true)
    optimizer.update(&model, along: gradient(model))
    // b₁ = g₁ = (0.5, −12); step d = g₁ + μb₁ = 1.5 g₁.
    assertClose(model.weight, Tensor([1 - 0.075, -2 + 1.8]), relativeTolerance: 1e-15)
  }

  @Test(arguments: [false, true])
  func momentumConvergesOnAQuadratic(nesterov: Bool) {
    var model = Pair(weight: Tensor<Double>([1, -2]), bias: Tensor([3]))
    var optimizer = SGD(for: model, learningRate: 0.05, momentum: 0.9, nesterov: nesterov)
    for _ in 0..<500 { optimizer.update(&model, along: gradient(model)) }
    assertClose(model.weight, center, absoluteTolerance: 1e-8)
    assertClose(model.bias, Tensor([1]), absoluteTolerance: 1e-8)
  }

  @Test func updatesANestedModelInPlace() {
    var model = makeNested()
    var optimizer = SGD(for: model, learningRate: 0.5, momentum: 0.9)
    optimizer.update(&model, along: _Differentiation.gradient(at: model, of: nestedLoss))
    let addresses = model.parameters.map(storageAddress)
    optimizer.update(&model, along: _Differentiation.gradient(at: model, of: nestedLoss))
    #expect(model.parameters.map(storageAddress) == addresses)
    // blocks[1].weight has gradient 1 on both steps: b₁ = 1, b₂ = 1.9.
    let expected: [Double] = [20 - 0.5 - 0.95, 21 - 0.5 - 0.95]
    #expect(model.blocks[1].weight == Tensor(expected))
    #expect(model.blocks[0].weight == Tensor([10, 11]))
  }

  @Test func resumingFromExportedStateIsBitIdentical() throws {
    let start = Pair(weight: Tensor<Double>([1, -2]), bias: Tensor([3]))
    var uninterrupted = start
    var optimizer = SGD(for: start, learningRate: 0.05, momentum: 0.9)
    for _ in 0..<8 { optimizer.update(&uninterrupted, along: gradient(uninterrupted)) }
    var resumed = start
    var first = SGD(for: start, learningRate: 0.05, momentum: 0.9)
    for _ in 0..<3 { first.update(&resumed, along: gradient(resumed)) }
    var second = SGD(for: start, learningRate: 0.05, momentum: 0.9)
    try second.importState(first.exportState(), matching: resumed)
    for _ in 0..<5 { second.update(&resumed, along: gradient(resumed)) }
    #expect(resumed == uninterrupted)
  }
}

/// A loss that uses some of `Nested`'s parameters: Σ blocks[1].weight + Σ head.bias · scale.
@differentiable(reverse)
func nestedLoss(_ model: Nested) -> Double {
  (model.blocks[1].weight.sum() + model.head.bias.sum() * model.scale).scalarized()
}
