import Foundation

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
  /// The minimum number of untimed calls of each contender: the first calls of a process that
  /// allocate fault in fresh pages until the C allocator settles (about ten calls).
  var warmUpCalls: Int

  /// The default run: about 20 s in total on a 2-core machine.
  static let full = Budget(samples: 31, sampleSeconds: 0.005, warmUpSeconds: 0.05, warmUpCalls: 20)

  /// A smoke test: a few seconds in total; the numbers are indicative only.
  static let quick = Budget(
    samples: 5, sampleSeconds: 0.002, warmUpSeconds: 0.005, warmUpCalls: 20)
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

/// One timed sample: the mean over back-to-back calls.
struct Sample {
  /// Wall-clock seconds per call, from the monotonic `ContinuousClock`.
  var seconds: Double
  /// Minor page faults per call (the whole process, BLAS threads included): each costs
  /// microseconds, so fresh memory shows up here first.
  var faults: Double
}

/// The minor page faults of the process so far (`getrusage`), or 0 where unavailable.
func minorPageFaults() -> Int {
  var usage = rusage()
  #if os(Linux)
    let who = __rusage_who_t(RUSAGE_SELF.rawValue)
  #else
    let who = RUSAGE_SELF
  #endif
  guard getrusage(who, &usage) == 0 else { return 0 }
  return usage.ru_minflt
}

/// Calls `body` `iterations` times back to back and returns the mean time and page faults per
/// call.
@inline(never)
func sample(iterations: Int, _ body: () -> Void) -> Sample {
  let clock = ContinuousClock()
  let faults = minorPageFaults()
  let start = clock.now
  for _ in 0..<iterations { body() }
  let seconds = (clock.now - start).seconds
  return Sample(
    seconds: seconds / Double(iterations),
    faults: Double(minorPageFaults() - faults) / Double(iterations))
}

/// Calls `body` repeatedly, untimed, for at least `seconds` and at least `minimumCalls` times.
func warmUp(seconds: Double, minimumCalls: Int, _ body: () -> Void) {
  let clock = ContinuousClock()
  let start = clock.now
  var calls = 0
  while calls < minimumCalls || (clock.now - start).seconds < seconds {
    body()
    calls += 1
  }
}

/// The number of calls that makes one sample of `body` last at least `seconds`, estimated from
/// one timed call after warm-up.
func iterationsPerSample(seconds: Double, _ body: () -> Void) -> Int {
  let once = sample(iterations: 1, body).seconds
  return max(1, Int((seconds / max(once, 1e-9)).rounded(.up)))
}

/// The median time per call of one contender.
struct SingleTiming {
  /// Median seconds per call.
  var seconds: Double
  /// Mean minor page faults per call over the samples.
  var faults: Double
}

/// Measures `body` alone: warm-up, calibration, then `budget.samples` samples; the median.
func measure(_ budget: Budget, _ body: () -> Void) -> SingleTiming {
  warmUp(seconds: budget.warmUpSeconds, minimumCalls: budget.warmUpCalls, body)
  let iterations = iterationsPerSample(seconds: budget.sampleSeconds, body)
  let samples = (0..<budget.samples).map { _ in sample(iterations: iterations, body) }
  return SingleTiming(
    seconds: median(samples.map(\.seconds)),
    faults: samples.map(\.faults).reduce(0, +) / Double(samples.count))
}

/// Two contenders measured in alternation.
struct PairedTiming {
  /// Median seconds per call of our implementation.
  var ours: Double
  /// Median seconds per call of the reference.
  var reference: Double
  /// Our speed as a fraction of the reference's, reference time ÷ our time (1 = as fast): the
  /// median over sample pairs of that ratio, so drift in machine load that hits both samples
  /// of a pair cancels out.
  var speedRatio: Double
  /// Mean minor page faults per call of ours.
  var oursFaults: Double
  /// Mean minor page faults per call of the reference.
  var referenceFaults: Double
}

/// Measures `ours` against `reference`, interleaved: after warming both up, takes one sample of
/// `ours`, then one of `reference`, and so on `budget.samples` times, with the same number of
/// calls per sample (calibrated on the slower one). Interleaving spreads any drift in machine
/// load (other processes, other tenants of the host) evenly over both; medians discard
/// outliers.
func measureInterleaved(
  _ budget: Budget, ours: () -> Void, reference: () -> Void
) -> PairedTiming {
  warmUp(seconds: budget.warmUpSeconds, minimumCalls: budget.warmUpCalls, ours)
  warmUp(seconds: budget.warmUpSeconds, minimumCalls: budget.warmUpCalls, reference)
  let iterations = min(
    iterationsPerSample(seconds: budget.sampleSeconds, ours),
    iterationsPerSample(seconds: budget.sampleSeconds, reference))
  var pairs: [(ours: Sample, reference: Sample)] = []
  for _ in 0..<budget.samples {
    let first = sample(iterations: iterations, ours)
    pairs.append((first, sample(iterations: iterations, reference)))
  }
  let count = Double(pairs.count)
  return PairedTiming(
    ours: median(pairs.map(\.ours.seconds)), reference: median(pairs.map(\.reference.seconds)),
    speedRatio: median(pairs.map { $0.reference.seconds / $0.ours.seconds }),
    oursFaults: pairs.map(\.ours.faults).reduce(0, +) / count,
    referenceFaults: pairs.map(\.reference.faults).reduce(0, +) / count)
}
