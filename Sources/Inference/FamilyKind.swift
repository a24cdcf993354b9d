import TensorCore

/// The built-in variational families, chosen at run time (e.g. from a command-line flag).
public enum FamilyKind: Hashable, Sendable, CustomStringConvertible {
  /// ``MeanFieldGaussian``: independent normals, 2D parameters.
  case meanField
  /// ``FullRankGaussian``: a full covariance through its Cholesky factor, D + D(D+1)/2
  /// parameters.
  case fullRank
  /// ``LowRankGaussian``: covariance FFᵀ + diag(d²) with F of rank r, D(r + 2) parameters.
  case lowRank(rank: Int)

  /// "meanfield", "fullrank" or "lowrank(r)".
  public var description: String {
    switch self {
    case .meanField: return "meanfield"
    case .fullRank: return "fullrank"
    case .lowRank(let rank): return "lowrank(\(rank))"
    }
  }

  /// Checks the family against a model of dimension D.
  func validate(dimension: Int) throws(InferenceError) {
    if case .lowRank(let rank) = self, rank < 1 || rank > dimension {
      throw .invalidOptions(
        "the low-rank family needs 1 ≤ rank ≤ D = \(dimension) (the number of unconstrained "
          + "parameters), not \(rank)")
    }
  }
}
