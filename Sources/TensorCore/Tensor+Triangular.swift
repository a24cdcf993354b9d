import RealModule
import _Differentiation

// Triangular matrices: the products, solves and factorisations behind full-rank Gaussian
// families, Cholesky-parameterised covariances and exact Gaussian posteriors. A lower-triangular
// matrix L is stored as a full n × n matrix whose strict upper triangle is ignored.

extension Tensor {
  /// `x` viewed as an `n × columns` matrix (a vector is one column).
  @inlinable
  func _asColumns(_ operation: String, rows n: Int) -> Tensor {
    userPrecondition(
      (rank == 1 || rank == 2) && shape[0] == n,
      "\(operation): right-hand side \(shape) needs \(n) rows for a [\(n), \(n)] triangular matrix")
    return rank == 1 ? reshaped(to: [n, 1]) : self
  }

  @inlinable
  func _requireSquare(_ operation: String) -> Int {
    userPrecondition(
      rank == 2 && shape[0] == shape[1], "\(operation): needs a square matrix, got \(shape)")
    return shape[0]
  }

  /// `op(L)·X` with `op(L) = Lᵀ` when `transposed` (BLAS `?trmm`); not differentiable.
  @inlinable
  static func _triangularMultiply(_ l: Tensor, _ x: Tensor, transposed: Bool) -> Tensor {
    let n = l.shape[0]
    let columns = x.scalarCount / Swift.max(n, 1)
    let result = Tensor(shape: x.shape, buffer: x.buffer.copy())
    if n > 0 && columns > 0 {
      Scalar.lowerTriangularMultiply(
        transposeL: transposed, m: n, n: columns, l: l.buffer.base, b: result.buffer.base)
    }
    return result
  }

  /// `op(L)⁻¹·B` with `op(L) = Lᵀ` when `transposed` (BLAS `?trsm`); not differentiable.
  @inlinable
  static func _triangularSolve(_ l: Tensor, _ b: Tensor, transposed: Bool) -> Tensor {
    let n = l.shape[0]
    let columns = b.scalarCount / Swift.max(n, 1)
    let result = Tensor(shape: b.shape, buffer: b.buffer.copy())
    if n > 0 && columns > 0 {
      Scalar.lowerTriangularSolve(
        transposeL: transposed, m: n, n: columns, l: l.buffer.base, b: result.buffer.base)
    }
    return result
  }

  /// The lower triangle of a square matrix, with the diagonal scaled by `diagonalScale`
  /// (1 keeps it, 0 drops it, ½ gives the Φ of Murray (2016)); not differentiable.
  @inlinable
  func _lowerTriangle(diagonalScale: Scalar) -> Tensor {
    let n = shape[0]
    let result = Tensor(zeros: shape)
    let x = buffer.base
    let y = result.buffer.base
    for i in 0..<n {
      for j in 0..<i { y[i * n + j] = x[i * n + j] }
      y[i * n + i] = diagonalScale * x[i * n + i]
    }
    return result
  }

  /// The lower triangle of a square matrix, the strict upper triangle set to zero; with
  /// `includingDiagonal: false`, the diagonal is zeroed too.
  @inlinable
  @differentiable(reverse)
  public func lowerTriangularPart(includingDiagonal: Bool = true) -> Tensor {
    _ = _requireSquare("lowerTriangularPart(includingDiagonal:)")
    return _lowerTriangle(diagonalScale: includingDiagonal ? 1 : 0)
  }

  @inlinable
  @derivative(of: lowerTriangularPart)
  func _vjpLowerTriangularPart(includingDiagonal: Bool) -> (
    value: Tensor, pullback: (Tensor) -> Tensor
  ) {
    let shape = self.shape
    return (
      lowerTriangularPart(includingDiagonal: includingDiagonal),
      { g in
        g._unbroadcast(to: shape)._lowerTriangle(diagonalScale: includingDiagonal ? 1 : 0)
      }
    )
  }

  /// The main diagonal of a square matrix, as a vector.
  @inlinable
  @differentiable(reverse)
  public func diagonalPart() -> Tensor {
    let n = _requireSquare("diagonalPart()")
    let result = Tensor(uninitializedShape: [n])
    for i in 0..<n { result.buffer.base[i] = buffer.base[i * n + i] }
    return result
  }

  @inlinable
  @derivative(of: diagonalPart)
  func _vjpDiagonalPart() -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let n = shape[0]
    return (diagonalPart(), { g in Tensor(diagonal: g._unbroadcast(to: [n])) })
  }

  /// The square matrix with `diagonal` on its main diagonal and zeros elsewhere.
  @inlinable
  @differentiable(reverse)
  public init(diagonal: Tensor) {
    userPrecondition(diagonal.rank == 1, "Tensor(diagonal:): needs a vector, got \(diagonal.shape)")
    let n = diagonal.shape[0]
    self.init(zeros: [n, n])
    for i in 0..<n { buffer.base[i * n + i] = diagonal.buffer.base[i] }
  }

  @inlinable
  @derivative(of: init(diagonal:))
  static func _vjpInit(diagonal: Tensor) -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let y = Tensor(diagonal: diagonal)
    return (y, { g in g._unbroadcast(to: y.shape).diagonalPart() })
  }

  /// log |det L| = Σᵢ log |Lᵢᵢ| for a triangular matrix L. For a Cholesky factor of A = LLᵀ,
  /// log det A is twice this.
  @inlinable
  @differentiable(reverse)
  public func triangularLogAbsDeterminant() -> Tensor {
    log(abs(diagonalPart())).sum()
  }
}

/// `op(L)·X` for a lower-triangular matrix `L` (its strict upper triangle is not read) and a
/// vector or matrix `X`, with `op(L) = Lᵀ` when `transposed` (BLAS `?trmm`).
///
/// Gradients, for Y = L·X: L̄ = tril(Ȳ·Xᵀ), X̄ = Lᵀ·Ȳ; for Y = Lᵀ·X: L̄ = tril(X·Ȳᵀ), X̄ = L·Ȳ.
@inlinable
@differentiable(reverse, wrt: (l, x))
public func lowerTriangularMatmul<Scalar>(
  _ l: Tensor<Scalar>, _ x: Tensor<Scalar>, transposed: Bool = false
) -> Tensor<Scalar> {
  let n = l._requireSquare("lowerTriangularMatmul")
  let columns = x._asColumns("lowerTriangularMatmul", rows: n)
  return Tensor._triangularMultiply(l, columns, transposed: transposed).reshaped(to: x.shape)
}

@inlinable
@derivative(of: lowerTriangularMatmul, wrt: (l, x))
func _vjpLowerTriangularMatmul<Scalar>(
  _ l: Tensor<Scalar>, _ x: Tensor<Scalar>, transposed: Bool
) -> (value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> (Tensor<Scalar>, Tensor<Scalar>)) {
  let y = lowerTriangularMatmul(l, x, transposed: transposed)
  return (
    y,
    { g in
      let n = l.shape[0]
      let g = g._unbroadcast(to: y.shape)._asColumns("lowerTriangularMatmul", rows: n)
      let x = x._asColumns("lowerTriangularMatmul", rows: n)
      let outer =
        transposed
        ? matmul(x, transposed: false, g, transposed: true)
        : matmul(g, transposed: false, x, transposed: true)
      let gx = Tensor._triangularMultiply(l, g, transposed: !transposed)
      return (outer._lowerTriangle(diagonalScale: 1), gx.reshaped(to: y.shape))
    }
  )
}

/// The solution X of `op(L)·X = B` for a lower-triangular matrix `L` with nonzero diagonal
/// (its strict upper triangle is not read) and a vector or matrix `B`, with `op(L) = Lᵀ` when
/// `transposed` (BLAS `?trsm`, forward or back substitution).
///
/// Gradients, for X = L⁻¹B: B̄ = H = L⁻ᵀX̄, L̄ = −tril(H·Xᵀ); for X = L⁻ᵀB: B̄ = H = L⁻¹X̄,
/// L̄ = −tril(X·Hᵀ).
@inlinable
@differentiable(reverse, wrt: (l, b))
public func triangularSolve<Scalar>(
  _ l: Tensor<Scalar>, _ b: Tensor<Scalar>, transposed: Bool = false
) -> Tensor<Scalar> {
  let n = l._requireSquare("triangularSolve")
  let columns = b._asColumns("triangularSolve", rows: n)
  return Tensor._triangularSolve(l, columns, transposed: transposed).reshaped(to: b.shape)
}

@inlinable
@derivative(of: triangularSolve, wrt: (l, b))
func _vjpTriangularSolve<Scalar>(
  _ l: Tensor<Scalar>, _ b: Tensor<Scalar>, transposed: Bool
) -> (value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> (Tensor<Scalar>, Tensor<Scalar>)) {
  let x = triangularSolve(l, b, transposed: transposed)
  return (
    x,
    { g in
      let n = l.shape[0]
      let g = g._unbroadcast(to: x.shape)._asColumns("triangularSolve", rows: n)
      let columns = x._asColumns("triangularSolve", rows: n)
      let h = Tensor._triangularSolve(l, g, transposed: !transposed)
      let outer =
        transposed
        ? matmul(columns, transposed: false, h, transposed: true)
        : matmul(h, transposed: false, columns, transposed: true)
      return (-outer._lowerTriangle(diagonalScale: 1), h.reshaped(to: x.shape))
    }
  )
}

/// The Cholesky factor L of a symmetric positive-definite matrix A = L·Lᵀ: lower triangular
/// with a positive diagonal. Only the lower triangle of A is read.
///
/// The gradient (Murray 2016, "Differentiation of the Cholesky decomposition") is the
/// symmetric matrix
/// ```
/// Ā = ½ (S + Sᵀ),   S = L⁻ᵀ Φ(Lᵀ L̄) L⁻¹,
/// ```
/// where Φ takes the lower triangle and halves the diagonal; as for PyTorch and TensorFlow, it
/// is the gradient with respect to symmetric perturbations of A.
///
/// A matrix that is not positive definite stops the program with a message naming the failing
/// pivot, in every build (``NotPositiveDefiniteError``). ``choleskyFactor(of:)`` throws it
/// instead; ``batchedCholesky(_:)`` factors a stack of matrices and gives NaN for those that
/// fail.
@inlinable
@differentiable(reverse)
public func cholesky<Scalar>(_ a: Tensor<Scalar>) -> Tensor<Scalar> {
  let n = a._requireSquare("cholesky")
  let result = Tensor<Scalar>(uninitializedShape: [n, n])
  if let failure = _choleskyFactorize(a.buffer.base, into: result.buffer.base, size: n) {
    // `fatalError` keeps its message in release builds, where a precondition's is dropped.
    fatalError(
      NotPositiveDefiniteError(
        operation: "cholesky", shape: [n, n], pivot: failure.pivot,
        pivotValue: Double(failure.value)
      ).description)
  }
  return result
}

@inlinable
@derivative(of: cholesky)
func _vjpCholesky<Scalar>(_ a: Tensor<Scalar>) -> (
  value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> Tensor<Scalar>
) {
  let l = cholesky(a)
  return (
    l,
    { g in
      let phi = matmul(l, transposed: true, g._unbroadcast(to: l.shape))
        ._lowerTriangle(diagonalScale: 0.5)
      // S = L⁻ᵀ Φ L⁻¹, computed as two triangular solves: Y = L⁻ᵀ Φ, then S = (L⁻ᵀ Yᵀ)ᵀ.
      let y = Tensor._triangularSolve(l, phi, transposed: true)
      let s = Tensor._triangularSolve(l, y.transposed(), transposed: true).transposed()
      return (s + s.transposed()) * 0.5
    }
  )
}
