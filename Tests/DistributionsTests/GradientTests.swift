import TensorCore
import TestSupport
import Testing
import _Differentiation

@testable import Distributions

/// Finite-difference checks (central differences, relative error < 1e-6 in Double) of every
/// log density, entropy, KL divergence and reparameterised sample, table-driven over
/// `distributionGradientCases`, and of the module's own primitives.
@Suite struct GradientTests {
  static let names = distributionGradientCases().map(\.name)

  @Test(arguments: names)
  func double(_ name: String) throws {
    let testCase = try #require(distributionGradientCases().first { $0.name == name })
    checkGradients(of: testCase.function, at: testCase.inputs, tolerance: 1e-6, name)
  }

  @Test func gradientsComeBackShapedLikeTheDistribution() {
    let normal = Normal<Double>(mean: tensor([0.5, -1]), standardDeviation: tensor([1, 2]))
    let x: Tensor<Double> = tensor([0.0, 0.0])
    let gradient = _Differentiation.gradient(at: normal) {
      $0.logProbability(of: x).sum().scalarized()
    }
    // ∂/∂μ = (x − μ)/σ², ∂/∂σ = ((x − μ)² − σ²)/σ³.
    assertClose(gradient.mean, tensor([-0.5, 0.25]), relativeTolerance: 1e-14)
    assertClose(gradient.standardDeviation, tensor([-0.75, -0.375]), relativeTolerance: 1e-14)
  }

  @Test func replacingPrimitive() {
    let mask = [true, false, true, true, false, true]
    checkGradients(
      of: { $0[0].replacing(outside: mask, with: 7) * $0[0] },
      at: [tensor([0.3, -1, 2, 0.5, 4, -0.2], shape: [2, 3])], tolerance: 1e-6)
    let values: Tensor<Double> = tensor([1, 2, 3])
    let replaced = values.replacing(outside: [false, true, false], with: 9)
    #expect(replaced.scalars == [9, 2, 9])
  }

  @Test func pickingPrimitive() {
    checkGradients(
      of: { ($0[0] * $0[0]).pickingAlongLastAxis([2, 0, 1, 1]) },
      at: [tensor([0.3, -1, 2, 0.5, 4, -0.2, 1, 1.5, -2, 0.1, 0.2, 0.3], shape: [2, 2, 3])],
      tolerance: 1e-6)
    let rows: Tensor<Double> = tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
    let picked = rows.pickingAlongLastAxis([2, 0])
    #expect(picked.shape == [2] && picked.scalars == [3, 4])
  }
}
