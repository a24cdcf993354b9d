// Generated from a ```swift block of README.md or Variational.docc by scripts/readme-examples:
// edit the block, not this file.
// readme-example: run

import Variational

// A skewed posterior: x ~ Gamma(3, 2), fitted in log space by a Gaussian. The log of a Gamma
// variable has a heavier left tail than any Gaussian.
let model = ClosureModel(parameters: [ParameterDeclaration("x", constraint: .positive)]) { p in
  Gamma(concentration: 3, rate: 2).logProbability(of: p["x"]).squeezingShape(at: [1])
}
let fitted = try fit(model)
let draws = fitted.draws(count: 4000)
// The fit reached the Gaussian family's optimum, with a small Monte-Carlo error ...
print(fitted.converged, fitted.monteCarloStandardErrors!.allSatisfy { $0 < 0.05 })
// prints: true true
// ... and k̂ says that this optimum still misses the posterior's tail.
print(draws.pareto.k > 0.7, draws.pareto.reading)
// prints: true unreliable
