import RealModule

/// The mode of log p̃ over the unconstrained space and the curvature there: the Laplace
/// approximation N(ζ̂, H⁻¹), H = −∇²log p̃(ζ̂), from which the deterministic fit starts and
/// which sets its coordinates.
///
/// Damped Newton iterations (Levenberg–Marquardt: H + λ diag|H|, λ raised until the step
/// decreases −log p̃ by Armijo's rule, lowered after each success), with the Hessian from
/// central differences of the gradient. Newton's method is affine invariant, so parameters on
/// wildly different scales (earnings in dollars next to a log noise scale) converge as fast as
/// standardised ones, which is where first-order methods such as Adam or L-BFGS crawl. The
/// 2D perturbed points of a Hessian go through the log joint as one batch of draws.
///
/// Each difference step is set from a first pass to 1% of the local standard deviation
/// 1/√Hⱼⱼ, so that the finite differences see the curvature at the scale of the posterior.
struct ModeSearch {
  /// The most Newton iterations.
  var maxIterations = 200
  /// Stop when the Newton decrement gᵀH⁻¹g/2, the predicted gain in nats, is below this.
  var decrementTolerance = 1e-10

  struct Outcome {
    /// ζ̂, where the search stopped.
    var point: [Double]
    /// log p̃(ζ̂).
    var logDensity: Double
    /// H = −∇²log p̃ at ζ̂, made positive definite (by the damping of the last step) if it
    /// was not.
    var hessian: SquareMatrix
    /// Whether the Newton decrement fell below the tolerance at a positive-definite H.
    var converged: Bool
    var iterations: Int
    /// Rows of log p̃ and its gradient evaluated (one per point, 2D per Hessian).
    var gradientEvaluations: Int
  }

  /// Searches from `start` (where log p̃ is finite).
  func run(_ objective: VariationalObjective, from start: [Double]) -> Outcome {
    let d = start.count
    var negativeLogDensity = CountingNegativeLogDensity(objective: objective, dimension: d)
    var x = start
    var (f, g) = negativeLogDensity([x])[0]
    var lambda = 0.0
    var iteration = 0
    var converged = false
    var h = Self.hessian(at: x, of: &negativeLogDensity)
    while iteration < maxIterations {
      iteration += 1
      let step = newtonStep(
        from: x, value: f, gradient: g, hessian: h, lambda: &lambda, of: &negativeLogDensity)
      guard case .moved(let point, let value, let gradient) = step else {
        converged = step == .converged
        break
      }
      (x, f, g) = (point, value, gradient)
      h = Self.hessian(at: x, of: &negativeLogDensity)
    }
    if !h.isFinite { h = SquareMatrix(identity: d) }
    if h.choleskyFactor() == nil, let (_, used) = Self.damped(h, from: 0) {
      let scales = h.diagonal.map { Swift.max(Swift.abs($0), 1e-12) }
      for i in 0..<d { h[i, i] += used * scales[i] }
      converged = false
    }
    return Outcome(
      point: x, logDensity: -f, hessian: h, converged: converged, iterations: iteration,
      gradientEvaluations: negativeLogDensity.evaluations)
  }

  /// What one damped Newton iteration did.
  private enum NewtonStep: Equatable {
    /// The Newton decrement at an undamped, positive-definite H is below the tolerance.
    case converged
    /// A step along the damped direction met Armijo's rule: the new point, −log p̃ and its
    /// gradient there.
    case moved(point: [Double], value: Double, gradient: [Double])
    /// No damping up to 10¹² gave a step that decreases −log p̃.
    case stuck
  }

  /// One damped Newton iteration from x (where −log p̃ is `value` with `gradient`, and H is
  /// `hessian`): the direction −(H + λ diag|H|)⁻¹g for the smallest workable λ from `lambda`
  /// on, a backtracking line search along it, and λ raised tenfold after a failed search, or
  /// lowered tenfold (to 0 below 10⁻⁶) after a successful one, for the next iteration.
  private func newtonStep(
    from x: [Double], value f: Double, gradient g: [Double], hessian h: SquareMatrix,
    lambda: inout Double, of negativeLogDensity: inout CountingNegativeLogDensity
  ) -> NewtonStep {
    while let (factor, used) = Self.damped(h, from: lambda) {
      let direction = factor.solveLowerTransposed(factor.solveLower(g)).map { -$0 }
      let slope = dot(direction, g)
      if used == 0 && -slope / 2 < decrementTolerance { return .converged }
      if let moved = Self.lineSearch(
        from: x, value: f, direction: direction, slope: slope, of: &negativeLogDensity)
      {
        lambda = used < 1e-6 ? 0 : used / 10
        return .moved(point: moved.point, value: moved.value, gradient: moved.gradient)
      }
      lambda = used == 0 ? 1e-4 : used * 10
      if lambda > 1e12 { break }
    }
    return .stuck
  }

  /// Backtracking along `direction` from x (step 1, halved up to 30 times) to the first point
  /// where −log p̃ and its gradient are finite and Armijo's rule holds:
  /// f(x + t·p) ≤ f(x) + 10⁻⁴·t·gᵀp. Nil if none does.
  private static func lineSearch(
    from x: [Double], value f: Double, direction: [Double], slope: Double,
    of negativeLogDensity: inout CountingNegativeLogDensity
  ) -> (point: [Double], value: Double, gradient: [Double])? {
    var step = 1.0
    for _ in 0..<30 {
      let trial = zip(x, direction).map { $0 + step * $1 }
      let result = negativeLogDensity([trial])[0]
      if result.value.isFinite && result.gradient.allSatisfy(\.isFinite)
        && result.value <= f + 1e-4 * step * slope
      {
        return (trial, result.value, result.gradient)
      }
      step /= 2
    }
    return nil
  }

  /// H = −∇²log p̃ at x by central differences of the gradient, symmetrised. The steps start
  /// at 10⁻⁴·max(1, |xⱼ|) and, after a first pass, are set to 1% of the local standard
  /// deviation 1/√Hⱼⱼ where that differs from them by more than a factor 4 (then a second
  /// pass). The 2D points of a pass go through the log joint as one batch.
  private static func hessian(
    at x: [Double], of negativeLogDensity: inout CountingNegativeLogDensity
  ) -> SquareMatrix {
    let d = x.count
    var steps = x.map { 1e-4 * Swift.max(1, Swift.abs($0)) }
    var h = SquareMatrix(zeros: d)
    for pass in 0..<2 {
      var points: [[Double]] = []
      for j in 0..<d {
        var up = x
        up[j] += steps[j]
        var down = x
        down[j] -= steps[j]
        points.append(up)
        points.append(down)
      }
      let results = negativeLogDensity(points)
      for j in 0..<d {
        let (up, down) = (results[2 * j].gradient, results[2 * j + 1].gradient)
        for i in 0..<d { h[i, j] = (up[i] - down[i]) / (2 * steps[j]) }
      }
      guard pass == 0 else { break }
      var refined = false
      for j in 0..<d where h[j, j] > 0 && h[j, j].isFinite {
        let step = 0.01 / h[j, j].squareRoot()
        if step < steps[j] / 4 || step > steps[j] * 4 {
          steps[j] = step
          refined = true
        }
      }
      if !refined { break }
    }
    return h.symmetrized
  }

  /// The damped matrix H + λ diag|H| and its Cholesky factor, for the smallest λ of the
  /// sequence 0, λ₀, 10λ₀, … that makes it positive definite.
  private static func damped(_ h: SquareMatrix, from lambda: Double) -> (SquareMatrix, Double)? {
    let d = h.size
    let scales = h.diagonal.map { Swift.max(Swift.abs($0), 1e-12) }
    var lambda = lambda
    for _ in 0..<40 {
      var matrix = h
      for i in 0..<d { matrix[i, i] += lambda * scales[i] }
      if matrix.isFinite, let factor = matrix.choleskyFactor() { return (factor, lambda) }
      lambda = lambda == 0 ? 1e-6 : lambda * 10
    }
    return nil
  }
}

/// −log p̃ and its gradient at a batch of points of the unconstrained space, counting the
/// points evaluated.
private struct CountingNegativeLogDensity {
  let objective: VariationalObjective
  let dimension: Int
  /// The points evaluated so far.
  var evaluations = 0

  init(objective: VariationalObjective, dimension: Int) {
    self.objective = objective
    self.dimension = dimension
  }

  mutating func callAsFunction(_ points: [[Double]]) -> [(value: Double, gradient: [Double])] {
    let d = dimension
    evaluations += points.count
    let (values, gradients) = objective.logDensitiesAndGradients(
      rows: points.flatMap { $0 }, count: points.count)
    return values.indices.map { r in
      (-values[r], gradients[(r * d)..<((r + 1) * d)].map { -$0 })
    }
  }
}
