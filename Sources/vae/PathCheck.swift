import Foundation
import Serialization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// The files a command reads and writes, checked before any work: no output may be an input
/// or another output (paths compared after resolving symbolic links), and every output's
/// directory must exist (or be creatable, for a run directory) and be writable.
struct PathCheck {
  /// A file named by a flag.
  struct Named {
    var flag: String
    var path: String
  }

  var inputs: [Named] = []
  /// Files the command writes.
  var outputs: [Named] = []
  /// Directories the command creates if needed and writes into (`vae train --output`).
  var outputDirectories: [Named] = []
  /// The files written in ``outputDirectories``, which must not be inputs either.
  var filesInOutputDirectories: [Named] = []

  /// A command-line mistake about paths, reported before any work.
  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  /// Adds `path` as an input; a directory stands for every file in it.
  mutating func input(_ flag: String, _ path: String?) {
    guard let path else { return }
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
      isDirectory.boolValue
    {
      for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
        inputs.append(Named(flag: flag, path: (path as NSString).appendingPathComponent(name)))
      }
    } else {
      inputs.append(Named(flag: flag, path: path))
    }
  }

  /// Throws ``Failure`` naming the flag and the path of the first problem found.
  func check() throws {
    var seen: [String: Named] = [:]
    for input in inputs { seen[Self.resolved(input.path)] = input }
    var written: [String: Named] = [:]
    for output in outputs + filesInOutputDirectories {
      let resolved = Self.resolved(output.path)
      if let input = seen[resolved] {
        throw Failure(
          description: "\(output.flag) \(output.path) is the input \(input.flag) "
            + "\(input.path) (both are \(resolved)); writing it would destroy the input")
      }
      if let other = written[resolved] {
        throw Failure(
          description: "\(output.flag) \(output.path) and \(other.flag) \(other.path) are the "
            + "same file (\(resolved)); give them different paths")
      }
      written[resolved] = output
    }
    for output in outputs { try Self.checkWritable(output, creatingDirectory: false) }
    for directory in outputDirectories {
      try Self.checkWritable(directory, creatingDirectory: true)
    }
  }

  /// Checks that `file`'s directory exists and is writable, or, when `creatingDirectory`,
  /// that `file` is (or can be created as) a writable directory.
  static func checkWritable(_ named: Named, creatingDirectory: Bool) throws {
    let manager = FileManager.default
    var isDirectory: ObjCBool = false
    if creatingDirectory {
      var existing = named.path
      while !manager.fileExists(atPath: existing, isDirectory: &isDirectory) {
        let parent = parentPath(of: existing)
        existing = parent.isEmpty ? "." : parent
      }
      guard isDirectory.boolValue else {
        throw Failure(
          description: "\(named.flag) \(named.path): \(existing) is not a directory")
      }
      guard access(existing, W_OK | X_OK) == 0 else {
        throw Failure(
          description: "\(named.flag) \(named.path): cannot write in \(existing) "
            + "(\(String(cString: strerror(errno))))")
      }
      return
    }
    if manager.fileExists(atPath: named.path, isDirectory: &isDirectory), isDirectory.boolValue {
      throw Failure(description: "\(named.flag) \(named.path) is a directory; name a file")
    }
    var parent = parentPath(of: named.path)
    if parent.isEmpty { parent = "." }
    guard manager.fileExists(atPath: parent, isDirectory: &isDirectory) else {
      throw Failure(
        description: "\(named.flag) \(named.path): the directory \(parent) does not exist")
    }
    guard isDirectory.boolValue else {
      throw Failure(description: "\(named.flag) \(named.path): \(parent) is not a directory")
    }
    guard access(parent, W_OK | X_OK) == 0 else {
      throw Failure(
        description: "\(named.flag) \(named.path): cannot write in \(parent) "
          + "(\(String(cString: strerror(errno))))")
    }
  }

  /// The absolute path of `path` with `.`, `..` and the symbolic links of its existing part
  /// resolved.
  static func resolved(_ path: String) -> String {
    let absolute =
      path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    var components: [String] = []
    for component in absolute.split(separator: "/") {
      switch component {
      case ".": continue
      case "..": if !components.isEmpty { components.removeLast() }
      default: components.append(String(component))
      }
    }
    // The longest existing prefix goes through realpath (which follows symbolic links).
    var rest: [String] = []
    while true {
      let prefix = "/" + components.joined(separator: "/")
      if let real = realpath(prefix, nil) {
        defer { free(real) }
        let base = String(cString: real)
        if rest.isEmpty { return base }
        let tail = rest.reversed().joined(separator: "/")
        return (base == "/" ? "" : base) + "/" + tail
      }
      guard let last = components.popLast() else { return absolute }
      rest.append(last)
    }
  }
}
