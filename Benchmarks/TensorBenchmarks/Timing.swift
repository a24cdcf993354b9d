// Timing helpers shared by every benchmark group: a monotonic clock, warm-up, calibration of
// the number of calls per sample, and interleaved A/B sampling with medians.

/// How much time the run spends on each measurement.
struct Budget {
  /// Samples taken of each contender; the median is reported.
  var samples: Int
  /// The minimum duration of one sample, in seconds: calls are repeated back to back until a
  /// sample lasts at least this long, so the clock's resolution and call overhead do not matter.
  var sampleSeconds: Double
  /// How long each contender runs untimed before measuring (page faults, caches, OpenBLAS
  /// thread start-up, lazy symbol binding).
  var warmUpSeconds: Double

  /// The default run: about 30–40 s in total on a 2-core machine.
  static let full = Budget(samples: 15, sampleSeconds: 0.02, warmUpSeconds: 0.05)

  /// A smoke test: a few seconds in total; the numbers are indicative only.
  static let quick = Budget(samples: 3, sampleSeconds: 0.002, warmUpSeconds: 0.005)
}

extension Duration {
  /// The duration in seconds.
  var seconds: Double {
    let (whole, fraction) = components
    return Double(whole) + Double(fraction) * 1e-18
  }
}

/// Keeps `value` alive and opaque to the optimiser, so the work producing it is not removed.
@inline(never)
@_optimize(none)
func blackHole<T>(_ value: T) {}

/// The median of `values` (the mean of the two middle values for an even count).
func median(_ values: [Double]) -> Double {
  precondition(!values.isEmpty, "median of no values")
  let sorted = values.sorted()
  let middle = sorted.count / 2
  return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// The wall-clock time of one call of `body`, averaged over `iterations` back-to-back calls,
/// measured with the monotonic `ContinuousClock`.
@inline(never)
func secondsPerCall(iterations: Int, _ body: () -> Void) -> Double {
  let clock = ContinuousClock()
  let start = clock.now
  for _ in 0..<iterations { body() }
  return (clock.now - start).seconds / Double(iterations)
}

/// Calls `body` repeatedly, untimed, for at least `seconds` (and at least twice).
func warmUp(seconds: Double, _ body: () -> Void) {
  let clock = ContinuousClock()
  let start = clock.now
  var calls = 0
  while calls < 2 || (clock.now - start).seconds < seconds {
    body()
    calls += 1
  }
}

/// The number of calls that makes one sample of `body` last at least `seconds`, estimated from
/// one timed call after warm-up.
func iterationsPerSample(seconds: Double, _ body: () -> Void) -> Int {
  let once = secondsPerCall(iterations: 1, body)
  return max(1, Int((seconds / max(once, 1e-9)).rounded(.up)))
}

/// The median time per call of one contender.
struct SingleTiming {
  /// Median seconds per call.
  var seconds: Double
  /// Calls per sample.
  var iterations: Int
}

/// Measures `body` alone: warm-up, calibration, then `budget.samples` samples; the median.
func measure(_ budget: Budget, _ body: () -> Void) -> SingleTiming {
  warmUp(seconds: budget.warmUpSeconds, body)
  let iterations = iterationsPerSample(seconds: budget.sampleSeconds, body)
  let samples = (0..<budget.samples).map { _ in secondsPerCall(iterations: iterations, body) }
  return SingleTiming(seconds: median(samples), iterations: iterations)
}

/// The medians of two contenders measured in alternation.
struct PairedTiming {
  /// Median seconds per call of our implementation.
  var ours: Double
  /// Median seconds per call of the reference.
  var reference: Double
  /// Calls per sample (the same for both contenders).
  var iterations: Int

  /// Our speed as a fraction of the reference's: reference time / our time (1 = as fast).
  var speedRatio: Double { reference / ours }
}

/// Measures `ours` against `reference`, interleaved: after warming both up, takes one sample of
/// `ours`, then one of `reference`, and so on `budget.samples` times, with the same number of
/// calls per sample (calibrated on the slower one). Interleaving spreads any drift in machine
/// load (other processes, frequency changes) evenly over both; medians discard outliers.
func measureInterleaved(
  _ budget: Budget, ours: () -> Void, reference: () -> Void
) -> PairedTiming {
  warmUp(seconds: budget.warmUpSeconds, ours)
  warmUp(seconds: budget.warmUpSeconds, reference)
  let iterations = min(
    iterationsPerSample(seconds: budget.sampleSeconds, ours),
    iterationsPerSample(seconds: budget.sampleSeconds, reference))
  var oursSamples: [Double] = []
  var referenceSamples: [Double] = []
  for _ in 0..<budget.samples {
    oursSamples.append(secondsPerCall(iterations: iterations, ours))
    referenceSamples.append(secondsPerCall(iterations: iterations, reference))
  }
  return PairedTiming(
    ours: median(oursSamples), reference: median(referenceSamples), iterations: iterations)
}
