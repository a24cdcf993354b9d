// Generated from a ```swift block of README.md or Variational.docc by scripts/readme-examples:
// edit the block, not this file.
// readme-example: run

import Variational

// 200 rows of y = 0.5 + 1.5 x + N(0, 0.3²), with a design of an intercept and x.
var generator = Xoshiro256StarStar(seed: 11)
let x = Tensor<Double>(randomNormal: [200], using: &generator).scalars
let noise = Tensor<Double>(randomNormal: [200], using: &generator).scalars
let y = zip(x, noise).map { 0.5 + 1.5 * $0 + 0.3 * $1 }
let data = try RegressionData(features: x, featureNames: ["x"], targets: y)
let model = try LinearRegression(data: data)

let fitted = try fit(model, family: .fullRank)
let draws = fitted.draws(count: 4000)
print(fitted.report(draws: draws))
let slope = draws.summary(of: "x")!
print("slope", (slope.mean * 100).rounded() / 100)
// prints: slope 1.49
