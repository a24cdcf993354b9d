import Distributions
import Inference
import RealModule
import TensorCore
import TestSupport
import Testing

/// The three families at fixed, non-trivial parameters in three dimensions.
func testFamilies() -> [(name: String, family: any GaussianFamily)] {
  let mean = tensor([0.5, -1, 2])
  return [
    ("mean-field", MeanFieldGaussian(mean: mean, logStandardDeviation: tensor([0.2, -0.4, 0.7]))),
    (
      "full-rank",
      FullRankGaussian(
        mean: mean, offDiagonal: tensor([9, 9, 9, 0.6, 9, 9, -0.3, 0.8, 9], shape: [3, 3]),
        logDiagonal: tensor([0.1, -0.2, 0.3]))
    ),
    (
      "low-rank",
      LowRankGaussian(
        mean: mean, factor: tensor([0.5, -0.3, 0.2, 0.8, -0.6, 0.4], shape: [3, 2]),
        logDiagonal: tensor([-0.1, 0.2, -0.3]))
    ),
  ]
}

@Suite struct FamilyTests {
  static let names = testFamilies().map(\.name)

  static func family(_ name: String) -> any GaussianFamily {
    testFamilies().first { $0.name == name }!.family
  }

  /// log q and the entropy agree with Distributions' MultivariateNormal of the same mean and
  /// covariance (a Cholesky-based reference).
  @Test(arguments: names)
  func densityAndEntropyMatchMultivariateNormal(_ name: String) {
    let q = Self.family(name)
    let reference = MultivariateNormal(mean: q.mean, covariance: q.covariance())
    let draws = tensor([0.1, 0.6, -0.2, 1.0, -0.4, 0.3, 3, -2, 5], shape: [3, 3])
    assertClose(
      q.logDensity(of: draws), reference.logProbability(of: draws), relativeTolerance: 1e-12,
      name)
    assertClose(
      q.entropy().scalarized(), reference.entropy().scalarized(), relativeTolerance: 1e-12)
    assertClose(
      q.marginalStandardDeviations(), sqrt(q.covariance().diagonalPart()), relativeTolerance: 1e-12)
  }

  /// Draws from many standard-normal noise rows have the family's mean and covariance
  /// (within 5 standard errors of 20,000 draws).
  @Test(arguments: names)
  func drawsHaveTheFamilysMoments(_ name: String) {
    let q = Self.family(name)
    var generator = Xoshiro256StarStar(seed: 11)
    let count = 20_000
    let noise = Tensor<Double>(randomNormal: [count, q.noiseDimension], using: &generator)
    let draws = q.reparameterizedSample(noise: noise)
    #expect(draws.shape == [count, 3])
    let covariance = q.covariance().scalars
    let values = draws.scalars
    for i in 0..<3 {
      let column = (0..<count).map { values[$0 * 3 + i] }
      let (mean, sd) = moments(column)
      let standardError = sd / Double(count).squareRoot()
      #expect(Swift.abs(mean - q.mean.scalars[i]) < 5 * standardError, "\(name) mean \(i)")
      for j in 0..<3 {
        let other = (0..<count).map { values[$0 * 3 + j] }
        let (meanJ, _) = moments(other)
        var product = 0.0
        for s in 0..<count { product += (column[s] - mean) * (other[s] - meanJ) }
        let estimate = product / Double(count - 1)
        let expected = covariance[i * 3 + j]
        let error =
          (covariance[i * 3 + i] * covariance[j * 3 + j] + expected * expected)
          .squareRoot() / Double(count).squareRoot()
        #expect(Swift.abs(estimate - expected) < 5 * error, "\(name) covariance \(i),\(j)")
      }
    }
  }

  /// The noise each family needs, and Stan's initialisations.
  @Test func shapesAndInitialisation() {
    let mean = tensor([1, 2, 3, 4])
    #expect(MeanFieldGaussian(mean: mean).noiseDimension == 4)
    #expect(FullRankGaussian(mean: mean).noiseDimension == 4)
    var generator = Xoshiro256StarStar(seed: 1)
    let lowRank = LowRankGaussian(mean: mean, rank: 2, using: &generator)
    #expect(lowRank.noiseDimension == 6)
    #expect(lowRank.rank == 2)
    assertClose(
      MeanFieldGaussian(mean: mean, scale: 0.1).covariance(),
      Tensor(diagonal: Tensor(repeating: 0.01, shape: [4])), relativeTolerance: 1e-12)
    assertClose(FullRankGaussian(mean: mean).covariance(), Tensor(diagonal: Tensor(ones: [4])))
  }

  /// The full-rank family ignores the strict upper triangle of its off-diagonal matrix.
  @Test func fullRankIgnoresTheUpperTriangle() {
    let q = Self.family("full-rank") as! FullRankGaussian
    var other = q
    other.offDiagonal = q.offDiagonal.lowerTriangularPart(includingDiagonal: false)
    let noise = tensor([0.3, -1, 0.5], shape: [1, 3])
    #expect(q.reparameterizedSample(noise: noise) == other.reparameterizedSample(noise: noise))
    #expect(q.covariance() == other.covariance())
  }
}
