import Optimizers
import TensorCore
import TestSupport
import Testing
import _Differentiation

/// Key paths reach every tensor of a model and the matching tensor of its gradient.
@Suite struct ParameterGroupTests {
  /// A model whose tangent key paths the gradient tests use.
  let doubles = Pair(weight: Tensor<Double>(zeros: [2]), bias: Tensor(zeros: [1]))

  @Test func pairListsBothTensorsInOrder() {
    let model = Pair(weight: Tensor<Float>([1, 2]), bias: Tensor([3]))
    #expect(model.parameters == [Tensor([1, 2]), Tensor([3])])
  }

  @Test func nestedModelListsMembersAndArrayElements() {
    let model = makeNested()
    let firsts = model.parameters.map { $0.scalars[0] }
    #expect(firsts == [0, 2, 10, 12, 20, 22, 30])
    #expect(model.parameterKeyPaths[4] == \Nested.blocks[1].weight)
    #expect(model.tangentKeyPaths[4] == \Nested.TangentVector.blocks.base[1].weight)
  }

  @Test func gradientKeyPathsMatchTheModelsOrder() {
    let model = makeNested()
    // Each parameter's gradient equals the parameter itself: the loss is ½ Σ θ².
    let gradient = _Differentiation.gradient(at: model, of: halfSumOfSquares)
    let expected: [Tensor<Double>] = model.parameters
    #expect(model.tensors(of: gradient) == expected)
  }

  @Test func modifyInPlaceThroughArraySubscriptsKeepsTheStorage() {
    var model = makeNested()
    let path = \Nested.blocks[1].weight
    let before = storageAddress(model[keyPath: path])
    modifyInPlace(&model, at: path) { tensor in
      tensor.withUnsafeMutableBufferPointer { $0[0] = -1 }
    }
    #expect(storageAddress(model[keyPath: path]) == before)
    #expect(model.blocks[1].weight == Tensor([-1, 21]))
  }

  @Test func globalNormCountsEveryTensor() {
    let gradient = Pair<Double>.TangentVector(weight: Tensor([3, 0]), bias: Tensor([4]))
    #expect(doubles.globalNorm(of: gradient) == 5)
  }

  @Test(arguments: [1.0, 2.5, 4.999])
  func clippingScalesToTheMaximumNorm(maximumNorm: Double) {
    var gradient = Pair<Double>.TangentVector(weight: Tensor([3, 0]), bias: Tensor([4]))
    let norm = doubles.clipByGlobalNorm(&gradient, maximumNorm: maximumNorm)
    #expect(norm == 5)
    assertClose(doubles.globalNorm(of: gradient), maximumNorm, relativeTolerance: 1e-15)
    let scale = maximumNorm / 5
    assertClose(gradient.weight, Tensor([3 * scale, 0]), relativeTolerance: 1e-15)
    assertClose(gradient.bias, Tensor([4 * scale]), relativeTolerance: 1e-15)
  }

  @Test func clippingInFloatReachesTheMaximumNorm() {
    var gradient = Pair<Float>.TangentVector(
      weight: Tensor([30, -12, 7.5]), bias: Tensor([0.25, 40]))
    let floats = Pair(weight: Tensor<Float>(zeros: [3]), bias: Tensor(zeros: [2]))
    let norm = floats.clipByGlobalNorm(&gradient, maximumNorm: 1)
    assertClose(norm, (900 + 144 + 56.25 + 0.0625 + 1600 as Float).squareRoot())
    assertClose(floats.globalNorm(of: gradient), 1, relativeTolerance: 1e-6)
  }

  @Test func clippingLeavesASmallGradientAlone() {
    var gradient = Pair<Double>.TangentVector(weight: Tensor([3, 0]), bias: Tensor([4]))
    let norm = doubles.clipByGlobalNorm(&gradient, maximumNorm: 5)
    #expect(norm == 5)
    #expect(gradient.weight == Tensor([3, 0]) && gradient.bias == Tensor([4]))
  }

  @Test func clippingIgnoresRankZeroZeros() {
    var gradient = Pair<Double>.TangentVector(weight: Tensor([6, 8]), bias: .zero)
    #expect(doubles.clipByGlobalNorm(&gradient, maximumNorm: 5) == 10)
    #expect(gradient.weight == Tensor([3, 4]))
    #expect(gradient.bias == .zero)
  }
}

/// ½ Σ θ² over every parameter of `Nested`, whose gradient is the model itself.
@differentiable(reverse)
func halfSumOfSquares(_ model: Nested) -> Double {
  let first = model.blocks[0].weight.squared().sum() + model.blocks[0].bias.squared().sum()
  let second = model.blocks[1].weight.squared().sum() + model.blocks[1].bias.squared().sum()
  let head = model.head.weight.squared().sum() + model.head.bias.squared().sum()
  return (0.5 * (head + first + second + model.scale.squared())).scalarized()
}
