import Foundation

/// A posterior's `reference.json`: the mean and standard deviation of every scalar over
/// posteriordb's reference draws (10 chains × 1,000 NUTS draws), by Stan's name (`beta[1]`).
public struct ReferencePosterior: Sendable {
  /// One scalar's reference moments.
  public struct Moments: Sendable {
    public var mean: Double
    public var standardDeviation: Double
  }

  /// The moments by name.
  public var moments: [String: Moments]

  /// The names, sorted as Stan orders a parameter's elements: by stem, then by index
  /// (`beta[2]` before `beta[10]`).
  public var names: [String] {
    moments.keys.sorted { StanName($0) < StanName($1) }
  }

  /// Reads `path`.
  ///
  /// - Throws: ``PosteriorDataError`` naming the file and, for a bad entry, the parameter.
  public init(contentsOf path: String) throws(PosteriorDataError) {
    let object: Any
    do {
      object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
    } catch {
      throw PosteriorDataError(path: path, field: nil, problem: "cannot be read as JSON (\(error))")
    }
    guard let entries = object as? [String: Any], !entries.isEmpty else {
      throw PosteriorDataError(
        path: path, field: nil, problem: "is not a non-empty JSON object of parameters")
    }
    var moments: [String: Moments] = [:]
    for (name, entry) in entries {
      guard let fields = entry as? [String: Any],
        let mean = (fields["mean"] as? NSNumber)?.doubleValue,
        let sd = (fields["sd"] as? NSNumber)?.doubleValue, mean.isFinite, sd > 0
      else {
        throw PosteriorDataError(
          path: path, field: name, problem: "needs a finite \"mean\" and a positive \"sd\"")
      }
      moments[name] = Moments(mean: mean, standardDeviation: sd)
    }
    self.moments = moments
  }

  /// The reference of `root/<name>/reference.json`.
  public init(posterior name: String, root: String) throws(PosteriorDataError) {
    try self.init(contentsOf: "\(root)/\(name)/reference.json")
  }
}

/// A Stan scalar's name split for sorting: `beta[10]` as ("beta", [10]).
private struct StanName: Comparable {
  var stem: String
  var indices: [Int]

  init(_ name: String) {
    guard let open = name.firstIndex(of: "["), name.hasSuffix("]") else {
      stem = name
      indices = []
      return
    }
    stem = String(name[..<open])
    indices = name[name.index(after: open)..<name.index(before: name.endIndex)]
      .split(separator: ",").map { Int($0) ?? 0 }
  }

  static func < (a: StanName, b: StanName) -> Bool {
    if a.stem != b.stem { return a.stem < b.stem }
    return a.indices.lexicographicallyPrecedes(b.indices)
  }
}
