// A worked example: a Bayesian neural network regression fitted by stochastic variational
// inference (mean-field Gaussian q over the weights, minibatches of 32 rows), drawn as its
// predictive mean ± 2 sd.
//
//   swift run -c release bnn-example [output.png]      # default docs/bnn.png
//
// Data: y = sin(2x) + N(0, 0.1²) at 160 points of [−2, −0.5] ∪ [0.5, 2].
import Foundation
import Inference
import TensorCore
import Visualization

let output = CommandLine.arguments.dropFirst().first ?? "docs/bnn.png"
var generator = Xoshiro256StarStar(seed: 5)
let n = 160
let x = Tensor<Double>(randomUniform: [n], using: &generator).scalars.map { u in
  u < 0.5 ? -2 + 3 * u : 0.5 + 3 * (u - 0.5)
}
let noise = Tensor<Double>(randomNormal: [n], using: &generator).scalars
let y = zip(x, noise).map { Double.sin(2 * $0) + 0.1 * $1 }

do {
  let model = try BayesianNeuralNetworkRegression(
    inputs: Tensor(shape: [n, 1], scalars: x), targets: Tensor(y), hiddenUnits: 20)
  // Minibatches of 32 rows: stochastic variational inference (Hoffman et al. 2013).
  var options = FitOptions(seed: 2, algorithm: .stochastic, maxIterations: 20_000, tolerance: 0)
  options.batchSize = 32
  print("Fitting a 1-20-1 tanh network (\(model.parameters.count) parameter blocks) by SVI")
  let fitted = try fit(model, family: .meanField, options: options) { progress in
    if progress.iteration % 2000 == 0 { print("  " + progress.line) }
  }
  let draws = fitted.draws(count: 500)
  print(fitted.report(draws: draws).split(separator: "\n").prefix(2).joined(separator: "\n"))

  let grid = stride(from: -3.0, through: 3.0, by: 0.02).map { $0 }
  let predictive = model.predictiveSummary(
    draws, at: Tensor(shape: [grid.count, 1], scalars: grid))
  let mean = predictive.mean.scalars
  let sd = predictive.standardDeviation.scalars
  var plot = LinePlot(
    title: "Bayesian neural network, mean-field SVI", xLabel: "x", yLabel: "y", width: 800,
    height: 500)
  plot.addSeries("data", x: x, y: y, color: .darkGrey, lineWidth: 0, showsMarkers: true)
  plot.addSeries("sin(2x)", x: grid, y: grid.map { Double.sin(2 * $0) }, color: .grey, lineWidth: 1)
  plot.addSeries("predictive mean", x: grid, y: mean, color: RGBColor.tab10[0])
  plot.addSeries(
    "mean ± 2 sd", x: grid, y: zip(mean, sd).map { $0 + 2 * $1 }, color: RGBColor.tab10[1],
    lineWidth: 1)
  plot.addSeries(
    "", x: grid, y: zip(mean, sd).map { $0 - 2 * $1 }, color: RGBColor.tab10[1], lineWidth: 1)
  try plot.render().writePNG(toPath: output)
  print("wrote \(output)")
} catch {
  FileHandle.standardError.write(Data("bnn-example: \(error)\n".utf8))
  exit(1)
}
