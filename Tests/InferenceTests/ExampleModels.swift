import Distributions
import Inference
import TensorCore
import _Differentiation

/// The Normal–Normal model: x = 5 observed once, z ~ N(0, 1), x | z ~ N(z, 1). The posterior
/// is N(2.5, 1/√2) and the log evidence log N(5; 0, 2).
struct NormalNormal: ProbabilisticModel {
  var x = 5.0
  var parameters: [ParameterDeclaration] { [ParameterDeclaration("z")] }

  @differentiable(reverse)
  func logJoint(_ parameters: ParameterValues) -> Tensor<Double> {
    let z = parameters["z"]
    let prior = Normal(mean: Tensor(0.0), standardDeviation: Tensor(1.0))
    let likelihood = Normal(mean: z, standardDeviation: Tensor(1.0))
    return (prior.logProbability(of: z) + likelihood.logProbability(of: Tensor(x)))
      .sum(squeezingAxes: [1])
  }
}

/// Dirichlet(1, 1, 1) prior on category probabilities θ (a simplex) and multinomial counts;
/// the posterior is Dirichlet(1 + counts).
struct DirichletMultinomial: ProbabilisticModel {
  var counts: [Double] = [10, 20, 70]
  var parameters: [ParameterDeclaration] {
    [ParameterDeclaration("theta", shape: [counts.count], constraint: .simplex)]
  }

  @differentiable(reverse)
  func logJoint(_ parameters: ParameterValues) -> Tensor<Double> {
    (log(parameters["theta"]) * Tensor(counts)).sum(squeezingAxes: [1])
  }
}

/// A success probability p on (0, 1) with a Beta(1, 1) prior and 7 successes in 20 trials; the
/// posterior is Beta(8, 14).
struct BetaBinomial: ProbabilisticModel {
  var parameters: [ParameterDeclaration] {
    [ParameterDeclaration("p", constraint: .unitInterval)]
  }

  @differentiable(reverse)
  func logJoint(_ parameters: ParameterValues) -> Tensor<Double> {
    let p = parameters["p"]
    return (7 * log(p) + 13 * log(1 - p)).sum(squeezingAxes: [1])
  }
}
