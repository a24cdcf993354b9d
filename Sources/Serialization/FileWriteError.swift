/// An error from ``AtomicFile``: the destination `path` and what went wrong, including the
/// operating-system error text when there is one.
public struct FileWriteError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The destination path that could not be written.
  public var path: String
  /// A human-readable explanation, e.g. `"cannot create a temporary file in /x: Permission
  /// denied"`.
  public var message: String

  /// Creates an error about writing `path`.
  public init(path: String, message: String) {
    self.path = path
    self.message = message
  }

  /// `"cannot write <path>: <message>"`.
  public var description: String { "cannot write \(path): \(message)" }
}
