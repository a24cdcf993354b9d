import RealModule
import _Differentiation

// The log of the standard normal CDF, accurate from one tail to the other: the building block
// of normal log CDFs and complementary CDFs (Stan's `normal_lcdf` and `normal_lccdf`), used by
// censored and truncated likelihoods.

/// log Φ(x), elementwise, for the standard normal CDF Φ(x) = ½ erfc(−x/√2): finite wherever
/// x is, in both tails (log Φ(−40) = −804.608…, where Φ itself underflows; log Φ(10) =
/// −7.6e-24, where 1 − Φ would round to 0). SciPy calls it `log_ndtr`.
///
/// Evaluated in `Double` in three ranges, with z = −x/√2:
/// ```
/// x ≥ 0:          log Φ(x) = log1p(−½ erfc(x/√2))
/// −4√2 < x < 0:    log Φ(x) = log(½ erfc(z))
/// x ≤ −4√2:        log Φ(x) = log(½ erfcx(z)) − x²/2,   erfcx(z) = e^{z²} erfc(z),
/// ```
/// where the scaled erfcx(z) comes from the continued fraction of erfc (Abramowitz & Stegun
/// 7.1.14), 30 terms, accurate to a few ulp for z ≥ 4:
/// ```
/// √π erfcx(z) = 1/(z + (1/2)/(z + (2/2)/(z + (3/2)/(z + …)))).
/// ```
///
/// The derivative is the ratio d log Φ(x)/dx = φ(x)/Φ(x) (the inverse Mills ratio of −x),
/// computed as exp(log φ(x) − log Φ(x)), and as √(2/π)/erfcx(z) in the lower tail, where it
/// approaches −x.
@inlinable
@differentiable(reverse)
public func standardNormalLogCDF<Scalar>(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
  x._map { Scalar(_logStandardNormalCDF(Double($0))) }
}

@inlinable
@derivative(of: standardNormalLogCDF)
func _vjpStandardNormalLogCDF<Scalar>(_ x: Tensor<Scalar>) -> (
  value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> Tensor<Scalar>
) {
  let y = standardNormalLogCDF(x)
  return (
    y,
    { g in
      .pullbackMap(g, x, y) { g, x, y in
        g * Scalar(_standardNormalCDFRatio(Double(x), logCDF: Double(y)))
      }
    }
  )
}

/// Where the lower tail switches from erfc to the continued fraction of erfcx: z = −x/√2 ≥ 4.
@inlinable
var _lowerTailThreshold: Double { -4 * Double.sqrt(2) }

/// log Φ(x) in `Double` (see ``standardNormalLogCDF(_:)``).
@inlinable
func _logStandardNormalCDF(_ x: Double) -> Double {
  if x.isNaN { return .nan }
  if x >= 0 { return Double.log(onePlus: -0.5 * Double.erfc(x / Double.sqrt(2))) }
  if x > _lowerTailThreshold { return Double.log(0.5 * Double.erfc(-x / Double.sqrt(2))) }
  return Double.log(0.5 * _scaledComplementaryErrorFunction(-x / Double.sqrt(2))) - x * x / 2
}

/// φ(x)/Φ(x) = d log Φ(x)/dx, given log Φ(x).
@inlinable
func _standardNormalCDFRatio(_ x: Double, logCDF: Double) -> Double {
  if x > _lowerTailThreshold || x.isNaN {
    return Double.exp(-x * x / 2 - Double.log(2 * Double.pi) / 2 - logCDF)
  }
  // φ(x)/Φ(x) = (e^{−z²}/√(2π)) / (½ e^{−z²} erfcx(z)) with z = −x/√2.
  return Double.sqrt(2 / Double.pi) / _scaledComplementaryErrorFunction(-x / Double.sqrt(2))
}

/// erfcx(z) = e^{z²} erfc(z) for z ≥ 4, by 30 terms of the continued fraction
/// √π erfcx(z) = 1/(z + (1/2)/(z + (2/2)/(z + …))), evaluated from the innermost term out.
@inlinable
func _scaledComplementaryErrorFunction(_ z: Double) -> Double {
  var denominator = z
  var n = 30
  while n > 0 {
    denominator = z + Double(n) / 2 / denominator
    n -= 1
  }
  return 1 / (Double.sqrt(Double.pi) * denominator)
}
