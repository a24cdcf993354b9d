/// Limited-memory BFGS (Liu & Nocedal 1989, "On the limited memory BFGS method for large scale
/// optimization", Math. Programming 45; Nocedal & Wright 2006, "Numerical Optimization",
/// algorithms 7.4 and 7.5) with a line search for the strong Wolfe conditions (ibid.,
/// algorithms 3.5 and 3.6), for smooth deterministic objectives such as the ELBO on fixed
/// draws.
///
/// A point where the objective is not finite (a rejected draw of q, say) counts as a step too
/// far: the line search shortens the step.
struct LBFGSMinimizer {
  /// The number of curvature pairs kept.
  var memory = 10
  /// Stop when every component of the gradient is at most this in magnitude.
  var gradientTolerance: Double
  /// When the line search finds no lower point (the objective is flat to its floating-point
  /// resolution), the minimisation still counts as converged if every gradient component is
  /// at most this.
  var resolutionTolerance = 1e-4
  /// The most iterations.
  var maxIterations: Int
  /// Sufficient decrease (c₁) and curvature (c₂) constants of the Wolfe conditions.
  var sufficientDecrease = 1e-4
  var curvature = 0.9

  /// Where and why a minimisation stopped.
  struct Outcome {
    var point: [Double]
    var value: Double
    var gradient: [Double]
    var iterations: Int
    /// Objective evaluations, the line searches' included.
    var evaluations: Int
    /// Whether the gradient tolerance was met.
    var converged: Bool
    /// Trial points where the objective was not finite.
    var rejectedPoints: Int
  }

  /// The objective's value and gradient at a point.
  typealias Objective = ([Double]) -> (value: Double, gradient: [Double])

  /// Minimises `objective` from `start`, calling `observe` after each iteration with the
  /// iteration number and the value.
  func minimize(
    from start: [Double], _ objective: Objective, observe: (Int, Double) -> Void = { _, _ in }
  ) -> Outcome {
    var evaluations = 0
    var rejected = 0
    func evaluate(_ x: [Double]) -> (value: Double, gradient: [Double]) {
      evaluations += 1
      let result = objective(x)
      if !result.value.isFinite || !result.gradient.allSatisfy(\.isFinite) {
        rejected += 1
        return (.infinity, result.gradient)
      }
      return result
    }
    var x = start
    var (f, g) = evaluate(x)
    var steps: [[Double]] = []
    var changes: [[Double]] = []
    var iteration = 0
    func outcome(converged: Bool) -> Outcome {
      Outcome(
        point: x, value: f, gradient: g, iterations: iteration, evaluations: evaluations,
        converged: converged, rejectedPoints: rejected)
    }
    guard f.isFinite else { return outcome(converged: false) }
    while iteration < maxIterations {
      if maximumMagnitude(g) <= gradientTolerance { return outcome(converged: true) }
      iteration += 1
      var direction = searchDirection(gradient: g, steps: steps, changes: changes)
      var slope = dot(direction, g)
      if !(slope < 0) {
        // Not a descent direction (lost curvature information): restart along −g.
        steps.removeAll()
        changes.removeAll()
        direction = g.map { -$0 }
        slope = dot(direction, g)
      }
      let initialStep = steps.isEmpty ? Swift.min(1, 1 / Swift.max(maximumMagnitude(g), 1e-300)) : 1
      guard
        let (step, next) = lineSearch(
          from: x, value: f, slope: slope, direction: direction, initialStep: initialStep,
          evaluate: evaluate)
      else { return outcome(converged: maximumMagnitude(g) <= resolutionTolerance) }
      let s = direction.map { $0 * step }
      let y = zip(next.gradient, g).map { $0 - $1 }
      x = zip(x, s).map { $0 + $1 }
      let previous = f
      (f, g) = next
      observe(iteration, f)
      let sy = dot(s, y)
      if sy > 1e-12 * (dot(s, s).squareRoot() * dot(y, y).squareRoot()) {
        steps.append(s)
        changes.append(y)
        if steps.count > memory {
          steps.removeFirst()
          changes.removeFirst()
        }
      }
      // No change left at the objective's floating-point resolution.
      if previous - f <= 1e-15 * Swift.max(Swift.abs(f), 1) && maximumMagnitude(s) == 0 {
        return outcome(converged: maximumMagnitude(g) <= resolutionTolerance)
      }
    }
    return outcome(converged: maximumMagnitude(g) <= gradientTolerance)
  }

  /// −H g by the two-loop recursion, H the L-BFGS inverse-Hessian estimate scaled by sᵀy/yᵀy
  /// of the newest pair.
  func searchDirection(gradient: [Double], steps: [[Double]], changes: [[Double]]) -> [Double] {
    var q = gradient
    var alphas = [Double](repeating: 0, count: steps.count)
    for k in steps.indices.reversed() {
      let rho = 1 / dot(changes[k], steps[k])
      alphas[k] = rho * dot(steps[k], q)
      for i in q.indices { q[i] -= alphas[k] * changes[k][i] }
    }
    if let s = steps.last, let y = changes.last {
      let gamma = dot(s, y) / dot(y, y)
      for i in q.indices { q[i] *= gamma }
    }
    for k in steps.indices {
      let rho = 1 / dot(changes[k], steps[k])
      let beta = rho * dot(changes[k], q)
      for i in q.indices { q[i] += (alphas[k] - beta) * steps[k][i] }
    }
    return q.map { -$0 }
  }

  /// A step length satisfying the strong Wolfe conditions along `direction`, and the value and
  /// gradient there; nil when none was found within the trial budget.
  func lineSearch(
    from x: [Double], value f0: Double, slope g0: Double, direction: [Double],
    initialStep: Double, evaluate: ([Double]) -> (value: Double, gradient: [Double])
  ) -> (Double, (value: Double, gradient: [Double]))? {
    func phi(_ step: Double) -> (value: Double, gradient: [Double], slope: Double) {
      let point = zip(x, direction).map { $0 + step * $1 }
      let result = evaluate(point)
      return (result.value, result.gradient, result.value.isFinite ? dot(result.gradient, direction) : .nan)
    }
    var best: (Double, (value: Double, gradient: [Double]))?
    func zoom(
      _ low: (step: Double, value: Double, slope: Double),
      _ high: (step: Double, value: Double, slope: Double)
    ) -> (Double, (value: Double, gradient: [Double]))? {
      var (low, high) = (low, high)
      for _ in 0..<40 {
        var trial = (low.step + high.step) / 2
        if high.value.isFinite {
          // The minimiser of the quadratic through low's value and slope and high's value.
          let width = high.step - low.step
          let curvature = (high.value - low.value - low.slope * width) / (width * width)
          if curvature > 0 {
            let candidate = low.step - low.slope / (2 * curvature)
            let lower = Swift.min(low.step, high.step)
            let upper = Swift.max(low.step, high.step)
            let margin = 0.1 * (upper - lower)
            if candidate > lower + margin && candidate < upper - margin { trial = candidate }
          }
        }
        let result = phi(trial)
        if !(result.value <= f0 + sufficientDecrease * trial * g0) || result.value >= low.value {
          high = (trial, result.value, result.slope)
        } else {
          if best == nil || result.value < best!.1.value {
            best = (trial, (result.value, result.gradient))
          }
          if Swift.abs(result.slope) <= -curvature * g0 {
            return (trial, (result.value, result.gradient))
          }
          if result.slope * (high.step - low.step) >= 0 { high = low }
          low = (trial, result.value, result.slope)
        }
        if Swift.abs(high.step - low.step) <= 1e-16 * Swift.max(Swift.abs(low.step), 1e-300) {
          break
        }
      }
      return best
    }
    var previous = (step: 0.0, value: f0, slope: g0)
    var step = initialStep
    for trialIndex in 0..<60 {
      let result = phi(step)
      if !(result.value <= f0 + sufficientDecrease * step * g0)
        || (trialIndex > 0 && result.value >= previous.value)
      {
        return zoom(previous, (step, result.value, result.slope))
      }
      if best == nil || result.value < best!.1.value {
        best = (step, (result.value, result.gradient))
      }
      if Swift.abs(result.slope) <= -curvature * g0 {
        return (step, (result.value, result.gradient))
      }
      if result.slope >= 0 {
        return zoom((step, result.value, result.slope), previous)
      }
      previous = (step, result.value, result.slope)
      step *= 2
    }
    return best
  }
}

/// Σᵢ aᵢbᵢ.
func dot(_ a: [Double], _ b: [Double]) -> Double {
  var sum = 0.0
  for i in a.indices { sum += a[i] * b[i] }
  return sum
}

/// maxᵢ |aᵢ|.
func maximumMagnitude(_ a: [Double]) -> Double {
  var largest = 0.0
  for x in a { largest = Swift.max(largest, Swift.abs(x)) }
  return largest
}
