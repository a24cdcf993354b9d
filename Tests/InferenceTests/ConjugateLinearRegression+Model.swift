import Inference
import TestSupport

extension ConjugateLinearRegression {
  /// The model, without intercept and with the noise scale known.
  func model() throws -> LinearRegression {
    let data = try RegressionData(
      features: features, featureNames: (1...dimension).map { "x\($0)" }, targets: targets,
      intercept: false)
    return try LinearRegression(data: data, noiseStandardDeviation: 1)
  }
}
