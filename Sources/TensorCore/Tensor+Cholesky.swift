import RealModule
import _Differentiation

// Cholesky factorisations beyond the single-matrix `cholesky`: a stack of matrices, one per
// Monte-Carlo draw, that lets a draw fail without stopping the others (a Gaussian process's
// covariance K(α, ρ) + σI for L draws of its hyperparameters), and a throwing factorisation
// for code outside automatic differentiation.

/// Factors the symmetric `n × n` row-major matrix at `a` (only its lower triangle is read)
/// into the lower-triangular `l`, writing zeros above the diagonal; `l` may be uninitialised.
/// Returns nil, or the first pivot j whose value dⱼ = Aⱼⱼ − Σ_{k<j} Lⱼₖ² is not positive (or
/// NaN), in which case `l` is partly written.
@inlinable
func _choleskyFactorize<Scalar: TensorScalar>(
  _ a: UnsafePointer<Scalar>, into l: UnsafeMutablePointer<Scalar>, size n: Int
) -> (pivot: Int, value: Scalar)? {
  for j in 0..<n {
    var pivot = a[j &* n &+ j]
    for k in 0..<j { pivot -= l[j &* n &+ k] * l[j &* n &+ k] }
    guard pivot > 0 else { return (j, pivot) }
    let diagonal = Scalar.sqrt(pivot)
    l[j &* n &+ j] = diagonal
    for k in (j &+ 1)..<n { l[j &* n &+ k] = 0 }
    for i in (j &+ 1)..<n {
      var value = a[i &* n &+ j]
      for k in 0..<j { value -= l[i &* n &+ k] * l[j &* n &+ k] }
      l[i &* n &+ j] = value / diagonal
    }
  }
  return nil
}

extension Tensor {
  /// The number of `n × n` matrices in a tensor of shape `[..., n, n]`, and n; stops with a
  /// message (in every build) for other shapes.
  @inlinable
  func _squareMatrices(_ operation: String) -> (count: Int, size: Int) {
    guard rank >= 2 && shape[rank - 1] == shape[rank - 2] else {
      fatalError("\(operation): needs square matrices, of shape [..., n, n], got \(shape)")
    }
    let n = shape[rank - 1]
    return (n == 0 ? shape.dropLast(2).elementCount : scalarCount / (n &* n), n)
  }
}

/// The Cholesky factor L of a symmetric positive-definite matrix A = L·Lᵀ (lower triangular,
/// positive diagonal, zeros above it), or of each matrix of a stack `[..., n, n]`; only the
/// lower triangles are read. Throws, where ``cholesky(_:)`` would stop, when a matrix is not
/// positive definite: for data and settings checked before differentiable code runs.
///
/// ```swift
/// do {
///   let factor = try choleskyFactor(of: covariance)
/// } catch {
///   print(error)  // choleskyFactor(of:): the [3, 3] matrix is not positive definite (…)
/// }
/// ```
///
/// - Throws: ``NotPositiveDefiniteError`` naming the first failing pivot (and, for a stack,
///   the matrix).
@inlinable
public func choleskyFactor<Scalar>(
  of a: Tensor<Scalar>
) throws(NotPositiveDefiniteError) -> Tensor<Scalar> {
  let (count, n) = a._squareMatrices("choleskyFactor(of:)")
  let result = Tensor<Scalar>(uninitializedShape: a.shape)
  for index in 0..<count {
    let offset = index &* n &* n
    if let failure = _choleskyFactorize(
      a.buffer.base + offset, into: result.buffer.base + offset, size: n)
    {
      throw NotPositiveDefiniteError(
        operation: "choleskyFactor(of:)", shape: a.shape, matrixIndex: a.rank > 2 ? index : nil,
        pivot: failure.pivot, pivotValue: Double(failure.value))
    }
  }
  return result
}

/// The Cholesky factors of a stack of symmetric positive-definite matrices, one
/// factorisation per matrix: for A of shape `[..., n, n]` (typically `[L, n, n]`, one matrix
/// per Monte-Carlo draw), the lower-triangular L of the same shape with `A[i] = L[i]·L[i]ᵀ`.
/// Only the lower triangles are read.
///
/// **Soft failure:** a matrix that is not positive definite (or holds NaN) does not stop the
/// program: its factor is all NaN, and so is everything computed from it, such as its
/// `multivariateNormalLogDensity(of:mean:scaleTril:)` (in Distributions). The inference
/// engine rejects a step whose ELBO is not finite, as Stan rejects a draw whose
/// `cholesky_decompose` fails. Use ``choleskyFactor(of:)`` to find which matrix and pivot
/// failed.
///
/// The gradient of each factor is that of ``cholesky(_:)`` (Murray 2016, "Differentiation of
/// the Cholesky decomposition"), the symmetric
/// ```
/// Ā = ½ (S + Sᵀ),   S = L⁻ᵀ Φ(Lᵀ L̄) L⁻¹,
/// ```
/// Φ taking the lower triangle and halving the diagonal: one product and two triangular
/// solves (BLAS `?gemm`, `?trsm`) per matrix.
@inlinable
@differentiable(reverse)
public func batchedCholesky<Scalar>(_ a: Tensor<Scalar>) -> Tensor<Scalar> {
  let (count, n) = a._squareMatrices("batchedCholesky")
  let result = Tensor<Scalar>(uninitializedShape: a.shape)
  for index in 0..<count {
    let offset = index &* n &* n
    let l = result.buffer.base + offset
    if _choleskyFactorize(a.buffer.base + offset, into: l, size: n) != nil {
      l.update(repeating: .nan, count: n &* n)
    }
  }
  return result
}

@inlinable
@derivative(of: batchedCholesky)
func _vjpBatchedCholesky<Scalar>(_ a: Tensor<Scalar>) -> (
  value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> Tensor<Scalar>
) {
  let factors = batchedCholesky(a)
  return (
    factors,
    { g in
      let g = g._unbroadcast(to: factors.shape)
      let (count, n) = factors._squareMatrices("batchedCholesky")
      let result = Tensor<Scalar>(uninitializedShape: factors.shape)
      guard n > 0 else { return result }
      let scratch = (Tensor<Scalar>(zeros: [n, n]), Tensor<Scalar>(zeros: [n, n]))
      let (p, z) = (scratch.0.buffer.base, scratch.1.buffer.base)
      for index in 0..<count {
        let offset = index &* n &* n
        let (l, gradient, output) =
          (factors.buffer.base + offset, g.buffer.base + offset, result.buffer.base + offset)
        // P = Lᵀ·L̄, then Φ(P): the lower triangle with the diagonal halved.
        Scalar.singleCallGEMM(
          transposeA: true, transposeB: false, m: n, n: n, k: n, alpha: 1, a: l, lda: n,
          b: gradient, ldb: n, beta: 0, c: p, ldc: n)
        for i in 0..<n {
          p[i &* n &+ i] *= 0.5
          for j in (i &+ 1)..<n { p[i &* n &+ j] = 0 }
        }
        // Y = L⁻ᵀ·Φ; Z = L⁻ᵀ·Yᵀ = Sᵀ; Ā = ½(Z + Zᵀ).
        Scalar.lowerTriangularSolve(transposeL: true, m: n, n: n, l: l, b: p)
        for i in 0..<n {
          for j in 0..<n { z[i &* n &+ j] = p[j &* n &+ i] }
        }
        Scalar.lowerTriangularSolve(transposeL: true, m: n, n: n, l: l, b: z)
        for i in 0..<n {
          for j in 0..<n { output[i &* n &+ j] = (z[i &* n &+ j] + z[j &* n &+ i]) / 2 }
        }
      }
      return result
    }
  )
}
