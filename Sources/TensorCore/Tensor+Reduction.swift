import RealModule
import _Differentiation

// Reductions. `alongAxes` keeps the reduced axes with size 1, so the result broadcasts against
// the input; `squeezingAxes` removes them.

extension Tensor {
  @inlinable
  func _normalizedAxes(_ axes: [Int], _ operation: String) -> [Int] {
    axes.map { axis in
      let normalized = axis < 0 ? axis + rank : axis
      userPrecondition(
        normalized >= 0 && normalized < rank,
        "\(operation): axis \(axis) is out of range for shape \(shape)")
      return normalized
    }
  }

  /// The shape with the given axes removed (a non-differentiable helper: closures inside
  /// differentiable bodies crash the 6.3 compiler).
  @inlinable
  func _shape(removing axes: [Int], _ operation: String) -> [Int] {
    let removed = _normalizedAxes(axes, operation)
    return shape.indices.filter { !removed.contains($0) }.map { shape[$0] }
  }

  @inlinable
  func _keptShape(reducing axes: [Int], _ operation: String) -> [Int] {
    var kept = shape
    for axis in _normalizedAxes(axes, operation) { kept[axis] = 1 }
    return kept
  }

  /// The sum of all scalars, as a rank-0 tensor.
  @inlinable
  @differentiable(reverse)
  public func sum() -> Tensor {
    _reduce(toShape: [], initial: 0, +)
  }

  @inlinable
  @derivative(of: sum)
  func _vjpSum() -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let shape = self.shape
    return (sum(), { g in g._broadcast(to: shape) })
  }

  /// Sums along the given axes (negative axes count from the end), keeping them with size 1.
  @inlinable
  @differentiable(reverse)
  public func sum(alongAxes axes: [Int]) -> Tensor {
    _reduce(toShape: _keptShape(reducing: axes, "sum(alongAxes:)"), initial: 0, +)
  }

  @inlinable
  @derivative(of: sum(alongAxes:))
  func _vjpSum(alongAxes axes: [Int]) -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let shape = self.shape
    return (sum(alongAxes: axes), { g in g._broadcast(to: shape) })
  }

  /// Sums along the given axes and removes them from the shape.
  @inlinable
  @differentiable(reverse)
  public func sum(squeezingAxes axes: [Int]) -> Tensor {
    let squeezed = withoutDerivative(at: self)._shape(removing: axes, "sum(squeezingAxes:)")
    return sum(alongAxes: axes).reshaped(to: squeezed)
  }

  /// The arithmetic mean of all scalars, as a rank-0 tensor.
  @inlinable
  @differentiable(reverse)
  public func mean() -> Tensor {
    sum() / Scalar(withoutDerivative(at: scalarCount))
  }

  /// The mean along the given axes, keeping them with size 1.
  @inlinable
  @differentiable(reverse)
  public func mean(alongAxes axes: [Int]) -> Tensor {
    let count = withoutDerivative(
      at: scalarCount / _keptShape(reducing: axes, "mean(alongAxes:)").elementCount)
    return sum(alongAxes: axes) / Scalar(count)
  }

  /// The largest scalar along the given axes, keeping them with size 1.
  ///
  /// Subgradient convention: where several scalars tie for the maximum, the gradient is shared
  /// equally among them.
  @inlinable
  @differentiable(reverse)
  public func max(alongAxes axes: [Int]) -> Tensor {
    _reduce(
      toShape: _keptShape(reducing: axes, "max(alongAxes:)"), initial: -.infinity, Swift.max)
  }

  @inlinable
  @derivative(of: max(alongAxes:))
  func _vjpMax(alongAxes axes: [Int]) -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let y = max(alongAxes: axes)
    return (y, { g in self._maxPullback(g, y) })
  }

  /// The largest scalar, as a rank-0 tensor (ties share the gradient equally).
  @inlinable
  @differentiable(reverse)
  public func max() -> Tensor {
    _reduce(toShape: [], initial: -.infinity, Swift.max)
  }

  @inlinable
  @derivative(of: max)
  func _vjpMax() -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let y = max()
    return (y, { g in self._maxPullback(g, y) })
  }

  /// Routes `g` (shaped like the reduced result `y`) to the positions that attain the maximum.
  @inlinable
  func _maxPullback(_ g: Tensor, _ y: Tensor) -> Tensor {
    let indicator = _zip(y, operation: "max") { x, m in x == m ? 1 : 0 }
    let ties = indicator._reduce(toShape: y.shape, initial: 0, +)
    return indicator * (g._unbroadcast(to: y.shape) / ties)
  }

  /// log Σ exp(x) along `axis`, keeping it with size 1, computed stably as
  /// ```
  /// m + log Σ exp(x − m),   m = max x along the axis,
  /// ```
  /// so that inputs of ±1000 neither overflow nor underflow. A slice that is all −∞ gives −∞.
  @inlinable
  @differentiable(reverse)
  public func logSumExp(alongAxis axis: Int) -> Tensor {
    let m = withoutDerivative(at: max(alongAxes: [axis])._map { $0.isFinite ? $0 : 0 })
    return m + log(exp(self - m).sum(alongAxes: [axis]))
  }

  /// log((1/n) Σ exp(x)) along `axis` of length n, keeping it with size 1: the log of the mean
  /// of exponentials, computed stably as ``logSumExp(alongAxis:)`` − log n. The
  /// importance-weighted bound's inner term, log (1/K) Σₖ wₖ, of K log weights.
  @inlinable
  @differentiable(reverse)
  public func logMeanExp(alongAxis axis: Int) -> Tensor {
    let count = withoutDerivative(at: shape[axis < 0 ? axis + rank : axis])
    return logSumExp(alongAxis: axis) - Scalar.log(Scalar(count))
  }

  /// log Σ exp(x) over all scalars, as a rank-0 tensor (stable, as ``logSumExp(alongAxis:)``).
  @inlinable
  @differentiable(reverse)
  public func logSumExp() -> Tensor {
    let m = withoutDerivative(at: max()._map { $0.isFinite ? $0 : 0 })
    return m + log(exp(self - m).sum())
  }
}
