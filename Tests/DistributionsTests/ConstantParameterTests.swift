import Distributions
import TensorCore
import TestSupport
import Testing
import _Differentiation

/// Distributions with constant parameters written as plain scalars: the same log densities
/// (against SciPy 1.17's `scipy.stats`, pinned) and the same gradients as with rank-0 tensors.
@Suite struct ConstantParameterTests {
  /// `scipy.stats` log densities, e.g. `gamma(a=25, scale=1/4).logpdf(6.5)`.
  @Test func logDensitiesMatchSciPy() {
    func value(_ x: Double, _ logDensity: (Tensor<Double>) -> Tensor<Double>) -> Double {
      logDensity(Tensor(x)).scalarized()
    }
    let cases: [(String, Double, Double)] = [
      (
        "Normal(0, 10)",
        value(1.3) { Normal(mean: 0, standardDeviation: 10).logProbability(of: $0) },
        -3.2299736261987184
      ),
      (
        "HalfNormal(2)", value(0.9) { HalfNormal(scale: 2).logProbability(of: $0) },
        -1.0201885332046727
      ),
      (
        "HalfCauchy(2.5)", value(0.7) { HalfCauchy(scale: 2.5).logProbability(of: $0) },
        -1.4433518983395155
      ),
      (
        "Gamma(25, 4)", value(6.5) { Gamma(concentration: 25, rate: 4).logProbability(of: $0) },
        -1.2041181244768533
      ),
      (
        "Beta(2, 3)", value(0.3) { Beta(alpha: 2, beta: 3).logProbability(of: $0) },
        0.5675839575845993
      ),
      (
        "Cauchy(1, 2)", value(-0.5) { Cauchy(location: 1, scale: 2).logProbability(of: $0) },
        -2.284164169037765
      ),
      (
        "StudentT(3, 1, 2)",
        value(0.4) {
          StudentT(degreesOfFreedom: 3, location: 1, scale: 2).logProbability(of: $0)
        }, -1.753153634666544
      ),
      (
        "InverseGamma(3, 2)",
        value(0.8) { InverseGamma(concentration: 3, scale: 2).logProbability(of: $0) },
        -0.2211314336232707
      ),
      (
        "LogNormal(0.5, 1.5)",
        value(2) { LogNormal(location: 0.5, scale: 1.5).logProbability(of: $0) },
        -2.025841007063506
      ),
      (
        "Exponential(1.5)", value(0.4) { Exponential(rate: 1.5).logProbability(of: $0) },
        -0.19453489189183565
      ),
      (
        "Uniform(-1, 3)", value(0.2) { Uniform(low: -1, high: 3).logProbability(of: $0) },
        -1.3862943611198906
      ),
      ("Poisson(3)", value(2) { Poisson(rate: 3).logProbability(of: $0) }, -1.4959226032237258),
      (
        "Binomial(10, 0.3)",
        value(4) { Binomial(count: 10, probabilities: 0.3).logProbability(of: $0) },
        -1.6088333502186698
      ),
      (
        "Bernoulli(0.3)", value(1) { Bernoulli(probabilities: 0.3).logProbability(of: $0) },
        -1.2039728043259361
      ),
    ]
    for (name, actual, expected) in cases {
      assertClose(actual, expected, relativeTolerance: 1e-13, name)
    }
  }

  /// Every mix of tensors and scalars gives the tensor version's values and gradients.
  @Test func mixedParametersMatchTensorParameters() {
    let mu = Tensor<Double>(shape: [3, 1], scalars: [-0.5, 0.2, 1.4])
    let x = Tensor<Double>([0.3, 2.5])
    let reference = Normal(mean: mu, standardDeviation: Tensor(2.0)).logProbability(of: x)
    #expect(Normal(mean: mu, standardDeviation: 2.0).logProbability(of: x) == reference)
    #expect(Normal(mean: mu, standardDeviation: 2).logProbability(of: x) == reference)
    let sigma = Tensor<Double>(shape: [3, 1], scalars: [0.5, 1.2, 3])
    #expect(
      Normal(mean: 0, standardDeviation: sigma).logProbability(of: x)
        == Normal(mean: Tensor(0.0), standardDeviation: sigma).logProbability(of: x))
    let scale = 2.5
    #expect(
      StudentT(degreesOfFreedom: 4, location: mu, scale: scale).logProbability(of: x)
        == StudentT(degreesOfFreedom: Tensor(4.0), location: mu, scale: Tensor(scale))
        .logProbability(of: x))
    // Gradients flow to the tensor parameters, and to the value, as before.
    let (one, other) = (
      gradient(at: mu, sigma) {
        Gamma(concentration: $0.squared() + 1, rate: 4).logProbability(of: $1).sum()
          .scalarized()
      },
      gradient(at: mu, sigma) {
        Gamma(concentration: $0.squared() + 1, rate: Tensor(4.0)).logProbability(of: $1).sum()
          .scalarized()
      }
    )
    #expect(one == other)
    // A Float model infers Float constants from its tensors.
    let floatMu = Tensor<Float>(mu)
    let float = Normal(mean: floatMu, standardDeviation: 2).logProbability(of: Tensor<Float>(x))
    assertClose(float, Tensor<Float>(reference), relativeTolerance: 1e-6)
    let standalone = Normal(mean: 0, standardDeviation: 10)
    #expect(type(of: standalone) == Normal<Double>.self)
    let centred = MultivariateNormal(
      mean: 0, scaleTril: Tensor<Double>(shape: [2, 2], scalars: [1, 0, 0.5, 2]))
    #expect(centred.mean == Tensor([0, 0]))
  }

  /// The scalars are differentiable too: d/dσ log N(x; μ, σ) = ((x − μ)² − σ²)/σ³.
  @Test func scalarParametersAreDifferentiable() {
    let x = Tensor<Double>(1.5)
    let derivative = gradient(at: 2.0) { sigma in
      Normal(mean: 0.5, standardDeviation: sigma).logProbability(of: x).scalarized()
    }
    assertClose(derivative, (1 - 4) / 8, relativeTolerance: 1e-14)
  }
}
