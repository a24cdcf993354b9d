import RealModule
import TensorCore

/// Conjugate Bayesian linear regression with correlated features, where everything is known in
/// closed form: y = Xβ + ε, ε ~ N(0, I), β ~ N(0, I), the rows of X drawn from N(0, Σ) with
/// the AR(1) correlation Σᵢⱼ = ρ^|i−j|.
///
/// ```
/// H = I + XᵀX,   posterior N(H⁻¹Xᵀy, H⁻¹)
/// log p(y) = −(N/2) log 2π − ½ log det H − ½ (yᵀy − yᵀX H⁻¹ Xᵀy)
/// KL(q ‖ p) = ½ [tr(HS) + δᵀHδ − D − log det H − log det S],   q = N(m, S), δ = m − H⁻¹Xᵀy
/// best mean-field KL = ½ (Σᵢ log Hᵢᵢ − log det H)        (same means, precisions Hᵢᵢ)
/// ```
public struct ConjugateLinearRegression {
  public let rows: Int
  public let dimension: Int
  /// X, row-major.
  public let features: [Double]
  public let targets: [Double]
  /// H = I + XᵀX.
  public let precision: Tensor<Double>
  public let posteriorMean: Tensor<Double>
  public let logEvidence: Double

  public init(rows: Int = 500, dimension: Int = 5, correlation: Double = 0.7, seed: UInt64 = 2024) {
    var generator = Xoshiro256StarStar(seed: seed)
    let noise = Tensor<Double>(randomNormal: [rows, dimension], using: &generator).scalars
    var x = [Double](repeating: 0, count: rows * dimension)
    let innovation = (1 - correlation * correlation).squareRoot()
    for n in 0..<rows {
      x[n * dimension] = noise[n * dimension]
      for j in 1..<dimension {
        x[n * dimension + j] =
          correlation * x[n * dimension + j - 1] + innovation * noise[n * dimension + j]
      }
    }
    let coefficients = [1.0, -0.5, 0.25, 0, 2][..<dimension]
    let errors = Tensor<Double>(randomNormal: [rows], using: &generator).scalars
    var y = [Double](repeating: 0, count: rows)
    for n in 0..<rows {
      var mean = 0.0
      for j in 0..<dimension { mean += x[n * dimension + j] * coefficients[j] }
      y[n] = mean + errors[n]
    }
    self.rows = rows
    self.dimension = dimension
    features = x
    targets = y
    let design = Tensor(shape: [rows, dimension], scalars: x)
    let yColumn = Tensor(shape: [rows, 1], scalars: y)
    precision =
      matmul(design, transposed: true, design, transposed: false)
      + Tensor(diagonal: Tensor(ones: [dimension]))
    let xty = matmul(design, transposed: true, yColumn, transposed: false)
    let l = cholesky(precision)
    let solved = triangularSolve(l, xty)  // L⁻¹Xᵀy
    posteriorMean = triangularSolve(l, solved, transposed: true).reshaped(to: [dimension])
    let logDetH = 2 * l.diagonalPart().scalars.map { Double.log($0) }.reduce(0, +)
    let yty = y.reduce(0) { $0 + $1 * $1 }
    let quadratic = solved.squared().sum().scalarized()
    logEvidence =
      -Double(rows) / 2 * Double.log(2 * Double.pi) - logDetH / 2 - (yty - quadratic) / 2
  }

  /// log det H.
  public var logDeterminantOfPrecision: Double {
    2 * cholesky(precision).diagonalPart().scalars.map { Double.log($0) }.reduce(0, +)
  }

  /// KL(N(mean, covariance) ‖ posterior).
  public func klDivergence(mean: Tensor<Double>, covariance: Tensor<Double>) -> Double {
    let d = Double(dimension)
    let trace = (matmul(precision, transposed: false, covariance, transposed: false))
      .diagonalPart().sum().scalarized()
    let delta = (mean - posteriorMean).reshaped(to: [dimension, 1])
    let mahalanobis = matmul(
      delta, transposed: true, matmul(precision, transposed: false, delta, transposed: false),
      transposed: false
    ).scalarized()
    guard let logDetS = logDeterminant(covariance) else { return .infinity }
    return 0.5 * (trace + mahalanobis - d - logDeterminantOfPrecision - logDetS)
  }

  /// The smallest KL(q ‖ posterior) over mean-field Gaussians q.
  public var bestMeanFieldKL: Double {
    let diagonal = precision.diagonalPart().scalars.map { Double.log($0) }.reduce(0, +)
    return 0.5 * (diagonal - logDeterminantOfPrecision)
  }
}

/// log det A of a symmetric matrix by Cholesky decomposition, or nil when A is not positive
/// definite (or not finite).
public func logDeterminant(_ a: Tensor<Double>) -> Double? {
  let n = a.shape[0]
  var l = [Double](repeating: 0, count: n * n)
  let x = a.scalars
  var total = 0.0
  for j in 0..<n {
    var pivot = x[j * n + j]
    for k in 0..<j { pivot -= l[j * n + k] * l[j * n + k] }
    guard pivot > 0, pivot.isFinite else { return nil }
    let diagonal = pivot.squareRoot()
    l[j * n + j] = diagonal
    total += 2 * Double.log(diagonal)
    for i in (j + 1)..<max(j + 1, n) {
      var value = x[i * n + j]
      for k in 0..<j { value -= l[i * n + k] * l[j * n + k] }
      l[i * n + j] = value / diagonal
    }
  }
  return total
}
