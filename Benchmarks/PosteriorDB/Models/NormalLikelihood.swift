import Distributions
import Inference
import RealModule
import TensorCore
import _Differentiation

// The Gaussian likelihoods most posteriordb models share, vectorised over draws. Stan's
// `y ~ normal(mu, sigma)` drops the constant −(N/2) log 2π; these keep it (constants do not
// change a fit, and keeping them makes log joints comparable with `normal_lpdf`).

/// Σₙ log N(rₙ; 0, σ²) for each draw, from the residuals' sum of squares S = Σₙ rₙ² ([L]) and
/// σ ([L, 1]):
/// ```
/// −S / (2σ²) − N log σ − (N/2) log 2π
/// ```
@differentiable(reverse)
func normalLogLikelihood(
  sumOfSquares: Tensor<Double>, standardDeviation: Tensor<Double>, count: Int
) -> Tensor<Double> {
  let sigma = standardDeviation.squeezingShape(at: [1])
  let n = withoutDerivative(at: Double(count))
  return -0.5 * sumOfSquares / sigma.squared() - n * log(sigma)
    - n * Double.log(2 * Double.pi) / 2
}

/// The log likelihood of the linear regression `targets ~ normal(design * coefficients, σ)`
/// for each draw:
/// ```
/// Σₙ log N(yₙ; xₙᵀβ, σ²),   Xβ computed for all draws as one product B·Xᵀ ([L, N])
/// ```
/// with coefficients B ([L, P]), σ ([L, 1]), the design matrix X ([N, P]) and targets y ([N]).
@differentiable(reverse, wrt: (coefficients, standardDeviation))
func linearRegressionLogLikelihood(
  coefficients: Tensor<Double>, standardDeviation: Tensor<Double>, design: Tensor<Double>,
  targets: Tensor<Double>
) -> Tensor<Double> {
  let mean = matmul(coefficients, constant: design, constantTransposed: true)
  let squares = (targets - mean).squared().sum(squeezingAxes: [1])
  return normalLogLikelihood(
    sumOfSquares: squares, standardDeviation: standardDeviation,
    count: withoutDerivative(at: targets.shape[0]))
}

/// The log density of `Normal(mean, standardDeviation)` summed over the scalars of each draw
/// ([L, k] → [L]): the prior of a parameter.
@differentiable(reverse, wrt: values)
func normalLogPrior(
  _ values: Tensor<Double>, mean: Double, standardDeviation: Double
) -> Tensor<Double> {
  Normal(mean: Tensor(mean), standardDeviation: Tensor(standardDeviation))
    .logProbability(of: values).sum(squeezingAxes: [1])
}

/// An [N, P] design matrix from P columns of N values each.
///
/// - Precondition: every column has the same length.
func designMatrix(columns: [[Double]]) -> Tensor<Double> {
  let rows = columns.first?.count ?? 0
  precondition(
    columns.allSatisfy { $0.count == rows }, "designMatrix(columns:): columns of unequal length")
  let width = columns.count
  return Tensor(shape: [rows, width]) { x in
    for (j, column) in columns.enumerated() {
      for i in 0..<rows { x[i * width + j] = column[i] }
    }
  }
}

/// A column of N ones, for an intercept.
func ones(_ count: Int) -> [Double] { [Double](repeating: 1, count: count) }

/// The natural logarithm of every value of the data field `field`, which must be positive.
///
/// - Throws: ``PosteriorDataError`` naming the first value that is not.
func logarithms(
  _ values: [Double], field: String, in data: PosteriorData
) throws(PosteriorDataError) -> [Double] {
  if let index = values.firstIndex(where: { !($0 > 0) }) {
    throw PosteriorDataError(
      path: data.path, field: field,
      problem: "element \(index + 1) is \(values[index]); its logarithm is not finite")
  }
  return values.map { Double.log($0) }
}
