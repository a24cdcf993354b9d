import CBLAS
import CKernels
import _Differentiation

/// The matrix product op(A)·op(B) of parameters A and data B: differentiable in A only, so
/// that no gradient is formed for the data matrix (a design matrix of N rows, say). The
/// vector–Jacobian product computes Ā alone:
/// ```
/// C = A·op(B):    Ā = C̄·op(B)ᵀ
/// C = Aᵀ·op(B):   Ā = op(B)·C̄ᵀ
/// ```
/// Unlike the general `matmul` (whose derivative with respect to one operand does the same
/// with `dgemm`), a product with a single row or column (one Monte-Carlo draw, or its
/// gradient) goes through the AVX2 matrix–vector kernels of CKernels: OpenBLAS's `dgemv` and
/// `dgemm` spend more in set-up than in arithmetic at these sizes.
@differentiable(reverse, wrt: a)
public func matmul(
  _ a: Tensor<Double>, transposed transposeA: Bool = false, constant b: Tensor<Double>,
  constantTransposed transposeB: Bool = false
) -> Tensor<Double> {
  constantProduct(a, transposeA, b, transposeB)
}

@usableFromInline
@derivative(of: matmul(_:transposed:constant:constantTransposed:), wrt: a)
func _vjpConstantMatmul(
  _ a: Tensor<Double>, transposed transposeA: Bool, constant b: Tensor<Double>,
  constantTransposed transposeB: Bool
) -> (value: Tensor<Double>, pullback: (Tensor<Double>) -> Tensor<Double>) {
  let value = constantProduct(a, transposeA, b, transposeB)
  let shape = value.shape
  return (
    value,
    { g in
      let g = g.shape == shape ? g : g.broadcasted(to: shape)
      return transposeA
        ? constantProduct(b, transposeB, g, true) : constantProduct(g, false, b, !transposeB)
    }
  )
}

/// op(A)·op(B) for row-major matrices, by `dgemv` when op(A) or op(B) is a single row or
/// column, else `dgemm`; not differentiable (the product behind
/// ``matmul(_:transposed:constant:constantTransposed:)``, for code that forms its own
/// gradients).
public func constantProduct(
  _ a: Tensor<Double>, _ transposeA: Bool, _ b: Tensor<Double>, _ transposeB: Bool
) -> Tensor<Double> {
  userPrecondition(
    a.rank == 2 && b.rank == 2,
    "matmul(_:constant:): needs two matrices, got \(a.shape) and \(b.shape)")
  let (m, k) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
  let (k2, n) = transposeB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
  userPrecondition(
    k == k2,
    "matmul(_:constant:): \(a.shape)\(transposeA ? "ᵀ" : "") × \(b.shape)\(transposeB ? "ᵀ" : "") "
      + "needs inner dimensions to match (\(k) vs \(k2))")
  return a.withUnsafeBufferPointer { pa in
    b.withUnsafeBufferPointer { pb in
      Tensor<Double>(shape: [m, n]) { c in
        guard m > 0 && n > 0 else { return }
        guard k > 0 else {
          c.initialize(repeating: 0)
          return
        }
        // Matrix–vector products run in a small C kernel (OpenBLAS's dgemv set-up costs more
        // than the arithmetic at the sizes of a model's design matrix).
        if m == 1 {
          // cᵀ = op(B)ᵀ · a-row.
          let (x, increment) = (pa.baseAddress!, transposeA ? a.shape[1] : 1)
          if transposeB {
            variational_gemv_rows(
              pb.baseAddress!, b.shape[0], b.shape[1], b.shape[1], x, increment, c.baseAddress!)
          } else {
            variational_gemv_columns(
              pb.baseAddress!, b.shape[0], b.shape[1], b.shape[1], x, increment, c.baseAddress!)
          }
        } else if n == 1 {
          // c = op(A) · b-column.
          let (x, increment) = (pb.baseAddress!, transposeB ? 1 : b.shape[1])
          if transposeA {
            variational_gemv_columns(
              pa.baseAddress!, a.shape[0], a.shape[1], a.shape[1], x, increment, c.baseAddress!)
          } else {
            variational_gemv_rows(
              pa.baseAddress!, a.shape[0], a.shape[1], a.shape[1], x, increment, c.baseAddress!)
          }
        } else {
          Double.gemm(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1,
            a: pa.baseAddress!, lda: a.shape[1], b: pb.baseAddress!, ldb: b.shape[1], beta: 0,
            c: c.baseAddress!, ldc: n)
        }
      }
    }
  }
}
