// Generated from a ```swift block of README.md or Variational.docc by scripts/readme-examples:
// edit the block, not this file.
// readme-example: run

import Variational

// posteriordb's inputs and observations, [N] each.
let x = Tensor<Double>([-10, -8, -6, -4, -2, 0, 2, 4, 6, 8, 10])
let y = Tensor<Double>([
  4.75906, 1.59423, 2.99548, 5.27501, 1.66472, 2.24347, 2.8914, 4.08681, 4.60588, 0.802364,
  3.92136,
])
let gaussianProcess = ClosureModel(
  parameters: ["rho", "alpha", "sigma"].map { ParameterDeclaration($0, constraint: .positive) }
) { p in
  let (rho, alpha, sigma) = (p["rho"], p["alpha"], p["sigma"])  // [L, 1] each
  let k = squaredExponentialCovariance(x, magnitude: alpha, lengthScale: rho)
    .addingToDiagonal(sigma)  // [L, N, N]
  let prior =
    Gamma(concentration: 25, rate: 4).logProbability(of: rho)
    + Normal(mean: 0, standardDeviation: 2).logProbability(of: alpha)
    + Normal(mean: 0, standardDeviation: 1).logProbability(of: sigma)
  return prior.squeezingShape(at: [1])
    + multivariateNormalLogDensity(of: y, mean: 0, scaleTril: batchedCholesky(k))
}
let posterior = try fit(gaussianProcess, family: .fullRank).draws(count: 4000).summary()
// posteriordb's reference (NUTS): rho 6.87, alpha 2.44, sigma 1.83.
print(posterior.map { "\($0.name) \(($0.mean * 100).rounded() / 100)" }.joined(separator: ", "))
// prints: rho 6.9, alpha 2.44, sigma 1.83
