import CBLAS
import CCompute
import RealModule
import _Differentiation

/// A floating-point type a ``Tensor`` can hold: `Float` for neural networks, `Double` for
/// variational inference, where accuracy matters.
///
/// The elementary functions come from swift-numerics' `Real`; the requirements here are the
/// BLAS level-3 kernels, which call `?gemm`, `?trmm` and `?trsm` of OpenBLAS (Linux) or
/// Accelerate (Apple platforms), except `Float`'s products on Linux, which run on oneDNN
/// (``ComputeBackend``). All matrices are row-major.
public protocol TensorScalar: Real, BinaryFloatingPoint, Differentiable, Sendable
where TangentVector == Self {
  /// `C ← α·op(A)·op(B) + β·C` (BLAS `?gemm`), with `op(X) = Xᵀ` when the matching flag is set,
  /// as one BLAS call on the calling thread. The `gemm` of the extension below is the same
  /// product cut in blocks for two cores.
  ///
  /// `op(A)` is `m × k`, `op(B)` is `k × n` and `C` is `m × n`; `lda`, `ldb`, `ldc` are the row
  /// strides of the matrices as stored.
  static func singleCallGEMM(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Self, a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
    beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)

  /// `B ← op(L)·B` for a lower-triangular `m × m` matrix `L` and an `m × n` matrix `B`
  /// (BLAS `?trmm`, left side, non-unit diagonal). The strict upper triangle of `L` is not read.
  static func lowerTriangularMultiply(
    transposeL: Bool, m: Int, n: Int, l: UnsafePointer<Self>, b: UnsafeMutablePointer<Self>)

  /// `B ← op(L)⁻¹·B` for a lower-triangular `m × m` matrix `L` and an `m × n` matrix `B`
  /// (BLAS `?trsm`, left side, non-unit diagonal). The strict upper triangle of `L` is not read.
  static func lowerTriangularSolve(
    transposeL: Bool, m: Int, n: Int, l: UnsafePointer<Self>, b: UnsafeMutablePointer<Self>)
}

extension TensorScalar {
  /// `C ← α·op(A)·op(B) + β·C` (BLAS `?gemm`), with `op(X) = Xᵀ` when the matching flag is set:
  /// on two cores, in blocks of rows or columns of `C` (by the shapes alone) shared with a
  /// helper thread; else as one BLAS call, which may use BLAS's own threads. `prepare(rows,
  /// columns)` is called for each block before its product, on the thread that computes it,
  /// to fill that block of `C` (zeros, or a bias) while it is about to be in cache, and
  /// `finish(rows, columns)` after it, while the block still is (an activation).
  ///
  /// `op(A)` is `m × k`, `op(B)` is `k × n` and `C` is `m × n`; `lda`, `ldb`, `ldc` are the row
  /// strides of the matrices as stored.
  @inlinable
  public static func gemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Self, a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
    beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int,
    preparing prepare: (_ rows: Range<Int>, _ columns: Range<Int>) -> Void = { _, _ in },
    finishing finish: (_ rows: Range<Int>, _ columns: Range<Int>) -> Void = { _, _ in }
  ) {
    _forEachProductBlock(m: m, n: n, k: k) { rows, columns in
      prepare(rows, columns)
      singleCallGEMM(
        transposeA: transposeA, transposeB: transposeB, m: rows.count, n: columns.count,
        k: k, alpha: alpha, a: a + (transposeA ? rows.lowerBound : rows.lowerBound &* lda),
        lda: lda, b: b + (transposeB ? columns.lowerBound &* ldb : columns.lowerBound),
        ldb: ldb, beta: beta, c: c + (rows.lowerBound &* ldc &+ columns.lowerBound), ldc: ldc)
      finish(rows, columns)
    }
  }
}

@inlinable
func _cblasTranspose(_ flag: Bool) -> CBLAS_TRANSPOSE {
  flag ? CblasTrans : CblasNoTrans
}

extension Float: TensorScalar {
  /// `C ← α·op(A)·op(B) + β·C` in one call on the calling thread (see
  /// ``TensorScalar/singleCallGEMM(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``).
  @inlinable
  public static func singleCallGEMM(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    if ComputeBackend.usesOneDNN {
      let done = variational_sgemm(
        transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
      if done != 0 { return }
    }
    cblas_sgemm(
      CblasRowMajor, _cblasTranspose(transposeA), _cblasTranspose(transposeB),
      numericCast(m), numericCast(n), numericCast(k), alpha, a, numericCast(lda),
      b, numericCast(ldb), beta, c, numericCast(ldc))
  }

  /// `B ← op(L)·B` for a lower-triangular L (BLAS `?trmm`).
  @inlinable
  public static func lowerTriangularMultiply(
    transposeL: Bool, m: Int, n: Int, l: UnsafePointer<Float>, b: UnsafeMutablePointer<Float>
  ) {
    cblas_strmm(
      CblasRowMajor, CblasLeft, CblasLower, _cblasTranspose(transposeL), CblasNonUnit,
      numericCast(m), numericCast(n), 1, l, numericCast(m), b, numericCast(n))
  }

  /// `B ← op(L)⁻¹·B` for a lower-triangular L (BLAS `?trsm`).
  @inlinable
  public static func lowerTriangularSolve(
    transposeL: Bool, m: Int, n: Int, l: UnsafePointer<Float>, b: UnsafeMutablePointer<Float>
  ) {
    cblas_strsm(
      CblasRowMajor, CblasLeft, CblasLower, _cblasTranspose(transposeL), CblasNonUnit,
      numericCast(m), numericCast(n), 1, l, numericCast(m), b, numericCast(n))
  }
}

extension Double: TensorScalar {
  /// `C ← α·op(A)·op(B) + β·C` in one call on the calling thread (see
  /// ``TensorScalar/singleCallGEMM(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``).
  @inlinable
  public static func singleCallGEMM(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Double, a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
    beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
  ) {
    cblas_dgemm(
      CblasRowMajor, _cblasTranspose(transposeA), _cblasTranspose(transposeB),
      numericCast(m), numericCast(n), numericCast(k), alpha, a, numericCast(lda),
      b, numericCast(ldb), beta, c, numericCast(ldc))
  }

  /// `B ← op(L)·B` for a lower-triangular L (BLAS `?trmm`).
  @inlinable
  public static func lowerTriangularMultiply(
    transposeL: Bool, m: Int, n: Int, l: UnsafePointer<Double>, b: UnsafeMutablePointer<Double>
  ) {
    cblas_dtrmm(
      CblasRowMajor, CblasLeft, CblasLower, _cblasTranspose(transposeL), CblasNonUnit,
      numericCast(m), numericCast(n), 1, l, numericCast(m), b, numericCast(n))
  }

  /// `B ← op(L)⁻¹·B` for a lower-triangular L (BLAS `?trsm`).
  @inlinable
  public static func lowerTriangularSolve(
    transposeL: Bool, m: Int, n: Int, l: UnsafePointer<Double>, b: UnsafeMutablePointer<Double>
  ) {
    cblas_dtrsm(
      CblasRowMajor, CblasLeft, CblasLower, _cblasTranspose(transposeL), CblasNonUnit,
      numericCast(m), numericCast(n), 1, l, numericCast(m), b, numericCast(n))
  }
}
