import _Differentiation

extension Tensor {
  /// A + diag(d) for each matrix A of a stack `[..., n, n]`: `values` broadcasts to the
  /// diagonals' shape `[..., n]`, so `[L, 1]` (one value per matrix, as a scalar parameter's L
  /// draws arrive) adds σₗ to every diagonal element of matrix l, and `[L, n]` adds a whole
  /// diagonal per matrix. A Gaussian process's noise, as in Stan's
  /// `gp_exp_quad_cov(x, alpha, rho) + diag_matrix(rep_vector(sigma, N))`:
  /// ```swift
  /// let k = squaredExponentialCovariance(x, magnitude: alpha, lengthScale: rho)
  ///   .addingToDiagonal(sigma)                 // [L, N, N] + σ I, sigma [L, 1]
  /// ```
  ///
  /// Gradients: Ā = C̄, and d̄ is the diagonal of C̄, summed back to the shape of `values`.
  ///
  /// Stops with a message (in every build) if `self` is not a stack of square matrices or
  /// `values` does not broadcast to `[..., n]` (a vector of L values must be passed as
  /// `[L, 1]`).
  @inlinable
  @differentiable(reverse)
  public func addingToDiagonal(_ values: Tensor) -> Tensor {
    _addingToDiagonal(self, values)
  }

  /// A + c·I for each matrix A of a stack `[..., n, n]`: the same constant on every diagonal,
  /// such as a small jitter that keeps a covariance numerically positive definite.
  @inlinable
  @differentiable(reverse)
  public func addingToDiagonal(_ value: Scalar) -> Tensor {
    addingToDiagonal(Tensor(value))
  }

  /// `self` broadcast to the shape of the diagonals of a stack of matrices of shape
  /// `matrixShape`; stops with a message if it does not broadcast.
  @inlinable
  func _broadcastToDiagonals(of matrixShape: [Int]) -> Tensor {
    let target = Array(matrixShape.dropLast())
    var fits = rank <= target.count
    if fits {
      for axis in 0..<rank {
        let (size, targetSize) = (shape[axis], target[target.count - rank + axis])
        if size != 1 && size != targetSize { fits = false }
      }
    }
    guard fits else {
      fatalError(
        "addingToDiagonal(_:): values of shape \(shape) do not broadcast to the diagonals "
          + "\(target) of matrices \(matrixShape) (one value per matrix is [L, 1], not [L])")
    }
    return _broadcast(to: target)
  }
}

/// The primitive behind ``Tensor/addingToDiagonal(_:)``: a free function, because a method
/// with a custom derivative with respect to `self` and another tensor gets its two tangents
/// swapped in optimised builds across modules (see DEVELOPERS.md).
@inlinable
@differentiable(reverse)
func _addingToDiagonal<Scalar>(
  _ matrices: Tensor<Scalar>, _ values: Tensor<Scalar>
) -> Tensor<Scalar> {
  let (count, n) = matrices._squareMatrices("addingToDiagonal(_:)")
  let diagonals = values._broadcastToDiagonals(of: matrices.shape)
  let result = Tensor<Scalar>(shape: matrices.shape, buffer: matrices.buffer.copy())
  let (y, d) = (result.buffer.base, diagonals.buffer.base)
  for matrix in 0..<count {
    for i in 0..<n { y[matrix &* n &* n &+ i &* (n &+ 1)] += d[matrix &* n &+ i] }
  }
  return result
}

@inlinable
@derivative(of: _addingToDiagonal)
func _vjpAddingToDiagonal<Scalar>(_ matrices: Tensor<Scalar>, _ values: Tensor<Scalar>) -> (
  value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> (Tensor<Scalar>, Tensor<Scalar>)
) {
  let y = _addingToDiagonal(matrices, values)
  let (shape, valuesShape) = (y.shape, values.shape)
  return (
    y,
    { g in
      let g = g._unbroadcast(to: shape)
      let (count, n) = g._squareMatrices("addingToDiagonal(_:)")
      let diagonals = Tensor<Scalar>(uninitializedShape: Array(shape.dropLast()))
      let (x, d) = (g.buffer.base, diagonals.buffer.base)
      for matrix in 0..<count {
        for i in 0..<n { d[matrix &* n &+ i] = x[matrix &* n &* n &+ i &* (n &+ 1)] }
      }
      return (g, diagonals._unbroadcast(to: valuesShape))
    }
  )
}
