import Foundation

/// Progress of long work on the terminal: a bar redrawn in place when standard output is a
/// terminal, plain lines (at most one every few seconds, and the last) when it is not, such as
/// in CI logs or when piped to a file.
///
/// ```
/// epoch 3/10 [##########..........]  240/469  loss 251.3  recon 227.0  KL 24.3  41.2k/s  ETA 3s
/// ```
public struct ProgressBar {
  /// What is being counted, printed before the bar (e.g. "epoch 3/10").
  public var title: String
  /// The number of units of work (e.g. batches).
  public var total: Int
  /// The number of items each unit stands for, to report a rate (e.g. images per batch).
  public var itemsPerUnit: Int
  /// Whether to redraw in place; by default, whether standard output is a terminal.
  public var isInteractive: Bool
  /// The minimum seconds between plain lines when not interactive.
  public var plainLineInterval: Double
  /// The terminal's width: an interactive line is cut to one character less, so that it never
  /// wraps (a wrapped line is not erased by the next redraw, and lines would stack up).
  public var columns: Int

  let start: ContinuousClock.Instant
  var lastDraw: ContinuousClock.Instant?
  var completed = 0
  var items = 0

  /// Starts timing now.
  public init(
    title: String, total: Int, itemsPerUnit: Int = 1,
    isInteractive: Bool = isatty(STDOUT_FILENO) == 1, plainLineInterval: Double = 5,
    columns: Int = terminalColumns()
  ) {
    self.columns = columns
    self.title = title
    self.total = Swift.max(total, 1)
    self.itemsPerUnit = itemsPerUnit
    self.isInteractive = isInteractive
    self.plainLineInterval = plainLineInterval
    start = ContinuousClock.now
  }

  /// Seconds since the bar was created.
  public var elapsedSeconds: Double {
    (ContinuousClock.now - start).inSeconds
  }

  /// Records `units` more units done (covering `items` items, by default
  /// `units × itemsPerUnit`) and redraws when due, with `fields` such as `["loss": 251.3]`
  /// shown in the given order.
  public mutating func advance(
    by units: Int = 1, items: Int? = nil, fields: KeyValuePairs<String, Double> = [:]
  ) {
    completed += units
    self.items += items ?? units * itemsPerUnit
    let now = ContinuousClock.now
    let finished = completed >= total
    if isInteractive {
      if !finished, let lastDraw, now - lastDraw < .milliseconds(100) { return }
    } else {
      let due = lastDraw.map { now - $0 >= .seconds(plainLineInterval) } ?? false
      if !finished && !due {
        if lastDraw == nil { lastDraw = now }
        return
      }
    }
    lastDraw = now
    let line = render(fields: fields)
    if isInteractive {
      print("\r\u{1B}[2K" + Self.cut(line, to: columns - 1), terminator: finished ? "\n" : "")
    } else {
      print(line)
    }
    fflush(nil)  // flushes every output stream, standard output included
  }

  /// The progress line for the current state.
  public func render(fields: KeyValuePairs<String, Double>) -> String {
    let elapsed = elapsedSeconds
    let fraction = Double(completed) / Double(total)
    let width = 20
    let filled = Swift.min(width, Int(fraction * Double(width)))
    let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
    var line = "\(title) [\(bar)] \(completed)/\(total)"
    for (name, value) in fields { line += "  \(name) \(Self.format(value))" }
    if elapsed > 0 {
      let rate = Double(items) / elapsed
      line +=
        rate >= 1000 ? String(format: "  %.1fk/s", rate / 1000) : String(format: "  %.0f/s", rate)
    }
    if completed < total && completed > 0 {
      let remaining = elapsed / Double(completed) * Double(total - completed)
      line += "  ETA \(Self.formatDuration(remaining))"
    } else {
      line += "  \(Self.formatDuration(elapsed))"
    }
    return line
  }

  /// `line` cut to at most `width` characters (at least 1).
  static func cut(_ line: String, to width: Int) -> String {
    line.count <= Swift.max(width, 1) ? line : String(line.prefix(Swift.max(width, 1)))
  }

  /// The width of the terminal on standard output (`TIOCGWINSZ`), else `COLUMNS`, else 80.
  public static func terminalColumns() -> Int {
    var size = winsize()
    if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 {
      return Int(size.ws_col)
    }
    if let text = ProcessInfo.processInfo.environment["COLUMNS"], let columns = Int(text),
      columns > 0
    {
      return columns
    }
    return 80
  }

  /// Four significant figures, or scientific notation for very large or small magnitudes.
  static func format(_ value: Double) -> String {
    let magnitude = Swift.abs(value)
    if value.isNaN || value.isInfinite { return "\(value)" }
    if magnitude != 0 && (magnitude >= 1e6 || magnitude < 1e-3) {
      return String(format: "%.3e", value)
    }
    if magnitude >= 100 { return String(format: "%.1f", value) }
    return String(format: "%.4g", value)
  }

  /// "42s", "3m05s" or "1h02m".
  static func formatDuration(_ seconds: Double) -> String {
    let total = Int(seconds.rounded())
    if total < 60 { return seconds < 10 ? String(format: "%.1fs", seconds) : "\(total)s" }
    if total < 3600 { return String(format: "%dm%02ds", total / 60, total % 60) }
    return String(format: "%dh%02dm", total / 3600, (total % 3600) / 60)
  }
}
