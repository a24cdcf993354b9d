import PosteriorDBModels
import TensorCore
import TestSupport
import Testing
import _Differentiation

/// ``linearRecurrence(_:coefficient:)``: its values against the recursion written out, and
/// its vector–Jacobian product against finite differences.
@Suite struct LinearRecurrenceTests {
  let inputs = Tensor<Double>(
    shape: [3, 5],
    scalars: [0.5, -1.2, 0.3, 2.0, -0.7, 1.1, 0.4, -0.9, 0.2, 0.6, -0.3, 0.8, 1.5, -1.1, 0.05])
  let coefficients = Tensor<Double>(shape: [3, 1], scalars: [0.9, -0.4, 1.3])

  @Test func followsTheRecursion() {
    let x = linearRecurrence(inputs, coefficient: coefficients)
    #expect(x.shape == [3, 5])
    for row in 0..<3 {
      var previous = 0.0
      for t in 0..<5 {
        let expected = inputs[row, t] + (t == 0 ? 0 : coefficients[row, 0] * previous)
        assertClose(x[row, t], expected, relativeTolerance: 1e-15, "row \(row), step \(t)")
        previous = expected
      }
    }
  }

  @Test func gradientMatchesFiniteDifferences() {
    let comparisons = compareGradients(
      of: { linearRecurrence($0[0], coefficient: $0[1]) }, at: [inputs, coefficients])
    for comparison in comparisons {
      #expect(comparison.relativeError < 1e-8, "\(comparison)")
    }
  }

  /// A rank-0 cotangent (as automatic differentiation passes for a result that is summed
  /// away) broadcasts.
  @Test func broadcastsAScalarCotangent() {
    let (_, pullback) = valueWithPullback(at: inputs, coefficients) {
      linearRecurrence($0, coefficient: $1)
    }
    let (full, _) = pullback(Tensor(ones: [3, 5]))
    let (scalar, _) = pullback(Tensor(1.0))
    #expect(full == scalar)
  }
}
