import Foundation

/// A fresh directory under the system temporary directory, deleted when released. Each test
/// makes its own, so tests can run in parallel.
public final class TemporaryDirectory {
  public let path: String

  public init() throws {
    path = NSTemporaryDirectory() + "variational-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  deinit {
    _ = chmod(path, 0o755)
    try? FileManager.default.removeItem(atPath: path)
  }

  /// The path of `name` inside the directory.
  public func file(_ name: String) -> String { path + "/" + name }

  /// The sorted names of the entries in the directory (including hidden ones).
  public func entries() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: path).sorted()
  }

  /// Writes `bytes` to `name` and returns the file's full path.
  @discardableResult
  public func write(_ bytes: [UInt8], to name: String) throws -> String {
    let target = file(name)
    try Data(bytes).write(to: URL(fileURLWithPath: target))
    return target
  }

  /// Writes `text` (UTF-8) to `name` and returns the file's full path.
  @discardableResult
  public func write(_ text: String, to name: String) throws -> String {
    try write(Array(text.utf8), to: name)
  }
}
