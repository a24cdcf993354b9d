import Foundation

/// Whether `python3` on `PATH` can import numpy: tests that use Python as an independent
/// reference are enabled only then (numpy is never installed by the tests).
public let pythonHasNumpy: Bool = (try? runPython("import numpy")) != nil

/// Runs `python3 -c script arguments…` and returns its standard output; throws with the
/// standard error when it exits unsuccessfully.
public func runPython(_ script: String, arguments: [String] = []) throws -> String {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = ["python3", "-c", script] + arguments
  let output = Pipe()
  let error = Pipe()
  process.standardOutput = output
  process.standardError = error
  try process.run()
  let outputData = output.fileHandleForReading.readDataToEndOfFile()
  let errorData = error.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  guard process.terminationStatus == 0 else {
    throw PythonError(message: String(decoding: errorData, as: UTF8.self))
  }
  return String(decoding: outputData, as: UTF8.self)
}

/// A Python script that exited unsuccessfully, with its standard error.
public struct PythonError: Error, CustomStringConvertible {
  public var message: String
  public var description: String { "python3 failed: \(message)" }
}
