import Distributions
import Inference
import TensorCore
import Testing
import _Differentiation

/// The README's Swift examples, verbatim apart from the imports, so that they keep compiling.
@Suite struct ReadmeExampleTests {
  /// y ~ Normal(μ, σ), μ ~ Normal(0, 10), σ ~ HalfNormal(5).
  struct NormalModel: ProbabilisticModel {
    let y: Tensor<Double>
    var parameters: [ParameterDeclaration] {
      [ParameterDeclaration("mu"), ParameterDeclaration("sigma", constraint: .positive)]
    }
    @differentiable(reverse)
    func logJoint(_ p: ParameterValues) -> Tensor<Double> {  // each parameter is [L, 1]
      let (mu, sigma) = (p["mu"], p["sigma"])
      let prior =
        Normal(mean: Tensor(0.0), standardDeviation: Tensor(10.0)).logProbability(of: mu)
        + HalfNormal(scale: Tensor(5.0)).logProbability(of: sigma)
      let likelihood = Normal(mean: mu, standardDeviation: sigma).logProbability(of: y)
      return (prior + likelihood.sum(alongAxes: [1])).squeezingShape(at: [1])  // [L]
    }
  }

  /// The posterior of μ is centred near the sample mean 5.1 and σ near the sample sd 0.6
  /// (with 4 points both are wide: the checks only rule out a broken example).
  @Test func readmeExampleRuns() throws {
    let fitted = try fit(NormalModel(y: Tensor([4.9, 5.3, 4.4, 5.8])), family: .fullRank)
    let draws = fitted.draws(count: 1000)
    #expect(fitted.report(draws: draws).contains("mu"))
    let mu = try #require(draws.summary(of: "mu"))
    let sigma = try #require(draws.summary(of: "sigma"))
    #expect(Swift.abs(mu.mean - 5.1) < 0.3, "\(mu.mean)")
    #expect(sigma.q50 > 0.3 && sigma.q50 < 1.5, "\(sigma.q50)")
  }

  /// y ~ Normal(μ, 1), μ ~ Normal(0, 10), up to a constant:
  /// log p = −μ²/200 − Σᵢ (yᵢ − μ)²/2,   ∂ log p/∂μ = −μ/100 + Σᵢ yᵢ − nμ.
  struct NormalMean: ClosedFormGradientModel {
    let y: [Double]
    var parameters: [ParameterDeclaration] { [ParameterDeclaration("mu")] }
    @differentiable(reverse)
    func logJoint(_ p: ParameterValues) -> Tensor<Double> {  // mu is [L, 1]
      let mu = p["mu"]
      return (-mu.squared() / 200 - 0.5 * (Tensor(y) - mu).squared().sum(alongAxes: [1]))
        .squeezingShape(at: [1])
    }
    func logJointAndGradient(
      _ draws: Tensor<Double>, values: inout Tensor<Double>, gradients: inout Tensor<Double>
    ) {  // draws and gradients are [L, 1], values [L]
      let (n, total, squares) = (Double(y.count), y.reduce(0, +), y.reduce(0) { $0 + $1 * $1 })
      draws.withUnsafeBufferPointer { mu in
        values.withUnsafeMutableBufferPointer { value in
          gradients.withUnsafeMutableBufferPointer { gradient in
            for l in mu.indices {
              value[l] =
                -mu[l] * mu[l] / 200 - (squares - 2 * mu[l] * total + n * mu[l] * mu[l]) / 2
              gradient[l] = -mu[l] / 100 + total - n * mu[l]
            }
          }
        }
      }
    }
  }

  /// The conjugate posterior is N(Σy / (n + 1/100), 1 / (n + 1/100)) = N(5.0873, 0.49938²);
  /// mean-field ADVI holds it exactly, so the fit is off only by the optimiser's noise, a
  /// small fraction of the sd (the Normal–Normal worked example lands within 0.005 sd).
  @Test func closedFormExampleFindsTheExactPosterior() throws {
    let exact = try fit(NormalMean(y: [4.9, 5.3, 4.4, 5.8]), family: .meanField)
    let precision = 4 + 1.0 / 100
    let (mean, sd) = (20.4 / precision, 1 / precision.squareRoot())
    let fittedMean = try #require(exact.unconstrainedMean).scalars[0]
    let fittedSD = try #require(exact.unconstrainedCovariance).scalars[0].squareRoot()
    #expect(Swift.abs(fittedMean - mean) < 0.05 * sd, "\(fittedMean) vs \(mean)")
    #expect(Swift.abs(fittedSD / sd - 1) < 0.05, "\(fittedSD) vs \(sd)")
    // The hand-written log joint is the differentiable one.
    let model = NormalMean(y: [4.9, 5.3, 4.4, 5.8])
    let draws = Tensor<Double>(shape: [3, 1], scalars: [4.0, 5.1, 6.3])
    var logJoints = Tensor<Double>(zeros: [3])
    var gradients = Tensor<Double>(zeros: [3, 1])
    model.logJointAndGradient(draws, values: &logJoints, gradients: &gradients)
    let layout = try ParameterLayout(model.parameters)
    let (expected, pullback) = valueWithPullback(at: draws) {
      model.logJoint(ParameterValues(tensors: [$0], layout: layout))
    }
    let expectedGradients = pullback(Tensor(ones: [3]))
    for l in 0..<3 {
      #expect(Swift.abs(logJoints.scalars[l] - expected.scalars[l]) < 1e-10)
      #expect(Swift.abs(gradients.scalars[l] - expectedGradients.scalars[l]) < 1e-10)
    }
  }
}
