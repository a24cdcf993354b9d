import CBLAS
import CCompute
import TensorCore

// The reference for matmul: a direct call of the backend's GEMM (oneDNN's `dnnl_sgemm` for
// `Float` where TensorCore uses oneDNN, else `cblas_?gemm`), bypassing TensorCore entirely.

/// A scalar type with a direct CBLAS `?gemm` entry point.
protocol DirectGEMMScalar: TensorScalar {
  /// `C ← op(A)·op(B)` for row-major matrices through `cblas_sgemm` or `cblas_dgemm`, called
  /// directly: op(A) is m × k, op(B) is k × n, C is m × n; `lda`, `ldb` are the row strides of
  /// A and B as stored.
  static func directGEMM(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
    c: UnsafeMutablePointer<Self>)
}

private func transpose(_ flag: Bool) -> CBLAS_TRANSPOSE { flag ? CblasTrans : CblasNoTrans }

extension Float: DirectGEMMScalar {
  static func directGEMM(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    c: UnsafeMutablePointer<Float>
  ) {
    if ComputeBackend.usesOneDNN {
      _ = variational_sgemm(
        transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, 1, a, lda, b, ldb, 0, c, n)
      return
    }
    cblas_sgemm(
      CblasRowMajor, transpose(transposeA), transpose(transposeB), numericCast(m),
      numericCast(n), numericCast(k), 1, a, numericCast(lda), b, numericCast(ldb), 0, c,
      numericCast(n))
  }
}

extension Double: DirectGEMMScalar {
  static func directGEMM(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
    c: UnsafeMutablePointer<Double>
  ) {
    cblas_dgemm(
      CblasRowMajor, transpose(transposeA), transpose(transposeB), numericCast(m),
      numericCast(n), numericCast(k), 1, a, numericCast(lda), b, numericCast(ldb), 0, c,
      numericCast(n))
  }
}
