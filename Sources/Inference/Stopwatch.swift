import Reporting

/// Wall-clock seconds since it was made, for a fit's progress reports and its `seconds`.
struct Stopwatch {
  private let clock = ContinuousClock()
  private let started: ContinuousClock.Instant

  init() { started = clock.now }

  /// The seconds elapsed.
  var seconds: Double {
    (clock.now - started).inSeconds
  }
}
