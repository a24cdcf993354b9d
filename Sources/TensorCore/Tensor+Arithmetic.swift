import _Differentiation

// Arithmetic with NumPy broadcasting. Each operator's vector–Jacobian product sits right below
// it and sums the incoming gradient back to each operand's shape (`_unbroadcast(to:)`).

extension Tensor {
  /// Elementwise sum, broadcasting the operands to a common shape.
  @inlinable
  @differentiable(reverse)
  public static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
    // Adding automatic differentiation's rank-0 `zero` (gradients of unused values) shares the
    // other operand's storage instead of copying it.
    if rhs._isRankZeroZero { return lhs }
    if lhs._isRankZeroZero { return rhs }
    return lhs._zip(rhs, operation: "+") { $0 + $1 }
  }

  /// Whether this is a rank-0 tensor holding 0, such as ``zero``: adding it changes nothing
  /// (up to the sign of zero) but the shape, which broadcasting takes from the other operand.
  @inlinable
  var _isRankZeroZero: Bool { rank == 0 && buffer.base[0] == 0 }

  @inlinable
  @derivative(of: +)
  static func _vjpAdd(lhs: Tensor, rhs: Tensor) -> (
    value: Tensor, pullback: (Tensor) -> (Tensor, Tensor)
  ) {
    let (lhsShape, rhsShape) = (lhs.shape, rhs.shape)
    return (lhs + rhs, { g in (g._unbroadcast(to: lhsShape), g._unbroadcast(to: rhsShape)) })
  }

  /// Elementwise difference, broadcasting the operands to a common shape.
  @inlinable
  @differentiable(reverse)
  public static func - (lhs: Tensor, rhs: Tensor) -> Tensor {
    lhs._zip(rhs, operation: "-") { $0 - $1 }
  }

  @inlinable
  @derivative(of: -)
  static func _vjpSubtract(lhs: Tensor, rhs: Tensor) -> (
    value: Tensor, pullback: (Tensor) -> (Tensor, Tensor)
  ) {
    let (lhsShape, rhsShape) = (lhs.shape, rhs.shape)
    return (
      lhs - rhs, { g in (g._unbroadcast(to: lhsShape), (-g)._unbroadcast(to: rhsShape)) }
    )
  }

  /// Elementwise product, broadcasting the operands to a common shape.
  @inlinable
  @differentiable(reverse)
  public static func * (lhs: Tensor, rhs: Tensor) -> Tensor {
    lhs._zip(rhs, operation: "*") { $0 * $1 }
  }

  @inlinable
  @derivative(of: *)
  static func _vjpMultiply(lhs: Tensor, rhs: Tensor) -> (
    value: Tensor, pullback: (Tensor) -> (Tensor, Tensor)
  ) {
    return (
      lhs * rhs,
      { g in ((g * rhs)._unbroadcast(to: lhs.shape), (g * lhs)._unbroadcast(to: rhs.shape)) }
    )
  }

  /// Elementwise quotient, broadcasting the operands to a common shape.
  @inlinable
  @differentiable(reverse)
  public static func / (lhs: Tensor, rhs: Tensor) -> Tensor {
    lhs._zip(rhs, operation: "/") { $0 / $1 }
  }

  @inlinable
  @derivative(of: /)
  static func _vjpDivide(lhs: Tensor, rhs: Tensor) -> (
    value: Tensor, pullback: (Tensor) -> (Tensor, Tensor)
  ) {
    let quotient = lhs / rhs
    return (
      quotient,
      { g in
        let scaled = g / rhs
        return (
          scaled._unbroadcast(to: lhs.shape), (-scaled * quotient)._unbroadcast(to: rhs.shape)
        )
      }
    )
  }

  /// Elementwise negation.
  @inlinable
  @differentiable(reverse)
  public static prefix func - (x: Tensor) -> Tensor {
    x._map { -$0 }
  }

  @inlinable
  @derivative(of: -)
  static func _vjpNegate(x: Tensor) -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    (-x, { -$0 })
  }
}

// Mixed tensor–scalar arithmetic: composites of the tensor operators with a rank-0 tensor, so
// the gradient with respect to the scalar is the sum of the broadcast gradient.
extension Tensor {
  /// Adds `rhs` to every scalar.
  @inlinable
  @differentiable(reverse)
  public static func + (lhs: Tensor, rhs: Scalar) -> Tensor { lhs + Tensor(rhs) }

  /// Adds `lhs` to every scalar.
  @inlinable
  @differentiable(reverse)
  public static func + (lhs: Scalar, rhs: Tensor) -> Tensor { Tensor(lhs) + rhs }

  /// Subtracts `rhs` from every scalar.
  @inlinable
  @differentiable(reverse)
  public static func - (lhs: Tensor, rhs: Scalar) -> Tensor { lhs - Tensor(rhs) }

  /// Subtracts every scalar from `lhs`.
  @inlinable
  @differentiable(reverse)
  public static func - (lhs: Scalar, rhs: Tensor) -> Tensor { Tensor(lhs) - rhs }

  /// Multiplies every scalar by `rhs`.
  @inlinable
  @differentiable(reverse)
  public static func * (lhs: Tensor, rhs: Scalar) -> Tensor { lhs * Tensor(rhs) }

  /// Multiplies every scalar by `lhs`.
  @inlinable
  @differentiable(reverse)
  public static func * (lhs: Scalar, rhs: Tensor) -> Tensor { Tensor(lhs) * rhs }

  /// Divides every scalar by `rhs`.
  @inlinable
  @differentiable(reverse)
  public static func / (lhs: Tensor, rhs: Scalar) -> Tensor { lhs / Tensor(rhs) }

  /// Divides `lhs` by every scalar.
  @inlinable
  @differentiable(reverse)
  public static func / (lhs: Scalar, rhs: Tensor) -> Tensor { Tensor(lhs) / rhs }
}

// In-place updates for optimisers and accumulators, equal to `lhs = lhs ∘ rhs` (so the shape
// grows when `rhs` is larger). Not differentiable.
extension Tensor {
  /// Adds `rhs` to `lhs`, in place when `rhs` broadcasts to `lhs`'s shape.
  @inlinable
  public static func += (lhs: inout Tensor, rhs: Tensor) {
    if rhs._isRankZeroZero { return }
    if lhs._isRankZeroZero {
      lhs = rhs
      return
    }
    lhs._updateInPlace(rhs, "+=") { $0 + $1 }
  }

  /// Subtracts `rhs` from `lhs`, in place when `rhs` broadcasts to `lhs`'s shape.
  @inlinable
  public static func -= (lhs: inout Tensor, rhs: Tensor) {
    lhs._updateInPlace(rhs, "-=") { $0 - $1 }
  }

  /// Multiplies `lhs` by `rhs`, in place when `rhs` broadcasts to `lhs`'s shape.
  @inlinable
  public static func *= (lhs: inout Tensor, rhs: Tensor) {
    lhs._updateInPlace(rhs, "*=") { $0 * $1 }
  }

  /// Multiplies every scalar of `lhs` by `rhs` in place.
  @inlinable
  public static func *= (lhs: inout Tensor, rhs: Scalar) {
    lhs.withUnsafeMutableBufferPointer { x in
      for i in x.indices { x[i] *= rhs }
    }
  }

  @inlinable
  mutating func _updateInPlace(
    _ other: Tensor, _ operation: String, _ f: (Scalar, Scalar) -> Scalar
  ) {
    if other.shape == shape || other.scalarCount == 1 && other.rank <= rank {
      let single = other.scalarCount == 1 && other.shape != shape
      let b = other.buffer.base
      let s = b[0]
      withUnsafeMutableBufferPointer { a in
        if single {
          for i in a.indices { a[i] = f(a[i], s) }
        } else {
          for i in a.indices { a[i] = f(a[i], b[i]) }
        }
      }
    } else {
      // The result may be larger than `self`, e.g. when `self` is the rank-0 `zero` that
      // automatic differentiation starts accumulating from.
      self = _zip(other, operation: operation, f)
    }
  }
}
