import Foundation

// Plain-text output: fixed-width tables printed row by row as results arrive, and number
// formatting.

/// A table with fixed column widths, printed one row at a time so a long run shows progress.
struct TextTable {
  /// How a column's cells are padded.
  enum Alignment {
    case left
    case right
  }

  /// A column: its header, width in characters and alignment.
  struct Column {
    var title: String
    var width: Int
    var alignment: Alignment

    init(_ title: String, _ width: Int, _ alignment: Alignment = .right) {
      self.title = title
      self.width = width
      self.alignment = alignment
    }
  }

  var columns: [Column]

  /// Prints the header row and a rule under it.
  func printHeader() {
    printRow(columns.map(\.title))
    print(columns.map { String(repeating: "-", count: $0.width) }.joined(separator: "  "))
  }

  /// Prints one row; a cell longer than its column widens it rather than being cut.
  func printRow(_ cells: [String]) {
    precondition(cells.count == columns.count, "a row needs \(columns.count) cells")
    let padded = zip(columns, cells).map { column, cell -> String in
      let padding = String(repeating: " ", count: max(0, column.width - cell.count))
      return column.alignment == .left ? cell + padding : padding + cell
    }
    var line = padded.joined(separator: "  ")
    while line.last == " " { line.removeLast() }
    print(line)
  }
}

/// Prints a section title underlined with `=`.
func printSection(_ title: String) {
  print("")
  print(title)
  print(String(repeating: "=", count: title.count))
}

/// `value` with a fixed number of decimals.
func formatted(_ value: Double, decimals: Int = 1) -> String {
  String(format: "%.\(decimals)f", value)
}

/// A duration in seconds with a unit chosen for 3–4 significant digits: ns, µs, ms or s.
func formattedDuration(_ seconds: Double) -> String {
  switch seconds {
  case ..<1e-6: return formatted(seconds * 1e9, decimals: 1) + " ns"
  case ..<1e-3: return formatted(seconds * 1e6, decimals: 1) + " µs"
  case ..<1: return formatted(seconds * 1e3, decimals: 2) + " ms"
  default: return formatted(seconds, decimals: 2) + " s"
  }
}

/// A ratio as a percentage, e.g. 0.987 → "98.7%".
func formattedPercent(_ ratio: Double) -> String {
  formatted(ratio * 100, decimals: 1) + "%"
}

/// A difference for the sanity-check columns, in scientific notation.
func formattedDifference(_ value: Double) -> String {
  value == 0 ? "0" : String(format: "%.1e", value)
}
