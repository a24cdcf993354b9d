import CBLAS
import CPeak
import Foundation
import TensorCore

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
  /// The vector instruction sets of /proc/cpuinfo that decide the kernels: avx2, fma,
  /// avx512f, avx512_bf16 (those present).
  var vectorFlags: [String]
  /// One core's measured peak of 256-bit and 512-bit fused multiply–adds, GFLOP/s (0 where
  /// the CPU lacks them).
  var peak256: Double
  var peak512: Double

  /// The machine's single-precision peak: cores × the widest measured FMA rate of one core
  /// (= vector width × FMA ports × clock).
  var peakGFLOPS: Double { Double(processorCount) * Swift.max(peak256, peak512) }

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
      optimised: optimised, vectorFlags: vectorFlags(),
      peak256: variational_fma_peak_gflops(256, 0.3),
      peak512: variational_fma_peak_gflops(512, 0.3))
  }

  /// Prints the description, one fact per line.
  func printDescription() {
    print("machine: \(processorCount) logical CPUs (nproc), \(cpuModel)")
    print("load:    \(loadAverage) (1/5/15 min)")
    print("         " + CPUUsage.report(busyFraction, when: "in the 0.5 s before start"))
    print("ISA:     \(vectorFlags.isEmpty ? "none of avx2, fma, avx512f, avx512_bf16" : vectorFlags.joined(separator: " "))")
    print(
      "peak:    one core \(formatted(peak256)) GFLOP/s (256-bit FMA), "
        + "\(formatted(peak512)) GFLOP/s (512-bit), measured; machine "
        + "\(formatted(peakGFLOPS)) GFLOP/s = \(processorCount) cores × widest")
    print("compute: Float products and convolutions on \(ComputeBackend.description)")
    print("BLAS:    \(blas) (Double)")
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

  static func vectorFlags() -> [String] {
    guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
      let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
    else { return [] }
    let flags = Set(line.split(separator: " ").map(String.init))
    return ["avx2", "fma", "avx512f", "avx512_bf16"].filter { flags.contains($0) }
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
