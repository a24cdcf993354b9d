import Foundation
import Inference
import PosteriorDBModels
import TensorCore
import _Differentiation

/// What one evaluation of a model's log joint costs for L draws, in microseconds of the
/// calling thread's CPU time with the helper thread off (`helperThreadEnabled`): the minimum
/// over rounds of each round's mean. CPU time rather than wall-clock time, and one thread,
/// because the machines are shared: other processes' load would otherwise be counted.
struct LogJointCost {
  var posterior: String
  var draws: Int
  /// log p(x, θ) alone, on constrained values.
  var value: Double
  /// log p(x, θ) and its gradient (one pullback of ones).
  var gradient: Double
  /// log p̃(ζ) and its gradient in the unconstrained space, bijectors included: what a fit
  /// pays per gradient evaluation besides the family.
  var unconstrainedGradient: Double
}

/// Measures `model`'s log joint on `draws` draws of ζ ~ N(0, 0.1² I) mapped to the
/// constrained space.
func measureLogJointCost<Model: PosteriorDBModel>(
  _ model: Model, draws: Int, rounds: Int = 7, secondsPerRound: Double = 0.05
) throws -> LogJointCost {
  let helper = helperThreadEnabled
  helperThreadEnabled = false
  defer { helperThreadEnabled = helper }
  let objective = try VariationalObjective(model)
  var generator = Xoshiro256StarStar(seed: 1)
  let unconstrained =
    0.1
    * Tensor<Double>(
      randomNormal: [draws, objective.layout.dimension], using: &generator)
  let values = objective.layout.constrain(unconstrained)
  let ones = Tensor<Double>(ones: [draws])
  let value = microsecondsPerCall(rounds: rounds, secondsPerRound: secondsPerRound) {
    _ = model.logJoint(values)
  }
  let gradient = microsecondsPerCall(rounds: rounds, secondsPerRound: secondsPerRound) {
    let (_, pullback) = valueWithPullback(at: values) { model.logJoint($0) }
    _ = pullback(ones)
  }
  let unconstrainedGradient = microsecondsPerCall(
    rounds: rounds, secondsPerRound: secondsPerRound
  ) {
    let (_, pullback) = valueWithPullback(at: unconstrained) {
      objective.logDensity(unconstrained: $0)
    }
    _ = pullback(ones)
  }
  return LogJointCost(
    posterior: Model.posteriorName, draws: draws, value: value, gradient: gradient,
    unconstrainedGradient: unconstrainedGradient)
}

/// The minimum over `rounds` of the mean microseconds of thread CPU time per call of `body`,
/// each round calling it for about `secondsPerRound` (after one untimed call).
func microsecondsPerCall(rounds: Int, secondsPerRound: Double, _ body: () -> Void) -> Double {
  body()
  var calls = 1
  // Enough calls for a round to take about `secondsPerRound`.
  while true {
    let elapsed = cpuSeconds { for _ in 0..<calls { body() } }
    if elapsed >= secondsPerRound / 4 || calls >= 1 << 20 {
      calls = Swift.max(1, Int(Double(calls) * secondsPerRound / Swift.max(elapsed, 1e-9)))
      break
    }
    calls *= 4
  }
  var best = Double.infinity
  for _ in 0..<rounds {
    let elapsed = cpuSeconds { for _ in 0..<calls { body() } }
    best = Swift.min(best, elapsed / Double(calls))
  }
  return best * 1e6
}

/// The CPU seconds the calling thread spends in `body`.
func cpuSeconds(_ body: () -> Void) -> Double {
  var start = timespec()
  var end = timespec()
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start)
  body()
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &end)
  return Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) * 1e-9
}
