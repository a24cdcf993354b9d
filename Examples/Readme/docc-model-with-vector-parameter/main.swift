// Generated from a ```swift block of README.md or Variational.docc by scripts/readme-examples:
// edit the block, not this file.
// readme-example: run

import Variational

/// Counts yᵢ ~ Poisson(exp(α + β xᵢ)), α ~ Normal(0, 5), β ~ Normal(0, 1).
struct PoissonRegression: ProbabilisticModel {
  let x: Tensor<Double>  // [1, N]
  let y: Tensor<Double>  // [1, N]
  var parameters: [ParameterDeclaration] { [ParameterDeclaration("coefficients", shape: [2])] }
  @differentiable(reverse)
  func logJoint(_ p: ParameterValues) -> Tensor<Double> {
    let coefficients = p["coefficients"]  // [L, 2]
    let (alpha, beta) = (coefficients.column(0), coefficients.column(1))  // [L, 1] each
    let prior =
      Normal(mean: 0, standardDeviation: 5).logProbability(of: alpha)
      + Normal(mean: 0, standardDeviation: 1).logProbability(of: beta)
    let rate = exp(alpha + beta * x)  // [L, N]
    let likelihood = (y * log(rate) - rate).sum(alongAxes: [1])  // up to log yᵢ!
    return (prior + likelihood).squeezingShape(at: [1])  // [L]
  }
}

let model = PoissonRegression(
  x: Tensor(shape: [1, 8], scalars: [-1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2]),
  y: Tensor(shape: [1, 8], scalars: [0, 1, 1, 2, 3, 3, 6, 9]))
let summary = try fit(model, family: .fullRank).draws(count: 4000).summary()
print(summary.map { "\($0.name) \(($0.mean * 100).rounded() / 100)" }.joined(separator: ", "))
// prints: coefficients.1 0.46, coefficients.2 0.84
