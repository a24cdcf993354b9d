import Distributions
import TensorCore
import TestSupport
import Testing

/// Each distribution's `namedParameters` is the one listing its batch shape and `validated()`
/// derive from: it must name every stored tensor, in order, and nothing else.
@Suite struct ParameterListingTests {
  /// One instance of every `ParameterizedDistribution`, with parameters of different shapes.
  static var distributions: [any ParameterizedDistribution] {
    let column: Tensor<Double> = tensor([0.5, 1.5, 2.5], shape: [3, 1])
    let row: Tensor<Double> = tensor([1, 2, 3, 4], shape: [4])
    return [
      Normal(mean: column, standardDeviation: row), LogNormal(location: column, scale: row),
      Cauchy(location: column, scale: row), HalfNormal(scale: row), HalfCauchy(scale: row),
      StudentT(degreesOfFreedom: column, location: row, scale: scalar(1)),
      Exponential(rate: row), Gamma(concentration: column, rate: row),
      InverseGamma(concentration: column, scale: row), Beta(alpha: column, beta: row),
      Uniform(low: column, high: row + 10), Bernoulli(logits: row),
      Binomial(count: tensor([1, 2, 3], shape: [3, 1]), logits: row), Poisson(logRate: row),
    ]
  }

  @Test(arguments: 0..<14)
  func listingNamesEveryStoredTensorInOrder(_ index: Int) {
    let distribution = Self.distributions[index]
    let stored = Mirror(reflecting: distribution).children.compactMap { child in
      child.value is Tensor<Double> ? child.label : nil
    }
    #expect(distribution.listedNames == stored, "\(type(of: distribution))")
  }

  @Test(arguments: 0..<14)
  func batchShapeIsTheBroadcastOfTheListedShapes(_ index: Int) {
    let distribution = Self.distributions[index]
    let expected = distribution.listedShapes.reduce([]) { broadcastShape($0, $1) }
    #expect(distribution.batchShape == expected, "\(type(of: distribution))")
    #expect(expected == [3, 4] || expected == [4], "\(type(of: distribution))")
  }

  /// Parameters changed after construction so that they no longer broadcast stop at the next
  /// use of the batch shape, with the distribution's name.
  /// A distribution's own rules apply also where only the protocol is known.
  @Test func validationThroughTheProtocolKeepsTheDistributionsRules() {
    let empty: any ParameterizedDistribution = Uniform<Double>(low: scalar(2), high: scalar(1))
    #expect(throws: InvalidParameterError.self) { _ = try empty.validated() }
    let valid: any ParameterizedDistribution = Uniform<Double>(low: scalar(1), high: scalar(2))
    #expect(throws: Never.self) { _ = try valid.validated() }
  }

  @Test func everyDistributionIsListed() {
    #expect(Self.distributions.count == 14)
  }

  @Test func batchShapeNamesTheDistribution() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      var normal = Normal<Double>(
        mean: Tensor(zeros: [3]), standardDeviation: Tensor(ones: [3]))
      normal.standardDeviation = Tensor(ones: [4])
      _ = normal.batchShape
    }
    let message = result.map { String(decoding: $0.standardErrorContent, as: UTF8.self) } ?? ""
    #expect(message.contains("Normal: the parameters' shapes [[3], [4]] do not broadcast"))
  }
}

extension ParameterizedDistribution {
  /// The names in `namedParameters`, in order.
  fileprivate var listedNames: [String] { namedParameters.map(\.name) }
  /// The shapes in `namedParameters`, in order.
  fileprivate var listedShapes: [[Int]] { namedParameters.map(\.value.shape) }
}
