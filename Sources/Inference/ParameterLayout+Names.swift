extension ParameterLayout {
  /// `the model declares "mu", "sigma"`, followed by ` (did you mean "sigma"?)` when `name` is
  /// close to one of them (``nearestName(to:)``).
  func declaredNames(suggestingFor name: String?) -> String {
    let declared = "the model declares " + names.map { "\"\($0)\"" }.joined(separator: ", ")
    guard let name, let nearest = nearestName(to: name) else { return declared }
    return declared + " (did you mean \"\(nearest)\"?)"
  }

  /// The declared name nearest to `name`, when at most one edit in three characters of `name`
  /// (at least one) separates them: the likely intent of a misspelling. Ties go to the first
  /// declared.
  func nearestName(to name: String) -> String? {
    let limit = Swift.max(1, name.count / 3)
    var nearest: (name: String, distance: Int)?
    for candidate in names {
      let distance = editDistance(Array(name.lowercased()), Array(candidate.lowercased()))
      if distance <= limit && distance < (nearest?.distance ?? .max) {
        nearest = (candidate, distance)
      }
    }
    return nearest?.name
  }
}

/// The fewest insertions, deletions, substitutions of one character and swaps of two adjacent
/// ones that turn `a` into `b` (the optimal string alignment distance, Levenshtein's with
/// transpositions: `tehta` is one edit from `theta`), computed row by row.
func editDistance(_ a: [Character], _ b: [Character]) -> Int {
  guard !a.isEmpty else { return b.count }
  guard !b.isEmpty else { return a.count }
  var beforePrevious = [Int](repeating: 0, count: b.count + 1)
  var previous = Array(0...b.count)
  for i in 1...a.count {
    var current = [i] + [Int](repeating: 0, count: b.count)
    for j in 1...b.count {
      let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
      current[j] = Swift.min(substitution, previous[j] + 1, current[j - 1] + 1)
      if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
        current[j] = Swift.min(current[j], beforePrevious[j - 2] + 1)
      }
    }
    beforePrevious = previous
    previous = current
  }
  return previous[b.count]
}
