import Serialization

extension PosteriorDraws {
  /// The draws as CSV with Stan's columns: `lp__` (0, as Stan writes for ADVI), `log_p__`,
  /// `log_g__`, then one column per scalar (`mu`, `theta.1`, …); one line per draw. Numbers
  /// are written in the shortest form that reads back exactly; names that need it are quoted.
  public func csv() -> String {
    var text = (["lp__", "log_p__", "log_g__"] + columnNames.map(csvField)).joined(separator: ",")
    text += "\n"
    let width = columnNames.count
    for s in 0..<count {
      var fields = ["0", "\(logP[s])", "\(logQ[s])"]
      for c in 0..<width { fields.append("\(values[s * width + c])") }
      text += fields.joined(separator: ",")
      text += "\n"
    }
    return text
  }

  /// Writes ``csv()`` to `path` atomically (<doc:/documentation/Serialization/AtomicFile>): a crash leaves the old file or the
  /// new one, never half of one.
  ///
  /// - Throws: `FileWriteError` naming the path.
  public func writeCSV(toPath path: String) throws(FileWriteError) {
    try AtomicFile.write(Array(csv().utf8), toPath: path)
  }
}

/// `name`, quoted (with quotes doubled) when it holds a comma, a quote or a line break.
func csvField(_ name: String) -> String {
  guard name.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else {
    return name
  }
  var quoted = "\""
  for character in name { quoted += character == "\"" ? "\"\"" : String(character) }
  return quoted + "\""
}
