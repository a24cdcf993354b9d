import Foundation
import TestSupport
import Testing

/// The release `vae train` killed with SIGKILL at many points of its saves, then resumed: every
/// run must end with the files of an uninterrupted run.
///
/// Most kills come from the fault-injection hook `VARIATIONAL_KILL_AT_OPERATION=n` (the process
/// kills itself before the n-th file-system operation of its saves), at points spread over all
/// the operations of a 3-epoch run; the rest are SIGKILLs at random instants. The test makes
/// `VAE_KILL_TRIALS` trials (20 by default; `scripts/kill-test` runs 200 and more).
@Suite struct VAEKillTests {
  let vae = ReleaseBinary(name: "vae")

  static let trials =
    ProcessInfo.processInfo.environment["VAE_KILL_TRIALS"].flatMap { Int($0) } ?? 20

  /// A .npy file of `count` 4 × 4 images of grey levels (unsigned bytes, a fixed pattern).
  static func writeImages(count: Int, toPath path: String) throws {
    var header = "{'descr': '|u1', 'fortran_order': False, 'shape': (\(count), 4, 4), }"
    while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
    header += "\n"
    var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
    bytes += [UInt8(header.utf8.count & 0xff), UInt8(header.utf8.count >> 8)]
    bytes += Array(header.utf8)
    for image in 0..<count {
      for pixel in 0..<16 { bytes.append(UInt8((image * 37 + pixel * 53) % 256)) }
    }
    try Data(bytes).write(to: URL(fileURLWithPath: path))
  }

  static func training(data: String, output: String) -> [String] {
    [
      "train", "--data", data, "--epochs", "3", "--batch-size", "16", "--hidden", "8",
      "--latent-dim", "2", "--output", output,
    ]
  }

  /// The files compared with the uninterrupted run; `metrics.jsonl` without its timings.
  static let comparedFiles = [
    "checkpoint.safetensors", "training-state.safetensors", "config.json", "samples.png",
    "reconstructions.png", "curves.png",
  ]

  /// `metrics.jsonl` without the fields that measure time (`seconds`, `samples_per_second`).
  static func metricsWithoutTimings(in directory: String) -> String? {
    guard let text = try? String(contentsOfFile: directory + "/metrics.jsonl", encoding: .utf8)
    else { return nil }
    return text.replacing(/"(seconds|samples_per_second)":[^,}]*,?/, with: "")
  }

  /// Whether the kill hook at operation `n` stops the run (it does not once n is past the
  /// run's last operation).
  func killed(at operation: Int, data: String, output: String) throws -> Bool {
    try? FileManager.default.removeItem(atPath: output)
    let outcome = try vae.run(
      Self.training(data: data, output: output),
      extraEnvironment: ["VARIATIONAL_KILL_AT_OPERATION": String(operation)])
    return outcome.signalled && outcome.status == SIGKILL
  }

  struct Tally: CustomStringConvertible {
    var trials = 0
    var killed = 0
    var resumed = 0
    var restarted = 0
    var identical = 0
    var description: String {
      "\(trials) trials: \(killed) killed, \(resumed) resumed from a saved epoch, "
        + "\(restarted) restarted (killed before the first save), \(identical) bit-identical"
    }
  }

  @Test func killedRunsResumeToTheUninterruptedResult() throws {
    let directory = try TemporaryDirectory()
    let images = directory.file("images.npy")
    try Self.writeImages(count: 64, toPath: images)
    let reference = directory.file("reference")
    let uninterrupted = try vae.run(Self.training(data: images, output: reference))
    try #require(uninterrupted.status == 0 && !uninterrupted.signalled, "\(uninterrupted)")

    // The number of operations of a whole run: the largest n at which the hook kills.
    var (low, high) = (1, 1024)  // killed at low, not at high
    try #require(try killed(at: low, data: images, output: directory.file("probe")))
    try #require(try !killed(at: high, data: images, output: directory.file("probe")))
    while high - low > 1 {
      let middle = (low + high) / 2
      if try killed(at: middle, data: images, output: directory.file("probe")) {
        low = middle
      } else {
        high = middle
      }
    }
    let operations = low
    let faultTrials = min(operations, Self.trials - Self.trials / 10)
    var generator = SystemRandomNumberGenerator()
    var points: [(operation: Int?, delay: Double?)] = (0..<faultTrials).map { trial in
      (1 + trial * operations / faultTrials, nil)
    }
    for _ in faultTrials..<Self.trials {
      points.append((nil, Double.random(in: 0...uninterrupted.seconds, using: &generator)))
    }

    var tally = Tally()
    for (trial, point) in points.enumerated() {
      let output = directory.file("run-\(trial)")
      let what =
        point.operation.map { "killed at operation \($0)" } ?? "killed after \(point.delay!) s"
      let first = try vae.run(
        Self.training(data: images, output: output),
        extraEnvironment: point.operation.map { ["VARIATIONAL_KILL_AT_OPERATION": String($0)] }
          ?? [:],
        killAfter: point.delay)
      tally.trials += 1
      if first.signalled && first.status == SIGKILL { tally.killed += 1 }
      var finish = try vae.run(Self.training(data: images, output: output) + ["--resume"])
      if finish.status == 0 {
        if first.status != 0 { tally.resumed += 1 }
      } else if finish.standardError.contains("without --resume")
        || finish.standardError.contains("there is no run to --resume")
      {
        finish = try vae.run(Self.training(data: images, output: output))
        tally.restarted += 1
      }
      guard finish.status == 0 && !finish.signalled else {
        Issue.record("\(what): the run did not finish; \(finish)")
        continue
      }
      var same =
        Self.metricsWithoutTimings(in: output) != nil
        && Self.metricsWithoutTimings(in: output) == Self.metricsWithoutTimings(in: reference)
      for file in Self.comparedFiles {
        let ours = FileManager.default.contents(atPath: output + "/" + file)
        if ours == nil || ours != FileManager.default.contents(atPath: reference + "/" + file) {
          Issue.record("\(what): \(file) differs from the uninterrupted run's")
          same = false
        }
      }
      let leftovers = try FileManager.default.contentsOfDirectory(atPath: output)
        .filter { $0.hasPrefix(".") }
      if !leftovers.isEmpty {
        Issue.record("\(what): temporary files left behind: \(leftovers)")
        same = false
      }
      if same { tally.identical += 1 }
      try? FileManager.default.removeItem(atPath: output)
    }
    print("vae kill test (\(operations) file-system operations per run): \(tally)")
    #expect(tally.identical == tally.trials, "\(tally)")
    #expect(tally.killed >= faultTrials, "\(tally)")
  }
}
