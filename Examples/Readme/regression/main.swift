// Generated from a ```swift block of README.md or Variational.docc by scripts/readme-examples:
// edit the block, not this file.
// readme-example: run

import Variational

/// y ~ Normal(Xβ, σ), β₀ ~ Normal(0, 10), β₁…β_D ~ Normal(0, 1), σ ~ HalfCauchy(2.5).
struct Regression: ProbabilisticModel {
  let design: Tensor<Double>  // [N, D + 1]
  let y: Tensor<Double>  // [N]
  var parameters: [ParameterDeclaration] {
    [
      ParameterDeclaration("beta", shape: [design.shape[1]]),
      ParameterDeclaration("sigma", constraint: .positive),
    ]
  }
  @differentiable(reverse)
  func logJoint(_ p: ParameterValues) -> Tensor<Double> {
    let (beta, sigma) = (p["beta"], p["sigma"])  // [L, D + 1], [L, 1]
    let slopes = beta.columns(1..<design.shape[1])
    let prior =
      Normal(mean: 0, standardDeviation: 10).logProbability(of: beta.column(0))
      + Normal(mean: 0, standardDeviation: 1).logProbability(of: slopes).sum(alongAxes: [1])
      + HalfCauchy(scale: 2.5).logProbability(of: sigma)  // [L, 1]
    let mean = matmul(beta, design, transposed: true)  // [L, N]
    let likelihood = Normal(mean: mean, standardDeviation: sigma).logProbability(of: y)
    return (prior + likelihood.sum(alongAxes: [1])).squeezingShape(at: [1])  // [L]
  }
}

// 100 rows of y = 1 + 2x₁ − x₂ + N(0, 0.5²).
var generator = Xoshiro256StarStar(seed: 3)
let features = Tensor<Double>(randomNormal: [100, 2], using: &generator)
let design = Tensor(concatenating: [Tensor(ones: [100, 1]), features], alongAxis: 1)
let noise = Tensor<Double>(randomNormal: [100, 1], using: &generator)
let y = (matmul(design, Tensor(shape: [3, 1], scalars: [1, 2, -1])) + 0.5 * noise)
  .reshaped(to: [100])
let fitted = try fit(Regression(design: design, y: y), family: .fullRank)
let beta = fitted.draws(count: 4000).summary().prefix(3).map { ($0.mean * 100).rounded() / 100 }
print("beta", beta)
// prints: beta [0.97, 2.04, -0.97]
