// Elementwise and reduction kernels shared by the differentiable operations: NumPy broadcasting,
// its adjoint (summing a gradient back to an operand's shape), and axis reductions. These are
// the only loops over scalars in the elementwise operations; keep them tight.

/// The shape two operands broadcast to under NumPy's rules: align the shapes at their last
/// axis; each pair of sizes must be equal or one of them 1; a missing leading axis counts as 1.
@inlinable
public func broadcastShape(_ a: [Int], _ b: [Int], operation: String = "broadcast") -> [Int] {
  guard let shape = broadcastShapeIfAny(a, b) else {
    userPreconditionFailure("\(operation): shapes \(a) and \(b) do not broadcast")
  }
  return shape
}

/// The shape `a` and `b` broadcast to, as ``broadcastShape(_:_:operation:)``, or nil when they
/// do not: for callers that name the failure themselves.
@inlinable
package func broadcastShapeIfAny(_ a: [Int], _ b: [Int]) -> [Int]? {
  let rank = Swift.max(a.count, b.count)
  var result = [Int](repeating: 1, count: rank)
  for axis in 0..<rank {
    let i = a.count - rank + axis
    let j = b.count - rank + axis
    let x = i >= 0 ? a[i] : 1
    let y = j >= 0 ? b[j] : 1
    guard x == y || x == 1 || y == 1 else { return nil }
    result[axis] = x == 1 ? y : x
  }
  return result
}

/// Row-major strides of `shape` aligned to a result of rank `rank`, with stride 0 on axes that
/// are broadcast (size 1 in `shape`, or missing).
@inlinable
func broadcastStrides(_ shape: [Int], toRank rank: Int) -> [Int] {
  var strides = [Int](repeating: 0, count: rank)
  var stride = 1
  var axis = shape.count - 1
  while axis >= 0 {
    let target = rank - shape.count + axis
    strides[target] = shape[axis] == 1 ? 0 : stride
    stride *= shape[axis]
    axis -= 1
  }
  return strides
}

extension Tensor {
  /// `f` applied to every scalar.
  @inlinable
  func _map(_ f: (Scalar) -> Scalar) -> Tensor {
    let result = Tensor(uninitializedShape: shape)
    let x = buffer.base
    let y = result.buffer.base
    for i in 0..<scalarCount { y[i] = f(x[i]) }
    return result
  }

  /// `f` applied to pairs of scalars of `self` and `other`, broadcast to a common shape.
  @inlinable
  func _zip(
    _ other: Tensor, operation: String, _ f: (Scalar, Scalar) -> Scalar
  ) -> Tensor {
    let a = buffer.base
    let b = other.buffer.base
    if shape == other.shape {
      let result = Tensor(uninitializedShape: shape)
      let c = result.buffer.base
      for i in 0..<scalarCount { c[i] = f(a[i], b[i]) }
      return result
    }
    if other.scalarCount == 1 && other.rank <= rank {
      let result = Tensor(uninitializedShape: shape)
      let c = result.buffer.base
      let s = b[0]
      for i in 0..<scalarCount { c[i] = f(a[i], s) }
      return result
    }
    if scalarCount == 1 && rank <= other.rank {
      let result = Tensor(uninitializedShape: other.shape)
      let c = result.buffer.base
      let s = a[0]
      for i in 0..<other.scalarCount { c[i] = f(s, b[i]) }
      return result
    }
    let shape = broadcastShape(self.shape, other.shape, operation: operation)
    let result = Tensor(uninitializedShape: shape)
    let c = result.buffer.base
    let count = result.scalarCount
    guard count > 0 else { return result }
    let rank = shape.count
    let sa = broadcastStrides(self.shape, toRank: rank)
    let sb = broadcastStrides(other.shape, toRank: rank)
    let inner = shape[rank - 1]
    let ia = sa[rank - 1]
    let ib = sb[rank - 1]
    var index = [Int](repeating: 0, count: rank)
    var offsetA = 0
    var offsetB = 0
    var position = 0
    while position < count {
      for k in 0..<inner { c[position + k] = f(a[offsetA + k * ia], b[offsetB + k * ib]) }
      position += inner
      // Advance the odometer over the outer axes.
      var axis = rank - 2
      while axis >= 0 {
        index[axis] += 1
        offsetA += sa[axis]
        offsetB += sb[axis]
        if index[axis] < shape[axis] { break }
        offsetA -= sa[axis] * shape[axis]
        offsetB -= sb[axis] * shape[axis]
        index[axis] = 0
        axis -= 1
      }
    }
    return result
  }

  /// `f(g, x, y)` for every scalar, where `g` is an incoming gradient of `self`'s shape (or a
  /// rank-0 zero), and `x`, `y` have `self`'s shape: the fused body of elementwise pullbacks.
  @inlinable
  static func pullbackMap(
    _ g: Tensor, _ x: Tensor, _ y: Tensor, _ f: (Scalar, Scalar, Scalar) -> Scalar
  ) -> Tensor {
    let result = Tensor(uninitializedShape: x.shape)
    let pg = g.buffer.base
    let px = x.buffer.base
    let py = y.buffer.base
    let out = result.buffer.base
    if g.shape == x.shape {
      for i in 0..<x.scalarCount { out[i] = f(pg[i], px[i], py[i]) }
    } else {
      userPrecondition(g.scalarCount == 1, "pullback: gradient of shape \(g.shape) for \(x.shape)")
      let s = pg[0]
      for i in 0..<x.scalarCount { out[i] = f(s, px[i], py[i]) }
    }
    return result
  }

  /// Reduces `self` to `target`, a shape `self` broadcasts from, combining the scalars that
  /// broadcasting would have repeated with `combine`, starting from `initial`.
  @inlinable
  func _reduce(
    toShape target: [Int], initial: Scalar, _ combine: (Scalar, Scalar) -> Scalar
  ) -> Tensor {
    let result = Tensor(repeating: initial, shape: target)
    let x = buffer.base
    let y = result.buffer.base
    let count = scalarCount
    guard count > 0 else { return result }
    if result.scalarCount == 1 {
      var total = initial
      for i in 0..<count { total = combine(total, x[i]) }
      y[0] = total
      return result
    }
    let rank = shape.count
    userPrecondition(target.count <= rank, "reduce: cannot reduce \(shape) to \(target)")
    let strides = broadcastStrides(target, toRank: rank)
    for axis in 0..<rank {
      let t = axis - (rank - target.count)
      userPrecondition(
        t < 0 || target[t] == shape[axis] || target[t] == 1,
        "reduce: cannot reduce \(shape) to \(target)")
    }
    let inner = shape[rank - 1]
    let innerStride = strides[rank - 1]
    var index = [Int](repeating: 0, count: rank)
    var offset = 0
    var position = 0
    while position < count {
      if innerStride == 0 {
        var total = y[offset]
        for k in 0..<inner { total = combine(total, x[position + k]) }
        y[offset] = total
      } else {
        for k in 0..<inner { y[offset + k] = combine(y[offset + k], x[position + k]) }
      }
      position += inner
      var axis = rank - 2
      while axis >= 0 {
        index[axis] += 1
        offset += strides[axis]
        if index[axis] < shape[axis] { break }
        offset -= strides[axis] * shape[axis]
        index[axis] = 0
        axis -= 1
      }
    }
    return result
  }

  /// The adjoint of broadcasting `target` to `self.shape`: sums over the broadcast axes.
  ///
  /// A rank-0 gradient (automatic differentiation's `zero`) is expanded to `target` instead.
  @inlinable
  func _unbroadcast(to target: [Int]) -> Tensor {
    if shape == target { return self }
    if rank == 0 { return Tensor(repeating: buffer.base[0], shape: target) }
    let summed = _reduce(toShape: target, initial: 0, +)
    return summed
  }

  /// A copy of `self` repeated along broadcast axes to `target`.
  @inlinable
  func _broadcast(to target: [Int]) -> Tensor {
    if shape == target { return self }
    let zeros = Tensor(zeros: target)
    return zeros._zip(self, operation: "broadcasted(to:)") { _, x in x }
  }
}
