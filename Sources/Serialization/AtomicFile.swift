import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Crash-safe file writing: data goes to a temporary file in the destination's directory, is
/// flushed to disk with `fsync`, and only then renamed over the destination.
///
/// Because `rename` within one directory is atomic on POSIX file systems, readers (and a crash)
/// see either the complete old file or the complete new file, never a half-written one. If
/// anything fails, the temporary file is removed and an existing destination is left untouched.
/// The temporary file is named `.<name>.tmp-<pid>-<random>` and created with mode 0644 (minus
/// the umask), or with the permissions of the file it replaces.
public enum AtomicFile {
  /// Receives the bytes of a file being written by ``AtomicFile/write(toPath:body:)``; it is
  /// only valid inside that call.
  public final class Writer {
    fileprivate let descriptor: Int32
    fileprivate let path: String
    /// The number of bytes written so far.
    public private(set) var byteCount = 0

    fileprivate init(descriptor: Int32, path: String) {
      self.descriptor = descriptor
      self.path = path
    }

    /// Appends `bytes` to the temporary file, retrying partial writes and interruptions.
    public func write(_ bytes: some ContiguousBytes) throws(FileWriteError) {
      let failure: String? = bytes.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
          let written = systemWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
          if written < 0 {
            if errno == EINTR { continue }
            return "write failed: \(systemErrorText())"
          }
          offset += written
        }
        return nil
      }
      if let failure { throw FileWriteError(path: path, message: failure) }
      byteCount += bytes.withUnsafeBytes { $0.count }
    }
  }

  /// Atomically replaces (or creates) the file at `path` with `bytes`.
  ///
  /// - Throws: ``FileWriteError`` naming `path` when the directory does not exist or is not
  ///   writable, the disk is full, or the rename fails. The destination is unchanged then.
  public static func write(_ bytes: some ContiguousBytes, toPath path: String)
    throws(FileWriteError)
  {
    do {
      try write(toPath: path) { writer in try writer.write(bytes) }
    } catch let error as FileWriteError {
      throw error
    } catch {
      throw FileWriteError(path: path, message: String(describing: error))
    }
  }

  /// Atomically replaces (or creates) the file at the file URL `url` with `bytes`.
  public static func write(_ bytes: some ContiguousBytes, to url: URL) throws(FileWriteError) {
    try write(bytes, toPath: url.path)
  }

  /// Streams a file to `path` atomically: `body` writes the content through the ``Writer``,
  /// then the temporary file is flushed and renamed over `path`.
  ///
  /// If `body` throws, the temporary file is deleted, the destination is left as it was and
  /// the error from `body` is rethrown unchanged.
  ///
  /// - Throws: ``FileWriteError`` naming `path` for file-system failures, or whatever `body`
  ///   throws.
  public static func write(toPath path: String, body: (Writer) throws -> Void) throws {
    let (directory, name) = split(path)
    guard !name.isEmpty else {
      throw FileWriteError(path: path, message: "the path does not name a file")
    }
    let (descriptor, temporaryPath) = try createTemporaryFile(
      directory: directory, name: name, destination: path)
    var closed = false
    do {
      // Keep the permissions of the file being replaced.
      var status = stat()
      if stat(path, &status) == 0 {
        _ = fchmod(descriptor, status.st_mode & 0o7777)
      }
      try body(Writer(descriptor: descriptor, path: path))
      if fsync(descriptor) != 0 {
        throw FileWriteError(path: path, message: "fsync failed: \(systemErrorText())")
      }
      closed = true
      if close(descriptor) != 0 {
        throw FileWriteError(path: path, message: "close failed: \(systemErrorText())")
      }
      if rename(temporaryPath, path) != 0 {
        throw FileWriteError(
          path: path,
          message: "cannot rename \(temporaryPath) to \(path): \(systemErrorText())")
      }
    } catch {
      if !closed { _ = close(descriptor) }
      _ = unlink(temporaryPath)
      throw error
    }
  }

  /// The directory part (`"."` when there is none) and the last component of `path`.
  private static func split(_ path: String) -> (directory: String, name: String) {
    guard let slash = path.lastIndex(of: "/") else { return (".", path) }
    let directory = String(path[..<slash])
    return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
  }

  /// Creates a new, exclusive temporary file next to the destination and opens it for writing.
  private static func createTemporaryFile(
    directory: String, name: String, destination: String
  ) throws(FileWriteError) -> (descriptor: Int32, path: String) {
    let prefix = directory == "/" ? "/" : directory + "/"
    for _ in 0..<16 {
      let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
      let candidate = "\(prefix).\(name).tmp-\(getpid())-\(suffix)"
      let descriptor = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
      if descriptor >= 0 { return (descriptor, candidate) }
      if errno != EEXIST { break }
    }
    throw FileWriteError(
      path: destination,
      message: "cannot create a temporary file in \(directory): \(systemErrorText())")
  }
}

/// The text of the current `errno`.
private func systemErrorText() -> String {
  String(cString: strerror(errno))
}

/// `write(2)`, named apart from ``AtomicFile/Writer/write(_:)``.
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
  write(descriptor, buffer, count)
}
