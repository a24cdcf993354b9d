import TensorCore

/// Fixed standard-normal noise for the deterministic ELBO, drawn in antithetic pairs ±ε and
/// whitened, so that its sample mean is exactly 0 and its sample covariance exactly I.
///
/// With such draws the sample-average ELBO of a Gaussian q equals the exact ELBO whenever
/// log p̃ is quadratic (its expectation under q depends only on q's first two moments), so
/// the fit is exact on Gaussian posteriors with any number of draws, and on near-Gaussian
/// ones the Monte-Carlo error comes only from the posterior's departure from a quadratic.
/// Odd moments of the noise vanish too. Whitening needs at least as many pairs as dimensions;
/// with fewer, the pairs are used as drawn.
///
/// The K drawn vectors eₖ have sample second moment S = (1/K) Σₖ eₖeₖᵀ = RRᵀ (Cholesky);
/// the noise is the 2K rows ±R⁻¹eₖ.
struct WhitenedNoise {
  /// The rows, [2K, D].
  let rows: Tensor<Double>

  /// 2K rows of dimension `dimension` drawn from `generator`.
  init(pairs: Int, dimension: Int, using generator: inout Xoshiro256StarStar) {
    let drawn = Tensor<Double>(randomNormal: [pairs, dimension], using: &generator).scalars
    var vectors = drawn
    if pairs >= dimension {
      var second = SquareMatrix(zeros: dimension)
      for k in 0..<pairs {
        for i in 0..<dimension {
          let eki = drawn[k * dimension + i]
          for j in 0...i { second[i, j] += eki * drawn[k * dimension + j] / Double(pairs) }
        }
      }
      for i in 0..<dimension { for j in 0..<i { second[j, i] = second[i, j] } }
      if let factor = second.choleskyFactor() {
        for k in 0..<pairs {
          let row = Array(drawn[(k * dimension)..<((k + 1) * dimension)])
          let whitened = factor.solveLower(row)
          for i in 0..<dimension { vectors[k * dimension + i] = whitened[i] }
        }
      }
    }
    rows = Tensor(shape: [2 * pairs, dimension], scalars: vectors + vectors.map { -$0 })
  }

  /// The rows of several noise sets, one after another.
  init(concatenating sets: [WhitenedNoise]) {
    let dimension = sets[0].rows.shape[1]
    let scalars = sets.flatMap { $0.rows.scalars }
    rows = Tensor(shape: [scalars.count / dimension, dimension], scalars: scalars)
  }

  /// The number of rows, 2K.
  var count: Int { rows.shape[0] }
}
