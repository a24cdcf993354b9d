/// The support of a model parameter, and with it the bijector that maps the unconstrained
/// space ADVI works in onto that support (Kucukelbir et al. 2017, "Automatic differentiation
/// variational inference", JMLR 18(14), section 2.3; the transforms are those of the Stan
/// reference manual).
///
/// | constraint | x = T(ζ) | log \|det ∂x/∂ζ\| |
/// |---|---|---|
/// | `real` | ζ | 0 |
/// | `positive` | exp ζ | ζ |
/// | `greaterThan(a)` | a + exp ζ | ζ |
/// | `lessThan(b)` | b − exp ζ | ζ |
/// | `interval(a, b)` | a + (b − a) σ(ζ) | log(b − a) + log σ(ζ) + log σ(−ζ) |
/// | `unitInterval` | σ(ζ) | log σ(ζ) + log σ(−ζ) |
/// | `simplex` | stick-breaking, K − 1 → K | Σₖ log zₖ + log(1 − zₖ) + log rₖ |
///
/// σ is the logistic function, evaluated as `sigmoid`, and log σ as `logSigmoid` (−softplus(−ζ)),
/// which stay finite for every finite ζ. Positive constraints use exp, as Stan does. The
/// unconstrained value ζ = 0 maps to 1 (`positive`), a + 1, b − 1, the midpoint of an interval
/// and the uniform simplex.
///
/// The simplex of K components is reached from K − 1 unconstrained values by stick-breaking
/// (Stan's parameterisation):
/// ```
/// zₖ = σ(ζₖ − log(K − k)),   xₖ = rₖ zₖ,   rₖ = 1 − Σ_{j<k} xⱼ = Π_{j<k} (1 − zⱼ),
/// x_K = r_K,                  k = 1, …, K − 1,
/// ```
/// computed in log space, log rₖ being a running sum of log(1 − zⱼ)
/// (`cumulativeSum(alongAxis:)`).
/// The Jacobian of (x₁, …, x_{K−1}) is triangular with diagonal rₖ zₖ (1 − zₖ).
public enum Constraint: Hashable, Sendable, CustomStringConvertible {
  /// Any real number: the identity.
  case real
  /// x > 0, through exp.
  case positive
  /// x > lower bound, through a + exp ζ.
  case greaterThan(Double)
  /// x < upper bound, through b − exp ζ.
  case lessThan(Double)
  /// lower < x < upper, through a + (b − a) σ(ζ).
  case interval(lower: Double, upper: Double)
  /// 0 < x < 1, through σ(ζ).
  case unitInterval
  /// A vector of K ≥ 2 positive components that sum to 1, from K − 1 unconstrained values by
  /// stick-breaking. The parameter's shape must be `[K]`.
  case simplex

  /// How the constraint reads in messages and tables, e.g. `interval(0.0, 1.0)`.
  public var description: String {
    switch self {
    case .real: return "real"
    case .positive: return "positive"
    case .greaterThan(let a): return "greaterThan(\(a))"
    case .lessThan(let b): return "lessThan(\(b))"
    case .interval(let a, let b): return "interval(\(a), \(b))"
    case .unitInterval: return "unitInterval"
    case .simplex: return "simplex"
    }
  }

  /// Whether the bijector is the identity, so that it can be skipped.
  public var isIdentity: Bool { self == .real }

  /// The number of unconstrained scalars behind `count` constrained ones: K − 1 for a simplex
  /// of K components, `count` otherwise.
  public func unconstrainedCount(forConstrainedCount count: Int) -> Int {
    self == .simplex ? count - 1 : count
  }

  /// Whether `x` lies in the support (a simplex is checked as a whole by
  /// ``containsSimplex(_:)``; here only each component's range).
  public func contains(_ x: Double) -> Bool {
    guard x.isFinite else { return false }
    switch self {
    case .real: return true
    case .positive: return x > 0
    case .greaterThan(let a): return x > a
    case .lessThan(let b): return x < b
    case .interval(let a, let b): return x > a && x < b
    case .unitInterval: return x > 0 && x < 1
    case .simplex: return x > 0 && x < 1
    }
  }

  /// Whether `values` is a point of the open simplex: positive components summing to 1
  /// within 1e-8.
  public static func containsSimplex(_ values: [Double]) -> Bool {
    values.count >= 2 && values.allSatisfy { $0 > 0 && $0.isFinite }
      && Swift.abs(values.reduce(0, +) - 1) <= 1e-8
  }

  /// Why the constraint cannot apply to a parameter of `shape`, or nil when it can.
  public func problem(forShape shape: [Int]) -> String? {
    switch self {
    case .simplex:
      if shape.count != 1 || shape[0] < 2 {
        return "a simplex needs a shape [K] with K ≥ 2, not \(shape)"
      }
    case .interval(let a, let b):
      if !(a.isFinite && b.isFinite && a < b) {
        return "interval(\(a), \(b)) needs finite bounds with lower < upper"
      }
    case .greaterThan(let a) where !a.isFinite:
      return "greaterThan(\(a)) needs a finite bound"
    case .lessThan(let b) where !b.isFinite:
      return "lessThan(\(b)) needs a finite bound"
    default:
      break
    }
    return nil
  }
}
