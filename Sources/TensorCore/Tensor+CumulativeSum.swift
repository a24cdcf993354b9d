import _Differentiation

extension Tensor {
  /// The inclusive running sum along `axis` (negative axes count from the end):
  /// ```
  /// yᵢ = Σ_{j ≤ i} xⱼ        along the axis, independently for every other index.
  /// ```
  /// The primitive behind the stick-breaking `Constraint.simplex` bijector, where the
  /// remaining stick is exp of a running sum of log(1 − zₖ).
  ///
  /// Its vector–Jacobian product is the running sum taken from the other end,
  /// x̄ᵢ = Σ_{j ≥ i} ȳⱼ.
  @inlinable
  @differentiable(reverse)
  public func cumulativeSum(alongAxis axis: Int) -> Tensor {
    _runningSum(alongAxis: axis, reverse: false)
  }

  @inlinable
  @derivative(of: cumulativeSum)
  func _vjpCumulativeSum(alongAxis axis: Int) -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let shape = self.shape
    return (
      cumulativeSum(alongAxis: axis),
      { g in g.broadcasted(to: shape)._runningSum(alongAxis: axis, reverse: true) }
    )
  }

  /// The running sum along `axis`, from the first index forward or from the last backward;
  /// not differentiable.
  @inlinable
  func _runningSum(alongAxis axis: Int, reverse: Bool) -> Tensor {
    let normalized = axis < 0 ? axis + rank : axis
    userPrecondition(
      normalized >= 0 && normalized < rank,
      "cumulativeSum(alongAxis:): axis \(axis) is out of range for shape \(shape)")
    let outer = shape[..<normalized].reduce(1, *)
    let length = shape[normalized]
    let inner = shape[(normalized + 1)...].reduce(1, *)
    return withUnsafeBufferPointer { x in
      Tensor(shape: shape) { y in
        for o in 0..<outer {
          for i in 0..<inner {
            let base = o * length * inner + i
            var total: Scalar = 0
            for step in 0..<length {
              let k = reverse ? length - 1 - step : step
              total += x[base + k * inner]
              y[base + k * inner] = total
            }
          }
        }
      }
    }
  }
}
