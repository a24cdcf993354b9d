import Distributions
import Foundation
import TensorCore
import TestSupport
import Testing
import _Differentiation

/// Covariance functions and the batched multivariate normal log density, against NumPy and
/// SciPy 1.17 (values pinned), with finite-difference gradient checks.
@Suite struct GaussianProcessTests {
  /// x = (−1, 0, 0.5, 2) and two draws (α, ρ) = (1.3, 0.8) and (0.7, 2.1).
  static let x = Tensor<Double>([-1, 0, 0.5, 2])
  static let magnitude = Tensor<Double>(shape: [2, 1], scalars: [1.3, 0.7])
  static let lengthScale = Tensor<Double>(shape: [2, 1], scalars: [0.8, 2.1])

  /// The covariances from NumPy, written out from α² exp(−d²/(2ρ²)) and the Matérn forms.
  @Test func covariancesMatchNumPy() {
    let (x, alpha, rho) = (Self.x, Self.magnitude, Self.lengthScale)
    // Row 0 of the first draw's matrix and row 1 of the second's, for each kernel.
    let rows: [(String, Tensor<Double>, [Double], [Double])] = [
      (
        "squared exponential", squaredExponentialCovariance(x, magnitude: alpha, lengthScale: rho),
        [1.6900000000000002, 0.7737383813940283, 0.2913925443804424, 0.0014936664587202372],
        [0.43747812576549416, 0.48999999999999994, 0.4763061024404379, 0.3113415844967136]
      ),
      (
        "Matérn 3/2", matern32Covariance(x, magnitude: alpha, lengthScale: rho),
        [1.6900000000000002, 0.6137535235013292, 0.2790083044228769, 0.019135683373171158],
        [0.3919295351312091, 0.48999999999999994, 0.4581963507319159, 0.24944323781225466]
      ),
      (
        "Matérn 5/2", matern52Covariance(x, magnitude: alpha, lengthScale: rho),
        [1.6900000000000002, 0.6608850278876547, 0.2821582205987128, 0.012658778341893292],
        [0.41270151537872696, 0.48999999999999994, 0.4680953148890833, 0.27037564698810596]
      ),
    ]
    for (name, k, first, second) in rows {
      #expect(k.shape == [2, 4, 4], "\(name)")
      assertClose(Tensor(Array(k.scalars[0..<4])), Tensor(first), relativeTolerance: 1e-14, name)
      assertClose(
        Tensor(Array(k.scalars[20..<24])), Tensor(second), relativeTolerance: 1e-14, name)
      // Symmetric, with α² on the diagonal.
      #expect(k.transposed() == k, "\(name)")
    }
    // Points in two dimensions use the Euclidean distance.
    let planar = Tensor<Double>(shape: [2, 2], scalars: [0, 0, 3, 4])
    let k = squaredExponentialCovariance(planar, magnitude: Tensor(1.0), lengthScale: Tensor(5.0))
    assertClose(k.scalars[1], Double.exp(-0.5), relativeTolerance: 1e-15)
  }

  /// `scipy.stats.multivariate_normal(mean, cov).logpdf(y)` for K(α, ρ) + σI with the
  /// squared-exponential K above and σ = (0.3, 1.1), y = (0.4, −0.2, 1, 0.3).
  @Test func batchedLogDensityMatchesSciPy() {
    let sigma = Tensor<Double>(shape: [2, 1], scalars: [0.3, 1.1])
    let y = Tensor<Double>([0.4, -0.2, 1, 0.3])
    let k = squaredExponentialCovariance(
      Self.x, magnitude: Self.magnitude, lengthScale: Self.lengthScale
    ).addingToDiagonal(sigma)
    let factors = batchedCholesky(k)
    let mean = Tensor<Double>([0.1, 0, -0.3, 0.2])
    assertClose(
      multivariateNormalLogDensity(of: y, mean: mean, scaleTril: factors),
      Tensor([-5.808091885308414, -5.125951118462144]), relativeTolerance: 1e-13)
    assertClose(
      multivariateNormalLogDensity(of: y, mean: 0, scaleTril: factors),
      Tensor([-5.425127015272336, -4.89505562750427]), relativeTolerance: 1e-13)
    // Per-draw values and means give the same numbers as shared ones.
    let ys = Tensor(concatenating: [y.expandingShape(at: 0), y.expandingShape(at: 0)])
    let means = Tensor(concatenating: [mean.expandingShape(at: 0), mean.expandingShape(at: 0)])
    assertClose(
      multivariateNormalLogDensity(of: ys, mean: means, scaleTril: factors),
      multivariateNormalLogDensity(of: y, mean: mean, scaleTril: factors),
      relativeTolerance: 1e-15)
    // One factor of rank 2 agrees with MultivariateNormal.
    let single = factors.rows(0..<1).reshaped(to: [4, 4])
    let logDensity = multivariateNormalLogDensity(of: y, mean: mean, scaleTril: single)
    #expect(logDensity.shape == [])
    assertClose(
      logDensity, MultivariateNormal(mean: mean, scaleTril: single).logProbability(of: y),
      relativeTolerance: 1e-14)
  }

  /// A draw whose covariance is not positive definite gets a NaN log density; the others are
  /// unaffected, and nothing stops.
  @Test func notPositiveDefiniteDrawsGiveNaN() {
    let k = squaredExponentialCovariance(
      Self.x, magnitude: Self.magnitude, lengthScale: Self.lengthScale)
    // σ = −1 makes the second matrix indefinite.
    let shifted = k.addingToDiagonal(Tensor(shape: [2, 1], scalars: [0.3, -1]))
    let logDensities = multivariateNormalLogDensity(
      of: Tensor([0.4, -0.2, 1, 0.3]), mean: 0, scaleTril: batchedCholesky(shifted))
    assertClose(logDensities.scalars[0], -5.425127015272336, relativeTolerance: 1e-13)
    #expect(logDensities.scalars[1].isNaN)
  }

  @Test func shapeErrorsNameTheShapes() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      _ = multivariateNormalLogDensity(
        of: Tensor<Double>(zeros: [3]), mean: 0, scaleTril: Tensor(zeros: [2, 4, 4]))
    }
    if let result {
      let message = String(decoding: result.standardErrorContent, as: UTF8.self)
      #expect(message.contains("value of shape [3] needs shape [4] or [2, 4]"), "\(message)")
    }
  }

  // MARK: Gradients

  @Test(arguments: gradientCases().map(\.name))
  func gradientMatchesFiniteDifferences(_ name: String) throws {
    let testCase = try #require(Self.gradientCases().first { $0.name == name })
    checkGradients(of: testCase.function, at: testCase.inputs, tolerance: 1e-6, name)
  }

  static func gradientCases() -> [DistributionGradientCase] {
    typealias Case = DistributionGradientCase
    let x = Tensor<Double>([-1, 0, 0.5, 2])
    let draws = Tensor<Double>(shape: [2, 1], scalars: [1.3, 0.7])
    let scales = Tensor<Double>(shape: [2, 1], scalars: [0.8, 2.1])
    let noise = Tensor<Double>(shape: [2, 1], scalars: [0.3, 1.1])
    let y = Tensor<Double>([0.4, -0.2, 1, 0.3])
    let mean = Tensor<Double>([0.1, 0, -0.3, 0.2])
    let factors = batchedCholesky(
      squaredExponentialCovariance(x, magnitude: draws, lengthScale: scales)
        .addingToDiagonal(noise))
    return [
      Case(name: "squaredExponentialCovariance", inputs: [draws, scales]) {
        squaredExponentialCovariance(x, magnitude: $0[0], lengthScale: $0[1])
      },
      Case(name: "matern32Covariance", inputs: [draws, scales]) {
        matern32Covariance(x, magnitude: $0[0], lengthScale: $0[1])
      },
      Case(name: "matern52Covariance", inputs: [draws, scales]) {
        matern52Covariance(x, magnitude: $0[0], lengthScale: $0[1])
      },
      Case(name: "covariance with one length scale", inputs: [draws, Tensor(1.5)]) {
        matern52Covariance(x, magnitude: $0[0], lengthScale: $0[1])
      },
      Case(
        name: "multivariateNormalLogDensity, shared value and mean",
        inputs: [y, mean, factors]
      ) {
        multivariateNormalLogDensity(of: $0[0], mean: $0[1], scaleTril: $0[2])
      },
      Case(
        name: "multivariateNormalLogDensity, per-draw values, scalar mean",
        inputs: [
          Tensor(shape: [2, 4], scalars: (0..<8).map { Double($0) / 4 - 1 }), Tensor(0.2),
          factors,
        ]
      ) {
        multivariateNormalLogDensity(of: $0[0], mean: $0[1], scaleTril: $0[2])
      },
      // The whole Gaussian-process likelihood, through the Cholesky factors.
      Case(name: "Gaussian process log likelihood", inputs: [draws, scales, noise]) {
        let k = squaredExponentialCovariance(x, magnitude: $0[0], lengthScale: $0[1])
          .addingToDiagonal($0[2])
        return multivariateNormalLogDensity(of: y, mean: 0, scaleTril: batchedCholesky(k))
      },
    ]
  }
}
