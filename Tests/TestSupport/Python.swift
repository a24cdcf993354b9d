import Foundation

/// Whether `python3` on `PATH` can import numpy: tests that use Python as an independent
/// reference are enabled only then (numpy is never installed by the tests).
public let pythonHasNumpy: Bool = (try? runPython("import numpy")) != nil

/// Runs `python3 -c script arguments…` and returns its standard output; throws with the
/// standard error when it exits unsuccessfully.
public func runPython(_ script: String, arguments: [String] = []) throws -> String {
  let result = try runProcess("/usr/bin/env", ["python3", "-c", script] + arguments)
  guard result.status == 0 else { throw PythonError(message: result.errorOutput) }
  return result.outputText
}

/// A Python script that exited unsuccessfully, with its standard error.
public struct PythonError: Error, CustomStringConvertible {
  public var message: String
  public var description: String { "python3 failed: \(message)" }
}
