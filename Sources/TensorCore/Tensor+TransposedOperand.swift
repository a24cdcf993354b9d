import _Differentiation

// Products whose second operand is transposed, spelled with one flag:
// `matmul(draws, design, transposed: true)` for draws [L, D] and a design matrix X [N, D] gives
// the [L, N] means, one row per draw. The four-flag spelling `matmul(a, transposed: false, b,
// transposed: true)` means the same; Swift binds a lone `transposed:` label to the first
// operand's slot of that function, so these overloads take the flag after both operands.

/// The matrix product A·op(B) of two rank-2 tensors, where op(B) is Bᵀ when `transposed` is
/// set (passed to BLAS `?gemm`, not materialised): the flag applies to the second operand.
///
/// ```swift
/// let means = matmul(coefficients, design, transposed: true)   // [L, D] × [N, D]ᵀ → [L, N]
/// ```
///
/// Same values and gradients as ``matmul(_:transposed:_:transposed:)`` with `A` not
/// transposed; a product with a constant operand (data) forms only the other operand's
/// gradient, one GEMM.
///
/// - Precondition: the inner dimensions match, e.g. `[L, D] × [N, D]ᵀ`.
@inlinable
@differentiable(reverse, wrt: (a, b))
public func matmul<Scalar>(
  _ a: Tensor<Scalar>, _ b: Tensor<Scalar>, transposed transposeB: Bool
) -> Tensor<Scalar> {
  matmul(a, transposed: false, b, transposed: transposeB)
}

@inlinable
@derivative(of: matmul(_:_:transposed:), wrt: (a, b))
func _vjpMatmulTransposedOperand<Scalar>(
  _ a: Tensor<Scalar>, _ b: Tensor<Scalar>, transposed transposeB: Bool
) -> (value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> (Tensor<Scalar>, Tensor<Scalar>)) {
  _vjpMatmul(a, transposed: false, b, transposed: transposeB)
}

@inlinable
@derivative(of: matmul(_:_:transposed:), wrt: a)
func _vjpMatmulTransposedOperandByConstant<Scalar>(
  _ a: Tensor<Scalar>, _ b: Tensor<Scalar>, transposed transposeB: Bool
) -> (value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> Tensor<Scalar>) {
  _vjpMatmulByConstant(a, transposed: false, b, transposed: transposeB)
}

@inlinable
@derivative(of: matmul(_:_:transposed:), wrt: b)
func _vjpMatmulTransposedOperandOfConstant<Scalar>(
  _ a: Tensor<Scalar>, _ b: Tensor<Scalar>, transposed transposeB: Bool
) -> (value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> Tensor<Scalar>) {
  _vjpMatmulOfConstant(a, transposed: false, b, transposed: transposeB)
}

/// The batched matrix product `C[i] = A[i]·op(B[i])` of two rank-3 tensors with the same
/// leading batch size, where op(B[i]) is B[i]ᵀ when `transposed` is set: the flag applies to
/// the second operand, as for ``matmul(_:_:transposed:)``.
///
/// - Precondition: equal batch sizes and matching inner dimensions.
@inlinable
@differentiable(reverse, wrt: (a, b))
public func batchedMatmul<Scalar>(
  _ a: Tensor<Scalar>, _ b: Tensor<Scalar>, transposed transposeB: Bool
) -> Tensor<Scalar> {
  batchedMatmul(a, transposed: false, b, transposed: transposeB)
}

@inlinable
@derivative(of: batchedMatmul(_:_:transposed:), wrt: (a, b))
func _vjpBatchedMatmulTransposedOperand<Scalar>(
  _ a: Tensor<Scalar>, _ b: Tensor<Scalar>, transposed transposeB: Bool
) -> (value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> (Tensor<Scalar>, Tensor<Scalar>)) {
  _vjpBatchedMatmul(a, transposed: false, b, transposed: transposeB)
}
