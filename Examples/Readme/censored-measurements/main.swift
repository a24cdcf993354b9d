// Generated from a ```swift block of README.md or Variational.docc by scripts/readme-examples:
// edit the block, not this file.
// readme-example: run

import Variational

/// y ~ Normal(μ, σ), `aboveLimit` more measurements > limit; μ ~ Normal(0, 10), σ ~ Gamma(2, 1).
struct CensoredMeasurements: ProbabilisticModel {
  let y: Tensor<Double>
  let limit: Double
  let aboveLimit: Double
  var parameters: [ParameterDeclaration] {
    [ParameterDeclaration("mu"), ParameterDeclaration("sigma", constraint: .positive)]
  }
  @differentiable(reverse)
  func logJoint(_ p: ParameterValues) -> Tensor<Double> {
    let (mu, sigma) = (p["mu"], p["sigma"])  // [L, 1] each
    let measurement = Normal(mean: mu, standardDeviation: sigma)
    let prior =
      Normal(mean: 0, standardDeviation: 10).logProbability(of: mu)
      + Gamma(concentration: 2, rate: 1).logProbability(of: sigma)
    let likelihood =
      measurement.logProbability(of: y).sum(alongAxes: [1])
      + aboveLimit * measurement.logComplementaryCDF(of: Tensor(limit))
    return (prior + likelihood).squeezingShape(at: [1])
  }
}

// Eight measurements below the limit of 3, and two more that were above it.
let censored = CensoredMeasurements(
  y: Tensor([1.2, 2.5, 0.8, 2.9, 1.7, 2.2, 0.4, 1.9]), limit: 3, aboveLimit: 2)
let summary = try fit(censored).draws(count: 4000).summary()
print(summary.map { "\($0.name) \(($0.mean * 100).rounded() / 100)" }.joined(separator: ", "))
// prints: mu 2.09, sigma 1.34
