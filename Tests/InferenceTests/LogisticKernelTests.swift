import Foundation
import RealModule
import TensorCore
import Testing
import _Differentiation

@testable import Inference

/// The value and gradient of the logistic log likelihood with a design matrix, which a step
/// computes in one pass over the design (`variational_logistic_value_and_gradient`, for up to
/// 8 draws) and evaluations with two matrix products, against the definition
/// ```
/// ℓₗ = Σₙ yₙ ηₗₙ − log(1 + e^{ηₗₙ}),   ∂ℓₗ/∂βₗ = Σₙ (yₙ − σ(ηₗₙ)) xₙ,   ηₗ = Xβₗ
/// ```
/// summed term by term. Shapes cover row counts that are not multiples of the kernel's blocks
/// (4 and 32 rows), widths that are not multiples of 4 or that exceed 32 columns (several
/// stripes), and more draws than one pass takes (8).
@Suite struct LogisticKernelTests {
  @Test(arguments: [
    (1, 569, 31), (3, 37, 5), (9, 70, 33), (2, 3, 1), (1, 4, 4), (8, 100, 64), (5, 33, 2),
    (2, 300, 260), (3, 1000, 9),
  ])
  func valueAndGradientMatchTheDefinition(draws: Int, rows: Int, columns: Int) {
    var generator = Xoshiro256StarStar(seed: UInt64(draws * 10_000 + rows * 100 + columns))
    let design = Tensor<Double>(randomNormal: [rows, columns], using: &generator)
    let coefficients = Tensor<Double>(randomNormal: [draws, columns], using: &generator) * 2
    let outcomes = Tensor<Double>((0..<rows).map { _ in Double(generator.next() % 2) })
    let weights = Tensor<Double>(randomNormal: [draws], using: &generator)
    let (value, pullback) = valueWithPullback(at: coefficients) {
      bernoulliLogLikelihood(coefficients: $0, design: design, outcomes: outcomes)
    }
    let gradient = pullback(weights)

    let (x, beta, y) = (design.scalars, coefficients.scalars, outcomes.scalars)
    for l in 0..<draws {
      var expectedValue = 0.0
      var expectedGradient = [Double](repeating: 0, count: columns)
      for n in 0..<rows {
        var eta = 0.0
        for j in 0..<columns { eta += x[n * columns + j] * beta[l * columns + j] }
        expectedValue += y[n] * eta - (Swift.max(eta, 0) + .log(onePlus: .exp(-Swift.abs(eta))))
        let residual = y[n] - 1 / (1 + .exp(-eta))
        for j in 0..<columns { expectedGradient[j] += residual * x[n * columns + j] }
      }
      // Sums of `rows` terms of size ~|η| ≤ 2√columns·3, added in another order.
      let scale = Double(rows) * (1 + 6 * Double(columns).squareRoot())
      #expect(
        Swift.abs(value.scalars[l] - expectedValue) < scale * 1e-15,
        "value of draw \(l): \(value.scalars[l]) vs \(expectedValue)")
      for j in 0..<columns {
        let got = gradient.scalars[l * columns + j]
        let want = weights.scalars[l] * expectedGradient[j]
        #expect(
          Swift.abs(got - want) < Double(rows) * 1e-14,
          "gradient of draw \(l), column \(j): \(got) vs \(want)")
      }
    }
  }

  /// Large designs are split in two halves that a helper thread may compute: evaluations from
  /// many threads at once (each finding the helper free or busy) and with the helper turned
  /// off must agree bit for bit, and with the definition.
  @Test func halvesOnAnyThreadGiveTheSameNumbers() {
    var generator = Xoshiro256StarStar(seed: 17)
    let design = Tensor<Double>(randomNormal: [1000, 31], using: &generator)
    let coefficients = Tensor<Double>(randomNormal: [2, 31], using: &generator) * 0.3
    let outcomes = Tensor<Double>((0..<1000).map { Double($0 % 2) })
    let (value, gradient) = logisticValueAndGradient(coefficients, design, outcomes)
    let results = ConcurrentResults(count: 64)
    DispatchQueue.concurrentPerform(iterations: 64) { index in
      let (v, g) = logisticValueAndGradient(coefficients, design, outcomes)
      results.store(v.scalars + g.scalars, at: index)
    }
    let expected = (value.scalars + gradient.scalars).map(\.bitPattern)
    for index in 0..<64 { #expect(results.values[index].map(\.bitPattern) == expected) }
    // With the helper thread off (other tests may run meanwhile: their numbers do not change).
    let enabled = helperThreadEnabled
    helperThreadEnabled = false
    let (serialValue, serialGradient) = logisticValueAndGradient(coefficients, design, outcomes)
    helperThreadEnabled = enabled
    #expect((serialValue.scalars + serialGradient.scalars).map(\.bitPattern) == expected)
    let (twoProducts, residuals) = logisticValueAndResiduals(coefficients, design, outcomes)
    for (a, b) in zip(value.scalars, twoProducts.scalars) { #expect(Swift.abs(a - b) < 1e-10) }
    let otherGradient = matmul(residuals, transposed: false, constant: design)
    for (a, b) in zip(gradient.scalars, otherGradient.scalars) { #expect(Swift.abs(a - b) < 1e-11) }
  }

  /// Minibatch steps run the kernel over row indices, copying each 32-row chunk as it goes:
  /// the same bits as over a design gathered from those rows, for the vector path (31
  /// columns), the plain loops (2 and 300 columns), batches split in halves (600 rows of 31),
  /// repeated rows and batches that end inside a chunk.
  @Test(arguments: [(2, 50, 31), (1, 600, 31), (3, 37, 2), (2, 45, 300), (8, 1, 31)])
  func rowsEqualAGatheredDesign(draws: Int, batch: Int, columns: Int) {
    var generator = Xoshiro256StarStar(seed: UInt64(batch * 1000 + columns))
    let rowCount = 700
    let design = Tensor<Double>(randomNormal: [rowCount, columns], using: &generator)
    let outcomes = Tensor<Double>((0..<rowCount).map { _ in Double(generator.next() % 2) })
    let coefficients =
      Tensor<Double>(randomNormal: [draws, columns], using: &generator) * (1 / Double(columns))
    // Random rows with repeats, in no particular order.
    let rows = (0..<batch).map { _ in Int(generator.next(upperBound: UInt64(rowCount))) }
    var value = Tensor<Double>(zeros: [draws])
    var gradient = Tensor<Double>(zeros: [draws, columns])
    logisticValueAndGradient(
      coefficients, design, outcomes, rows: rows, value: &value, gradient: &gradient)
    let (expectedValue, expectedGradient) = logisticValueAndGradient(
      coefficients, design.gathering(rows: rows), outcomes.gathering(rows: rows))
    #expect(value.scalars.map(\.bitPattern) == expectedValue.scalars.map(\.bitPattern))
    #expect(gradient.scalars.map(\.bitPattern) == expectedGradient.scalars.map(\.bitPattern))
    #expect(gradient.scalars.contains { Swift.abs($0) > 1e-3 })
  }

  /// The one-pass kernel and the two products give the same numbers for the same draws.
  @Test func onePassEqualsTwoProducts() {
    var generator = Xoshiro256StarStar(seed: 3)
    let design = Tensor<Double>(randomNormal: [569, 31], using: &generator)
    let coefficients = Tensor<Double>(randomNormal: [4, 31], using: &generator) * 0.5
    let outcomes = Tensor<Double>((0..<569).map { Double($0 % 3 == 0 ? 1 : 0) })
    let (value, gradient) = logisticValueAndGradient(coefficients, design, outcomes)
    let (otherValue, residuals) = logisticValueAndResiduals(coefficients, design, outcomes)
    let otherGradient = matmul(residuals, transposed: false, constant: design)
    for (a, b) in zip(value.scalars, otherValue.scalars) { #expect(Swift.abs(a - b) < 1e-10) }
    for (a, b) in zip(gradient.scalars, otherGradient.scalars) {
      #expect(Swift.abs(a - b) < 1e-11)
    }
  }
}

/// Results written by concurrent iterations, one slot each.
final class ConcurrentResults: @unchecked Sendable {
  private let lock = NSLock()
  private(set) var values: [[Double]]

  init(count: Int) { values = Array(repeating: [], count: count) }

  func store(_ value: [Double], at index: Int) {
    lock.lock()
    values[index] = value
    lock.unlock()
  }
}
