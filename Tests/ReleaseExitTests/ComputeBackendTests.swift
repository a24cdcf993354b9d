import Foundation
import Testing

/// The release `compute-check` (Tests/ComputeCheck): the Float convolutions and products of the
/// conv VAE's shapes on the compute backend agree with Double to 2·10⁻⁵ of their scale, on the
/// kernels this CPU picks and on AVX2 kernels (`ONEDNN_MAX_CPU_ISA=AVX2`, also on AVX-512
/// hosts), and give the same bits run to run and on one thread as on two.
@Suite struct ComputeBackendTests {
  let program = ReleaseBinary(name: "compute-check")

  /// The line of `outcome`'s output that starts with `label`, without it.
  func line(_ label: String, of outcome: ReleaseBinary.Outcome) -> String? {
    outcome.standardOutput.split(separator: "\n")
      .first { $0.hasPrefix(label) }
      .map { String($0.dropFirst(label.count)) }
  }

  @Test func floatResultsMatchDoubleOnEveryKernelSet() throws {
    let native = try program.run([])
    #expect(native.status == 0 && !native.signalled, "\(native)")
    let avx2 = try program.run([], extraEnvironment: ["ONEDNN_MAX_CPU_ISA": "AVX2"])
    #expect(avx2.status == 0 && !avx2.signalled, "\(avx2)")
    let limited = try program.run(["--avx2"])
    #expect(limited.status == 0 && !limited.signalled, "\(limited)")
    #if os(Linux)
      #expect(line("backend: ", of: native)?.hasPrefix("oneDNN") == true, "\(native)")
      let flags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
      if flags.contains(" avx512f") {
        #expect(line("backend: ", of: native)?.contains("avx512") == true, "\(native)")
      }
      if flags.contains(" avx2") {
        #expect(line("backend: ", of: avx2) == "oneDNN (avx2)", "\(avx2)")
        #expect(line("backend: ", of: limited) == "oneDNN (avx2)", "\(limited)")
      }
    #endif
  }

  @Test func sameBitsRunToRunAndOnOneThread() throws {
    let first = try program.run([])
    let second = try program.run([])
    let oneThread = try program.run([], extraEnvironment: ["VARIATIONAL_THREADS": "1"])
    for outcome in [first, second, oneThread] {
      #expect(outcome.status == 0 && !outcome.signalled, "\(outcome)")
    }
    let digest = line("digest: ", of: first)
    #expect(digest != nil, "\(first)")
    #expect(line("digest: ", of: second) == digest, "\(second)")
    #expect(line("digest: ", of: oneThread) == digest, "\(oneThread)")
  }
}
