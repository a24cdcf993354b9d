import Distributions
import TensorCore
import TestSupport
import Testing

/// `validated()` accepts parameters in their domains and names the first offending scalar
/// otherwise.
@Suite struct ValidationTests {
  @Test func validParametersPass() throws {
    let positive: Tensor<Double> = tensor([0.5, 2])
    _ = try Normal(mean: tensor([-1, 1]), standardDeviation: positive).validated()
    _ = try Gamma(concentration: positive, rate: positive).validated()
    _ = try Beta(alpha: positive, beta: positive).validated()
    _ = try Binomial(count: tensor([0, 7]), logits: positive).validated()
    _ = try Categorical<Double>(logits: tensor([0, -.infinity, 1])).validated()
    _ = try Uniform(low: scalar(-1), high: positive).validated()
    _ = try MultivariateNormal<Double>(
      mean: tensor([0, 0]), scaleTril: tensor([1, 99, -2, 3], shape: [2, 2])
    ).validated()
  }

  @Test func invalidParametersThrowWithTheirNames() {
    func message(_ body: () throws -> Void) -> String {
      do {
        try body()
        return "no error"
      } catch {
        return "\(error)"
      }
    }
    #expect(
      message {
        _ = try Normal<Double>(mean: scalar(0), standardDeviation: tensor([1, -2])).validated()
      }
        == "Normal: standardDeviation must be positive and finite, but scalar 1 is -2.0")
    #expect(
      message { _ = try Gamma<Double>(concentration: scalar(.nan), rate: scalar(1)).validated() }
        == "Gamma: concentration must be positive and finite, but scalar 0 is nan")
    #expect(
      message { _ = try Binomial<Double>(count: tensor([3, 2.5]), logits: scalar(0)).validated() }
        == "Binomial: count must be a non-negative integer, but scalar 1 is 2.5")
    #expect(
      message { _ = try Uniform<Double>(low: scalar(2), high: scalar(1)).validated() }
        == "Uniform: high - low must be positive and finite, but scalar 0 is -1.0")
    #expect(
      message { _ = try Categorical<Double>(logits: tensor([-.infinity, -.infinity])).validated() }
        == "Categorical: the largest logit of each row must be finite, but scalar 0 is -inf")
    #expect(
      message {
        _ = try MultivariateNormal<Double>(
          mean: tensor([0, 0]), scaleTril: tensor([1, 0, 0, -1], shape: [2, 2])
        ).validated()
      }
        == "MultivariateNormal: the diagonal of scaleTril must be positive and finite, "
        + "but scalar 1 is -1.0"
    )
    #expect(
      message { _ = try Exponential<Double>(rate: scalar(0)).validated() }
        == "Exponential: rate must be positive and finite, but scalar 0 is 0.0")
  }
}
