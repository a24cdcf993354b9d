import Foundation

/// One axis of a plot: its data range, scale and ticks, and the mapping to canvas pixels.
struct PlotAxis {
  /// The data value at the start (left or bottom) and end (right or top) of the axis.
  var lower: Double
  var upper: Double
  var isLogarithmic: Bool
  /// Labelled ticks and their labels (same count).
  var major: [Double] = []
  var labels: [String] = []
  /// Unlabelled short ticks (logarithmic axes only).
  var minor: [Double] = []

  /// The axis range for `values`: the finite values (positive ones on a log axis) widened by
  /// `margin` of the span on both sides, or exactly `fixed` when it is a usable range (finite,
  /// non-empty, and positive on a log axis).
  static func range(
    of values: [Double], logarithmic: Bool, fixed: ClosedRange<Double>?, margin: Double = 0.04
  ) -> (lower: Double, upper: Double) {
    if let fixed, fixed.lowerBound.isFinite, fixed.upperBound.isFinite,
      fixed.upperBound > fixed.lowerBound, !logarithmic || fixed.lowerBound > 0
    {
      return (fixed.lowerBound, fixed.upperBound)
    }
    var low = Double.infinity
    var high = -Double.infinity
    for value in values where value.isFinite && (!logarithmic || value > 0) {
      low = min(low, value)
      high = max(high, value)
    }
    if logarithmic {
      guard low <= high else { return (1, 10) }
      var (a, b) = (log10(low), log10(high))
      if b - a < 1e-12 { (a, b) = (a - 0.5, b + 0.5) }
      let pad = (b - a) * margin
      return (pow(10, a - pad), pow(10, b + pad))
    }
    guard low <= high else { return (0, 1) }
    if high - low <= max(abs(low), abs(high)) * 1e-12 {
      let half = low == 0 ? 1 : abs(low) * 0.1
      return (low - half, high + half)
    }
    let pad = (high - low) * margin
    return (low - pad, high + pad)
  }

  /// Computes ticks and labels for about `targetCount` labelled ticks.
  mutating func computeTicks(targetCount: Int) {
    if isLogarithmic {
      (major, minor) = AxisTicks.logarithmic(lower: lower, upper: upper, targetCount: targetCount)
      labels = major.map(AxisTicks.logLabel(for:))
    } else {
      major = AxisTicks.linear(lower: lower, upper: upper, targetCount: targetCount)
      let step = AxisTicks.niceStep(span: upper - lower, targetCount: targetCount)
      let magnitude = major.map(abs).max() ?? 0
      labels = major.map { AxisTicks.label(for: $0, step: step, magnitude: magnitude) }
      minor = []
    }
  }

  /// The fraction 0...1 of the way from `lower` to `upper` where `value` lies (outside 0...1
  /// for values off the axis), or `nil` for non-finite values and non-positive values on a
  /// logarithmic axis.
  func fraction(_ value: Double) -> Double? {
    guard value.isFinite else { return nil }
    if isLogarithmic {
      guard value > 0 else { return nil }
      return (log10(value) - log10(lower)) / (log10(upper) - log10(lower))
    }
    return (value - lower) / (upper - lower)
  }
}

/// A legend row: a colour swatch (a short line or a dot) and its text.
struct LegendEntry {
  enum Swatch {
    case line(thickness: Int)
    case dot(radius: Int)
  }
  var label: String
  var color: RGBColor
  var swatch: Swatch
}

/// The shared layout and decoration of ``LinePlot`` and ``ScatterPlot``: margins, title, axis
/// titles, tick marks and labels, grid lines, the plot-area frame and legends.
///
/// Plot content is drawn on a separate canvas the size of the plot area (so it is clipped to
/// it) and copied in by ``finish(canvas:)``.
struct PlotFrame {
  static let textColor = RGBColor.darkGrey
  static let gridColor = RGBColor(grey: 235)
  static let frameColor = RGBColor(grey: 90)

  let scale: Int
  let background: RGBColor
  let title: String
  let xTitle: String
  let yTitle: String
  var image: Image
  let plotX: Int
  let plotY: Int
  let plotWidth: Int
  let plotHeight: Int
  var xAxis: PlotAxis
  var yAxis: PlotAxis

  /// Lays out a `width` × `height` plot with `rightReserve` extra pixels right of the plot area.
  init(
    width: Int, height: Int, title: String, xTitle: String, yTitle: String, xAxis: PlotAxis,
    yAxis: PlotAxis, rightReserve: Int, fontScale: Int, background: RGBColor
  ) {
    let s = max(fontScale, 1)
    let textHeight = BitmapFont.glyphHeight * s
    let tick = 4 + s
    scale = s
    self.background = background
    self.title = title
    self.xTitle = xTitle
    self.yTitle = yTitle
    image = Image(width: max(width, 1), height: max(height, 1), background: background)
    self.xAxis = xAxis
    self.yAxis = yAxis

    let top = title.isEmpty ? 10 + textHeight / 2 : 12 + 2 * textHeight + 10
    let bottom = tick + 5 + textHeight + (xTitle.isEmpty ? 0 : 10 + textHeight) + 10
    plotY = top
    plotHeight = max(height - top - bottom, 10)
    self.yAxis.computeTicks(targetCount: max(2, plotHeight / (45 + 10 * s)))
    let yLabelWidth = self.yAxis.labels.map { BitmapFont.size(of: $0, scale: s).width }.max() ?? 0
    let left = 10 + (yTitle.isEmpty ? 0 : textHeight + 10) + yLabelWidth + 5 + tick
    plotX = left
    let right = 18 + 3 * s + rightReserve
    plotWidth = max(width - left - right, 10)
    // Fewer x ticks until neighbouring labels no longer collide.
    var target = max(2, plotWidth / (70 + 20 * s))
    while true {
      self.xAxis.computeTicks(targetCount: target)
      let widest = self.xAxis.labels.map { BitmapFont.size(of: $0, scale: s).width }.max() ?? 0
      let positions = self.xAxis.major.compactMap { self.xAxis.fraction($0) }
        .map { $0 * Double(plotWidth - 1) }
      let gap = zip(positions, positions.dropFirst()).map { $1 - $0 }.min() ?? .infinity
      if gap >= Double(widest + 10 * s) || target <= 2 { break }
      target -= 1
    }
  }

  /// The canvas position of data point (`x`, `y`), or `nil` when a coordinate is not finite
  /// (or not positive on a log axis). Positions outside the plot area are returned unclipped.
  func canvasPoint(x: Double, y: Double) -> (x: Double, y: Double)? {
    guard let fx = xAxis.fraction(x), let fy = yAxis.fraction(y) else { return nil }
    return (fx * Double(plotWidth - 1), (1 - fy) * Double(plotHeight - 1))
  }

  /// A blank plot-area canvas with grid lines at the major ticks.
  func makeCanvas() -> Image {
    var canvas = Image(width: plotWidth, height: plotHeight, background: background)
    for value in xAxis.major {
      guard let f = xAxis.fraction(value) else { continue }
      let x = Int((f * Double(plotWidth - 1)).rounded())
      canvas.fillRect(x: x, y: 0, width: 1, height: plotHeight, color: Self.gridColor)
    }
    for value in yAxis.major {
      guard let f = yAxis.fraction(value) else { continue }
      let y = Int(((1 - f) * Double(plotHeight - 1)).rounded())
      canvas.fillRect(x: 0, y: y, width: plotWidth, height: 1, color: Self.gridColor)
    }
    return canvas
  }

  /// Copies `canvas` into the plot area and draws the frame, ticks, tick labels and titles.
  mutating func finish(canvas: Image) {
    let s = scale
    let textHeight = BitmapFont.glyphHeight * s
    let capHeight = BitmapFont.capHeight * s
    let tick = 4 + s
    image.draw(canvas, x: plotX, y: plotY)
    image.strokeRect(
      x: plotX - 1, y: plotY - 1, width: plotWidth + 2, height: plotHeight + 2,
      color: Self.frameColor)
    let bottomEdge = plotY + plotHeight
    for (value, label) in zip(xAxis.major, xAxis.labels) {
      guard let f = xAxis.fraction(value) else { continue }
      let x = plotX + Int((f * Double(plotWidth - 1)).rounded())
      image.fillRect(x: x, y: bottomEdge, width: 1, height: tick, color: Self.frameColor)
      image.drawText(
        label, x: x + 1, y: bottomEdge + tick + 5, color: Self.textColor, scale: s,
        alignment: .center)
    }
    for value in yAxis.major + yAxis.minor {
      guard let f = yAxis.fraction(value) else { continue }
      let y = plotY + Int(((1 - f) * Double(plotHeight - 1)).rounded())
      let isMajor = yAxis.major.contains(value)
      let length = isMajor ? tick : (tick + 1) / 2
      image.fillRect(x: plotX - 1 - length, y: y, width: length, height: 1, color: Self.frameColor)
    }
    for (value, label) in zip(yAxis.major, yAxis.labels) {
      guard let f = yAxis.fraction(value) else { continue }
      let y = plotY + Int(((1 - f) * Double(plotHeight - 1)).rounded())
      image.drawText(
        label, x: plotX - 1 - tick - 4, y: y - capHeight / 2, color: Self.textColor, scale: s,
        alignment: .right)
    }
    if !title.isEmpty {
      image.drawText(
        title, x: plotX + plotWidth / 2, y: 12, color: Self.textColor, scale: 2 * s,
        alignment: .center)
    }
    if !xTitle.isEmpty {
      image.drawText(
        xTitle, x: plotX + plotWidth / 2, y: bottomEdge + tick + 5 + textHeight + 10,
        color: Self.textColor, scale: s, alignment: .center)
    }
    if !yTitle.isEmpty {
      let length = BitmapFont.size(of: yTitle, scale: s).width
      image.drawTextVertical(
        yTitle, x: 10, y: plotY + (plotHeight - length) / 2, color: Self.textColor, scale: s)
    }
  }

  /// The size of a legend box holding `entries` at font scale `scale`.
  static func legendSize(_ entries: [LegendEntry], scale: Int) -> (width: Int, height: Int) {
    guard !entries.isEmpty else { return (0, 0) }
    let textWidth = entries.map { BitmapFont.size(of: $0.label, scale: scale).width }.max() ?? 0
    let rowHeight = (BitmapFont.lineHeight + 3) * scale
    return (
      8 * scale + swatchWidth(scale) + 6 * scale + textWidth + 8 * scale,
      rowHeight * entries.count + 8 * scale
    )
  }

  /// Draws a legend box with its top-left corner at (`x`, `y`) in the full image.
  mutating func drawLegend(_ entries: [LegendEntry], x: Int, y: Int) {
    guard !entries.isEmpty else { return }
    let s = scale
    let size = Self.legendSize(entries, scale: s)
    image.fillRect(x: x, y: y, width: size.width, height: size.height, color: background)
    image.strokeRect(
      x: x, y: y, width: size.width, height: size.height, color: RGBColor(grey: 200))
    let rowHeight = (BitmapFont.lineHeight + 3) * s
    let swatch = Self.swatchWidth(s)
    for (row, entry) in entries.enumerated() {
      let top = y + 4 * s + row * rowHeight + (rowHeight - BitmapFont.capHeight * s) / 2
      let middle = top + BitmapFont.capHeight * s / 2
      let left = x + 8 * s
      switch entry.swatch {
      case .line(let thickness):
        image.drawLine(
          x0: left, y0: middle, x1: left + swatch - 1, y1: middle, color: entry.color,
          thickness: max(thickness, 2))
      case .dot(let radius):
        image.fillCircle(
          centerX: left + swatch / 2, centerY: middle, radius: max(radius, 3 * s),
          color: entry.color)
      }
      image.drawText(
        entry.label, x: left + swatch + 6 * s, y: top, color: Self.textColor, scale: s)
    }
  }

  /// The width of a legend swatch.
  private static func swatchWidth(_ scale: Int) -> Int { 22 * scale }
}
