import Foundation
import PosteriorDBModels
import TensorCore
import TestSupport
import Testing
import _Differentiation

/// The fused time-series primitives of the ARMA and GARCH models: their values against the
/// recursions written out, and their vector–Jacobian products against finite differences.
@Suite struct TimeSeriesPrimitiveTests {
  let series = Tensor<Double>([0.7, 0.4, -0.3, 0.9, 1.2, 0.1])
  let mu = Tensor<Double>(shape: [3, 1], scalars: [0.2, -0.1, 0.05])
  let phi = Tensor<Double>(shape: [3, 1], scalars: [0.9, -0.5, 0.3])
  let theta = Tensor<Double>(shape: [3, 1], scalars: [-0.4, 0.7, 1.1])
  let alpha0 = Tensor<Double>(shape: [3, 1], scalars: [0.5, 1.2, 0.3])
  let alpha1 = Tensor<Double>(shape: [3, 1], scalars: [0.2, 0.6, 0.45])
  let beta1 = Tensor<Double>(shape: [3, 1], scalars: [0.7, 0.3, 0.5])

  @Test(arguments: [6, 1])
  func armaFollowsTheRecursion(length: Int) {
    let y = Array(series.scalars.prefix(length))
    let sums = arma11SquaredErrorSum(mu: mu, phi: phi, theta: theta, series: Tensor(y))
    #expect(sums.shape == [3])
    for row in 0..<3 {
      let (m, p, q) = (mu[row, 0], phi[row, 0], theta[row, 0])
      var error = y[0] - (m + p * m)
      var expected = error * error
      for t in 1..<length {
        error = y[t] - (m + p * y[t - 1] + q * error)
        expected += error * error
      }
      assertClose(sums[row], expected, relativeTolerance: 1e-14, "draw \(row)")
    }
  }

  @Test(arguments: [6, 1])
  func armaGradientMatchesFiniteDifferences(length: Int) {
    let y = Tensor(Array(series.scalars.prefix(length)))
    let comparisons = compareGradients(
      of: { arma11SquaredErrorSum(mu: $0[0], phi: $0[1], theta: $0[2], series: y) },
      at: [mu, phi, theta])
    for comparison in comparisons {
      #expect(comparison.relativeError < 1e-8, "\(comparison)")
    }
  }

  @Test(arguments: [6, 1])
  func garchFollowsTheRecursion(length: Int) {
    let y = Array(series.scalars.prefix(length))
    let values = garch11LogLikelihood(
      mu: mu, alpha0: alpha0, alpha1: alpha1, beta1: beta1, series: Tensor(y),
      initialVolatility: 0.5)
    #expect(values.shape == [3])
    for row in 0..<3 {
      var variance = 0.25
      var expected = 0.0
      for t in 0..<length {
        if t > 0 {
          let previous = y[t - 1] - mu[row, 0]
          variance =
            alpha0[row, 0] + alpha1[row, 0] * previous * previous
            + beta1[row, 0] * variance
        }
        let r = y[t] - mu[row, 0]
        expected += -0.5 * (Foundation.log(2 * Double.pi * variance) + r * r / variance)
      }
      assertClose(values[row], expected, relativeTolerance: 1e-14, "draw \(row)")
    }
  }

  @Test(arguments: [6, 1])
  func garchGradientMatchesFiniteDifferences(length: Int) {
    let y = Tensor(Array(series.scalars.prefix(length)))
    let comparisons = compareGradients(
      of: {
        garch11LogLikelihood(
          mu: $0[0], alpha0: $0[1], alpha1: $0[2], beta1: $0[3], series: y,
          initialVolatility: 0.5)
      }, at: [mu, alpha0, alpha1, beta1])
    for comparison in comparisons {
      #expect(comparison.relativeError < 1e-8, "\(comparison)")
    }
  }

  /// A rank-0 cotangent (as automatic differentiation may pass) broadcasts to every draw.
  @Test func scalarCotangentsBroadcast() {
    let (_, arma) = valueWithPullback(at: mu, phi, theta) {
      arma11SquaredErrorSum(mu: $0, phi: $1, theta: $2, series: series)
    }
    #expect(arma(Tensor(ones: [3])) == arma(Tensor(1.0)))
    let (_, garch) = valueWithPullback(at: mu, alpha0) {
      garch11LogLikelihood(
        mu: $0, alpha0: $1, alpha1: alpha1, beta1: beta1, series: series, initialVolatility: 0.5)
    }
    #expect(garch(Tensor(ones: [3])) == garch(Tensor(1.0)))
  }
}
