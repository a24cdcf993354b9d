import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Replaces several files of a directory as one unit: after a crash at any instant, the
/// directory holds either all the old files or all the new ones, once ``recover(in:)`` has run.
///
/// The protocol is a redo log kept in the staging directory `.commit` inside the destination:
///
/// 1. every new file is written into `.commit/` and `fsync`ed;
/// 2. a manifest naming the unit (its `label`, e.g. "epoch 3") and its files is written to
///    `.commit/.manifest.tmp`, `fsync`ed and renamed to `.commit/COMMITTED`; `.commit` is
///    `fsync`ed. **This rename is the commit point**;
/// 3. each file is renamed from `.commit/` over its name in the directory, which is `fsync`ed;
/// 4. the manifest and `.commit` are removed.
///
/// ``recover(in:)`` redoes step 3 when the manifest exists (the renames are idempotent: a file
/// already moved is no longer staged) and otherwise deletes whatever an uncommitted unit left in
/// `.commit`, as well as the `.<name>.tmp-…` files of an interrupted ``AtomicFile`` write.
public enum DirectoryTransaction {
  /// The staging directory's name inside the destination.
  public static let stagingName = ".commit"
  /// The manifest whose presence in the staging directory means the unit is committed.
  public static let manifestName = "COMMITTED"

  /// What ``recover(in:)`` found and did.
  public struct Recovery: Equatable, Sendable {
    /// The label of a committed unit whose installation was completed, if any.
    public var completed: String?
    /// The staged files of an uncommitted unit that were deleted (names relative to the
    /// directory, e.g. `.commit/checkpoint.safetensors`).
    public var discarded: [String] = []

    /// Whether recovery did nothing.
    public var isEmpty: Bool { completed == nil && discarded.isEmpty }
  }

  /// Writes `files` (names within `directory`, no slashes) into `directory` as one unit named
  /// `label`, creating `directory` when needed.
  ///
  /// Run ``recover(in:)`` first: a committed unit left in the staging directory would be
  /// discarded. When this throws, nothing of the unit is visible (the staging directory is
  /// removed as far as possible) unless the failure came after the commit point, in which case
  /// ``recover(in:)`` finishes the installation.
  ///
  /// - Throws: ``FileWriteError`` naming the file that could not be written.
  public static func commit(
    _ files: [(name: String, bytes: [UInt8])], label: String, in directory: String
  ) throws(FileWriteError) {
    for file in files {
      precondition(
        !file.name.isEmpty && !file.name.contains("/") && file.name != stagingName,
        "a transaction's file names are plain names")
    }
    try createDirectory(directory)
    let staging = path(directory, stagingName)
    // Leftovers of an earlier uncommitted unit.
    removeStaging(staging)
    try TransactionStep.makeDirectory(
      staging, destination: path(directory, files.first?.name ?? stagingName))
    var committed = false
    do {
      for file in files {
        try TransactionStep.writeFile(
          path(staging, file.name), bytes: file.bytes, destination: path(directory, file.name))
      }
      let manifest = ([label] + files.map(\.name)).joined(separator: "\n") + "\n"
      let manifestPath = path(staging, manifestName)
      let temporary = path(staging, ".manifest.tmp")
      try TransactionStep.writeFile(
        temporary, bytes: Array(manifest.utf8), destination: manifestPath)
      try TransactionStep.renameFile(temporary, manifestPath)
      committed = true
      try TransactionStep.fsyncDirectory(staging)
    } catch {
      if !committed { removeStaging(staging) }
      throw error
    }
    try install(files.map(\.name), from: staging, into: directory)
  }

  /// Completes or discards what an interrupted ``commit(_:label:in:)`` left in `directory`, and
  /// deletes leftover temporary files of ``AtomicFile``. Does nothing when `directory` does not
  /// exist.
  ///
  /// - Throws: ``FileWriteError`` when a committed unit cannot be installed (e.g. the directory
  ///   is read-only): its files stay staged and a later recovery can finish.
  @discardableResult
  public static func recover(in directory: String) throws(FileWriteError) -> Recovery {
    var recovery = Recovery()
    let staging = path(directory, stagingName)
    let manifestPath = path(staging, manifestName)
    if let manifest = FileManager.default.contents(atPath: manifestPath) {
      let lines = String(decoding: manifest, as: UTF8.self).split(separator: "\n").map(String.init)
      if let label = lines.first {
        let names = lines.dropFirst().filter { !$0.isEmpty && !$0.contains("/") }
        try install(Array(names), from: staging, into: directory)
        recovery.completed = label
      }
    }
    if let names = try? FileManager.default.contentsOfDirectory(atPath: staging) {
      recovery.discarded += names.sorted().map { stagingName + "/" + $0 }
      removeStaging(staging)
    }
    for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    where name.hasPrefix(".") && name.contains(".tmp-") {
      if unlink(path(directory, name)) == 0 { recovery.discarded.append(name) }
    }
    return recovery
  }

  /// Step 3 and 4: moves the staged files that are still there into `directory`.
  private static func install(
    _ names: [String], from staging: String, into directory: String
  ) throws(FileWriteError) {
    for name in names where access(path(staging, name), F_OK) == 0 {
      try TransactionStep.renameFile(path(staging, name), path(directory, name))
    }
    try TransactionStep.fsyncDirectory(directory)
    try TransactionStep.removeFile(path(staging, manifestName))
    try TransactionStep.removeDirectory(staging)
  }

  /// Deletes the staging directory and everything in it, ignoring failures.
  private static func removeStaging(_ staging: String) {
    for name in (try? FileManager.default.contentsOfDirectory(atPath: staging)) ?? [] {
      _ = unlink(path(staging, name))
    }
    _ = rmdir(staging)
  }

  /// Creates `directory` and its missing parents.
  private static func createDirectory(_ directory: String) throws(FileWriteError) {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
      if isDirectory.boolValue { return }
      throw FileWriteError(path: directory, message: "exists and is not a directory")
    }
    let parent = parentPath(of: directory)
    if !parent.isEmpty && parent != directory { try createDirectory(parent) }
    if mkdir(directory, 0o755) != 0 && errno != EEXIST {
      throw FileWriteError(
        path: directory, message: "cannot create the directory: \(String(cString: strerror(errno)))"
      )
    }
  }

  static func path(_ directory: String, _ name: String) -> String {
    (directory as NSString).appendingPathComponent(name)
  }
}

/// The file-system operations of ``DirectoryTransaction``, each a point where
/// ``FaultInjection`` can stop the process.
enum TransactionStep {
  static func failure(_ path: String, _ what: String) -> FileWriteError {
    FileWriteError(path: path, message: "\(what): \(String(cString: strerror(errno)))")
  }

  static func makeDirectory(_ path: String, destination: String) throws(FileWriteError) {
    if FaultInjection.operation() || mkdir(path, 0o755) != 0 {
      throw failure(destination, "cannot create the staging directory \(path)")
    }
  }

  /// Creates `path` and writes `bytes` to it in pieces of at most 1 KiB, then `fsync`s it.
  static func writeFile(_ path: String, bytes: [UInt8], destination: String)
    throws(FileWriteError)
  {
    let descriptor =
      FaultInjection.operation() ? -1 : open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    if descriptor < 0 { throw failure(destination, "cannot create \(path)") }
    var offset = 0
    let failed: FileWriteError? = bytes.withUnsafeBytes { buffer in
      while offset < buffer.count {
        let count = Swift.min(1024, buffer.count - offset)
        let written =
          FaultInjection.operation() ? -1 : write(descriptor, buffer.baseAddress! + offset, count)
        if written < 0 {
          if errno == EINTR { continue }
          return failure(destination, "write failed")
        }
        offset += written
      }
      return nil
    }
    if let failed {
      _ = close(descriptor)
      throw failed
    }
    if FaultInjection.operation() || fsync(descriptor) != 0 {
      let error = failure(destination, "fsync failed")
      _ = close(descriptor)
      throw error
    }
    if FaultInjection.operation() {
      _ = close(descriptor)
      throw failure(destination, "close failed")
    }
    if close(descriptor) != 0 { throw failure(destination, "close failed") }
  }

  static func renameFile(_ source: String, _ destination: String) throws(FileWriteError) {
    if FaultInjection.operation() || rename(source, destination) != 0 {
      throw failure(destination, "cannot rename \(source) to it")
    }
  }

  static func fsyncDirectory(_ path: String) throws(FileWriteError) {
    if FaultInjection.operation() { throw failure(path, "fsync of the directory failed") }
    let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if descriptor < 0 { throw failure(path, "cannot open the directory to fsync it") }
    defer { _ = close(descriptor) }
    if fsync(descriptor) != 0 { throw failure(path, "fsync of the directory failed") }
  }

  static func removeFile(_ path: String) throws(FileWriteError) {
    if FaultInjection.operation() || (unlink(path) != 0 && errno != ENOENT) {
      throw failure(path, "cannot delete it")
    }
  }

  static func removeDirectory(_ path: String) throws(FileWriteError) {
    if FaultInjection.operation() || (rmdir(path) != 0 && errno != ENOENT) {
      throw failure(path, "cannot delete it")
    }
  }
}
