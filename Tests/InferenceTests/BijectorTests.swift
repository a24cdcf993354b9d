import Distributions
import Inference
import RealModule
import TensorCore
import TestSupport
import Testing

/// log |det J| of `constraint` at the single row ζ, from a central-difference Jacobian (for a
/// simplex, of the first K − 1 outputs, which determine the last).
func numericalLogAbsDeterminant(_ constraint: Constraint, at point: [Double]) -> Double {
  let k = point.count
  let h = 1e-6
  var jacobian = [Double](repeating: 0, count: k * k)
  for j in 0..<k {
    var plus = point
    var minus = point
    plus[j] += h
    minus[j] -= h
    let up = constraint.constrain(tensor(plus, shape: [1, k])).scalars
    let down = constraint.constrain(tensor(minus, shape: [1, k])).scalars
    for i in 0..<k { jacobian[i * k + j] = (up[i] - down[i]) / (2 * h) }
  }
  // log |det| by Gaussian elimination with partial pivoting.
  var total = 0.0
  for column in 0..<k {
    let pivot = (column..<k).max {
      Swift.abs(jacobian[$0 * k + column]) < Swift.abs(jacobian[$1 * k + column])
    }!
    if pivot != column {
      for c in 0..<k { jacobian.swapAt(pivot * k + c, column * k + c) }
    }
    let p = jacobian[column * k + column]
    total += Double.log(Swift.abs(p))
    for row in (column + 1)..<max(column + 1, k) {
      let factor = jacobian[row * k + column] / p
      for c in column..<k { jacobian[row * k + c] -= factor * jacobian[column * k + c] }
    }
  }
  return total
}

@Suite struct BijectorTests {
  static let names = Constraint.testCases.map(\.description)

  static func constraint(named name: String) -> Constraint {
    Constraint.testCases.first { $0.description == name }!
  }

  /// Values land in the support, the inverse recovers ζ, and log |det J| matches a numerical
  /// Jacobian, at points spread over the real line (including far tails).
  @Test(arguments: names)
  func bijectorIsConsistent(_ name: String) {
    let constraint = Self.constraint(named: name)
    let points: [[Double]] = [[-3, 0.2, 1.7], [0, 0, 0], [5, -4, 0.5], [-0.7, 2.5, -1.5]]
    for point in points {
      let zeta = tensor(point, shape: [1, 3])
      let x = constraint.constrain(zeta)
      let values = x.scalars
      if constraint == .simplex {
        #expect(values.count == 4)
        #expect(Constraint.containsSimplex(values), "\(values) is not on the simplex")
      } else {
        #expect(values.allSatisfy { constraint.contains($0) }, "\(values) outside \(constraint)")
      }
      assertClose(
        constraint.unconstrain(x), zeta, relativeTolerance: 1e-9, absoluteTolerance: 1e-9,
        "\(constraint) inverse")
      assertClose(
        constraint.logAbsDeterminant(zeta).scalars[0],
        numericalLogAbsDeterminant(constraint, at: point), relativeTolerance: 1e-6,
        absoluteTolerance: 1e-6, "\(constraint) log|det J| at \(point)")
    }
  }

  /// ζ = 0 maps to the documented defaults.
  @Test func zeroMapsToTheDocumentedPoints() {
    let zero = Tensor<Double>(zeros: [1, 2])
    #expect(Constraint.positive.constrain(zero).scalars == [1, 1])
    #expect(Constraint.greaterThan(2).constrain(zero).scalars == [3, 3])
    #expect(Constraint.lessThan(2).constrain(zero).scalars == [1, 1])
    #expect(Constraint.interval(lower: -1, upper: 3).constrain(zero).scalars == [1, 1])
    #expect(Constraint.unitInterval.constrain(zero).scalars == [0.5, 0.5])
    assertClose(
      Constraint.simplex.constrain(Tensor(zeros: [1, 3])),
      tensor([0.25, 0.25, 0.25, 0.25], shape: [1, 4]),
      relativeTolerance: 1e-14)
  }

  /// Rows are independent draws: each row maps as it would alone.
  @Test func rowsAreMappedIndependently() {
    let rows = tensor([0.3, -1, 2, -0.5, 0.1, 1.4], shape: [2, 3])
    for constraint in Constraint.testCases {
      let together = constraint.constrain(rows)
      let first = constraint.constrain(tensor([0.3, -1, 2], shape: [1, 3]))
      let second = constraint.constrain(tensor([-0.5, 0.1, 1.4], shape: [1, 3]))
      #expect(together.scalars == first.scalars + second.scalars, "\(constraint)")
      let determinants = constraint.logAbsDeterminant(rows).scalars
      #expect(
        determinants
          == constraint.logAbsDeterminant(tensor([0.3, -1, 2], shape: [1, 3])).scalars
          + constraint.logAbsDeterminant(tensor([-0.5, 0.1, 1.4], shape: [1, 3])).scalars)
    }
  }

  /// Far in the tails the transforms saturate instead of producing NaN.
  @Test func tailsStayFinite() {
    let extreme = tensor([-700, 700], shape: [1, 2])
    for constraint in [Constraint.interval(lower: 0, upper: 1), .unitInterval, .simplex] {
      #expect(constraint.logAbsDeterminant(extreme).scalars.allSatisfy { !$0.isNaN })
      #expect(constraint.constrain(extreme).scalars.allSatisfy { $0.isFinite })
    }
  }
}
