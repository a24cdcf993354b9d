import TensorCore
import TestSupport
import Testing
import _Differentiation

/// Finite-difference checks of every differentiable operation, table-driven over
/// `gradientCases`, in Double (relative error < 1e-6) and Float (< 1e-2).
@Suite struct GradientTests {
  static let names = gradientCases(Double.self).map(\.name)

  @Test(arguments: names)
  func double(_ name: String) throws {
    let testCase = try #require(gradientCases(Double.self).first { $0.name == name })
    checkGradients(of: testCase.function, at: testCase.inputs(seed: 11), tolerance: 1e-6, name)
  }

  @Test(arguments: names)
  func float(_ name: String) throws {
    let testCase = try #require(gradientCases(Float.self).first { $0.name == name })
    checkGradients(of: testCase.function, at: testCase.inputs(seed: 11), tolerance: 1e-2, name)
  }

  /// The checker itself must be able to fail: a deliberately wrong derivative is caught.
  @Test func checkerDetectsAWrongGradient() {
    let comparisons = compareGradients(
      of: { (x: [Tensor<Double>]) in x[0].squared() + withoutDerivative(at: x[0]) },
      at: [Tensor([0.5, -1, 2])])
    #expect(comparisons[0].relativeError > 0.1)
  }
}
