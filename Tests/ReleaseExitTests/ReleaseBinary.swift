import Foundation
import Testing

/// An executable of `swift build -c release`, run as a child process: the build users run,
/// where a `precondition`'s message is dropped and only a bare trap is left.
struct ReleaseBinary {
  /// The executable's name, e.g. `advi`.
  let name: String

  /// The release products directory: `VARIATIONAL_RELEASE_DIRECTORY` when set, else `release`
  /// beside the directory of this test binary (`.build/<triple>/debug`), which follows
  /// `--scratch-path`.
  static let directory: URL = {
    if let path = ProcessInfo.processInfo.environment["VARIATIONAL_RELEASE_DIRECTORY"] {
      return URL(fileURLWithPath: path)
    }
    let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    return testBinary.deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("release")
  }()

  /// Another executable to run the same way (such as `/bin/sh`), instead of the release one.
  var explicitPath: String? = nil

  /// The path of the executable.
  var path: String { explicitPath ?? Self.directory.appendingPathComponent(name).path }

  /// What a run did.
  struct Outcome: CustomStringConvertible {
    /// The exit status, or the signal number when `signalled`.
    var status: Int32
    /// Whether a signal ended the process (a trap is SIGILL, 4).
    var signalled: Bool
    var standardOutput: String
    var standardError: String
    /// Wall-clock seconds.
    var seconds: Double

    /// Whether the process exited by itself with a non-zero status, not by a signal (nor with
    /// the statuses 128 + n a shell reports for signal n, such as 132 for SIGILL or 134 for
    /// SIGABRT).
    var failedCleanly: Bool { !signalled && status != 0 && status < 128 }

    var description: String {
      (signalled ? "killed by signal \(status)" : "exit status \(status)")
        + String(format: " after %.1f s", seconds)
        + "\n--- standard error ---\n\(standardError.prefix(3000))"
        + "\n--- standard output ---\n\(standardOutput.prefix(2000))"
    }
  }

  /// The executable is missing.
  struct Missing: Error, CustomStringConvertible {
    var path: String
    var description: String {
      "\(path) does not exist: run `swift build -c release` before the tests "
        + "(scripts/test does)"
    }
  }

  /// The run took longer than its limit and was killed.
  struct TimedOut: Error, CustomStringConvertible {
    var command: String
    var seconds: Double
    var description: String { "\(command) did not finish within \(seconds) s" }
  }

  /// Runs the executable with `arguments` (in `directory` if given, with `extraEnvironment`
  /// added to the environment), without standard input, and waits for it, at most `timeout`
  /// seconds; `killAfter` seconds, if given, it is sent SIGKILL.
  ///
  /// - Throws: ``Missing`` when it has not been built; ``TimedOut``.
  func run(
    _ arguments: [String], in workingDirectory: String? = nil, timeout: Double = 60,
    extraEnvironment: [String: String] = [:], killAfter: Double? = nil
  ) throws -> Outcome {
    guard FileManager.default.isExecutableFile(atPath: path) else { throw Missing(path: path) }
    // Output goes to files, not pipes, so that neither stream can fill up and block the child.
    let scratch = FileManager.default.temporaryDirectory
      .appendingPathComponent("release-exit-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let outputURL = scratch.appendingPathComponent("stdout")
    let errorURL = scratch.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
    let output = try FileHandle(forWritingTo: outputURL)
    let error = try FileHandle(forWritingTo: errorURL)
    defer {
      try? output.close()
      try? error.close()
    }

    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    if let workingDirectory {
      process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory)
    }
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = output
    process.standardError = error
    var environment = ProcessInfo.processInfo.environment
    // No interactive backtracer, whatever the caller's settings.
    environment["SWIFT_BACKTRACE"] = "interactive=no"
    environment.merge(extraEnvironment) { _, new in new }
    process.environment = environment
    let finished = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in finished.signal() }
    let start = Date()
    try process.run()
    if let killAfter {
      if finished.wait(timeout: .now() + killAfter) == .timedOut {
        kill(process.processIdentifier, SIGKILL)
      } else {
        finished.signal()  // for the wait below
      }
    }
    if finished.wait(timeout: .now() + timeout) == .timedOut {
      process.terminate()
      finished.wait()
      throw TimedOut(command: ([name] + arguments).joined(separator: " "), seconds: timeout)
    }
    return Outcome(
      status: process.terminationStatus,
      signalled: process.terminationReason == .uncaughtSignal,
      standardOutput: String(decoding: try Data(contentsOf: outputURL), as: UTF8.self),
      standardError: String(decoding: try Data(contentsOf: errorURL), as: UTF8.self),
      seconds: Date().timeIntervalSince(start))
  }
}

/// Records an issue at the caller unless `text` contains every fragment.
func expect(
  _ text: String, mentions fragments: [String], in outcome: ReleaseBinary.Outcome,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  for fragment in fragments where !text.contains(fragment) {
    Issue.record(
      "the output does not mention \"\(fragment)\"; \(outcome)", sourceLocation: sourceLocation)
  }
}

/// Records an issue at the caller unless the run failed by itself (a non-zero exit status, no
/// signal) with every fragment on standard error.
func expectCleanFailure(
  _ outcome: ReleaseBinary.Outcome, mentioning fragments: [String],
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(
    outcome.failedCleanly, "expected a non-zero exit without a signal; \(outcome)",
    sourceLocation: sourceLocation)
  expect(outcome.standardError, mentions: fragments, in: outcome, sourceLocation: sourceLocation)
}
