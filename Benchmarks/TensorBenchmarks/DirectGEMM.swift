import CBLAS
import TensorCore

// The reference for matmul: a direct `cblas_?gemm` call, bypassing TensorCore entirely.

/// A scalar type with a direct CBLAS `?gemm` entry point and random tensors.
protocol DirectGEMMScalar: TensorScalar {
  /// A short name for tables: "Float" or "Double".
  static var name: String { get }

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
  static var name: String { "Float" }

  static func directGEMM(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    c: UnsafeMutablePointer<Float>
  ) {
    cblas_sgemm(
      CblasRowMajor, transpose(transposeA), transpose(transposeB), Int32(m), Int32(n),
      Int32(k), 1, a, Int32(lda), b, Int32(ldb), 0, c, Int32(n))
  }
}

extension Double: DirectGEMMScalar {
  static var name: String { "Double" }

  static func directGEMM(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
    c: UnsafeMutablePointer<Double>
  ) {
    cblas_dgemm(
      CblasRowMajor, transpose(transposeA), transpose(transposeB), Int32(m), Int32(n),
      Int32(k), 1, a, Int32(lda), b, Int32(ldb), 0, c, Int32(n))
  }
}
