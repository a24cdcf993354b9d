import Distributions
import TensorCore
import TestSupport
import Testing

/// The log-density table (`logDensityCases`) in Double, to a relative error of 1e-10, and in
/// Float, to 1e-4; plus identities between families.
@Suite struct LogDensityTests {
  static let names = logDensityCases(Double.self).map(\.name)

  @Test(arguments: names)
  func double(_ name: String) throws {
    let testCase = try #require(logDensityCases(Double.self).first { $0.name == name })
    let values: Tensor<Double> = tensor(testCase.values, shape: testCase.valueShape)
    let expected: Tensor<Double> = tensor(testCase.expected)
    let actual = testCase.logProbability(values)
    assertClose(
      actual.reshaped(to: [-1]), expected, relativeTolerance: 1e-10, absoluteTolerance: 1e-12,
      name)
  }

  @Test(arguments: names)
  func float(_ name: String) throws {
    let testCase = try #require(logDensityCases(Float.self).first { $0.name == name })
    let values: Tensor<Float> = tensor(testCase.values, shape: testCase.valueShape)
    let expected: Tensor<Float> = tensor(testCase.expected)
    let actual = testCase.logProbability(values)
    assertClose(
      actual.reshaped(to: [-1]), expected, relativeTolerance: 1e-4, absoluteTolerance: 1e-5,
      name)
  }

  @Test func studentTWithOneDegreeOfFreedomIsCauchy() {
    let x: Tensor<Double> = tensor([-7, -0.3, 0.2, 4])
    let student = StudentT<Double>(
      degreesOfFreedom: scalar(1), location: scalar(0.2), scale: scalar(1.5))
    let cauchy = Cauchy<Double>(location: scalar(0.2), scale: scalar(1.5))
    assertClose(
      student.logProbability(of: x), cauchy.logProbability(of: x), relativeTolerance: 1e-13)
  }

  @Test func gammaWithUnitConcentrationIsExponential() {
    let x: Tensor<Double> = tensor([0.01, 0.7, 3])
    let gamma = Gamma<Double>(concentration: scalar(1), rate: scalar(2.2))
    let exponential = Exponential<Double>(rate: scalar(2.2))
    assertClose(
      gamma.logProbability(of: x), exponential.logProbability(of: x), relativeTolerance: 1e-13)
  }

  @Test func binomialWithOneTrialIsBernoulli() {
    let x: Tensor<Double> = tensor([0, 1])
    let binomial = Binomial<Double>(count: scalar(1), logits: scalar(-0.6))
    let bernoulli = Bernoulli<Double>(logits: scalar(-0.6))
    assertClose(
      binomial.logProbability(of: x), bernoulli.logProbability(of: x), relativeTolerance: 1e-13)
  }

  @Test func diagonalMultivariateNormalIsAProductOfNormals() {
    let mean: Tensor<Double> = tensor([0.3, -1, 2])
    let deviations: Tensor<Double> = tensor([0.5, 1.5, 2])
    let x: Tensor<Double> = tensor([1, 0, 0, -0.2, 0.4, 3.1], shape: [2, 3])
    let joint = MultivariateNormal(mean: mean, scaleTril: Tensor(diagonal: deviations))
    let product = Normal(mean: mean, standardDeviation: deviations).logProbability(of: x)
    assertClose(
      joint.logProbability(of: x), product.sum(squeezingAxes: [1]), relativeTolerance: 1e-13)
  }

  @Test func multivariateNormalFromCovarianceMatchesCholeskyFactor() {
    let scaleTril: Tensor<Double> = tensor([2, 0, 0.5, 1], shape: [2, 2])
    let mean: Tensor<Double> = tensor([1, -1])
    let covariance = matmul(scaleTril, transposed: false, scaleTril, transposed: true)
    let x: Tensor<Double> = tensor([0.4, 0.1])
    assertClose(
      MultivariateNormal(mean: mean, covariance: covariance).logProbability(of: x),
      MultivariateNormal(mean: mean, scaleTril: scaleTril).logProbability(of: x),
      relativeTolerance: 1e-13)
  }

  @Test func extremeLogitsStayFinite() {
    let bernoulli = Bernoulli<Double>(logits: tensor([1000, -1000]))
    assertClose(bernoulli.logProbability(of: tensor([1, 1])), tensor([0, -1000]))
    assertClose(bernoulli.logProbability(of: tensor([0, 0])), tensor([-1000, 0]))
    let categorical = Categorical<Double>(logits: tensor([1000, -1000, 999]))
    // log p = l_k − (1000 + log(1 + e^{−1})).
    let normalizer = 1000 + Double.log(onePlus: Double.exp(-1))
    assertClose(
      categorical.logProbability(of: tensor([0, 1, 2])),
      tensor([1000 - normalizer, -1000 - normalizer, 999 - normalizer]), relativeTolerance: 1e-14)
  }

  @Test func categoricalAllowsImpossibleClassesAndRejectsInvalidIndices() {
    let categorical = Categorical<Double>(logits: tensor([0, -.infinity, 0]))
    let log2 = Double.log(2)
    assertClose(
      categorical.logProbability(of: tensor([0, 1, 2, 3, 0.5, -1])),
      tensor([-log2, -.infinity, -log2, -.infinity, -.infinity, -.infinity]))
    assertClose(categorical.entropy(), scalar(log2), relativeTolerance: 1e-14)
  }

  @Test func shapesBroadcastAgainstTheBatch() {
    // Values [4, 1] against a batch [3] give [4, 3].
    let normal = Normal<Double>(mean: tensor([0, 1, 2]), standardDeviation: scalar(1))
    let values: Tensor<Double> = tensor([0, 1, 2, 3], shape: [4, 1])
    #expect(normal.logProbability(of: values).shape == [4, 3])
    // A batch of categorical distributions [2, K = 3] scores values [5, 2].
    let categorical = Categorical<Double>(logits: Tensor(zeros: [2, 3]))
    #expect(categorical.logProbability(of: Tensor(zeros: [5, 2])).shape == [5, 2])
    // A batch of two multivariate normal means scores a [4, 2, d] tensor as [4, 2].
    let mvn = MultivariateNormal<Double>(
      mean: Tensor(zeros: [2, 3]), scaleTril: Tensor(diagonal: Tensor(ones: [3])))
    #expect(mvn.logProbability(of: Tensor(zeros: [4, 2, 3])).shape == [4, 2])
    #expect(mvn.entropy().shape == [2])
  }
}
