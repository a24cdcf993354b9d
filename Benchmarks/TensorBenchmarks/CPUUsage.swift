import Foundation

// How much of the machine other processes use: the benchmarks share a small machine with
// builds and other tenants, whose work inflates and scatters the times.

/// A snapshot of CPU time, machine-wide (from /proc/stat) and for this process.
struct CPUUsage {
  /// CPU seconds elapsed on all CPUs together, busy or idle.
  var total: Double
  /// CPU seconds spent busy (all but idle and iowait) on all CPUs together.
  var busy: Double
  /// CPU seconds used by this process, all its threads (OpenBLAS's included).
  var own: Double

  /// The current snapshot, or nil where /proc/stat is unavailable (not Linux).
  static func now() -> CPUUsage? {
    guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
      let line = text.split(separator: "\n").first, line.hasPrefix("cpu ")
    else { return nil }
    let ticks = line.split(separator: " ").dropFirst().compactMap { Double($0) }
    guard ticks.count >= 5 else { return nil }
    let perSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
    let total = ticks.reduce(0, +)
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return CPUUsage(
      total: total / perSecond, busy: (total - ticks[3] - ticks[4]) / perSecond,
      own: Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9)
  }

  /// The fraction of all CPU time since `earlier` that other processes kept busy: machine-wide
  /// busy time less this process's own, over the total.
  func othersBusyFraction(since earlier: CPUUsage) -> Double? {
    guard total > earlier.total else { return nil }
    let others = (busy - earlier.busy) - (own - earlier.own)
    return min(1, max(0, others / (total - earlier.total)))
  }

  /// The fraction of all CPU time other processes kept busy while this one sleeps for `pause`.
  static func othersBusyFraction(during pause: Duration) -> Double? {
    guard let before = now() else { return nil }
    Thread.sleep(forTimeInterval: pause.seconds)
    return now()?.othersBusyFraction(since: before)
  }

  /// Above this fraction of busy CPU time from other processes, results are flagged as noisy.
  static let noisyThreshold = 0.1

  /// A line saying how busy other processes kept the CPUs `when` (e.g. "during the run"), with
  /// a warning when that is above ``noisyThreshold``.
  static func report(_ fraction: Double?, when: String) -> String {
    guard let fraction else { return "other processes' CPU use \(when): unknown" }
    let warning =
      fraction > noisyThreshold ? " — BUSY: noisy, re-run" : ""
    return "other processes kept the CPUs \(formattedPercent(fraction)) busy \(when)\(warning)"
  }
}
