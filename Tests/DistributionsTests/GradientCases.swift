import Distributions
import TensorCore
import TestSupport
import _Differentiation

/// One row of the gradient-check table: a differentiable function of some tensors and the
/// point to check it at (inside the support, away from kinks).
struct DistributionGradientCase {
  var name: String
  var inputs: [Tensor<Double>]
  var function: @differentiable(reverse) ([Tensor<Double>]) -> Tensor<Double>
}

/// A well-conditioned lower-triangular matrix from arbitrary scalars: the lower triangle plus 2
/// on the diagonal.
@differentiable(reverse)
func wellConditionedLower(_ m: Tensor<Double>) -> Tensor<Double> {
  m.lowerTriangularPart() + Tensor(diagonal: Tensor(repeating: 2, shape: [m.shape[0]]))
}

/// Log densities (with respect to the value and every parameter), entropies, KL divergences
/// (with respect to both distributions) and reparameterised samples (with respect to the
/// parameters and the noise), with broadcasting between values and parameters.
func distributionGradientCases() -> [DistributionGradientCase] {
  typealias Case = DistributionGradientCase
  let points: Tensor<Double> = tensor([0.3, 1.7, 0.9])
  let positive: Tensor<Double> = tensor([0.8, 2.5, 1.3])
  let morePositive: Tensor<Double> = tensor([1.4, 0.6, 2.2])
  let reals: Tensor<Double> = tensor([-0.4, 0.9, 0.1])
  let fractions: Tensor<Double> = tensor([0.15, 0.5, 0.8])
  let matrix: Tensor<Double> = tensor(
    [0.3, 0.9, -0.2, 0.5, -0.6, 0.1, 0.7, 0.2, -0.3], shape: [3, 3])
  let otherMatrix: Tensor<Double> = tensor(
    [-0.1, 0.4, 0.8, 0.2, 0.3, -0.5, 0.6, -0.7, 0.4], shape: [3, 3])
  return [
    // Log densities.
    Case(
      name: "Normal logProbability",
      inputs: [tensor([0.3, -1.2, 2.0, 0.4, 0.0, -0.7], shape: [2, 3]), reals, positive]
    ) {
      Normal(mean: $0[1], standardDeviation: $0[2]).logProbability(of: $0[0])
    },
    Case(name: "HalfNormal logProbability", inputs: [points, positive]) {
      HalfNormal(scale: $0[1]).logProbability(of: $0[0])
    },
    Case(name: "Cauchy logProbability", inputs: [points, reals, positive]) {
      Cauchy(location: $0[1], scale: $0[2]).logProbability(of: $0[0])
    },
    Case(name: "HalfCauchy logProbability", inputs: [points, positive]) {
      HalfCauchy(scale: $0[1]).logProbability(of: $0[0])
    },
    Case(name: "StudentT logProbability", inputs: [points, morePositive, reals, positive]) {
      StudentT(degreesOfFreedom: $0[1], location: $0[2], scale: $0[3]).logProbability(of: $0[0])
    },
    Case(name: "LogNormal logProbability", inputs: [points, reals, positive]) {
      LogNormal(location: $0[1], scale: $0[2]).logProbability(of: $0[0])
    },
    Case(name: "Exponential logProbability", inputs: [points, positive]) {
      Exponential(rate: $0[1]).logProbability(of: $0[0])
    },
    Case(name: "Gamma logProbability", inputs: [points, morePositive, positive]) {
      Gamma(concentration: $0[1], rate: $0[2]).logProbability(of: $0[0])
    },
    Case(name: "InverseGamma logProbability", inputs: [points, morePositive, positive]) {
      InverseGamma(concentration: $0[1], scale: $0[2]).logProbability(of: $0[0])
    },
    Case(name: "Beta logProbability", inputs: [fractions, morePositive, positive]) {
      Beta(alpha: $0[1], beta: $0[2]).logProbability(of: $0[0])
    },
    Case(
      name: "Uniform logProbability", inputs: [points, tensor([-1, 0.5, 0]), tensor([1, 2, 3])]
    ) {
      Uniform(low: $0[1], high: $0[2]).logProbability(of: $0[0])
    },
    Case(name: "Bernoulli logProbability (grey levels)", inputs: [fractions, reals]) {
      Bernoulli(logits: $0[1]).logProbability(of: $0[0])
    },
    Case(name: "Bernoulli(probabilities:) logProbability", inputs: [fractions]) {
      Bernoulli(probabilities: $0[0]).logProbability(of: tensor([1, 0, 1]))
    },
    Case(name: "Binomial logProbability", inputs: [tensor([2.5, 0.5, 7]), reals]) {
      Binomial(count: tensor([5, 3, 9]), logits: $0[1]).logProbability(of: $0[0])
    },
    Case(name: "Poisson logProbability", inputs: [tensor([2.5, 0.5, 7]), reals]) {
      Poisson(logRate: $0[1]).logProbability(of: $0[0])
    },
    Case(name: "Poisson(rate:) logProbability", inputs: [positive]) {
      Poisson(rate: $0[0]).logProbability(of: tensor([0, 3, 1]))
    },
    Case(
      name: "Categorical logProbability",
      inputs: [tensor([0.2, -1, 2.3, 0, 0.5, 0.1], shape: [2, 3])]
    ) {
      Categorical(logits: $0[0]).logProbability(of: tensor([2, 0, 1, 1], shape: [2, 2]))
    },
    Case(
      name: "MultivariateNormal logProbability",
      inputs: [tensor([0.5, -1, 0.3, 1.2, 0, 0.4], shape: [2, 3]), reals, matrix]
    ) {
      MultivariateNormal(mean: $0[1], scaleTril: wellConditionedLower($0[2])).logProbability(
        of: $0[0])
    },
    Case(name: "MultivariateNormal(covariance:) logProbability", inputs: [reals, matrix]) {
      let m = $0[1]
      let covariance =
        matmul(m, transposed: false, m, transposed: true) + Tensor(diagonal: Tensor(ones: [3]))
      return MultivariateNormal(mean: $0[0], covariance: covariance).logProbability(
        of: tensor([0.1, 0.2, -0.3]))
    },

    // Entropies.
    Case(name: "Normal entropy", inputs: [reals, positive]) {
      Normal(mean: $0[0], standardDeviation: $0[1]).entropy()
    },
    Case(name: "HalfNormal entropy", inputs: [positive]) { HalfNormal(scale: $0[0]).entropy() },
    Case(name: "Cauchy entropy", inputs: [reals, positive]) {
      Cauchy(location: $0[0], scale: $0[1]).entropy()
    },
    Case(name: "HalfCauchy entropy", inputs: [positive]) { HalfCauchy(scale: $0[0]).entropy() },
    Case(name: "StudentT entropy", inputs: [morePositive, reals, positive]) {
      StudentT(degreesOfFreedom: $0[0], location: $0[1], scale: $0[2]).entropy()
    },
    Case(name: "LogNormal entropy", inputs: [reals, positive]) {
      LogNormal(location: $0[0], scale: $0[1]).entropy()
    },
    Case(name: "Exponential entropy", inputs: [positive]) { Exponential(rate: $0[0]).entropy() },
    Case(name: "Gamma entropy", inputs: [morePositive, positive]) {
      Gamma(concentration: $0[0], rate: $0[1]).entropy()
    },
    Case(name: "InverseGamma entropy", inputs: [morePositive, positive]) {
      InverseGamma(concentration: $0[0], scale: $0[1]).entropy()
    },
    Case(name: "Beta entropy", inputs: [morePositive, positive]) {
      Beta(alpha: $0[0], beta: $0[1]).entropy()
    },
    Case(name: "Uniform entropy", inputs: [reals, positive]) {
      Uniform(low: $0[0], high: $0[0] + $0[1]).entropy()
    },
    Case(name: "Bernoulli entropy", inputs: [reals]) { Bernoulli(logits: $0[0]).entropy() },
    Case(
      name: "Categorical entropy", inputs: [tensor([0.2, -1, 2.3, 0, 0.5, 0.1], shape: [2, 3])]
    ) {
      Categorical(logits: $0[0]).entropy()
    },
    Case(name: "MultivariateNormal entropy", inputs: [reals, matrix]) {
      MultivariateNormal(mean: $0[0], scaleTril: wellConditionedLower($0[1])).entropy()
    },

    // KL divergences, with respect to both distributions.
    Case(name: "KL Normal", inputs: [reals, positive, points, morePositive]) {
      klDivergence(
        from: Normal(mean: $0[0], standardDeviation: $0[1]),
        to: Normal(mean: $0[2], standardDeviation: $0[3]))
    },
    Case(name: "KL Normal to standard normal", inputs: [reals, positive]) {
      klDivergenceToStandardNormal(from: Normal(mean: $0[0], standardDeviation: $0[1]))
    },
    Case(name: "KL MultivariateNormal", inputs: [reals, matrix, points, otherMatrix]) {
      klDivergence(
        from: MultivariateNormal(mean: $0[0], scaleTril: wellConditionedLower($0[1])),
        to: MultivariateNormal(mean: $0[2], scaleTril: wellConditionedLower($0[3])))
    },
    Case(name: "KL MultivariateNormal to standard normal", inputs: [reals, matrix]) {
      klDivergenceToStandardNormal(
        from: MultivariateNormal(mean: $0[0], scaleTril: wellConditionedLower($0[1])))
    },
    Case(name: "KL LogNormal", inputs: [reals, positive, points, morePositive]) {
      klDivergence(
        from: LogNormal(location: $0[0], scale: $0[1]), to: LogNormal(location: $0[2], scale: $0[3])
      )
    },
    Case(name: "KL HalfNormal", inputs: [positive, morePositive]) {
      klDivergence(from: HalfNormal(scale: $0[0]), to: HalfNormal(scale: $0[1]))
    },
    Case(name: "KL Exponential", inputs: [positive, morePositive]) {
      klDivergence(from: Exponential(rate: $0[0]), to: Exponential(rate: $0[1]))
    },
    Case(name: "KL Gamma", inputs: [morePositive, positive, positive, points]) {
      klDivergence(
        from: Gamma(concentration: $0[0], rate: $0[1]), to: Gamma(concentration: $0[2], rate: $0[3])
      )
    },
    Case(name: "KL InverseGamma", inputs: [morePositive, positive, positive, points]) {
      klDivergence(
        from: InverseGamma(concentration: $0[0], scale: $0[1]),
        to: InverseGamma(concentration: $0[2], scale: $0[3]))
    },
    Case(name: "KL Beta", inputs: [morePositive, positive, positive, points]) {
      klDivergence(from: Beta(alpha: $0[0], beta: $0[1]), to: Beta(alpha: $0[2], beta: $0[3]))
    },
    Case(name: "KL Cauchy", inputs: [reals, positive, points, morePositive]) {
      klDivergence(
        from: Cauchy(location: $0[0], scale: $0[1]), to: Cauchy(location: $0[2], scale: $0[3]))
    },
    Case(name: "KL Uniform", inputs: [reals, positive, tensor([-2, -1, -3]), tensor([5, 4, 6])]) {
      klDivergence(
        from: Uniform(low: $0[0], high: $0[0] + $0[1]), to: Uniform(low: $0[2], high: $0[3]))
    },
    Case(name: "KL Bernoulli", inputs: [reals, points]) {
      klDivergence(from: Bernoulli(logits: $0[0]), to: Bernoulli(logits: $0[1]))
    },
    Case(name: "KL Binomial", inputs: [reals, points]) {
      klDivergence(
        from: Binomial(count: tensor([4, 1, 7]), logits: $0[0]),
        to: Binomial(count: tensor([4, 1, 7]), logits: $0[1]))
    },
    Case(name: "KL Poisson", inputs: [reals, points]) {
      klDivergence(from: Poisson(logRate: $0[0]), to: Poisson(logRate: $0[1]))
    },
    Case(
      name: "KL Categorical",
      inputs: [tensor([0.2, -1, 2.3, 0, 0.5, 0.1], shape: [2, 3]), tensor([1, 0.4, -0.3])]
    ) {
      klDivergence(from: Categorical(logits: $0[0]), to: Categorical(logits: $0[1]))
    },

    // Reparameterised samples, with respect to the parameters and the noise.
    Case(
      name: "Normal reparameterizedSample",
      inputs: [reals, positive, tensor([0.3, -1.1, 0.4, 2, 0.1, -0.5], shape: [2, 3])]
    ) {
      Normal(mean: $0[0], standardDeviation: $0[1]).reparameterizedSample(noise: $0[2])
    },
    Case(name: "HalfNormal reparameterizedSample", inputs: [positive, points]) {
      HalfNormal(scale: $0[0]).reparameterizedSample(noise: $0[1])
    },
    Case(name: "Cauchy reparameterizedSample", inputs: [reals, positive, points]) {
      Cauchy(location: $0[0], scale: $0[1]).reparameterizedSample(noise: $0[2])
    },
    Case(name: "HalfCauchy reparameterizedSample", inputs: [positive, points]) {
      HalfCauchy(scale: $0[0]).reparameterizedSample(noise: $0[1])
    },
    Case(name: "LogNormal reparameterizedSample", inputs: [reals, positive, reals]) {
      LogNormal(location: $0[0], scale: $0[1]).reparameterizedSample(noise: $0[2])
    },
    Case(name: "Exponential reparameterizedSample", inputs: [positive, points]) {
      Exponential(rate: $0[0]).reparameterizedSample(noise: $0[1])
    },
    Case(name: "Uniform reparameterizedSample", inputs: [reals, positive, fractions]) {
      Uniform(low: $0[0], high: $0[1]).reparameterizedSample(noise: $0[2])
    },
    // Implicitly reparameterised families: the concentrations' gradients are implicit (see
    // ImplicitReparameterizationTests); finite differences check the rest.
    Case(name: "Gamma reparameterizedSample", inputs: [positive, reals]) {
      Gamma(concentration: morePositive, rate: $0[0]).reparameterizedSample(noise: $0[1])
    },
    Case(name: "InverseGamma reparameterizedSample", inputs: [positive, reals]) {
      InverseGamma(concentration: morePositive, scale: $0[0]).reparameterizedSample(noise: $0[1])
    },
    Case(
      name: "Beta reparameterizedSample",
      inputs: [tensor([0.3, -1.1, 0.4, 2, 0.1, -0.5], shape: [3, 2])]
    ) {
      Beta(alpha: positive, beta: morePositive).reparameterizedSample(noise: $0[0])
    },
    Case(
      name: "StudentT reparameterizedSample",
      inputs: [reals, positive, tensor([0.3, -1.1, 0.4, 2, 0.1, -0.5], shape: [3, 2])]
    ) {
      StudentT(degreesOfFreedom: morePositive, location: $0[0], scale: $0[1])
        .reparameterizedSample(noise: $0[2])
    },
    Case(
      name: "MultivariateNormal reparameterizedSample",
      inputs: [reals, matrix, tensor([0.3, -1.1, 0.4, 2, 0.1, -0.5], shape: [2, 3])]
    ) {
      MultivariateNormal(mean: $0[0], scaleTril: $0[1]).reparameterizedSample(noise: $0[2])
    },
  ]
}
