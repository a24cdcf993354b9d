import TensorCore
import _Differentiation

// Restricting a log density to its support. A density such as Gamma's evaluates log x, which is
// NaN for x < 0; instead of letting NaN through, each log density
//
//   1. marks which values lie in the support (`Support.membership(of:)`, not differentiable),
//   2. replaces the others by a harmless value inside the support (`replacing(outside:with:)`,
//      a primitive whose gradient is zero at the replaced scalars), and
//   3. adds a log indicator, 0 inside the support and −∞ outside (`Support.logIndicator`).
//
// The result is −∞ outside the support, with finite gradients everywhere.

/// The set of values where a distribution has positive density, for scalar-valued supports.
@usableFromInline
enum Support: Sendable {
  /// x > 0.
  case positive
  /// x ≥ 0.
  case nonNegative
  /// 0 < x < 1.
  case openUnitInterval
  /// 0 ≤ x ≤ 1.
  case closedUnitInterval

  @inlinable
  func contains<Scalar: TensorScalar>(_ x: Scalar) -> Bool {
    switch self {
    case .positive: return x > 0
    case .nonNegative: return x >= 0
    case .openUnitInterval: return x > 0 && x < 1
    case .closedUnitInterval: return x >= 0 && x <= 1
    }
  }

  /// Whether each scalar of `value` lies in the support.
  @inlinable
  func mask<Scalar: TensorScalar>(of value: Tensor<Scalar>) -> [Bool] {
    value.withUnsafeBufferPointer { x in x.map { contains($0) } }
  }

  /// 0 where `mask` is true and −∞ elsewhere, shaped like the value the mask came from.
  @inlinable
  static func logIndicator<Scalar: TensorScalar>(_ mask: [Bool], shape: [Int]) -> Tensor<Scalar> {
    Tensor(shape: shape, scalars: mask.map { $0 ? 0 : -Scalar.infinity })
  }

  /// The mask of `value` and its log indicator (steps 1 and 3 above); not differentiable.
  @inlinable
  func membership<Scalar: TensorScalar>(of value: Tensor<Scalar>) -> SupportMembership<Scalar> {
    let inside = mask(of: value)
    return SupportMembership(
      inside: inside, logIndicator: Support.logIndicator(inside, shape: value.shape))
  }
}

/// Which scalars of a value lie in a ``Support``, and the log indicator that is 0 at those and −∞
/// at the others.
@usableFromInline
struct SupportMembership<Scalar: TensorScalar> {
  /// Whether each scalar lies in the support.
  @usableFromInline let inside: [Bool]
  /// 0 inside the support, −∞ outside, shaped like the value.
  @usableFromInline let logIndicator: Tensor<Scalar>

  @inlinable
  init(inside: [Bool], logIndicator: Tensor<Scalar>) {
    self.inside = inside
    self.logIndicator = logIndicator
  }
}

extension Tensor {
  /// `self` with the scalars where `mask` is false replaced by `replacement`.
  ///
  /// The gradient passes through the kept scalars and is zero at the replaced ones.
  ///
  /// - Precondition: `mask.count == scalarCount`.
  @inlinable
  @differentiable(reverse, wrt: self)
  func replacing(outside mask: [Bool], with replacement: Scalar) -> Tensor {
    precondition(
      mask.count == scalarCount,
      "replacing(outside:with:): \(mask.count) mask entries for shape \(shape)")
    if !mask.contains(false) { return self }
    var result = self
    result.withUnsafeMutableBufferPointer { x in
      for i in x.indices where !mask[i] { x[i] = replacement }
    }
    return result
  }

  @inlinable
  @derivative(of: replacing, wrt: self)
  func _vjpReplacing(outside mask: [Bool], with replacement: Scalar) -> (
    value: Tensor, pullback: (Tensor) -> Tensor
  ) {
    let shape = self.shape
    return (
      replacing(outside: mask, with: replacement),
      { gradient in
        var result = gradient.broadcasted(to: shape)
        result.withUnsafeMutableBufferPointer { g in
          for i in g.indices where !mask[i] { g[i] = 0 }
        }
        return result
      }
    )
  }

  /// `f` applied to every scalar; not differentiable.
  @inlinable
  func mappingScalars(_ f: (Scalar) -> Scalar) -> Tensor {
    var result = self
    result.withUnsafeMutableBufferPointer { x in
      for i in x.indices { x[i] = f(x[i]) }
    }
    return result
  }
}

/// The shape that tensors of the given shapes broadcast to (NumPy's rules), or a precondition
/// failure naming `operation` when they do not.
@inlinable
func broadcastShape(_ shapes: [[Int]], operation: String) -> [Int] {
  shapes.reduce([]) { broadcastShape($0, $1, operation: operation) }
}

/// A tensor of the given shape filled, in row-major order, with `draw()` converted from
/// `Double`; not differentiable.
@inlinable
func tensorOfDraws<Scalar: TensorScalar>(shape: [Int], _ draw: () -> Double) -> Tensor<Scalar> {
  var result = Tensor<Scalar>(zeros: shape)
  result.withUnsafeMutableBufferPointer { x in
    for i in x.indices { x[i] = Scalar(draw()) }
  }
  return result
}

/// log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b), the logarithm of the beta function.
@inlinable
@differentiable(reverse)
func logBeta<Scalar: TensorScalar>(_ a: Tensor<Scalar>, _ b: Tensor<Scalar>) -> Tensor<Scalar> {
  logGamma(a) + logGamma(b) - logGamma(a + b)
}
