import TensorCore
import TestSupport
import Testing
import _Differentiation

/// Finite-difference checks of every differentiable operation, table-driven over
/// `allGradientCases`, in Double (relative error < 1e-6) and Float (< 1e-2).
@Suite struct GradientTests {
  static let names = allGradientCases(Double.self).map(\.name)

  @Test func namesAreUnique() {
    #expect(Set(Self.names).count == Self.names.count)
  }

  @Test(arguments: names)
  func double(_ name: String) throws {
    let testCase = try #require(allGradientCases(Double.self).first { $0.name == name })
    checkGradients(of: testCase.function, at: testCase.inputs(seed: 11), tolerance: 1e-6, name)
  }

  @Test(arguments: names)
  func float(_ name: String) throws {
    let testCase = try #require(allGradientCases(Float.self).first { $0.name == name })
    checkGradients(of: testCase.function, at: testCase.inputs(seed: 11), tolerance: 1e-2, name)
  }

  /// With a gradient of ones, the summed cross-entropy's pullback hands back σ(l) − x itself;
  /// it must agree with the elementwise loss's gradient.
  @Test func summedSigmoidCrossEntropyWithUnitGradient() {
    var generator = Xoshiro256StarStar(seed: 3)
    let logits = Tensor<Float>(randomNormal: [4, 7], using: &generator) * 3
    let labels = Tensor<Float>(randomUniform: [2, 7], in: 0..<1, using: &generator)
    let repeated = Tensor(concatenating: [labels, labels])
    let fused = gradient(at: logits) {
      summedSigmoidCrossEntropy(logits: $0, labels: labels).sum().scalarized()
    }
    let reference = gradient(at: logits) {
      sigmoidCrossEntropy(logits: $0, labels: repeated).sum().scalarized()
    }
    assertClose(fused, reference, relativeTolerance: 1e-5, absoluteTolerance: 1e-6)
    assertClose(
      summedSigmoidCrossEntropy(logits: logits, labels: labels),
      sigmoidCrossEntropy(logits: logits, labels: repeated).sum(squeezingAxes: [1]),
      relativeTolerance: 1e-5)
  }

  /// The checker itself must be able to fail: a deliberately wrong derivative is caught.
  @Test func checkerDetectsAWrongGradient() {
    let comparisons = compareGradients(
      of: { (x: [Tensor<Double>]) in x[0].squared() + withoutDerivative(at: x[0]) },
      at: [Tensor([0.5, -1, 2])])
    #expect(comparisons[0].relativeError > 0.1)
  }
}

/// The primitives' table (`gradientCases`) and the cases the other suites of this target keep
/// beside their own tests.
func allGradientCases<Scalar: TensorScalar>(_ type: Scalar.Type) -> [GradientCase<Scalar>] {
  gradientCases(type) + BatchedCholeskyTests.gradientCases(type) + ColumnTests.gradientCases(type)
    + StandardNormalLogCDFTests.gradientCases(type) + TransposedOperandTests.gradientCases(type)
}
