import RealModule
import TensorCore
import _Differentiation

// Implicit reparameterisation gradients for gamma draws (Figurnov, Mohamed & Mnih 2018,
// "Implicit Reparameterization Gradients"). A draw ε ~ Gamma(α, 1) has no closed-form
// z = g(u; α), but holding its quantile u = P(α, ε) fixed and differentiating P(α, ε(α)) = u
// gives
//
//   dε/dα = −(∂P(α, ε)/∂α) / p(ε; α),
//
// with P the regularised lower incomplete gamma function and p the density. With the series
// P(α, ε) = Σₙ ε^{α+n} e^{−ε} / Γ(α + n + 1) this becomes, for the logarithm of the draw,
//
//   d(log ε)/dα = −Σₙ sₙ (log ε − ψ(α + n + 1)),   sₙ = εⁿ / (α(α + 1)⋯(α + n)),
//
// whose terms follow from s₀ = 1/α, sₙ = sₙ₋₁ · ε/(α + n) and
// ψ(α + n + 1) = ψ(α + n) + 1/(α + n): no overflow, and exact behaviour for draws that underflow
// (ε → 0 leaves −(log ε − ψ(α + 1))/α). The series is used for ε < α + 1, where the sₙ
// decrease after the first.
//
// In the upper tail (ε ≥ α + 1) its terms first grow to about e^{ε−α} and cancel, so there the
// complementary function Q = 1 − P is used, through its continued fraction
//
//   Γ(α, ε) = e^{−ε} εᵅ · C(α, ε),
//   C = 1/(ε + 1 − α − 1·(1 − α)/(ε + 3 − α − 2·(2 − α)/(ε + 5 − α − ⋯))),
//
// which gives Q/p = ε·C and so d(log ε)/dα = (∂Q/∂α)/(ε p) = C · (log ε − ψ(α)) + ∂C/∂α. C and
// ∂C/∂α are evaluated together by the modified Lentz algorithm on dual numbers (forward-mode
// differentiation in α).
//
// Working with log ε keeps draws for small α (which underflow as plain numbers) usable; Gamma,
// InverseGamma, Beta and StudentT take log-gamma draws as their noise.

/// A number with its derivative in one variable, for forward-mode differentiation of the
/// continued fraction.
@usableFromInline
struct DualNumber {
  @usableFromInline var value: Double
  @usableFromInline var derivative: Double

  @inlinable
  init(_ value: Double, _ derivative: Double = 0) {
    self.value = value
    self.derivative = derivative
  }

  @inlinable
  static func + (a: DualNumber, b: DualNumber) -> DualNumber {
    DualNumber(a.value + b.value, a.derivative + b.derivative)
  }

  @inlinable
  static func * (a: DualNumber, b: DualNumber) -> DualNumber {
    DualNumber(a.value * b.value, a.derivative * b.value + a.value * b.derivative)
  }

  @inlinable
  static func / (a: DualNumber, b: DualNumber) -> DualNumber {
    let quotient = a.value / b.value
    return DualNumber(quotient, (a.derivative - quotient * b.derivative) / b.value)
  }
}

/// d(log ε)/dα for a draw ε ~ Gamma(α, 1) given as log ε, holding its quantile fixed.
@inlinable
func standardGammaLogDrawDerivative(concentration alpha: Double, logDraw: Double) -> Double {
  let draw = Double.exp(logDraw)
  if draw >= alpha + 1 {
    return upperTailLogDrawDerivative(concentration: alpha, draw: draw, logDraw: logDraw)
  }
  var digammaValue = Double.digamma(alpha + 1)
  var term = 1 / alpha
  var sum = term * (logDraw - digammaValue)
  var n = 0.0
  while n < 100_000 {
    n += 1
    digammaValue += 1 / (alpha + n)
    term *= draw / (alpha + n)
    let contribution = term * (logDraw - digammaValue)
    sum += contribution
    // The factor log ε − ψ changes sign once; test the term itself so a near-zero factor does
    // not stop the sum early.
    if term * (Swift.abs(logDraw - digammaValue) + 1) <= 1e-17 * Swift.abs(sum) { break }
  }
  return -sum
}

/// d(log ε)/dα = C · (log ε − ψ(α)) + ∂C/∂α for ε ≥ α + 1, with the continued fraction C of
/// the upper incomplete gamma function evaluated on dual numbers by the modified Lentz
/// algorithm.
@inlinable
func upperTailLogDrawDerivative(concentration alpha: Double, draw: Double, logDraw: Double)
  -> Double
{
  let tiny = 1e-300
  let a = DualNumber(alpha, 1)
  var b = DualNumber(draw + 1) + DualNumber(-alpha, -1)
  var c = DualNumber(1 / tiny)
  var d = DualNumber(1) / b
  var fraction = d
  var i = 0.0
  while i < 100_000 {
    i += 1
    // The partial numerator −i(i − α) and denominator ε + 2i + 1 − α.
    let numerator = DualNumber(-i) * (DualNumber(i) + DualNumber(-a.value, -1))
    b = b + DualNumber(2)
    d = numerator * d + b
    if Swift.abs(d.value) < tiny { d.value = tiny }
    c = b + numerator / c
    if Swift.abs(c.value) < tiny { c.value = tiny }
    d = DualNumber(1) / d
    let delta = d * c
    fraction = fraction * delta
    if Swift.abs(delta.value - 1) <= 1e-16
      && Swift.abs(delta.derivative) <= 1e-16 * Swift.abs(fraction.derivative) + 1e-300
    {
      break
    }
  }
  return fraction.value * (logDraw - Double.digamma(alpha)) + fraction.derivative
}

extension Tensor {
  /// The log-gamma draws `self` (log ε for ε ~ Gamma(α, 1), α = `concentration`, both of the
  /// same shape) unchanged, with the implicit reparameterisation gradient: d/dα is
  /// d(log ε)/dα at fixed quantile, d/d(log ε) is 1.
  ///
  /// - Precondition: the shapes are equal.
  @inlinable
  @differentiable(reverse)
  func implicitLogGammaDraws(concentration: Tensor) -> Tensor {
    precondition(
      shape == concentration.shape,
      "implicitLogGammaDraws: draws \(shape) and concentration \(concentration.shape) differ")
    return self
  }

  @inlinable
  @derivative(of: implicitLogGammaDraws)
  func _vjpImplicitLogGammaDraws(concentration: Tensor) -> (
    value: Tensor, pullback: (Tensor) -> (Tensor, Tensor)
  ) {
    let logDraws = self.scalars
    let alphas = concentration.scalars
    let derivatives = Tensor(
      shape: shape,
      scalars: logDraws.indices.map { i in
        Scalar(
          standardGammaLogDrawDerivative(
            concentration: Double(alphas[i]), logDraw: Double(logDraws[i])))
      })
    let shape = self.shape
    return (
      implicitLogGammaDraws(concentration: concentration),
      { gradient in
        let gradient = gradient.broadcasted(to: shape)
        return (gradient, gradient * derivatives)
      }
    )
  }
}

/// Log-gamma draws log ε, ε ~ Gamma(α, 1), one per scalar of `concentration` (not
/// differentiable: see `implicitLogGammaDraws(concentration:)`).
@inlinable
func logGammaDraws<Scalar: TensorScalar>(
  concentration: Tensor<Scalar>, using generator: inout some RandomNumberGenerator
) -> Tensor<Scalar> {
  concentration.mappingScalars {
    Scalar(generator.nextLogGamma(concentration: Double($0)))
  }
}
