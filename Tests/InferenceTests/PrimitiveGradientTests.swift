import Distributions
import Inference
import TensorCore
import TestSupport
import Testing
import _Differentiation

/// One row of the finite-difference table: a differentiable function and a point inside its
/// domain.
struct GradientCase {
  var name: String
  var inputs: [Tensor<Double>]
  var function: @differentiable(reverse) ([Tensor<Double>]) -> Tensor<Double>
}

/// The table: every primitive with a hand-written VJP, each family's differentiable methods and
/// each bijector.
func gradientCases() -> [GradientCase] {
  let matrix = tensor([0.3, -1.2, 0.8, 0.5, 0.1, -0.4], shape: [2, 3])
  let data = tensor(
    [1.0, 0.5, -0.3, 2.0, -1.0, 0.7, 0.2, 0.9, -0.6, 1.1, 0.4, -0.8], shape: [4, 3])
  let noise = tensor([0.4, -1.1, 0.7, 1.3, 0.2, -0.5], shape: [2, 3])
  let draws = tensor([0.1, 0.6, -0.2, 1.0, -0.4, 0.3], shape: [2, 3])
  let lowRankNoise = tensor([0.4, -1.1, 0.7, 1.3, 0.2, -0.5, 0.9, -0.3], shape: [2, 4])
  // A log joint that reads two of three parameters, by name and by index, and one of them
  // twice: the subscripts' own derivative (one gradient, rank-0 zeros elsewhere) and the sum of
  // the tangents, through the bijectors.
  let layout = try! ParameterLayout([
    ParameterDeclaration("a", shape: [2]),
    ParameterDeclaration("b", shape: [1], constraint: .positive),
    ParameterDeclaration("unused", shape: [1]),
  ])
  let subscripted = VariationalObjective(layout: layout) { values in
    (values["a"] * values[1]).sum(alongAxes: [1]).squeezingShape(at: [1])
      + values[0].squared().sum(alongAxes: [1]).squeezingShape(at: [1])
  }
  return [
    GradientCase(
      name: "log density through parameter subscripts",
      inputs: [tensor([0.3, -0.7, 0.2, 1.1, 0.5, -0.4, 0.9, 0.1], shape: [2, 4])]
    ) {
      subscripted.logDensity(unconstrained: $0[0])
    },
    GradientCase(name: "cumulativeSum along axis 1", inputs: [matrix]) {
      $0[0].cumulativeSum(alongAxis: 1)
    },
    GradientCase(name: "cumulativeSum along axis 0", inputs: [matrix]) {
      $0[0].cumulativeSum(alongAxis: 0)
    },
    GradientCase(
      name: "matmul with constant, one row", inputs: [tensor([0.3, -0.7, 1.1], shape: [1, 3])]
    ) {
      matmul($0[0], constant: data, constantTransposed: true)
    },
    GradientCase(name: "matmul with constant, rows", inputs: [matrix]) {
      matmul($0[0], constant: data, constantTransposed: true)
    },
    GradientCase(
      name: "matmul with constant, transposed",
      inputs: [tensor([0.3, -0.7, 1.1, 0.2], shape: [4, 1])]
    ) {
      matmul($0[0], transposed: true, constant: data)
    },
    GradientCase(
      name: "matmul with constant, transposed rows",
      inputs: [tensor([0.3, -0.7, 1.1, 0.2, 0.5, -0.1, 0.8, 0.4], shape: [4, 2])]
    ) {
      matmul($0[0], transposed: true, constant: data)
    },
    GradientCase(name: "matmul by a constant column", inputs: [matrix]) {
      matmul($0[0], constant: tensor([0.5, -1, 2], shape: [3, 1]))
    },
    GradientCase(
      name: "bernoulliLogLikelihood",
      inputs: [tensor([0.3, -2.0, 5.0, -0.1, 30, -30, 0, 1.5], shape: [2, 4])]
    ) {
      bernoulliLogLikelihood(logits: $0[0], outcomes: tensor([1, 0, 0, 1]))
    },
    GradientCase(
      name: "bernoulliLogLikelihood with a design, two draws (one fused pass)",
      inputs: [tensor([0.3, -0.2, 0.5, 0.1, 0.4, -0.6], shape: [2, 3])]
    ) {
      bernoulliLogLikelihood(coefficients: $0[0], design: data, outcomes: tensor([1, 0, 0, 1]))
    },
    GradientCase(
      name: "bernoulliLogLikelihood with a design, nine draws (two products)",
      inputs: [Tensor(shape: [9, 3], scalars: (0..<27).map { Double($0 % 7) * 0.2 - 0.6 })]
    ) {
      bernoulliLogLikelihood(coefficients: $0[0], design: data, outcomes: tensor([1, 0, 0, 1]))
    },
    GradientCase(
      name: "mean-field sample",
      inputs: [tensor([0.1, -0.2, 0.3]), tensor([0.2, -0.5, 0.1])]
    ) {
      MeanFieldGaussian(mean: $0[0], logStandardDeviation: $0[1]).reparameterizedSample(
        noise: noise)
    },
    GradientCase(name: "isotropicNormalLogDensity", inputs: [matrix]) {
      isotropicNormalLogDensity($0[0], standardDeviation: 1.7)
    },
    GradientCase(
      name: "mean-field log density",
      inputs: [tensor([0.1, -0.2, 0.3]), tensor([0.2, -0.5, 0.1]), draws]
    ) {
      MeanFieldGaussian(mean: $0[0], logStandardDeviation: $0[1]).logDensity(of: $0[2])
    },
    GradientCase(
      name: "mean-field entropy", inputs: [tensor([0.1, -0.2, 0.3]), tensor([0.2, -0.5, 0.1])]
    ) {
      MeanFieldGaussian(mean: $0[0], logStandardDeviation: $0[1]).entropy()
    },
    GradientCase(
      name: "full-rank sample (fused VJP)",
      inputs: [
        tensor([0.1, -0.2, 0.3]),
        tensor([0.5, 0.9, -0.1, 0.4, 0.3, 0.8, -0.6, 0.2, 0.7], shape: [3, 3]),
        tensor([0.2, -0.5, 0.1]),
      ]
    ) {
      FullRankGaussian(mean: $0[0], offDiagonal: $0[1], logDiagonal: $0[2]).reparameterizedSample(
        noise: noise)
    },
    GradientCase(
      name: "full-rank sample, six draws (GEMM path)",
      inputs: [
        tensor([0.1, -0.2, 0.3]),
        tensor([0.5, 0.9, -0.1, 0.4, 0.3, 0.8, -0.6, 0.2, 0.7], shape: [3, 3]),
        tensor([0.2, -0.5, 0.1]),
      ]
    ) {
      FullRankGaussian(mean: $0[0], offDiagonal: $0[1], logDiagonal: $0[2]).reparameterizedSample(
        noise: Tensor<Double>(concatenating: [noise, noise.squared(), -noise]))
    },
    GradientCase(
      name: "full-rank log density",
      inputs: [
        tensor([0.1, -0.2, 0.3]),
        tensor([0.5, 0.9, -0.1, 0.4, 0.3, 0.8, -0.6, 0.2, 0.7], shape: [3, 3]),
        tensor([0.2, -0.5, 0.1]), draws,
      ]
    ) {
      FullRankGaussian(mean: $0[0], offDiagonal: $0[1], logDiagonal: $0[2]).logDensity(of: $0[3])
    },
    GradientCase(
      name: "low-rank sample",
      inputs: [
        tensor([0.1, -0.2, 0.3]), tensor([0.5, -0.3, 0.2], shape: [3, 1]),
        tensor([0.2, -0.5, 0.1]),
      ]
    ) {
      LowRankGaussian(mean: $0[0], factor: $0[1], logDiagonal: $0[2]).reparameterizedSample(
        noise: lowRankNoise)
    },
    GradientCase(
      name: "low-rank log density",
      inputs: [
        tensor([0.1, -0.2, 0.3]), tensor([0.5, -0.3, 0.2, 0.1, 0.4, -0.6], shape: [3, 2]),
        tensor([0.2, -0.5, 0.1]), draws,
      ]
    ) {
      LowRankGaussian(mean: $0[0], factor: $0[1], logDiagonal: $0[2]).logDensity(of: $0[3])
    },
    GradientCase(
      name: "low-rank entropy",
      inputs: [
        tensor([0.1, -0.2, 0.3]), tensor([0.5, -0.3, 0.2, 0.1, 0.4, -0.6], shape: [3, 2]),
        tensor([0.2, -0.5, 0.1]),
      ]
    ) {
      LowRankGaussian(mean: $0[0], factor: $0[1], logDiagonal: $0[2]).entropy()
    },
  ]
    + Constraint.testCases.map { constraint in
      let input =
        constraint == .simplex ? tensor([0.3, -0.8, 1.2, 0.1, 0.5, -0.4], shape: [2, 3]) : draws
      return GradientCase(name: "\(constraint) constrain and log|det J|", inputs: [input]) {
        constraint.constrain($0[0]).sum(alongAxes: [1]).squeezingShape(at: [1])
          + constraint.logAbsDeterminant($0[0])
      }
    }
}

extension Constraint {
  /// One of each kind.
  static var testCases: [Constraint] {
    [
      .real, .positive, .greaterThan(-2), .lessThan(3), .interval(lower: -1, upper: 4),
      .unitInterval,
      .simplex,
    ]
  }
}

@Suite struct PrimitiveGradientTests {
  /// Every hand-written vector–Jacobian product (and the composites built on them) against
  /// central finite differences.
  static let names = gradientCases().map(\.name)

  @Test(arguments: names)
  func gradientMatchesFiniteDifferences(_ name: String) throws {
    let testCase = try #require(gradientCases().first { $0.name == name })
    checkGradients(of: testCase.function, at: testCase.inputs, tolerance: 1e-6, name)
  }

  @Test func cumulativeSumValues() {
    let x = tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
    assertClose(x.cumulativeSum(alongAxis: 1), tensor([1, 3, 6, 4, 9, 15], shape: [2, 3]))
    assertClose(x.cumulativeSum(alongAxis: 0), tensor([1, 2, 3, 5, 7, 9], shape: [2, 3]))
    assertClose(x.cumulativeSum(alongAxis: -1), tensor([1, 3, 6, 4, 9, 15], shape: [2, 3]))
  }

  @Test func constantMatmulMatchesMatmul() {
    let a = tensor([0.3, -1.2, 0.8, 0.5, 0.1, -0.4], shape: [2, 3])
    let b = tensor(
      [1.0, 0.5, -0.3, 2.0, -1.0, 0.7, 0.2, 0.9, -0.6, 1.1, 0.4, -0.8], shape: [4, 3])
    assertClose(
      matmul(a, constant: b, constantTransposed: true),
      matmul(a, transposed: false, b, transposed: true), relativeTolerance: 1e-14)
    let row = tensor([0.3, -1.2, 0.8], shape: [1, 3])
    assertClose(
      matmul(row, constant: b, constantTransposed: true),
      matmul(row, transposed: false, b, transposed: true), relativeTolerance: 1e-14)
    let column = tensor([0.3, -1.2, 0.8, 2], shape: [4, 1])
    assertClose(
      matmul(column, transposed: true, constant: b),
      matmul(column, transposed: true, b, transposed: false), relativeTolerance: 1e-14)
    assertClose(
      matmul(b, transposed: true, constant: column),
      matmul(b, transposed: true, column, transposed: false), relativeTolerance: 1e-14,
      "a transposed matrix by a column")
    let vector = tensor([0.5, -1, 2], shape: [3, 1])
    assertClose(
      matmul(a, constant: vector), matmul(a, transposed: false, vector, transposed: false),
      relativeTolerance: 1e-14, "a matrix by a column")
    let rowVector = tensor([0.5, -1, 2], shape: [1, 3])
    assertClose(
      matmul(a, constant: rowVector, constantTransposed: true),
      matmul(a, transposed: false, rowVector, transposed: true), relativeTolerance: 1e-14,
      "a matrix by a transposed row")
  }

  @Test func bernoulliLogLikelihoodMatchesDefinition() {
    let logits = tensor([0.3, -2.0, 40, -40, 0, 1.5], shape: [2, 3])
    let outcomes = tensor([1, 0, 1])
    let value = bernoulliLogLikelihood(logits: logits, outcomes: outcomes)
    var expected: [Double] = []
    for row in 0..<2 {
      var total = 0.0
      for n in 0..<3 {
        let l = logits.scalars[row * 3 + n]
        let p = 1 / (1 + Double.exp(-l))
        total += outcomes.scalars[n] == 1 ? Double.log(p) : Double.log(1 - p)
      }
      expected.append(total)
    }
    assertClose(value, tensor(expected), relativeTolerance: 1e-12)
    #expect(value.scalars.allSatisfy { $0.isFinite })
    let design = tensor([1, 0.5, -2, 1, 0, 3, 40, 1, 0.1], shape: [3, 3])
    let coefficients = tensor([0.2, -0.1, 1, -1, 2, 0.5], shape: [2, 3])
    let fused = bernoulliLogLikelihood(
      coefficients: coefficients, design: design, outcomes: outcomes)
    let separate = bernoulliLogLikelihood(
      logits: matmul(coefficients, transposed: false, design, transposed: true), outcomes: outcomes)
    assertClose(fused, separate, relativeTolerance: 1e-13)
  }

  /// The likelihood sums log(1 + e^{−|l|}) through products of 32 factors: over 1000 logits
  /// of about ±20 it must equal the term-by-term `log1p` sum up to the rounding of the sums
  /// themselves (1000 additions of ulp(total) ≈ 1e-12 each way) plus 1000 · 2.3e-16 from the
  /// products: a dropped or doubled block of 32 factors would be off by 1 or more.
  @Test func longRowsMatchTheTermByTermSum() {
    var generator = Xoshiro256StarStar(seed: 11)
    let logits = Tensor<Double>(randomNormal: [2, 1000], using: &generator) * 20
    let outcomes = Tensor<Double>((0..<1000).map { Double($0 % 3 == 0 ? 1 : 0) })
    let value = bernoulliLogLikelihood(logits: logits, outcomes: outcomes)
    // The fused product with a design matrix goes through the same C pass: the same sums
    // with the logits as the design's one column.
    let fused = Tensor<Double>(
      concatenating: (0..<2).map { row in
        bernoulliLogLikelihood(
          coefficients: Tensor(shape: [1, 1], scalars: [1]),
          design: logits.rows(row..<(row + 1)).reshaped(to: [1000, 1]), outcomes: outcomes)
      })
    for row in 0..<2 {
      var expected = 0.0
      for n in 0..<1000 {
        let l = logits.scalars[row * 1000 + n]
        expected +=
          outcomes.scalars[n] * l - (Swift.max(l, 0) + Double.log(onePlus: Double.exp(-Swift.abs(l))))
      }
      let tolerance = 1000 * Swift.abs(expected).ulp + 1000 * 2.3e-16
      #expect(Swift.abs(value.scalars[row] - expected) < tolerance, "row \(row)")
      #expect(Swift.abs(fused.scalars[row] - expected) < 2 * tolerance, "fused row \(row)")
    }
  }

  /// Products with one row or one column run in C kernels (4 rows at a time with masked tails,
  /// 32 columns per pass): every transpose combination, with row counts that are not multiples
  /// of 4 and widths on both sides of 32, equals the naive triple loop up to the rounding of
  /// sums in another order (k terms of size ~1: k · 1e-15 absolute).
  @Test(arguments: [(1, 31, 569), (1, 70, 9), (1, 3, 2), (7, 31, 1), (66, 5, 1), (1, 1, 1)])
  func matrixVectorProductsMatchTheDefinition(m: Int, k: Int, n: Int) {
    var generator = Xoshiro256StarStar(seed: UInt64(m * 1000 + k * 10 + n))
    for transposeA in [false, true] {
      for transposeB in [false, true] {
        let a = Tensor<Double>(randomNormal: transposeA ? [k, m] : [m, k], using: &generator)
        let b = Tensor<Double>(randomNormal: transposeB ? [n, k] : [k, n], using: &generator)
        let product = matmul(a, transposed: transposeA, constant: b, constantTransposed: transposeB)
        var expected = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
          for j in 0..<n {
            for l in 0..<k {
              let x = transposeA ? a.scalars[l * m + i] : a.scalars[i * k + l]
              let y = transposeB ? b.scalars[j * k + l] : b.scalars[l * n + j]
              expected[i * n + j] += x * y
            }
          }
        }
        #expect(product.shape == [m, n])
        assertClose(
          product, Tensor(shape: [m, n], scalars: expected), relativeTolerance: 1e-13,
          absoluteTolerance: Double(k) * 1e-15,
          "\(m)×\(k)×\(n), transposes \(transposeA) \(transposeB)")
      }
    }
  }
}
