import Foundation

/// What a finished child process left: its exit status and both outputs.
public struct ProcessResult {
  /// The exit status (or the signal's number, for a process that a signal ended).
  public var status: Int32
  /// Everything written to standard output.
  public var output: Data
  /// Everything written to standard error, as UTF-8.
  public var errorOutput: String

  /// Standard output as UTF-8 text.
  public var outputText: String { String(decoding: output, as: UTF8.self) }
}

/// Runs `executable` with `arguments`, feeding it `input` on standard input, and waits for it.
///
/// Standard input and both outputs go through files, so that large inputs or outputs cannot
/// dead-lock the pipes. `environment` is added to this process's own.
public func runProcess(
  _ executable: String, _ arguments: [String], input: [UInt8] = [],
  environment: [String: String] = [:]
) throws -> ProcessResult {
  let scratch = try TemporaryDirectory()
  let inputPath = try scratch.write(input, to: "stdin")
  let outputPath = scratch.file("stdout")
  let errorPath = scratch.file("stderr")
  for path in [outputPath, errorPath] {
    _ = FileManager.default.createFile(atPath: path, contents: nil)
  }
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = arguments
  process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
  process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: inputPath))
  process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
  process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
  try process.run()
  process.waitUntilExit()
  return ProcessResult(
    status: process.terminationStatus,
    output: try Data(contentsOf: URL(fileURLWithPath: outputPath)),
    errorOutput: (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "")
}
