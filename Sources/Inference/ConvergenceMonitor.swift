import TensorCore

/// Stan's convergence rule for ADVI (Kucukelbir et al. 2017, section 3.3; Stan's
/// `stochastic_gradient_ascent`): every `evalEvery` iterations the ELBO is estimated, its
/// relative change
/// ```
/// Δₜ = |ELBOₜ − ELBOₜ₋₁| / |ELBOₜ|,     ELBO₀ = 0 (so Δ₁ = 1, as in Stan)
/// ```
/// is pushed into a circular buffer of the last `windowSize` changes, and the optimisation
/// stops when the mean or the median of the buffer falls below `tolerance`. The median is the
/// robust one: it fires once more than half of the recent changes are small.
public struct ConvergenceMonitor: Hashable, Sendable {
  /// The relative tolerance, Stan's `tol_rel_obj` (default 0.01).
  public let tolerance: Double
  /// The size of the circular buffer of relative changes.
  public let windowSize: Int
  /// The changes in the buffer, oldest first.
  public private(set) var relativeChanges: [Double] = []
  /// The last ELBO recorded (0 before the first, as in Stan).
  public private(set) var previousELBO = 0.0

  /// A monitor with the given tolerance and window.
  ///
  /// - Precondition: `windowSize ≥ 1`.
  public init(tolerance: Double, windowSize: Int) {
    userPrecondition(windowSize >= 1, "ConvergenceMonitor: windowSize \(windowSize) must be ≥ 1")
    self.tolerance = tolerance
    self.windowSize = windowSize
  }

  /// Stan's default window: max(0.1 · maxIterations / evalEvery, 2) evaluations.
  public static func defaultWindowSize(maxIterations: Int, evalEvery: Int) -> Int {
    Swift.max(Int(0.1 * Double(maxIterations) / Double(evalEvery)), 2)
  }

  /// What one evaluation found.
  public struct Check: Hashable, Sendable {
    /// Δₜ of this evaluation.
    public var relativeChange: Double
    /// The mean of the buffer.
    public var meanRelativeChange: Double
    /// The median of the buffer.
    public var medianRelativeChange: Double
    /// Whether the mean or the median is below the tolerance.
    public var converged: Bool
  }

  /// Records the ELBO of an evaluation and applies the rule.
  public mutating func record(elbo: Double) -> Check {
    let change = Swift.abs((elbo - previousELBO) / elbo)
    previousELBO = elbo
    relativeChanges.append(change.isNaN ? .infinity : change)
    if relativeChanges.count > windowSize { relativeChanges.removeFirst() }
    let mean = relativeChanges.reduce(0, +) / Double(relativeChanges.count)
    let median = Self.median(relativeChanges)
    return Check(
      relativeChange: change, meanRelativeChange: mean, medianRelativeChange: median,
      converged: mean < tolerance || median < tolerance)
  }

  static func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
  }
}
