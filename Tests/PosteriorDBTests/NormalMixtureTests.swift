import Foundation
import PosteriorDBModels
import TensorCore
import TestSupport
import Testing
import _Differentiation

/// ``normalMixtureLogLikelihood(_:means:standardDeviations:logWeights:)``: its values against
/// the mixture density written out, and its vector–Jacobian product against finite
/// differences, for one, two and three components and more than 32 points (the products of
/// 32 sums, and a partial block).
@Suite struct NormalMixtureTests {
  /// 70 points spread over [−4, 4], not in order.
  let values = Tensor<Double>(
    (0..<70).map { (n: Int) -> Double in
      let position = Double((n * 37) % 70) / 69
      return 8 * position - 4
    })

  /// Means, standard deviations and log weights of L = 2 draws of K components.
  func parameters(components: Int) -> [Tensor<Double>] {
    var means: [Double] = []
    var sds: [Double] = []
    var logWeights: [Double] = []
    for draw in 0..<2 {
      let total = Double(components * (components + 1) / 2)
      for k in 0..<components {
        let index = Double(draw * components + k)
        means.append(-2.5 + 2.5 * Double(k) + 0.1 * index)
        sds.append(0.6 + 0.3 * index)
        logWeights.append(Foundation.log(Double(1 + (k + draw) % components) / total))
      }
    }
    return [means, sds, logWeights].map { Tensor(shape: [2, components], scalars: $0) }
  }

  @Test(arguments: [1, 2, 3])
  func matchesTheDensity(components: Int) {
    let p = parameters(components: components)
    let result = normalMixtureLogLikelihood(
      values, means: p[0], standardDeviations: p[1], logWeights: p[2])
    #expect(result.shape == [2])
    for draw in 0..<2 {
      var expected = 0.0
      for y in values.scalars {
        var density = 0.0
        for k in 0..<components {
          let (mu, sigma, w) = (p[0][draw, k], p[1][draw, k], Foundation.exp(p[2][draw, k]))
          let z = (y - mu) / sigma
          density += w * Foundation.exp(-0.5 * z * z) / (sigma * (2 * Double.pi).squareRoot())
        }
        expected += Foundation.log(density)
      }
      assertClose(result[draw], expected, relativeTolerance: 1e-12, "draw \(draw)")
    }
  }

  @Test(arguments: [1, 2, 3])
  func gradientMatchesFiniteDifferences(components: Int) {
    let comparisons = compareGradients(
      of: {
        normalMixtureLogLikelihood(
          values, means: $0[0], standardDeviations: $0[1], logWeights: $0[2])
      }, at: parameters(components: components))
    for comparison in comparisons {
      #expect(comparison.relativeError < 1e-7, "\(comparison)")
    }
  }
}
