import RealModule
import _Differentiation

// Elementwise functions. Each is followed by its vector–Jacobian product, written as
// `g ↦ g · f′(x)` through one fused loop (`_pullbackMap`) that may reuse the output y = f(x).

/// e^x, elementwise.
@inlinable
@differentiable(reverse)
public func exp<Scalar>(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
  x._map { .exp($0) }
}

@inlinable
@derivative(of: exp)
func _vjpExp<Scalar>(_ x: Tensor<Scalar>) -> (
  value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> Tensor<Scalar>
) {
  let y = exp(x)
  return (y, { g in .pullbackMap(g, x, y) { g, _, y in g * y } })
}

/// The natural logarithm, elementwise (−∞ at 0, NaN below).
@inlinable
@differentiable(reverse)
public func log<Scalar>(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
  x._map { .log($0) }
}

@inlinable
@derivative(of: log(_:))
func _vjpLog<Scalar>(_ x: Tensor<Scalar>) -> (
  value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> Tensor<Scalar>
) {
  let y = log(x)
  return (y, { g in .pullbackMap(g, x, y) { g, x, _ in g / x } })
}

/// log(1 + x), elementwise, accurate for small x (C's `log1p`).
@inlinable
@differentiable(reverse)
public func log<Scalar>(onePlus x: Tensor<Scalar>) -> Tensor<Scalar> {
  x._map { .log(onePlus: $0) }
}

@inlinable
@derivative(of: log(onePlus:))
func _vjpLogOnePlus<Scalar>(_ x: Tensor<Scalar>) -> (
  value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> Tensor<Scalar>
) {
  let y = log(onePlus: x)
  return (y, { g in .pullbackMap(g, x, y) { g, x, _ in g / (1 + x) } })
}

/// e^x − 1, elementwise, accurate for small x (C's `expm1`).
@inlinable
@differentiable(reverse)
public func expMinusOne<Scalar>(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
  x._map { .expMinusOne($0) }
}

@inlinable
@derivative(of: expMinusOne)
func _vjpExpMinusOne<Scalar>(_ x: Tensor<Scalar>) -> (
  value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> Tensor<Scalar>
) {
  let y = expMinusOne(x)
  return (y, { g in .pullbackMap(g, x, y) { g, _, y in g * (y + 1) } })
}

/// The hyperbolic tangent, elementwise; d tanh(x)/dx = 1 − tanh²(x).
@inlinable
@differentiable(reverse)
public func tanh<Scalar>(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
  x._map { .tanh($0) }
}

@inlinable
@derivative(of: tanh)
func _vjpTanh<Scalar>(_ x: Tensor<Scalar>) -> (
  value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> Tensor<Scalar>
) {
  let y = tanh(x)
  return (y, { g in .pullbackMap(g, x, y) { g, _, y in g * (1 - y * y) } })
}

/// The logistic sigmoid σ(x) = 1 / (1 + e^{−x}), elementwise, without overflow for any x;
/// σ′(x) = σ(x)(1 − σ(x)).
@inlinable
@differentiable(reverse)
public func sigmoid<Scalar>(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
  x._map { Scalar.sigmoid($0) }
}

@inlinable
@derivative(of: sigmoid)
func _vjpSigmoid<Scalar>(_ x: Tensor<Scalar>) -> (
  value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> Tensor<Scalar>
) {
  let y = sigmoid(x)
  return (y, { g in .pullbackMap(g, x, y) { g, _, y in g * y * (1 - y) } })
}

/// log σ(x) = −softplus(−x), elementwise, finite for every finite x (log σ(−100) = −100);
/// its derivative is σ(−x).
@inlinable
@differentiable(reverse)
public func logSigmoid<Scalar>(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
  x._map { -Scalar.softplus(-$0) }
}

@inlinable
@derivative(of: logSigmoid)
func _vjpLogSigmoid<Scalar>(_ x: Tensor<Scalar>) -> (
  value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> Tensor<Scalar>
) {
  let y = logSigmoid(x)
  return (y, { g in .pullbackMap(g, x, y) { g, x, _ in g * Scalar.sigmoid(-x) } })
}

/// softplus(x) = log(1 + e^{x}), elementwise, computed as max(x, 0) + log1p(e^{−|x|});
/// its derivative is σ(x).
@inlinable
@differentiable(reverse)
public func softplus<Scalar>(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
  x._map { Scalar.softplus($0) }
}

@inlinable
@derivative(of: softplus)
func _vjpSoftplus<Scalar>(_ x: Tensor<Scalar>) -> (
  value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> Tensor<Scalar>
) {
  let y = softplus(x)
  return (y, { g in .pullbackMap(g, x, y) { g, x, _ in g * Scalar.sigmoid(x) } })
}

/// max(x, 0), elementwise. Subgradient convention: the derivative at 0 is 0.
@inlinable
@differentiable(reverse)
public func relu<Scalar>(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
  x._map { $0 > 0 ? $0 : 0 }
}

@inlinable
@derivative(of: relu)
func _vjpRelu<Scalar>(_ x: Tensor<Scalar>) -> (
  value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> Tensor<Scalar>
) {
  (relu(x), { g in .pullbackMap(g, x, x) { g, x, _ in x > 0 ? g : 0 } })
}

/// The square root, elementwise; its derivative 1 / (2√x) is infinite at 0.
@inlinable
@differentiable(reverse)
public func sqrt<Scalar>(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
  x._map { .sqrt($0) }
}

@inlinable
@derivative(of: sqrt)
func _vjpSqrt<Scalar>(_ x: Tensor<Scalar>) -> (
  value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> Tensor<Scalar>
) {
  let y = sqrt(x)
  return (y, { g in .pullbackMap(g, x, y) { g, _, y in g / (2 * y) } })
}

/// |x|, elementwise. Subgradient convention: the derivative at 0 is 0 (sign(0) = 0).
@inlinable
@differentiable(reverse)
public func abs<Scalar>(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
  x._map { Swift.abs($0) }
}

@inlinable
@derivative(of: abs)
func _vjpAbs<Scalar>(_ x: Tensor<Scalar>) -> (
  value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> Tensor<Scalar>
) {
  (abs(x), { g in .pullbackMap(g, x, x) { g, x, _ in x > 0 ? g : (x < 0 ? -g : 0) } })
}

/// x^p for a fixed exponent p, elementwise; d/dx = p·x^{p−1}.
///
/// Integer exponents are exact powers and accept negative bases (pow(−2, 3) = −8); other
/// exponents follow `Real.pow`, which is NaN for negative bases.
@inlinable
@differentiable(reverse, wrt: x)
public func pow<Scalar>(_ x: Tensor<Scalar>, _ p: Scalar) -> Tensor<Scalar> {
  x._map { Scalar._power($0, p) }
}

@inlinable
@derivative(of: pow, wrt: x)
func _vjpPow<Scalar>(_ x: Tensor<Scalar>, _ p: Scalar) -> (
  value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> Tensor<Scalar>
) {
  (pow(x, p), { g in .pullbackMap(g, x, x) { g, x, _ in g * p * Scalar._power(x, p - 1) } })
}

extension TensorScalar {
  @inlinable
  static func _power(_ x: Self, _ p: Self) -> Self {
    if p.rounded() == p && Swift.abs(p) < 1_073_741_824 { return .pow(x, Int(p)) }
    return .pow(x, p)
  }
}

/// log Γ(x), elementwise (log |Γ(x)| for negative x); its derivative is ψ(x), the digamma
/// function.
@inlinable
@differentiable(reverse)
public func logGamma<Scalar>(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
  x._map { .logGamma($0) }
}

@inlinable
@derivative(of: logGamma)
func _vjpLogGamma<Scalar>(_ x: Tensor<Scalar>) -> (
  value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> Tensor<Scalar>
) {
  (logGamma(x), { g in .pullbackMap(g, x, x) { g, x, _ in g * Scalar.digamma(x) } })
}

/// The digamma function ψ(x) = d/dx log Γ(x), elementwise (see ``TensorScalar/digamma(_:)``);
/// its derivative is the trigamma function ψ₁(x).
@inlinable
@differentiable(reverse)
public func digamma<Scalar>(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
  x._map { Scalar.digamma($0) }
}

@inlinable
@derivative(of: digamma)
func _vjpDigamma<Scalar>(_ x: Tensor<Scalar>) -> (
  value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> Tensor<Scalar>
) {
  (digamma(x), { g in .pullbackMap(g, x, x) { g, x, _ in g * Scalar.trigamma(x) } })
}

extension Tensor {
  /// x², elementwise.
  @inlinable
  @differentiable(reverse)
  public func squared() -> Tensor { _map { $0 * $0 } }

  @inlinable
  @derivative(of: squared)
  func _vjpSquared() -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    (squared(), { g in .pullbackMap(g, self, self) { g, x, _ in 2 * g * x } })
  }

  /// Each scalar limited to `range`.
  ///
  /// Subgradient convention (as PyTorch's `clamp`): the gradient passes where
  /// `range.lowerBound ≤ x ≤ range.upperBound`, boundaries included, and is 0 outside.
  @inlinable
  @differentiable(reverse)
  public func clamped(to range: ClosedRange<Scalar>) -> Tensor {
    let (lower, upper) = (range.lowerBound, range.upperBound)
    return _map { Swift.min(Swift.max($0, lower), upper) }
  }

  @inlinable
  @derivative(of: clamped)
  func _vjpClamped(to range: ClosedRange<Scalar>) -> (
    value: Tensor, pullback: (Tensor) -> Tensor
  ) {
    (
      clamped(to: range),
      { g in .pullbackMap(g, self, self) { g, x, _ in range.contains(x) ? g : 0 } }
    )
  }

}
