import CKernels
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
    let (batch, m, n, k) = _gemmShape(
      a, transposed: transposeA, b, transposed: transposeB, operation: operation)
    let result = Tensor(uninitializedShape: a.rank == 3 ? [batch, m, n] : [m, n])
    let c = result.buffer.base
    if k == 0 {
      c.initialize(repeating: 0, count: result.scalarCount)
      return result
    }
    guard m > 0 && n > 0 else { return result }
    // Zeroing C and accumulating onto it (β = 1) is faster than OpenBLAS's own zeroing pass
    // for β = 0 (`sgemm_beta`, 6% of a VAE step); each block of C is zeroed by the thread
    // that computes it.
    let (aRows, aColumns) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
    let (bRows, bColumns) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
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

  /// The batch size and `m`, `n`, `k` of `op(A)·op(B)`, after checking that the shapes fit.
  @inlinable
  static func _gemmShape(
    _ a: Tensor, transposed transposeA: Bool, _ b: Tensor, transposed transposeB: Bool,
    operation: String
  ) -> (batch: Int, m: Int, n: Int, k: Int) {
    let batched = a.rank == 3
    func describe(_ x: Tensor, _ t: Bool) -> String { "\(x.shape)\(t ? "ᵀ" : "")" }
    userPrecondition(
      (a.rank == 2 && b.rank == 2) || (a.rank == 3 && b.rank == 3),
      "\(operation): \(describe(a, transposeA)) × \(describe(b, transposeB)) needs two "
        + (operation == "batchedMatmul" ? "batches of matrices (rank 3)" : "matrices (rank 2)"))
    let batch = batched ? a.shape[0] : 1
    userPrecondition(
      !batched || b.shape[0] == batch,
      "\(operation): \(describe(a, transposeA)) × \(describe(b, transposeB)) needs equal "
        + "batch sizes")
    let (aRows, aColumns) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
    let (bRows, bColumns) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
    let (m, k) = transposeA ? (aColumns, aRows) : (aRows, aColumns)
    let (k2, n) = transposeB ? (bColumns, bRows) : (bRows, bColumns)
    userPrecondition(
      k == k2,
      "\(operation): \(describe(a, transposeA)) × \(describe(b, transposeB)) needs inner "
        + "dimensions to match (\(k) vs \(k2))")
    return (batch, m, n, k)
  }

  /// Two independent matrix products, `op(A)·op(B)` and `op(C)·op(D)`: on two cores (see
  /// `_pairedThreads`), when both are large and take about the same multiply–adds, each as one
  /// BLAS call on its own thread, side by side; else one after the other through `_gemm`.
  ///
  /// Side by side, each thread packs only its own product's operands and runs one product
  /// twice as wide as a half, with one wait between the threads instead of two. For a dense
  /// layer's two gradient products (x̄ = z̄·Wᵀ and W̄ = xᵀ·z̄, the same multiply–adds), the
  /// VAE's 128 × 784 × 400 pair took 14–18% less time than as halves one after the other.
  /// Which thread runs which product never changes the result.
  @inlinable
  static func _gemmPair(
    _ a: Tensor, transposed transposeA: Bool, _ b: Tensor, transposed transposeB: Bool,
    _ c: Tensor, transposed transposeC: Bool, _ d: Tensor, transposed transposeD: Bool,
    operation: String
  ) -> (Tensor, Tensor) {
    func sequentially() -> (Tensor, Tensor) {
      (
        _gemm(a, transposed: transposeA, b, transposed: transposeB, operation: operation),
        _gemm(c, transposed: transposeC, d, transposed: transposeD, operation: operation)
      )
    }
    guard _pairedThreads, a.rank == 2, c.rank == 2 else { return sequentially() }
    let first = _gemmShape(
      a, transposed: transposeA, b, transposed: transposeB, operation: operation)
    let second = _gemmShape(
      c, transposed: transposeC, d, transposed: transposeD, operation: operation)
    let work = (first.m &* first.n &* first.k, second.m &* second.n &* second.k)
    let (less, more) = (Swift.min(work.0, work.1), Swift.max(work.0, work.1))
    guard less >= _splitProductMinimum, 4 &* more <= 5 &* less else { return sequentially() }
    let results = (
      Tensor(uninitializedShape: [first.m, first.n]),
      Tensor(uninitializedShape: [second.m, second.n])
    )
    _runInPieces(2) { piece in
      let (x, transposeX, y, transposeY, shape, result) =
        piece == 0
        ? (a, transposeA, b, transposeB, first, results.0)
        : (c, transposeC, d, transposeD, second, results.1)
      let z = result.buffer.base
      z.initialize(repeating: 0, count: shape.m &* shape.n)
      Scalar.singleCallGEMM(
        transposeA: transposeX, transposeB: transposeY, m: shape.m, n: shape.n, k: shape.k,
        alpha: 1, a: x.buffer.base, lda: x.shape[1], b: y.buffer.base, ldb: y.shape[1],
        beta: 1, c: z, ldc: shape.n)
    }
    return results
  }

  /// The gradients of `C = op(A)·op(B)` for `_gemm`, themselves products with transposes (two
  /// independent products, run side by side on two cores by `_gemmPair`):
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
    switch (transposeA, transposeB) {
    case (false, false):
      return _gemmPair(
        g, transposed: false, b, transposed: true, a, transposed: true, g, transposed: false,
        operation: operation)
    case (true, false):
      return _gemmPair(
        b, transposed: false, g, transposed: true, a, transposed: false, g, transposed: false,
        operation: operation)
    case (false, true):
      return _gemmPair(
        g, transposed: false, b, transposed: false, g, transposed: true, a, transposed: false,
        operation: operation)
    case (true, true):
      return _gemmPair(
        b, transposed: true, g, transposed: true, g, transposed: true, a, transposed: true,
        operation: operation)
    }
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
/// every row, or relu(x·W + b) = max(x·W + b, 0) when `rectified`: b is written into the
/// result first and one `?gemm` with β = 1 accumulates the product onto it, so the bias costs
/// no pass of its own and BLAS no zeroing pass; the relu follows on each block of the result
/// on the thread that computed it, while the block is in its cache.
///
/// Not differentiable: a building block for primitives with their own derivatives, such as a
/// dense layer's forward pass.
///
/// - Precondition: the shapes are `[m, k]`, `[k, n]` and `[n]`.
@inlinable
public func matmul<Scalar>(
  _ x: Tensor<Scalar>, _ weight: Tensor<Scalar>, plusBias bias: Tensor<Scalar>,
  rectified: Bool = false
) -> Tensor<Scalar> {
  userPrecondition(
    x.rank == 2 && weight.rank == 2 && x.shape[1] == weight.shape[0]
      && bias.shape == [weight.shape[1]],
    "matmul(_:_:plusBias:): \(x.shape) × \(weight.shape) + \(bias.shape) needs [m, k], [k, n] "
      + "and [n]")
  let (m, k, n) = (x.shape[0], x.shape[1], weight.shape[1])
  let result = Tensor<Scalar>(uninitializedShape: [m, n])
  let c = result.buffer.base
  guard m > 0 && n > 0 && k > 0 else {
    for row in 0..<m { (c + row &* n).initialize(from: bias.buffer.base, count: n) }
    if rectified { _rectify(c, rows: 0..<m, columns: 0..<n, stride: n) }
    return result
  }
  Scalar.gemm(
    transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1, a: x.buffer.base, lda: k,
    b: weight.buffer.base, ldb: n, beta: 1, c: c, ldc: n,
    preparing: { rows, columns in
      for row in rows {
        (c + (row &* n &+ columns.lowerBound)).initialize(
          from: bias.buffer.base + columns.lowerBound, count: columns.count)
      }
    },
    finishing: { rows, columns in
      if rectified { _rectify(c, rows: rows, columns: columns, stride: n) }
    })
  return result
}

/// y ← max(y, 0) over a block of a row-major matrix with row stride `stride` (NaN becomes 0,
/// as in the dense layer's kernel).
@inlinable
func _rectify<Scalar: TensorScalar>(
  _ y: UnsafeMutablePointer<Scalar>, rows: Range<Int>, columns: Range<Int>, stride: Int
) {
  if Scalar.self == Float.self {
    let y = UnsafeMutableRawPointer(y).assumingMemoryBound(to: Float.self)
    if columns.count == stride {
      variational_relu_float(y + rows.lowerBound &* stride, rows.count &* stride)
      return
    }
    for row in rows {
      variational_relu_float(y + (row &* stride &+ columns.lowerBound), columns.count)
    }
    return
  }
  for row in rows {
    let y = y + row &* stride
    for j in columns { y[j] = y[j] > 0 ? y[j] : 0 }
  }
}

/// The two independent matrix products op(A)·op(B) and op(C)·op(D), such as a dense layer's
/// gradients x̄ = z̄·Wᵀ and W̄ = xᵀ·z̄: on two cores each is one BLAS call on its own thread,
/// side by side, when both are large and take about the same multiply–adds; else they run one
/// after the other, each as ``matmul(_:transposed:_:transposed:)`` would.
///
/// Not differentiable: a building block for primitives with their own derivatives.
///
/// Every transpose flag is spelled out: `matmuls(z̄, transposed: false, w, transposed: true,
/// and: x, transposed: true, z̄, transposed: false)` gives (x̄, W̄) of a dense layer.
///
/// - Precondition: each pair's inner dimensions match, as for `matmul`.
@inlinable
public func matmuls<Scalar>(
  _ a: Tensor<Scalar>, transposed transposeA: Bool, _ b: Tensor<Scalar>,
  transposed transposeB: Bool, and c: Tensor<Scalar>, transposed transposeC: Bool,
  _ d: Tensor<Scalar>, transposed transposeD: Bool
) -> (Tensor<Scalar>, Tensor<Scalar>) {
  Tensor<Scalar>._gemmPair(
    a, transposed: transposeA, b, transposed: transposeB, c, transposed: transposeC, d,
    transposed: transposeD, operation: "matmuls")
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
    userPrecondition(rank == 2 || rank == 3, "transposed(): needs rank 2 or 3, got shape \(shape)")
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
