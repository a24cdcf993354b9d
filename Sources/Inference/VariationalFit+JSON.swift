import Serialization

extension VariationalFit {
  /// The JSON summary of the fit and of `draws`:
  /// ```
  /// {"parameters": {NAME: {"mean": …, "sd": …, "q5": …, "q50": …, "q95": …}, …},
  ///  "elbo": …, "iterations": …, "algorithm": "deterministic" | "stochastic",
  ///  "gradient_evaluations": …, "fixed_draws": …, "monte_carlo_se_in_sd": {NAME: …, …},
  ///  "khat": …, "sd_check": {"draws": …, "ratios": {NAME: …, …}, "flagged": [NAME, …]},
  ///  "converged": …}
  /// ```
  /// (`fixed_draws` and `monte_carlo_se_in_sd`, the Monte-Carlo standard error of each
  /// parameter's mean in posterior sds, for the deterministic fit only)
  /// with one entry per output column (parameters, then derived quantities) in order, `elbo`
  /// the final estimate from many draws, `khat` the Pareto k̂ of `draws` and `sd_check` its
  /// ``ScaleCheck`` (importance-weighted over plain sd per parameter). Non-finite numbers
  /// are written as `null`.
  public func summaryJSON(draws: PosteriorDraws) -> String {
    var text = "{\n  \"parameters\": {"
    let rows = draws.summary()
    for (index, row) in rows.enumerated() {
      text += index == 0 ? "\n" : ",\n"
      text += "    \(jsonString(row.name)): {\"mean\": \(jsonNumber(row.mean)), "
      text += "\"sd\": \(jsonNumber(row.standardDeviation)), \"q5\": \(jsonNumber(row.q5)), "
      text += "\"q50\": \(jsonNumber(row.q50)), \"q95\": \(jsonNumber(row.q95))}"
    }
    text += rows.isEmpty ? "},\n" : "\n  },\n"
    text += "  \"elbo\": \(jsonNumber(elbo.value)),\n"
    text += "  \"iterations\": \(iterations),\n"
    text += "  \"algorithm\": \(jsonString(algorithm.description)),\n"
    text += "  \"gradient_evaluations\": \(gradientEvaluations),\n"
    if let drawCount { text += "  \"fixed_draws\": \(drawCount),\n" }
    if let errors = monteCarloStandardErrors {
      let entries = zip(layout.elementNames, errors).map { "\(jsonString($0)): \(jsonNumber($1))" }
      text += "  \"monte_carlo_se_in_sd\": {\(entries.joined(separator: ", "))},\n"
    }
    text += "  \"khat\": \(jsonNumber(draws.pareto.k)),\n"
    let check = draws.scaleCheck
    let ratios = zip(check.names, check.ratios).map { "\(jsonString($0)): \(jsonNumber($1))" }
    text += "  \"sd_check\": {\"draws\": \(check.count), "
    text += "\"ratios\": {\(ratios.joined(separator: ", "))}, "
    let flagged = check.flagged.map { jsonString($0.name) }.joined(separator: ", ")
    text += "\"flagged\": [\(flagged)]},\n"
    text += "  \"converged\": \(converged)\n}\n"
    return text
  }

  /// Writes ``summaryJSON(draws:)`` to `path` atomically (<doc:/documentation/Serialization/AtomicFile>).
  ///
  /// - Throws: `FileWriteError` naming the path.
  public func writeSummaryJSON(draws: PosteriorDraws, toPath path: String) throws(FileWriteError) {
    try AtomicFile.write(Array(summaryJSON(draws: draws).utf8), toPath: path)
  }
}

/// A JSON number in the shortest form that reads back exactly, or `null` when not finite.
func jsonNumber(_ value: Double) -> String {
  value.isFinite ? "\(value)" : "null"
}

/// A JSON string literal, with quotes, backslashes and control characters escaped.
func jsonString(_ text: String) -> String {
  var result = "\""
  for scalar in text.unicodeScalars {
    switch scalar {
    case "\"": result += "\\\""
    case "\\": result += "\\\\"
    case "\n": result += "\\n"
    case "\r": result += "\\r"
    case "\t": result += "\\t"
    default:
      if scalar.value < 0x20 {
        let hex = String(scalar.value, radix: 16)
        result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      } else {
        result.unicodeScalars.append(scalar)
      }
    }
  }
  return result + "\""
}
