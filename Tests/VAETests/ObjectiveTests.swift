import Distributions
import Datasets
import Foundation
import TensorCore
import TestSupport
import Testing
import VAE
import _Differentiation

typealias MLPVAE = VariationalAutoencoder<MLPNetwork, MLPNetwork>

@Suite struct ObjectiveTests {
  /// The gradient of the negative ELBO with respect to every parameter matches central finite
  /// differences (Float, relative error < 1e-2), for both likelihoods.
  @Test(arguments: [VAEConfiguration.Likelihood.bernoulli, .gaussianPerPixelScale])
  func elboGradientMatchesFiniteDifferences(likelihood: VAEConfiguration.Likelihood) {
    var configuration = VAETestData.tinyModel
    configuration.likelihood = likelihood
    var generator = Xoshiro256StarStar(seed: 5)
    var model = MLPVAE(configuration: configuration, using: &generator)
    if likelihood != .bernoulli {
      model.logScale = Tensor(randomUniform: [6], in: -0.5..<0.5, using: &generator)
    }
    let x = VAEEvaluation.batch(VAETestData.tinyImages(count: 4, seed: 1), 0..<4)
    let noise = Tensor<Float>(randomNormal: [8, 2], using: &generator)  // L = 2 samples
    func loss(_ model: MLPVAE) -> Float {
      model.negativeELBOTerms(x, noise: noise, klWeight: 0.7).scalars[0]
    }
    let gradient = model.tensors(
      of: _Differentiation.gradient(at: model) { model in
        model.negativeELBOTerms(x, noise: noise, klWeight: 0.7)
          .gathering(rows: [0]).sum().scalarized()
      })
    var analytic: [Float] = []
    var numerical: [Float] = []
    for (index, path) in model.parameterKeyPaths.enumerated() {
      let g = gradient[index]
      let count = model[keyPath: path].scalarCount
      analytic +=
        g.shape == model[keyPath: path].shape
        ? g.scalars : Array(repeating: g.scalars[0], count: count)
      for i in 0..<count {
        let (plus, minus, h) = lossesAround(model, path, i, step: 5e-3, loss)
        numerical.append((plus - minus) / (2 * h))
      }
    }
    let comparison = GradientComparison(analytic: analytic, numerical: numerical)
    #expect(comparison.relativeError < 1e-2, "\(comparison)")
  }

  /// The same for the conv architecture (two convolutions, three transposed convolutions, on
  /// 4 × 4 images), on 16 coordinates of each parameter tensor spread over it. A ReLU network's
  /// loss has kinks, and a central difference across one is no derivative: a coordinate is
  /// compared only where the forward and backward differences agree (within 2% of the larger,
  /// plus 2·10⁻³ for Float rounding of a loss near 10 over h = 2·10⁻³), which a kink inside ±h
  /// breaks; at least 80% must qualify (190 of 220 do), and those must match
  /// to a relative error < 1e-2. The convolutions run on the compute backend (oneDNN for Float
  /// on Linux).
  @Test func convELBOGradientMatchesFiniteDifferences() {
    let (model, x, noise) = VAETestData.tinyConvProblem(seed: 6, count: 3, imageSeed: 4)
    func loss(_ model: ConvVAE) -> Float {
      model.negativeELBOTerms(x, noise: noise, klWeight: 1).scalars[0]
    }
    let gradient = model.tensors(
      of: _Differentiation.gradient(at: model) { model in
        model.negativeELBOTerms(x, noise: noise, klWeight: 1)
          .gathering(rows: [0]).sum().scalarized()
      })
    let center = loss(model)
    var (analytic, numerical, skipped) = ([Float](), [Float](), 0)
    for (index, path) in model.parameterKeyPaths.enumerated() {
      let count = model[keyPath: path].scalarCount
      let g = gradient[index]
      #expect(g.scalarCount == count, "parameter \(index): gradient \(g.shape)")
      for i in Set((0..<16).map { $0 * count / 16 }).sorted() {
        let (plus, minus, h) = lossesAround(model, path, i, step: 2e-3, loss)
        let (forward, backward) = ((plus - center) / h, (center - minus) / h)
        guard
          Swift.abs(forward - backward)
            <= 0.02 * Swift.max(Swift.abs(forward), Swift.abs(backward)) + 2e-3
        else {
          skipped += 1
          continue
        }
        analytic.append(g.scalars[i])
        numerical.append((forward + backward) / 2)
      }
    }
    let comparison = GradientComparison(analytic: analytic, numerical: numerical)
    #expect(comparison.relativeError < 1e-2, "\(comparison)")
    #expect(skipped * 5 <= analytic.count + skipped, "\(skipped) coordinates at kinks")
    #expect(analytic.contains { $0 != 0 })
  }

  /// With one sample the importance-weighted bound is the one-sample Monte-Carlo ELBO
  /// log p(x | z) + log p(z) − log q(z | x) at the same z, computed here from the formulas.
  @Test func importanceWeightedBoundWithOneSampleIsTheOneSampleELBO() {
    var generator = Xoshiro256StarStar(seed: 8)
    let model = MLPVAE(configuration: VAETestData.tinyModel, using: &generator)
    let x = VAEEvaluation.batch(VAETestData.tinyImages(count: 3, seed: 2), 0..<3)
    let noise = Tensor<Float>(randomNormal: [3, 2], using: &generator)
    let bound = model.importanceWeightedBound(x, noise: noise).scalars
    let posterior = model.encode(x)
    let (mean, logVariance) = (posterior.mean, posterior.logVariance)
    let z = mean + exp(0.5 * logVariance) * noise
    let logits = model.decode(z).scalars
    for row in 0..<3 {
      var logLikelihood: Float = 0
      for pixel in 0..<6 {
        let (l, target) = (logits[row * 6 + pixel], x.scalars[row * 6 + pixel])
        let p = 1 / (1 + Float.exp(-l))
        logLikelihood += target * Float.log(p) + (1 - target) * Float.log(1 - p)
      }
      var logPrior: Float = 0
      var logPosterior: Float = 0
      for j in 0..<2 {
        let (zj, mu, logVar) = (
          z.scalars[row * 2 + j], mean.scalars[row * 2 + j], logVariance.scalars[row * 2 + j]
        )
        logPrior += -0.5 * zj * zj - 0.5 * Float.log(2 * .pi)
        logPosterior +=
          -0.5 * (zj - mu) * (zj - mu) / Float.exp(logVar) - 0.5 * logVar - 0.5 * Float.log(2 * .pi)
      }
      assertClose(
        bound[row], logLikelihood + logPrior - logPosterior, relativeTolerance: 1e-4,
        absoluteTolerance: 1e-4)
    }
  }

  /// The analytic KL equals E_q[log q(z) − log p(z)], estimated here with 40,000 samples; the
  /// tolerance is five standard errors of that estimate.
  @Test func analyticKLMatchesMonteCarlo() {
    let mean = Tensor<Float>(shape: [1, 3], scalars: [0.5, -1, 2])
    let logVariance = Tensor<Float>(shape: [1, 3], scalars: [-1, 0.3, 0])
    let analytic = DiagonalNormal(packed: Tensor(concatenating: [mean, logVariance], alongAxis: 1))
      .klDivergenceFromStandardNormal().scalarized()
    var generator = Xoshiro256StarStar(seed: 4)
    let n = 40_000
    let epsilon = Tensor<Float>(randomNormal: [n, 3], using: &generator)
    let z = mean + exp(0.5 * logVariance) * epsilon
    let logRatio = (-0.5 * epsilon.squared() - 0.5 * logVariance + 0.5 * z.squared())
      .sum(squeezingAxes: [1]).scalars.map(Double.init)
    let estimate = logRatio.reduce(0, +) / Double(n)
    let variance = logRatio.map { ($0 - estimate) * ($0 - estimate) }.reduce(0, +) / Double(n - 1)
    #expect(Swift.abs(estimate - Double(analytic)) < 5 * (variance / Double(n)).squareRoot())
    #expect(analytic > 0)
    #expect(
      DiagonalNormal(packed: Tensor(zeros: [1, 6])).klDivergenceFromStandardNormal().scalarized()
        == 0)
  }
}

/// `loss` at `model` with scalar `index` of the parameter at `path` moved up and down by
/// h = step · (1 + |value|), and that h: the two points of a central difference.
func lossesAround<Model>(
  _ model: Model, _ path: WritableKeyPath<Model, Tensor<Float>>, _ index: Int, step: Float,
  _ loss: (Model) -> Float
) -> (plus: Float, minus: Float, h: Float) {
  var plus = model
  var minus = model
  let value = model[keyPath: path].scalars[index]
  let h = step * (1 + Swift.abs(value))
  plus[keyPath: path].withUnsafeMutableBufferPointer { $0[index] = value + h }
  minus[keyPath: path].withUnsafeMutableBufferPointer { $0[index] = value - h }
  return (loss(plus), loss(minus), h)
}
