import Foundation

/// A fresh directory under the system temporary directory, deleted when released.
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
}
