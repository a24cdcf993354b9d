import Foundation
import Serialization

/// A file `advi` would not write: one of its inputs, both outputs at once, or a place it
/// cannot write to. Found before the fit, so that no work is lost to it.
struct OutputPathError: Error, CustomStringConvertible {
  var description: String
}

/// The checks of `--output` and `--json` before a fit.
enum OutputPaths {
  /// Throws unless every output in `outputs` (flag, path) can be written, is none of `inputs`
  /// and is not another output. Paths are compared after resolving symbolic links and `..`
  /// (the whole path when the file exists, its directory otherwise).
  static func check(_ outputs: [(flag: String, path: String)], inputs: [String]) throws {
    var seen: [(flag: String, path: String, canonical: String)] = []
    for (flag, path) in outputs {
      let directory = displayedDirectory(of: path)
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory),
        isDirectory.boolValue
      else {
        throw OutputPathError(
          description: "cannot write \(path) (\(flag)): the directory \(directory) does not exist")
      }
      guard access(directory, W_OK) == 0 else {
        throw OutputPathError(
          description: "cannot write \(path) (\(flag)): the directory \(directory) is not writable")
      }
      if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
        isDirectory.boolValue
      {
        throw OutputPathError(description: "cannot write \(path) (\(flag)): it is a directory")
      }
      guard let canonical = canonicalPath(path) else { continue }
      for input in inputs where canonicalPath(input) == canonical {
        throw OutputPathError(
          description: "\(flag) \(path) is the input file \(input); writing it would destroy "
            + "the data: choose another file")
      }
      if let other = seen.first(where: { $0.canonical == canonical }) {
        throw OutputPathError(
          description: "\(other.flag) \(other.path) and \(flag) \(path) are the same file; "
            + "one would overwrite the other: choose two files")
      }
      seen.append((flag, path, canonical))
    }
  }

  /// The directory of `path` as the user wrote it ("." for a bare file name).
  static func displayedDirectory(of path: String) -> String {
    let directory = parentPath(of: path)
    return directory.isEmpty ? "." : directory
  }

  /// `path` with symbolic links and `..` resolved: all of it when it exists, else its
  /// directory followed by its last component; nil when the directory does not exist.
  static func canonicalPath(_ path: String) -> String? {
    if let real = realPath(path) { return real }
    guard let directory = realPath(displayedDirectory(of: path)) else { return nil }
    return (directory as NSString).appendingPathComponent((path as NSString).lastPathComponent)
  }

  private static func realPath(_ path: String) -> String? {
    guard let pointer = realpath(path, nil) else { return nil }
    defer { free(pointer) }
    return String(cString: pointer)
  }
}
