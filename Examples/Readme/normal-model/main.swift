// Generated from a ```swift block of README.md or Variational.docc by scripts/readme-examples:
// edit the block, not this file.
// readme-example: run

import Variational

/// y ~ Normal(μ, σ), μ ~ Normal(0, 10), σ ~ HalfNormal(5).
struct NormalModel: ProbabilisticModel {
  let y: Tensor<Double>
  var parameters: [ParameterDeclaration] {
    [ParameterDeclaration("mu"), ParameterDeclaration("sigma", constraint: .positive)]
  }
  @differentiable(reverse)
  func logJoint(_ p: ParameterValues) -> Tensor<Double> {   // each parameter is [L, 1]
    let (mu, sigma) = (p["mu"], p["sigma"])
    let prior = Normal(mean: Tensor(0.0), standardDeviation: Tensor(10.0)).logProbability(of: mu)
      + HalfNormal(scale: Tensor(5.0)).logProbability(of: sigma)
    let likelihood = Normal(mean: mu, standardDeviation: sigma).logProbability(of: y)
    return (prior + likelihood.sum(alongAxes: [1])).squeezingShape(at: [1])   // [L]
  }
}

let fitted = try fit(NormalModel(y: Tensor([4.9, 5.3, 4.4, 5.8])), family: .fullRank)
let draws = fitted.draws(count: 1000)
print(fitted.report(draws: draws))
try draws.writeCSV(toPath: "draws.csv")
let mu = draws.summary(of: "mu")!
print("mu", (mu.mean * 100).rounded() / 100, "sd", (mu.standardDeviation * 100).rounded() / 100)
// prints: mu 5.09 sd 0.36
