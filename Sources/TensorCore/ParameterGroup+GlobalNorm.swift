import _Differentiation

// The global norm of a gradient and clipping by it (Pascanu, Mikolov and Bengio, "On the
// difficulty of training recurrent neural networks", ICML 2013).

extension ParameterGroup {
  /// The Euclidean norm of all tensors of `gradient` taken together, as if concatenated:
  /// ```
  /// ‖g‖ = √(Σₖ Σᵢ gₖᵢ²)
  /// ```
  /// The sum is accumulated in `Double`. A rank-0 tensor standing for zeros (the `zero` that
  /// automatic differentiation returns for unused parameters) contributes nothing.
  @inlinable
  public func globalNorm(of gradient: TangentVector) -> Scalar {
    Scalar(_globalNorm(of: gradient))
  }

  /// ``globalNorm(of:)`` in `Double`.
  @inlinable
  func _globalNorm(of gradient: TangentVector) -> Double {
    var total: Double = 0
    for path in tangentKeyPaths {
      gradient[keyPath: path].withUnsafeBufferPointer { values in
        for value in values { total += Double(value) * Double(value) }
      }
    }
    return total.squareRoot()
  }

  /// Rescales every tensor of `gradient` by the same factor so that its global norm is at most
  /// `maximumNorm`, and returns the global norm before clipping:
  /// ```
  /// g ← g · min(1, maximumNorm / ‖g‖)
  /// ```
  /// Unlike PyTorch's `clip_grad_norm_`, no 1e-6 is added to ‖g‖, so a clipped gradient has
  /// norm `maximumNorm` up to rounding. Tensors are scaled in place where their storage is not
  /// shared. A non-finite norm is returned as is and leaves the gradient unchanged, so that the
  /// caller can detect it and skip the step.
  ///
  /// - Precondition: `maximumNorm > 0`.
  @inlinable
  @discardableResult
  public func clipByGlobalNorm(_ gradient: inout TangentVector, maximumNorm: Scalar) -> Scalar {
    userPrecondition(maximumNorm > 0, "clipByGlobalNorm: maximumNorm \(maximumNorm) must be > 0")
    let norm = _globalNorm(of: gradient)
    guard norm.isFinite, norm > Double(maximumNorm) else { return Scalar(norm) }
    let scale = Scalar(Double(maximumNorm) / norm)
    for path in tangentKeyPaths {
      modifyInPlace(&gradient, at: path) { tensor in tensor *= scale }
    }
    return Scalar(norm)
  }
}
