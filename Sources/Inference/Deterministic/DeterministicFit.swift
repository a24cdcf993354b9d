import RealModule
import TensorCore

/// The default fit (``FitAlgorithm/deterministic``): a Gaussian q that maximises the ELBO to a
/// tight tolerance on fixed draws, with as many draws as it takes for the answer to stop
/// moving.
///
/// 1. **Mode and curvature.** Damped Newton iterations find the mode ζ̂ of log p̃ and
///    H = −∇²log p̃(ζ̂) (``ModeSearch``): the Laplace approximation N(ζ̂, H⁻¹), which puts q at
///    the right location and scale in a few dozen gradient evaluations per dimension, as
///    Pathfinder's approximations do (Zhang, Carpenter, Gelman & Vehtari 2022, "Pathfinder:
///    parallel quasi-Newton variational inference", JMLR 23(306)).
/// 2. **The ELBO on fixed draws** (DADVI: Giordano, Ingram & Broderick 2024; Burroni, Domke &
///    Sheldon 2024): M whitened antithetic draws (``WhitenedNoise``) make the ELBO a
///    deterministic function (``SampleAverageELBO``), written in the coordinates of the
///    Laplace approximation and maximised by L-BFGS (``LBFGSMinimizer``) until every gradient
///    component is below 10⁻⁶.
/// 3. **Enough draws.** A second, independent set of M draws is fitted too; half the
///    difference between the two answers estimates the Monte-Carlo error of a fit on both sets
///    together (2M draws), which is fitted next. While that error exceeds
///    ``FitOptions/monteCarloTolerance`` (in posterior standard deviations of q) the draws
///    double, up to ``FitOptions/maxDraws``.
///
/// Stan's stochastic ADVI stops by a relative change of noisy ELBO estimates, which fires long
/// before q reaches the optimum when the parameters are far from the origin or on different
/// scales (Yao, Vehtari, Simpson & Gelman 2018, "Yes, but did it work?", ICML; Dhaka et al.
/// 2020, "Robust, accurate stochastic optimization for variational inference", NeurIPS).
/// Here "converged" means that every L-BFGS run met its gradient tolerance and the draws met
/// the Monte-Carlo tolerance.
func runDeterministicFit(
  _ objective: VariationalObjective, shape: SampleAverageELBO.Shape, familyName: String,
  options: FitOptions, derive: @escaping (ParameterValues) -> [DerivedQuantity],
  progress: (FitProgress) -> Void
) throws(InferenceError) -> VariationalFit {
  let stopwatch = Stopwatch()
  var generator = Xoshiro256StarStar(seed: options.seed)
  let d = objective.layout.dimension
  let point = try initialPoint(objective.layout, options.initialization, using: &generator)
  try objective.checkInitialPoint(point)
  try objective.checkDerivedQuantities(derive, at: point)
  var warnings: [String] = []

  // 1. The Laplace approximation.
  let mode = ModeSearch().run(objective, from: point)
  progress(
    FitProgress(
      phase: .modeSearch, iteration: mode.iterations, maxIterations: mode.iterations,
      elbo: mode.logDensity, learningRate: 0, elapsedSeconds: stopwatch.seconds))
  if !mode.converged {
    warnings.append(
      "the search for the mode of log p̃ stopped after \(mode.iterations) Newton iterations "
        + "without converging (the posterior may have no mode, e.g. a funnel, or a flat "
        + "direction); q started from where it stopped")
  }
  let hessian = mode.hessian
  let covariance = hessian.choleskyFactor()?.inverseFromCholeskyFactor()
  let scales = hessian.diagonal.map { 1 / $0.squareRoot() }
  let factor = covariance?.choleskyFactor() ?? SquareMatrix(diagonal: scales)

  // 2. The ELBO on fixed draws, maximised.
  let pairs = options.draws.map { ($0 + 1) / 2 } ?? Swift.max(16, d + Swift.min(d, 50))
  let maxRows = Swift.max(options.maxDraws ?? 128 * pairs, 2 * pairs)
  var sets = [WhitenedNoise(pairs: pairs, dimension: d, using: &generator)]
  var runs = FixedDrawsOptimization(
    elbo: SampleAverageELBO(
      objective: objective, shape: shape, centre: mode.point, factor: factor, scales: scales,
      noise: sets[0].rows),
    minimizer: LBFGSMinimizer(
      gradientTolerance: 1e-6, maxIterations: Swift.min(options.maxIterations, 10_000)),
    stopwatch: stopwatch)
  let start = runs.elbo.referenceVariables
  let first = try runs.optimize(from: start, noise: sets[0].rows, progress: progress)

  // 3. More draws until the answer stops moving.
  let refined = try addDraws(
    to: &sets, from: first, maxRows: maxRows, runs: &runs, options: options,
    using: &generator, progress: progress)
  if let warning = refined.warning { warnings.append(warning) }
  warnings += runs.warnings

  let family = runs.elbo.family(refined.variables)
  let noise = Tensor<Double>(
    randomNormal: [options.finalELBOSamples, d], using: &generator)
  let estimate = objective.estimateELBO(family, noise: noise)
  if !estimate.value.isFinite {
    warnings.append(
      "the final ELBO estimate is \(estimate.value): some draws of q have a log joint that is "
        + "not finite")
  }
  return VariationalFit(
    layout: objective.layout, approximation: family, familyName: familyName, elbo: estimate,
    iterations: runs.iterations,
    gradientEvaluations: mode.gradientEvaluations + runs.elbo.gradientEvaluations,
    converged: runs.unconverged.runs == 0 && refined.largestError <= options.monteCarloTolerance,
    learningRate: 0, adaptation: nil, trace: [], averagedIterations: 0, warnings: warnings,
    seconds: stopwatch.seconds, seed: options.seed, algorithm: .deterministic,
    drawCount: WhitenedNoise(concatenating: sets).count,
    monteCarloStandardErrors: refined.standardErrors, objective: objective, derive: derive)
}

/// Phase 3 of the deterministic fit: fits a fresh, independent draw set as large as all of
/// `sets` together, estimates the Monte-Carlo error from the two answers, then fits on both
/// (from their average), doubling the draws until the error is within
/// ``FitOptions/monteCarloTolerance`` or the next round would pass `maxRows` draws.
///
/// - Returns: the variables of the fit on every set, the estimated error (largest over the
///   coordinates, in q's standard deviations), the standard errors of the constrained means,
///   and a warning when the draws ran out first.
private func addDraws(
  to sets: inout [WhitenedNoise], from start: [Double], maxRows: Int,
  runs: inout FixedDrawsOptimization,
  options: FitOptions, using generator: inout Xoshiro256StarStar,
  progress: (FitProgress) -> Void
) throws(InferenceError) -> (
  variables: [Double], largestError: Double, standardErrors: [Double], warning: String?
) {
  let objective = runs.elbo.objective
  let d = objective.layout.dimension
  var variables = start
  var standardErrors = [Double](repeating: .nan, count: objective.layout.elementNames.count)
  var largestError = Double.infinity
  while true {
    let union = WhitenedNoise(concatenating: sets)
    let fresh = WhitenedNoise(pairs: union.count / 2, dimension: d, using: &generator)
    let other = try runs.optimize(from: variables, noise: fresh.rows, progress: progress)
    largestError = movement(runs.elbo.family(variables), runs.elbo.family(other)) / 2
    standardErrors = outputMeanErrors(
      objective, runs.elbo.family(variables), runs.elbo.family(other), seed: generator.next())
    sets.append(fresh)
    let both = WhitenedNoise(concatenating: sets)
    let average = zip(variables, other).map { ($0 + $1) / 2 }
    variables = try runs.optimize(from: average, noise: both.rows, progress: progress)
    if largestError <= options.monteCarloTolerance { break }
    if 2 * both.count > maxRows {
      let warning =
        "with \(both.count) draws (the most allowed), q still moves by an estimated "
        + "\(formatNumber(largestError)) posterior sd between independent draw sets "
        + "(tolerance \(formatNumber(options.monteCarloTolerance))); raise maxDraws "
        + "(--max-fixed-draws) for a more precise answer"
      return (variables, largestError, standardErrors, warning)
    }
  }
  return (variables, largestError, standardErrors, nil)
}

/// Halves q's scale in the variables of `elbo` (ω − log 2).
func shrinkScale(_ variables: inout [Double], _ elbo: SampleAverageELBO) {
  let d = elbo.dimension
  for i in 0..<d {
    let slot = elbo.shape == .meanField ? d + i : elbo.index(i, i)
    variables[slot] -= Double.log(2)
    if elbo.shape == .fullRank {
      for j in 0..<i { variables[elbo.index(i, j)] /= 2 }
    }
  }
}

/// Throws the reason log p̃ is not finite at the first rejected draw of q, naming the
/// parameters responsible (through ``VariationalObjective/checkInitialPoint(_:)``).
func blameRejectedDraw(_ elbo: SampleAverageELBO, _ variables: [Double])
  throws(InferenceError)
{
  let rows = elbo.draws(variables)
  let d = elbo.dimension
  let (values, _) = elbo.objective.logDensitiesAndGradients(rows)
  let scalars = rows.scalars
  for r in values.indices where !values[r].isFinite {
    try elbo.objective.checkInitialPoint(Array(scalars[(r * d)..<((r + 1) * d)]))
  }
}

/// The largest change between two Gaussians over the unconstrained coordinates, in standard
/// deviations of the first: |Δμᵢ|/σᵢ and |Δ log σᵢ|.
func movement(_ first: any GaussianFamily, _ second: any GaussianFamily) -> Double {
  let (m1, m2) = (first.mean.scalars, second.mean.scalars)
  let (s1, s2) = (first.marginalStandardDeviations().scalars, second.marginalStandardDeviations().scalars)
  var largest = 0.0
  for i in m1.indices {
    largest = Swift.max(largest, Swift.abs(m1[i] - m2[i]) / s1[i], Swift.abs(Double.log(s1[i] / s2[i])))
  }
  return largest
}

/// Half the difference between the means of every constrained scalar under two fits on
/// independent draw sets, from common draws, in posterior standard deviations (of the first):
/// the Monte-Carlo standard error of a fit on both sets together.
func outputMeanErrors(
  _ objective: VariationalObjective, _ first: any GaussianFamily, _ second: any GaussianFamily,
  seed: UInt64
) -> [Double] {
  var generator = Xoshiro256StarStar(seed: seed)
  let noise = Tensor<Double>(randomNormal: [2000, first.dimension], using: &generator)
  let a = objective.layout.constrain(first.reparameterizedSample(noise: noise))
  let b = objective.layout.constrain(second.reparameterizedSample(noise: noise))
  var errors: [Double] = []
  for index in a.tensors.indices {
    let (x, y) = (a.tensors[index], b.tensors[index])
    let columns = x.shape[1]
    let (xs, ys) = (x.scalars, y.scalars)
    let rows = Double(x.shape[0])
    for c in 0..<columns {
      var (sx, sy, sxx) = (0.0, 0.0, 0.0)
      for r in 0..<x.shape[0] {
        sx += xs[r * columns + c]
        sy += ys[r * columns + c]
        sxx += xs[r * columns + c] * xs[r * columns + c]
      }
      let mean = sx / rows
      let sd = Swift.max(sxx / rows - mean * mean, 0).squareRoot()
      errors.append(sd > 0 ? Swift.abs(sx - sy) / rows / 2 / sd : 0)
    }
  }
  return errors
}
