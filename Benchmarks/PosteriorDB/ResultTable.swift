import Foundation

// The benchmark's table, as aligned plain text or as Markdown for the README.

/// The table's header cells.
let tableHeader = [
  "posterior", "family", "fits", "worst err", "median err", "min sd ratio", "max sd ratio",
  "ELBO", "k̂", "grad evals", "converged", "sd flag", "s/fit", "errors",
]

/// The cells of a row, in the order of ``tableHeader``.
func tableCells(_ row: TableRow) -> [String] {
  let failed = row.fitted == 0
  func statistic(_ value: Double) -> String { failed ? "—" : formatStatistic(value) }
  return [
    row.posterior, row.family, "\(row.fitted)/\(row.seedCount)",
    statistic(row.worstMeanError), statistic(row.medianMeanError),
    statistic(row.minimumSDRatio), statistic(row.maximumSDRatio),
    failed ? "—" : formatELBO(row.elbo), failed ? "—" : String(format: "%.2f", row.paretoK),
    failed ? "—" : "\(row.gradientEvaluations)", "\(row.converged)/\(row.fitted)",
    "\(row.sdFlagged)/\(row.fitted)",
    failed ? "—" : String(format: "%.2f", row.seconds),
    row.errors.joined(separator: "; "),
  ]
}

/// The rows as a plain-text table with columns padded to their widest cell (text columns
/// left-aligned, numbers right-aligned).
func textTable(_ rows: [TableRow]) -> String {
  let cells = [tableHeader] + rows.map(tableCells)
  let widths = tableHeader.indices.map { column in
    cells.map { $0[column].count }.max() ?? 0
  }
  func line(_ row: [String]) -> String {
    row.indices.map { column in
      let padding = String(repeating: " ", count: widths[column] - row[column].count)
      let leftAligned = column < 2 || column == row.count - 1
      return leftAligned ? row[column] + padding : padding + row[column]
    }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
  }
  let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
  return ([line(tableHeader), rule] + rows.map { line(tableCells($0)) }).joined(separator: "\n")
}

/// The rows as a Markdown table.
func markdownTable(_ rows: [TableRow]) -> String {
  func line(_ cells: [String]) -> String {
    "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ")
      + " |"
  }
  let alignment = tableHeader.indices.map { $0 < 2 || $0 == tableHeader.count - 1 ? "---" : "---:" }
  return ([line(tableHeader), line(alignment)] + rows.map { line(tableCells($0)) })
    .joined(separator: "\n")
}

/// A mean error or sd ratio: two decimals below 10, one below 10⁴, else scientific.
func formatStatistic(_ value: Double) -> String {
  guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
  let magnitude = Swift.abs(value)
  if magnitude < 10 { return String(format: "%.2f", value) }
  if magnitude < 10_000 { return String(format: "%.1f", value) }
  return String(format: "%.2e", value)
}

/// An ELBO: one decimal below 10⁷ in magnitude, else scientific.
func formatELBO(_ value: Double) -> String {
  guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
  return Swift.abs(value) < 1e7 ? String(format: "%.1f", value) : String(format: "%.3e", value)
}
