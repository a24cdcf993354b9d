import RealModule

/// Scalar special functions that swift-numerics' `Real` does not provide.
extension TensorScalar {
  /// The logistic sigmoid σ(x) = 1 / (1 + e^{−x}), evaluated without overflow: for x < 0 it
  /// uses the equivalent form e^{x} / (1 + e^{x}).
  @inlinable
  public static func sigmoid(_ x: Self) -> Self {
    if x >= 0 { return 1 / (1 + .exp(-x)) }
    let e = Self.exp(x)
    return e / (1 + e)
  }

  /// softplus(x) = log(1 + e^{x}), evaluated as max(x, 0) + log1p(e^{−|x|}) so it neither
  /// overflows for large x nor loses precision for very negative x.
  @inlinable
  public static func softplus(_ x: Self) -> Self {
    Swift.max(x, 0) + .log(onePlus: .exp(-Swift.abs(x)))
  }

  /// The digamma function ψ(x) = d/dx log Γ(x).
  ///
  /// Computed in `Double`: the reflection formula ψ(x) = ψ(1 − x) − π / tan(πx) for x < 0.5,
  /// the recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 10, then the asymptotic series
  /// ```
  /// ψ(x) ≈ log x − 1/(2x) − 1/(12x²) + 1/(120x⁴) − 1/(252x⁶) + 1/(240x⁸) − 1/(132x¹⁰)
  /// ```
  /// whose next term is below 1e-14 at x = 10. Poles (0, −1, −2, …) give NaN.
  @inlinable
  public static func digamma(_ x: Self) -> Self {
    Self(_digamma(Double(x)))
  }

  /// The trigamma function ψ₁(x) = d²/dx² log Γ(x), the derivative of ``digamma(_:)``.
  ///
  /// Reflection ψ₁(1 − x) + ψ₁(x) = π² / sin²(πx), recurrence ψ₁(x) = ψ₁(x + 1) + 1/x², and for
  /// x ≥ 10 the series 1/x + 1/(2x²) + 1/(6x³) − 1/(30x⁵) + 1/(42x⁷) − 1/(30x⁹) + 5/(66x¹¹).
  @inlinable
  public static func trigamma(_ x: Self) -> Self {
    Self(_trigamma(Double(x)))
  }
}

@inlinable
func _digamma(_ value: Double) -> Double {
  var x = value
  if x.isNaN || x == -.infinity { return .nan }
  if x <= 0 && x.rounded() == x { return .nan }
  var result = 0.0
  if x < 0.5 {
    // ψ(x) = ψ(1 − x) − π cot(πx)
    result -= Double.pi / Double.tan(Double.pi * x)
    x = 1 - x
  }
  while x < 10 {
    result -= 1 / x
    x += 1
  }
  let inverse = 1 / x
  let inverse2 = inverse * inverse
  let series =
    inverse2
    * (1.0 / 12 - inverse2
      * (1.0 / 120 - inverse2 * (1.0 / 252 - inverse2 * (1.0 / 240 - inverse2 / 132))))
  return result + Double.log(x) - 0.5 * inverse - series
}

@inlinable
func _trigamma(_ value: Double) -> Double {
  var x = value
  if x.isNaN || x == -.infinity { return .nan }
  if x <= 0 && x.rounded() == x { return .nan }
  if x < 0.5 {
    // ψ₁(x) = π² / sin²(πx) − ψ₁(1 − x)
    let s = Double.sin(Double.pi * x)
    return Double.pi * Double.pi / (s * s) - _trigamma(1 - x)
  }
  var result = 0.0
  while x < 10 {
    result += 1 / (x * x)
    x += 1
  }
  let inverse = 1 / x
  let inverse2 = inverse * inverse
  let series =
    inverse
    + inverse2 / 2
    + inverse * inverse2
    * (1.0 / 6 - inverse2
      * (1.0 / 30 - inverse2 * (1.0 / 42 - inverse2 * (1.0 / 30 - inverse2 * 5 / 66))))
  return result + series
}
