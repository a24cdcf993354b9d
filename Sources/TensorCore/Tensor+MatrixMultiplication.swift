import _Differentiation

// Matrix products through BLAS `?gemm`. Transposes are passed to BLAS as flags, never
// materialised, in the forward pass and in the gradients.

extension Tensor {
  /// The `?gemm` call behind ``matmul(_:transposed:_:transposed:)`` and
  /// ``batchedMatmul(_:transposed:_:transposed:)``: rank-2 operands, or rank-3 operands with a
  /// common leading batch axis.
  @inlinable
  static func _gemm(
    _ a: Tensor, transposed transposeA: Bool, _ b: Tensor, transposed transposeB: Bool,
    operation: String
  ) -> Tensor {
    let batched = a.rank == 3
    func describe(_ x: Tensor, _ t: Bool) -> String { "\(x.shape)\(t ? "ᵀ" : "")" }
    precondition(
      (a.rank == 2 && b.rank == 2) || (a.rank == 3 && b.rank == 3),
      "\(operation): \(describe(a, transposeA)) × \(describe(b, transposeB)) needs two "
        + (operation == "matmul" ? "matrices (rank 2)" : "batches of matrices (rank 3)"))
    let batch = batched ? a.shape[0] : 1
    precondition(
      !batched || b.shape[0] == batch,
      "\(operation): \(describe(a, transposeA)) × \(describe(b, transposeB)) needs equal "
        + "batch sizes")
    let (aRows, aColumns) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
    let (bRows, bColumns) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
    let (m, k) = transposeA ? (aColumns, aRows) : (aRows, aColumns)
    let (k2, n) = transposeB ? (bColumns, bRows) : (bRows, bColumns)
    precondition(
      k == k2,
      "\(operation): \(describe(a, transposeA)) × \(describe(b, transposeB)) needs inner "
        + "dimensions to match (\(k) vs \(k2))")
    let result = Tensor(uninitializedShape: batched ? [batch, m, n] : [m, n])
    let c = result.buffer.base
    if k == 0 {
      c.initialize(repeating: 0, count: result.scalarCount)
      return result
    }
    guard m > 0 && n > 0 else { return result }
    // Zeroing C and accumulating onto it (β = 1) is faster than OpenBLAS's own zeroing pass
    // for β = 0 (`sgemm_beta`, 6% of a VAE step); each block of C is zeroed by the thread
    // that computes it.
    for index in 0..<batch {
      let c = c + index * m * n
      Scalar.gemm(
        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
        alpha: 1, a: a.buffer.base + index * aRows * aColumns, lda: aColumns,
        b: b.buffer.base + index * bRows * bColumns, ldb: bColumns,
        beta: 1, c: c, ldc: n
      ) { rows, columns in
        for row in rows {
          (c + (row &* n &+ columns.lowerBound)).initialize(repeating: 0, count: columns.count)
        }
      }
    }
    return result
  }

  /// The gradients of `C = op(A)·op(B)` for `_gemm`, themselves products with transposes:
  /// ```
  /// C = A·B:    Ā = C̄·Bᵀ,   B̄ = Aᵀ·C̄
  /// C = Aᵀ·B:   Ā = B·C̄ᵀ,   B̄ = A·C̄
  /// C = A·Bᵀ:   Ā = C̄·B,    B̄ = C̄ᵀ·A
  /// C = Aᵀ·Bᵀ:  Ā = Bᵀ·C̄ᵀ,  B̄ = C̄ᵀ·Aᵀ
  /// ```
  @inlinable
  static func _gemmPullback(
    _ g: Tensor, _ a: Tensor, transposed transposeA: Bool, _ b: Tensor,
    transposed transposeB: Bool, resultShape: [Int], operation: String
  ) -> (Tensor, Tensor) {
    let g = g._unbroadcast(to: resultShape)
    let ga: Tensor
    let gb: Tensor
    switch (transposeA, transposeB) {
    case (false, false):
      ga = _gemm(g, transposed: false, b, transposed: true, operation: operation)
      gb = _gemm(a, transposed: true, g, transposed: false, operation: operation)
    case (true, false):
      ga = _gemm(b, transposed: false, g, transposed: true, operation: operation)
      gb = _gemm(a, transposed: false, g, transposed: false, operation: operation)
    case (false, true):
      ga = _gemm(g, transposed: false, b, transposed: false, operation: operation)
      gb = _gemm(g, transposed: true, a, transposed: false, operation: operation)
    case (true, true):
      ga = _gemm(b, transposed: true, g, transposed: true, operation: operation)
      gb = _gemm(g, transposed: true, a, transposed: true, operation: operation)
    }
    return (ga, gb)
  }
}

/// The matrix product op(A)·op(B) of two rank-2 tensors, where op(X) is Xᵀ when the matching
/// `transposed` flag is set (passed to BLAS `?gemm`, not materialised).
///
/// - Precondition: the inner dimensions match, e.g. `[128, 784] × [784, 400]`, or
///   `[128, 784] × [400, 784]ᵀ`.
@inlinable
@differentiable(reverse, wrt: (a, b))
public func matmul<Scalar>(
  _ a: Tensor<Scalar>, transposed transposeA: Bool = false,
  _ b: Tensor<Scalar>, transposed transposeB: Bool = false
) -> Tensor<Scalar> {
  Tensor<Scalar>._gemm(a, transposed: transposeA, b, transposed: transposeB, operation: "matmul")
}

@inlinable
@derivative(of: matmul, wrt: (a, b))
func _vjpMatmul<Scalar>(
  _ a: Tensor<Scalar>, transposed transposeA: Bool,
  _ b: Tensor<Scalar>, transposed transposeB: Bool
) -> (value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> (Tensor<Scalar>, Tensor<Scalar>)) {
  let c = matmul(a, transposed: transposeA, b, transposed: transposeB)
  return (
    c,
    { g in
      Tensor<Scalar>._gemmPullback(
        g, a, transposed: transposeA, b, transposed: transposeB, resultShape: c.shape,
        operation: "matmul")
    }
  )
}

/// x·W + b for a matrix x `[m, k]`, a matrix W `[k, n]` and a row vector b `[n]` added to
/// every row: b is written into the result first and one `?gemm` with β = 1 accumulates the
/// product onto it, so the bias costs no pass of its own and BLAS no zeroing pass.
///
/// Not differentiable: a building block for primitives with their own derivatives, such as a
/// dense layer's forward pass.
///
/// - Precondition: the shapes are `[m, k]`, `[k, n]` and `[n]`.
@inlinable
public func matmul<Scalar>(
  _ x: Tensor<Scalar>, _ weight: Tensor<Scalar>, plusBias bias: Tensor<Scalar>
) -> Tensor<Scalar> {
  precondition(
    x.rank == 2 && weight.rank == 2 && x.shape[1] == weight.shape[0]
      && bias.shape == [weight.shape[1]],
    "matmul(_:_:plusBias:): \(x.shape) × \(weight.shape) + \(bias.shape) needs [m, k], [k, n] "
      + "and [n]")
  let (m, k, n) = (x.shape[0], x.shape[1], weight.shape[1])
  let result = Tensor<Scalar>(uninitializedShape: [m, n])
  let c = result.buffer.base
  guard m > 0 && n > 0 && k > 0 else {
    for row in 0..<m { (c + row &* n).initialize(from: bias.buffer.base, count: n) }
    return result
  }
  Scalar.gemm(
    transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1, a: x.buffer.base, lda: k,
    b: weight.buffer.base, ldb: n, beta: 1, c: c, ldc: n
  ) { rows, columns in
    for row in rows {
      (c + (row &* n &+ columns.lowerBound)).initialize(
        from: bias.buffer.base + columns.lowerBound, count: columns.count)
    }
  }
  return result
}

/// The derivative of ``matmul(_:transposed:_:transposed:)`` when only `b` varies (a product
/// with data, `a`, that needs no gradient): one GEMM in the pullback instead of two.
@inlinable
@derivative(of: matmul, wrt: b)
func _vjpMatmulOfConstant<Scalar>(
  _ a: Tensor<Scalar>, transposed transposeA: Bool,
  _ b: Tensor<Scalar>, transposed transposeB: Bool
) -> (value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> Tensor<Scalar>) {
  let c = matmul(a, transposed: transposeA, b, transposed: transposeB)
  return (
    c,
    { g in
      let g = g._unbroadcast(to: c.shape)
      // B̄ = op(A)ᵀ·C̄, transposed back when B itself was passed transposed.
      if transposeB {
        return Tensor<Scalar>._gemm(
          g, transposed: true, a, transposed: transposeA, operation: "matmul")
      }
      return Tensor<Scalar>._gemm(
        a, transposed: !transposeA, g, transposed: false, operation: "matmul")
    }
  )
}

/// The derivative of ``matmul(_:transposed:_:transposed:)`` when only `a` varies: one GEMM in
/// the pullback instead of two.
@inlinable
@derivative(of: matmul, wrt: a)
func _vjpMatmulByConstant<Scalar>(
  _ a: Tensor<Scalar>, transposed transposeA: Bool,
  _ b: Tensor<Scalar>, transposed transposeB: Bool
) -> (value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> Tensor<Scalar>) {
  let c = matmul(a, transposed: transposeA, b, transposed: transposeB)
  return (
    c,
    { g in
      let g = g._unbroadcast(to: c.shape)
      // Ā = C̄·op(B)ᵀ, transposed back when A itself was passed transposed.
      if transposeA {
        return Tensor<Scalar>._gemm(
          b, transposed: transposeB, g, transposed: true, operation: "matmul")
      }
      return Tensor<Scalar>._gemm(
        g, transposed: false, b, transposed: !transposeB, operation: "matmul")
    }
  )
}

/// The batched matrix product `C[i] = op(A[i])·op(B[i])` of two rank-3 tensors with the same
/// leading batch size (one `?gemm` per batch element).
@inlinable
@differentiable(reverse, wrt: (a, b))
public func batchedMatmul<Scalar>(
  _ a: Tensor<Scalar>, transposed transposeA: Bool = false,
  _ b: Tensor<Scalar>, transposed transposeB: Bool = false
) -> Tensor<Scalar> {
  Tensor<Scalar>._gemm(
    a, transposed: transposeA, b, transposed: transposeB, operation: "batchedMatmul")
}

@inlinable
@derivative(of: batchedMatmul, wrt: (a, b))
func _vjpBatchedMatmul<Scalar>(
  _ a: Tensor<Scalar>, transposed transposeA: Bool,
  _ b: Tensor<Scalar>, transposed transposeB: Bool
) -> (value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> (Tensor<Scalar>, Tensor<Scalar>)) {
  let c = batchedMatmul(a, transposed: transposeA, b, transposed: transposeB)
  return (
    c,
    { g in
      Tensor<Scalar>._gemmPullback(
        g, a, transposed: transposeA, b, transposed: transposeB, resultShape: c.shape,
        operation: "batchedMatmul")
    }
  )
}

extension Tensor {
  /// The transpose of a matrix, or of each matrix in a batch (the last two axes swapped).
  @inlinable
  @differentiable(reverse)
  public func transposed() -> Tensor {
    precondition(rank == 2 || rank == 3, "transposed(): needs rank 2 or 3, got shape \(shape)")
    let (rows, columns) = (shape[rank - 2], shape[rank - 1])
    let batch = rank == 3 ? shape[0] : 1
    var newShape = shape
    newShape[rank - 2] = columns
    newShape[rank - 1] = rows
    let result = Tensor(uninitializedShape: newShape)
    let x = buffer.base
    let y = result.buffer.base
    for b in 0..<batch {
      let offset = b * rows * columns
      for i in 0..<rows {
        for j in 0..<columns { y[offset + j * rows + i] = x[offset + i * columns + j] }
      }
    }
    return result
  }

  @inlinable
  @derivative(of: transposed)
  func _vjpTransposed() -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let y = transposed()
    let shape = y.shape
    return (y, { g in g._unbroadcast(to: shape).transposed() })
  }
}
