import TensorCore

/// The domain a distribution parameter's scalars must lie in, checked by `validated()`.
public enum ParameterDomain: Sendable {
  /// Any finite real (not NaN or ±∞).
  case finite
  /// Positive and finite.
  case positive
  /// 0, 1, 2, … (as a floating-point scalar).
  case nonNegativeInteger

  /// The rule in words, as ``InvalidParameterError/requirement`` reports it.
  public var requirement: String {
    switch self {
    case .finite: return "finite"
    case .positive: return "positive and finite"
    case .nonNegativeInteger: return "a non-negative integer"
    }
  }

  /// Whether `x` lies in the domain.
  public func contains<Scalar: TensorScalar>(_ x: Scalar) -> Bool {
    switch self {
    case .finite: return x.isFinite
    case .positive: return x.isFinite && x > 0
    case .nonNegativeInteger: return x.isFinite && x >= 0 && x.rounded() == x
    }
  }
}
