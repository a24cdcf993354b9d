import CBLAS
import Foundation

// A description of the machine and BLAS the numbers were measured on.

/// Facts about the machine that the benchmark results depend on.
struct Machine {
  /// Online logical processors (what `nproc` prints, ignoring affinity masks).
  var processorCount: Int
  /// The CPU's `model name` from /proc/cpuinfo, or "unknown".
  var cpuModel: String
  /// The 1-, 5- and 15-minute load averages from /proc/loadavg, or "unknown": a loaded
  /// machine (e.g. a parallel build running) slows everything, GEMMs most.
  var loadAverage: String
  /// The fraction of all CPU time that other processes kept busy during a short pause before
  /// the run, or nil where unknown: work that will compete with ours.
  var busyFraction: Double?
  /// `openblas_get_config()`, `openblas_get_corename()` and `openblas_get_num_threads()`, or a
  /// note that the BLAS is not OpenBLAS.
  var blas: String
  /// Whether this binary was built with optimisations.
  var optimised: Bool

  /// Reads the current machine.
  static func current() -> Machine {
    #if DEBUG
      let optimised = false
    #else
      let optimised = true
    #endif
    return Machine(
      processorCount: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))),
      cpuModel: cpuModel(), loadAverage: loadAverage(),
      busyFraction: CPUUsage.othersBusyFraction(during: .milliseconds(500)),
      blas: blasDescription(),
      optimised: optimised)
  }

  /// Prints the description, one fact per line.
  func printDescription() {
    print("machine: \(processorCount) logical CPUs (nproc), \(cpuModel)")
    print("load:    \(loadAverage) (1/5/15 min)")
    print("         " + CPUUsage.report(busyFraction, when: "in the 0.5 s before start"))
    print("BLAS:    \(blas)")
    print("build:   \(optimised ? "release (optimised)" : "DEBUG: numbers are meaningless")")
  }

  static func cpuModel() -> String {
    guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else {
      return "unknown CPU"
    }
    for line in text.split(separator: "\n") where line.hasPrefix("model name") {
      if let colon = line.firstIndex(of: ":") {
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      }
    }
    return "unknown CPU"
  }

  static func loadAverage() -> String {
    guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else {
      return "unknown"
    }
    return text.split(separator: " ").prefix(3).joined(separator: " ")
  }

  static func blasDescription() -> String {
    #if os(Linux)
      let config = String(cString: openblas_get_config())
      let core = String(cString: openblas_get_corename())
      let threads = openblas_get_num_threads()
      let environment = ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"]
      let pinned = environment.map { ", OPENBLAS_NUM_THREADS=\($0)" } ?? ""
      return "OpenBLAS \(config), core \(core), \(threads) threads\(pinned)"
    #else
      return "the platform's CBLAS (not OpenBLAS)"
    #endif
  }
}
