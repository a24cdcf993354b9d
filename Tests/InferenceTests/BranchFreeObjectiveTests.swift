import Datasets
import TensorCore
import Testing
import _Differentiation

@testable import Inference

/// The estimators' own functions, which the optimisation steps call without the estimator
/// `switch`, and the steps' closed-form chain rule through the family
/// (`VariationalFamily.negativeELBOGradient`), must equal the general objective, in value and
/// in gradient, for every family.
@Suite struct BranchFreeObjectiveTests {
  @Test func equalsTheGeneralObjective() throws {
    var generator = Xoshiro256StarStar(seed: 4)
    let features = Tensor<Double>(randomNormal: [40, 3], using: &generator).scalars
    let targets = (0..<40).map { Double($0 % 2) }
    let model = try LogisticRegression(
      data: RegressionData(features: features, featureNames: ["a", "b", "c"], targets: targets))
    let objective = try VariationalObjective(model)
    let mean = Tensor<Double>([0.1, -0.3, 0.5, 0.2])
    func check<Family: VariationalFamily>(_ family: Family) {
      let noise = Tensor<Double>(randomNormal: [3, family.noiseDimension], using: &generator)
      let (general, generalPullback) = valueWithPullback(at: family) {
        objective.negativeELBO($0, noise: noise, estimator: .closedFormEntropy)
      }
      let (fast, fastPullback) = valueWithPullback(at: family) {
        objective.closedFormNegativeELBO($0, noise: noise)
      }
      let generalGradient = generalPullback(Tensor(1))
      let fastGradient = fastPullback(Tensor(1))
      let (stepLoss, stepGradient) = VariationalInference<Family>.lossAndGradient(
        objective, family, noise: noise, estimator: .closedFormEntropy)
      #expect(Swift.abs(general.scalarized() - fast.scalarized()) < 1e-12)
      #expect(Swift.abs(general.scalarized() - stepLoss) < 1e-12)
      for path in family.tangentKeyPaths {
        let x = generalGradient[keyPath: path].scalars
        let y = fastGradient[keyPath: path].scalars
        let z = stepGradient[keyPath: path].scalars
        #expect(x.count == y.count && zip(x, y).allSatisfy { Swift.abs($0 - $1) < 1e-12 })
        #expect(x.count == z.count && zip(x, z).allSatisfy { Swift.abs($0 - $1) < 1e-12 })
        // A gradient of zeros would pass trivially: each tensor must carry signal.
        #expect(z.contains { Swift.abs($0) > 1e-3 })
      }
      // The other estimators' steps differentiate their own functions.
      for estimator in [GradientEstimator.monteCarlo, .stickingTheLanding] {
        let (value, pullback) = valueWithPullback(at: family) {
          objective.negativeELBO($0, noise: noise, estimator: estimator)
        }
        let expected = pullback(Tensor(1))
        let (loss, gradient) = VariationalInference<Family>.lossAndGradient(
          objective, family, noise: noise, estimator: estimator)
        #expect(Swift.abs(value.scalarized() - loss) < 1e-12, "\(estimator)")
        for path in family.tangentKeyPaths {
          let x = expected[keyPath: path].scalars
          let y = gradient[keyPath: path].scalars
          #expect(
            x.count == y.count && zip(x, y).allSatisfy { Swift.abs($0 - $1) < 1e-12 },
            "\(estimator)")
        }
      }
    }
    check(MeanFieldGaussian(mean: mean, scale: 0.5))
    check(FullRankGaussian(mean: mean, scale: 0.5))
    check(
      FullRankGaussian(
        mean: mean, offDiagonal: Tensor(randomNormal: [4, 4], using: &generator) * 0.3,
        logDiagonal: Tensor([-0.5, -1, -0.2, -0.7])))
    check(LowRankGaussian(mean: mean, rank: 2, scale: 0.5, using: &generator))
  }
}
