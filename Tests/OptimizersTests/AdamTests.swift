import Optimizers
import TensorCore
import TestSupport
import Testing
import _Differentiation

/// Adam against numbers computed by hand from Kingma and Ba's Algorithm 1.
@Suite struct AdamTests {
  let curvature = Tensor<Double>([1, 4])
  let center = Tensor<Double>([0.5, 1])

  func gradient(_ model: Pair<Double>) -> Pair<Double>.TangentVector {
    _Differentiation.gradient(at: model) { model in
      quadratic(model, curvature: curvature, center: center).scalarized()
    }
  }

  /// The first three steps on f(θ) = ½ Σ aᵢ(θᵢ − cᵢ)² with a = (1, 4), c = (0.5, 1), from
  /// θ₀ = (1, −2), η = 0.1, β₁ = 0.9, β₂ = 0.999, ε = 1e-8. By Algorithm 1, with g = a(θ − c):
  /// ```
  /// m ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g²,
  /// θ ← θ − η · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
  /// ```
  /// Step 1: g = (0.5, −12), m̂ = g, v̂ = g², so θ moves by η·g/(|g| + ε):
  /// θ₁ = (1 − 0.1·0.5/(0.5 + 1e-8), −2 + 0.1·12/(12 + 1e-8)) = (0.900000002, −1.9000000000833…).
  /// Step 2: g = (0.400000002, −11.6000000003…), m = (0.0850000002, −2.24),
  /// v = (0.00040975…, 0.278416…),
  /// θ₂ = (0.80118742373064, −1.80010270724691).
  /// Step 3: θ₃ = (0.70487125573945, −1.70038152319721).
  @Test func firstThreeStepsMatchTheFormula() {
    var model = Pair(weight: Tensor<Double>([1, -2]), bias: Tensor([1]))
    var optimizer = Adam(for: model, learningRate: 0.1)
    // Step 1 in closed form: θ₀ − η·g/(|g| + ε).
    let first = [1 - 0.1 * 0.5 / (0.5 + 1e-8), -2 + 0.1 * 12 / (12 + 1e-8)]
    assertClose(
      Tensor(first), Tensor([0.900000002, -1.9000000000833333]), relativeTolerance: 1e-15)
    let expected: [[Double]] = [
      first,
      [0.8011874237306403, -1.8001027072469076],
      [0.7048712557394511, -1.7003815231972088],
    ]
    for step in 0..<3 {
      optimizer.update(&model, along: gradient(model))
      assertClose(
        model.weight, Tensor(expected[step]), relativeTolerance: 1e-13, "step \(step + 1)")
    }
    #expect(optimizer.step == 3)
    // The bias sits at its minimum: a zero gradient leaves it there.
    #expect(model.bias == Tensor([1]))
  }

  /// The same steps in Float agree with the Double reference to Float precision.
  @Test func floatMatchesDouble() {
    var model = Pair(weight: Tensor<Float>([1, -2]), bias: Tensor([1]))
    var optimizer = Adam(for: model, learningRate: 0.1)
    let curvature = Tensor<Float>([1, 4])
    let center = Tensor<Float>([0.5, 1])
    for _ in 0..<3 {
      let g = _Differentiation.gradient(at: model) { model in
        quadratic(model, curvature: curvature, center: center).scalarized()
      }
      optimizer.update(&model, along: g)
    }
    assertClose(
      model.weight, Tensor([0.7048712557394511, -1.7003815231972088]), relativeTolerance: 1e-6)
  }

  @Test func convergesToTheMinimum() {
    var model = Pair(weight: Tensor<Double>([1, -2]), bias: Tensor([3]))
    var optimizer = Adam(for: model, learningRate: 0.05)
    for _ in 0..<2000 { optimizer.update(&model, along: gradient(model)) }
    assertClose(model.weight, center, absoluteTolerance: 1e-4)
    assertClose(model.bias, Tensor([1]), absoluteTolerance: 1e-4)
  }

  @Test func updatesInPlace() {
    var model = Pair(weight: Tensor<Double>([1, -2]), bias: Tensor([3]))
    var optimizer = Adam(for: model)
    optimizer.update(&model, along: gradient(model))
    let before = (storageAddress(model.weight), storageAddress(model.bias))
    let moment = storageAddress(optimizer.firstMoments[0])
    optimizer.update(&model, along: gradient(model))
    #expect(storageAddress(model.weight) == before.0 && storageAddress(model.bias) == before.1)
    #expect(storageAddress(optimizer.firstMoments[0]) == moment)
  }

  @Test func rankZeroGradientStandsForZeros() {
    var model = Pair(weight: Tensor<Double>([1, -2]), bias: Tensor([3]))
    var reference = model
    var optimizer = Adam(for: model)
    var referenceOptimizer = optimizer
    var g = gradient(model)
    g.bias = .zero
    var dense = g
    dense.bias = Tensor([0])
    optimizer.update(&model, along: g)
    referenceOptimizer.update(&reference, along: dense)
    #expect(model == reference)
  }

  /// Five steps, a checkpoint, a fresh optimiser that imports it, five more steps: bit-identical
  /// to ten uninterrupted steps.
  @Test func resumingFromExportedStateIsBitIdentical() throws {
    let start = Pair(weight: Tensor<Double>([1, -2]), bias: Tensor([3]))
    var uninterrupted = start
    var optimizer = Adam(for: start, learningRate: 0.05)
    for _ in 0..<10 { optimizer.update(&uninterrupted, along: gradient(uninterrupted)) }

    var resumed = start
    var first = Adam(for: start, learningRate: 0.05)
    for _ in 0..<5 { first.update(&resumed, along: gradient(resumed)) }
    let state = first.exportState()
    #expect(
      state.keys.sorted() == [
        "firstMoment.0", "firstMoment.1", "secondMoment.0", "secondMoment.1", "step",
      ])
    var second = Adam(for: start, learningRate: 0.05)
    try second.importState(state, matching: resumed)
    #expect(second.step == 5)
    for _ in 0..<5 { second.update(&resumed, along: gradient(resumed)) }
    #expect(resumed == uninterrupted)
    #expect(second.secondMoments == optimizer.secondMoments)
  }

  @Test func importRejectsAMismatchedState() {
    let model = Pair(weight: Tensor<Double>([1, -2]), bias: Tensor([3]))
    var optimizer = Adam(for: model)
    var state: [String: Tensor<Double>] = [
      "step": Tensor(2), "firstMoment.0": Tensor([0, 0]), "firstMoment.1": Tensor([0]),
      "secondMoment.0": Tensor([0, 0, 0]), "secondMoment.1": Tensor([0]),
    ]
    #expect(throws: OptimizerStateError.self) { try optimizer.importState(state, matching: model) }
    state["secondMoment.0"] = Tensor([0, 0])
    state["step"] = Tensor(2.5)
    #expect(throws: OptimizerStateError.self) { try optimizer.importState(state, matching: model) }
    state["step"] = nil
    #expect(throws: OptimizerStateError.self) { try optimizer.importState(state, matching: model) }
    state["step"] = Tensor(2)
    #expect(throws: Never.self) { try optimizer.importState(state, matching: model) }
  }
}
