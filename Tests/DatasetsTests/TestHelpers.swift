import Datasets
import Foundation
import TensorCore
import TestSupport
import Testing

extension TemporaryDirectory {
  /// Writes `bytes` compressed by the `gzip` tool to `name` (which should end in `.gz`) and
  /// returns the file's full path.
  @discardableResult
  func writeGzip(_ bytes: [UInt8], to name: String) throws -> String {
    try Data(gzipped(bytes)).write(to: URL(fileURLWithPath: file(name)))
    return file(name)
  }
}

/// `bytes` compressed by the system's `gzip` tool (an independent gzip implementation).
func gzipped(_ bytes: [UInt8]) throws -> [UInt8] {
  let result = try runProcess("/usr/bin/env", ["gzip", "-c", "-n"], input: bytes)
  try #require(result.status == 0, "gzip failed: \(result.errorOutput)")
  return Array(result.output)
}

/// The error `body` throws, or `nil` if it throws nothing (or something else).
func datasetError(_ body: () throws -> Void) -> DatasetError? {
  do {
    try body()
    return nil
  } catch let error as DatasetError {
    return error
  } catch {
    Issue.record("expected a DatasetError, got \(error)")
    return nil
  }
}

/// Expects that `error` is of `kind`, concerns `path` and mentions every fragment.
func expect(
  _ error: DatasetError?, kind: DatasetError.Kind, path: String, mentions fragments: [String],
  sourceLocation: SourceLocation = #_sourceLocation
) {
  guard let error else {
    Issue.record(
      "expected a DatasetError of kind \(kind), none was thrown", sourceLocation: sourceLocation)
    return
  }
  #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
  #expect(error.path == path, sourceLocation: sourceLocation)
  #expect(error.description.hasPrefix(path + ": "), "\(error)", sourceLocation: sourceLocation)
  for fragment in fragments {
    #expect(
      error.description.contains(fragment), "\(error) should mention \(fragment)",
      sourceLocation: sourceLocation)
  }
}

/// `count` pseudo-random bytes from a fixed seed.
func randomBytes(_ count: Int, seed: UInt64 = 1) -> [UInt8] {
  var generator = SplitMix64(seed: seed)
  return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
}

/// An IDX header for unsigned bytes with the given dimension sizes, written out by hand
/// (independently of `IDXFile.encode`).
func idxHeader(_ dimensions: [UInt32]) -> [UInt8] {
  var header: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
  for size in dimensions {
    header += [
      UInt8(size >> 24), UInt8((size >> 16) & 0xFF), UInt8((size >> 8) & 0xFF), UInt8(size & 0xFF),
    ]
  }
  return header
}
