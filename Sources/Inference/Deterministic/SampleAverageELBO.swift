import RealModule
import TensorCore

/// The ELBO of a Gaussian q on fixed draws (the sample-average approximation of DADVI:
/// Giordano, Ingram & Broderick 2024, "Black box variational inference with a deterministic
/// objective: faster, more accurate, and even more black box", JMLR 25(18); Burroni, Domke &
/// Sheldon 2024, "Sample average approximation for black-box VI", UAI):
/// ```
/// ELBO_M(λ) = (1/M) Σₘ log p̃(μ + L εₘ) + H[q],     H[q] = Σᵢ log Lᵢᵢ + (D/2)(1 + log 2π)
/// ```
/// a deterministic, smooth function of λ that a quasi-Newton method maximises to a tight
/// tolerance.
///
/// q is written in the coordinates of a reference Gaussian N(a, CCᵀ) (the Laplace
/// approximation, C lower triangular), which makes the objective well conditioned whatever the
/// scales of the parameters:
/// ```
/// full rank:   μ = a + C m,   L = C S                 S lower triangular, Sᵢᵢ = exp ωᵢ
/// mean field:  μ = a + C m,   L = diag(s ⊙ exp ω)     s the reference's conditional sds
/// ```
/// Both maps are one to one onto the family, so the optimum is the family's. The variables
/// are m, then ω (mean field) or S's rows with ωᵢ in place of Sᵢᵢ (full rank).
///
/// Gradients, with gₘ = ∇ log p̃(ζₘ) and A = (1/M) Σₘ gₘ εₘᵀ:
/// ```
/// ∂ELBO/∂m = Cᵀ (1/M) Σₘ gₘ
/// ∂ELBO/∂S = lower(Cᵀ A),   ∂ELBO/∂ωᵢ = Sᵢᵢ (CᵀA)ᵢᵢ + 1              (full rank)
/// ∂ELBO/∂ωᵢ = sᵢ exp(ωᵢ) Aᵢᵢ + 1                                      (mean field)
/// ```
struct SampleAverageELBO {
  enum Shape { case meanField, fullRank }

  let objective: VariationalObjective
  let shape: Shape
  /// a, the reference mean.
  let centre: [Double]
  /// C, the reference's lower Cholesky factor.
  let factor: SquareMatrix
  /// s, the reference's conditional standard deviations (mean field).
  let scales: [Double]
  /// The fixed noise, [M, D].
  var noise: Tensor<Double>
  /// Rows of log p̃ and its gradient evaluated so far.
  private(set) var gradientEvaluations = 0

  var dimension: Int { centre.count }

  /// The number of variables.
  var variableCount: Int {
    shape == .meanField ? 2 * dimension : dimension + dimension * (dimension + 1) / 2
  }

  /// The variables of the reference itself: m = 0, S = I (ω = 0).
  var referenceVariables: [Double] { [Double](repeating: 0, count: variableCount) }

  /// The index of Sᵢⱼ (j ≤ i; ωᵢ when j = i) among the variables.
  func index(_ i: Int, _ j: Int) -> Int { dimension + i * (i + 1) / 2 + j }

  /// μ and the scale matrix L of q for `variables`.
  func gaussian(_ variables: [Double]) -> (mean: [Double], scale: SquareMatrix) {
    let d = dimension
    let shift = factor.times(Array(variables[0..<d]))
    let mean = zip(centre, shift).map { $0 + $1 }
    switch shape {
    case .meanField:
      return (mean, SquareMatrix(diagonal: (0..<d).map { scales[$0] * .exp(variables[d + $0]) }))
    case .fullRank:
      let product = matmul(
        factorTensor, transposed: false, lowerFactorTensor(variables), transposed: false)
      return (mean, SquareMatrix(size: d, entries: product.scalars))
    }
  }

  /// C as a tensor, for products through BLAS.
  var factorTensor: Tensor<Double> { Tensor(shape: [dimension, dimension], scalars: factor.entries) }

  /// S as a tensor.
  func lowerFactorTensor(_ variables: [Double]) -> Tensor<Double> {
    Tensor(shape: [dimension, dimension], scalars: lowerFactor(variables).entries)
  }

  /// S of the full-rank variables.
  func lowerFactor(_ variables: [Double]) -> SquareMatrix {
    var s = SquareMatrix(zeros: dimension)
    for i in 0..<dimension {
      for j in 0..<i { s[i, j] = variables[index(i, j)] }
      s[i, i] = .exp(variables[index(i, i)])
    }
    return s
  }

  /// The family in ζ, for reports and draws.
  func family(_ variables: [Double]) -> any GaussianFamily {
    let (mean, scale) = gaussian(variables)
    let d = dimension
    switch shape {
    case .meanField:
      return MeanFieldGaussian(
        mean: Tensor(mean), logStandardDeviation: Tensor(scale.diagonal.map { .log($0) }))
    case .fullRank:
      var offDiagonal = scale
      for i in 0..<d { offDiagonal[i, i] = 0 }
      return FullRankGaussian(
        mean: Tensor(mean), offDiagonal: Tensor(shape: [d, d], scalars: offDiagonal.entries),
        logDiagonal: Tensor(scale.diagonal.map { .log($0) }))
    }
  }

  /// The draws μ + Lεₘ, [M, D].
  func draws(_ variables: [Double]) -> Tensor<Double> {
    let (mean, scale) = gaussian(variables)
    let l = Tensor(shape: [dimension, dimension], scalars: scale.entries)
    return matmul(noise, transposed: false, l, transposed: true) + Tensor(mean)
  }

  /// −ELBO_M and its gradient in the variables; +∞ when log p̃ or its gradient is not finite
  /// at some draw (a rejected point).
  mutating func negativeValueAndGradient(_ variables: [Double]) -> (value: Double, gradient: [Double]) {
    let d = dimension
    let m = noise.shape[0]
    let (mean, scale) = gaussian(variables)
    let l = Tensor(shape: [d, d], scalars: scale.entries)
    let rows = matmul(noise, transposed: false, l, transposed: true) + Tensor(mean)
    gradientEvaluations += m
    let (values, gradients) = objective.logDensitiesAndGradients(rows)
    var total = 0.0
    for v in values { total += v }
    var entropy = gaussianEntropyConstant(dimension: d)
    for i in 0..<d { entropy += .log(scale[i, i]) }
    let value = -(total / Double(m) + entropy)
    guard value.isFinite, gradients.allSatisfy(\.isFinite) else {
      return (.infinity, [Double](repeating: 0, count: variableCount))
    }
    let g = Tensor(shape: [m, d], scalars: gradients)
    var meanGradient = [Double](repeating: 0, count: d)
    for r in 0..<m { for i in 0..<d { meanGradient[i] += gradients[r * d + i] } }
    let a = matmul(g, transposed: true, noise, transposed: false).scalars  // Σₘ gₘ εₘᵀ
    var result = [Double](repeating: 0, count: variableCount)
    let mGradient = factor.transposedTimes(meanGradient.map { $0 / Double(m) })
    for i in 0..<d { result[i] = -mGradient[i] }
    switch shape {
    case .meanField:
      for i in 0..<d { result[d + i] = -(scale[i, i] * a[i * d + i] / Double(m) + 1) }
    case .fullRank:
      // CᵀA, lower part.
      let s = lowerFactor(variables)
      let projected = matmul(
        factorTensor, transposed: true, Tensor(shape: [d, d], scalars: a), transposed: false
      ).scalars
      for i in 0..<d {
        for j in 0...i {
          let sum = projected[i * d + j] / Double(m)
          result[index(i, j)] = i == j ? -(s[i, i] * sum + 1) : -sum
        }
      }
    }
    return (value, result)
  }
}
