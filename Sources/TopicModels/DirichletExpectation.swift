import Foundation

/// The expectations of log-probabilities under Dirichlet distributions that mean-field LDA
/// needs in bulk, computed with plain loops over contiguous `Double` arrays.
///
/// For θ ~ Dirichlet(γ) with K components,
/// ```
/// E[log θ_k] = ψ(γ_k) − ψ(Σ_j γ_j)
/// ```
/// and the local step uses exp(E[log θ_k]) (Blei, Ng & Jordan 2003, eq. 6–7).
enum DirichletExpectation {
  /// ψ(x) for x > 0: the recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 6, then the asymptotic
  /// series
  /// ```
  /// ψ(x) ≈ log x − 1/(2x) − 1/(12x²) + 1/(120x⁴) − 1/(252x⁶) + 1/(240x⁸) − 1/(132x¹⁰)
  ///        + 691/(32760x¹²) − 1/(12x¹⁴)
  /// ```
  /// whose first omitted term is below 2·10⁻¹³ at x = 6. The concentrations of LDA are
  /// positive, so there is no reflection branch (TensorCore's `digamma` has one, for all x).
  @inline(__always)
  static func digamma(_ value: Double) -> Double {
    var x = value
    var result = 0.0
    while x < 6 {
      result -= 1 / x
      x += 1
    }
    let inverse = 1 / x
    let f = inverse * inverse
    let series =
      f
      * (1.0 / 12
        - f
        * (1.0 / 120
          - f * (1.0 / 252 - f * (1.0 / 240 - f * (1.0 / 132 - f * (691.0 / 32760 - f / 12))))))
    return result + Foundation.log(x) - 0.5 * inverse - series
  }

  /// log Γ(x).
  @inline(__always)
  static func logGamma(_ x: Double) -> Double { Foundation.lgamma(x) }

  /// Writes exp(ψ(γ_k) − ψ(Σ_j γ_j)) for the `count` components of one Dirichlet starting at
  /// `concentrations` to `result`.
  @inline(__always)
  static func exponentiated(
    _ concentrations: UnsafePointer<Double>, count: Int, into result: UnsafeMutablePointer<Double>
  ) {
    var total = 0.0
    for k in 0..<count { total += concentrations[k] }
    let shift = digamma(total)
    for k in 0..<count { result[k] = Foundation.exp(digamma(concentrations[k]) - shift) }
  }

  /// Writes ψ(γ_k) − ψ(Σ_j γ_j) for one Dirichlet to `result`.
  @inline(__always)
  static func logarithmic(
    _ concentrations: UnsafePointer<Double>, count: Int, into result: UnsafeMutablePointer<Double>
  ) {
    var total = 0.0
    for k in 0..<count { total += concentrations[k] }
    let shift = digamma(total)
    for k in 0..<count { result[k] = digamma(concentrations[k]) - shift }
  }
}
