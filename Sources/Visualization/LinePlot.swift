/// A line chart of one or more named series, e.g. training curves (loss or ELBO per epoch).
///
/// The plot has a title, x and y axis titles, "nice" tick values (1, 2, 5 × 10ᵏ) with numeric
/// labels and light grid lines, and a legend placed in whichever inside corner of the plot area
/// covers the fewest drawn pixels (top-right, top-left, bottom-right, bottom-left on ties).
/// Ranges are fitted to the data with a 4 % margin unless fixed. Non-finite points (and
/// non-positive y values on a logarithmic axis) are skipped and break the line. Rendering is
/// deterministic.
///
/// ```swift
/// var plot = LinePlot(title: "Training", xLabel: "epoch", yLabel: "negative ELBO")
/// plot.addSeries("train", y: trainLosses)
/// plot.addSeries("test", x: testEpochs, y: testLosses)
/// try plot.render().writePNG(toPath: "loss.png")
/// ```
public struct LinePlot: Sendable {
  /// One named polyline.
  public struct Series: Sendable, Hashable {
    /// The name shown in the legend; empty for none (e.g. the second edge of a band).
    public var name: String
    /// The x coordinates, same count as `y`.
    public var x: [Double]
    /// The y coordinates, same count as `x`.
    public var y: [Double]
    /// The line colour; `nil` picks ``RGBColor/tab10`` colour number `index` (cycling).
    public var color: RGBColor?
    /// The line thickness in pixels; 0 with ``showsMarkers`` draws the points alone (a
    /// scatter), 0 without markers is drawn 1 pixel thick.
    public var lineWidth: Int
    /// Whether to draw a dot at every point in addition to the line.
    public var showsMarkers: Bool

    /// Creates a series; `x` and `y` are paired up to the shorter of the two.
    public init(
      name: String, x: [Double], y: [Double], color: RGBColor? = nil, lineWidth: Int = 2,
      showsMarkers: Bool = false
    ) {
      self.name = name
      self.x = x
      self.y = y
      self.color = color
      self.lineWidth = lineWidth
      self.showsMarkers = showsMarkers
    }
  }

  /// The title drawn centred above the plot area at twice the font scale; empty for none.
  public var title: String
  /// The x-axis title drawn below the tick labels; empty for none.
  public var xLabel: String
  /// The y-axis title drawn vertically left of the tick labels; empty for none.
  public var yLabel: String
  /// The series, drawn in order (later series on top).
  public var series: [Series] = []
  /// The output width in pixels.
  public var width: Int
  /// The output height in pixels.
  public var height: Int
  /// Whether the y axis is logarithmic (base 10); y values ≤ 0 are then skipped.
  public var logarithmicY = false
  /// A fixed x range instead of the fitted one (ignored unless finite and non-empty).
  public var xRange: ClosedRange<Double>?
  /// A fixed y range instead of the fitted one (ignored unless finite, non-empty and, on a
  /// logarithmic axis, positive).
  public var yRange: ClosedRange<Double>?
  /// The integer scale of all text (1 = 5×7-pixel capitals; the title uses twice this).
  public var fontScale = 1
  /// Whether to draw the legend. It is omitted for a plot without series and when it does not
  /// fit inside the plot area.
  public var showsLegend = true
  /// The background colour of the image and plot area.
  public var background = RGBColor.white

  /// Creates an empty plot of `width` × `height` pixels (800 × 500 by default).
  public init(
    title: String = "", xLabel: String = "", yLabel: String = "", width: Int = 800,
    height: Int = 500
  ) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.width = width
    self.height = height
  }

  /// Adds a series of points (`x[i]`, `y[i]`); see ``Series``.
  public mutating func addSeries(
    _ name: String, x: [Double], y: [Double], color: RGBColor? = nil, lineWidth: Int = 2,
    showsMarkers: Bool = false
  ) {
    series.append(
      Series(
        name: name, x: x, y: y, color: color, lineWidth: lineWidth, showsMarkers: showsMarkers))
  }

  /// Adds a series whose x coordinates are 1, 2, 3, … (e.g. epochs).
  public mutating func addSeries(
    _ name: String, y: [Double], color: RGBColor? = nil, lineWidth: Int = 2,
    showsMarkers: Bool = false
  ) {
    addSeries(
      name, x: (0..<y.count).map { Double($0 + 1) }, y: y, color: color, lineWidth: lineWidth,
      showsMarkers: showsMarkers)
  }

  /// The colour used for the series at `index`.
  public func color(ofSeries index: Int) -> RGBColor {
    series[index].color ?? RGBColor.categorical(index)
  }

  /// Draws the plot into a new `width` × `height` image (each side at least 1 pixel).
  public func render() -> Image {
    let xs = series.flatMap { $0.x.prefix($0.y.count) }
    let ys = series.flatMap { $0.y.prefix($0.x.count) }
    let xBounds = PlotAxis.range(of: xs, logarithmic: false, fixed: xRange)
    let yBounds = PlotAxis.range(of: ys, logarithmic: logarithmicY, fixed: yRange)
    var frame = PlotFrame(
      width: width, height: height, title: title, xTitle: xLabel, yTitle: yLabel,
      xAxis: PlotAxis(lower: xBounds.lower, upper: xBounds.upper, isLogarithmic: false),
      yAxis: PlotAxis(lower: yBounds.lower, upper: yBounds.upper, isLogarithmic: logarithmicY),
      rightReserve: 0, fontScale: fontScale, background: background)

    var canvas = frame.makeCanvas()
    let blank = canvas
    for (index, line) in series.enumerated() {
      let color = color(ofSeries: index)
      let thickness = max(line.lineWidth, 1)
      let drawsLine = line.lineWidth > 0 || !line.showsMarkers
      var run: [(x: Int, y: Int)] = []
      func flush() {
        if drawsLine { canvas.drawPolyline(run, color: color, thickness: thickness) }
        run.removeAll(keepingCapacity: true)
      }
      for (x, y) in zip(line.x, line.y) {
        guard let point = frame.canvasPoint(x: x, y: y), abs(point.x) < 1e7, abs(point.y) < 1e7
        else {
          flush()
          continue
        }
        let pixel = (x: Int(point.x.rounded()), y: Int(point.y.rounded()))
        if line.showsMarkers {
          canvas.fillCircle(
            centerX: pixel.x, centerY: pixel.y, radius: drawsLine ? thickness + 1 : 2, color: color)
        }
        run.append(pixel)
      }
      flush()
    }

    var legendOrigin: (x: Int, y: Int)?
    let entries = series.indices.filter { !series[$0].name.isEmpty }.map { index in
      let line = series[index]
      return LegendEntry(
        label: line.name, color: color(ofSeries: index),
        swatch: line.lineWidth == 0 && line.showsMarkers
          ? .dot(radius: 2) : .line(thickness: max(line.lineWidth, 1)))
    }
    let size = PlotFrame.legendSize(entries, scale: frame.scale)
    if showsLegend, !entries.isEmpty, size.width + 16 <= canvas.width,
      size.height + 16 <= canvas.height
    {
      legendOrigin = Self.emptiestCorner(
        of: canvas, blank: blank, boxWidth: size.width, boxHeight: size.height, inset: 8)
    }
    frame.finish(canvas: canvas)
    if let origin = legendOrigin {
      frame.drawLegend(entries, x: frame.plotX + origin.x, y: frame.plotY + origin.y)
    }
    return frame.image
  }

  /// The inside corner position of a `boxWidth` × `boxHeight` box, `inset` pixels from the
  /// edges, that covers the fewest pixels differing from the `blank` canvas.
  static func emptiestCorner(
    of canvas: Image, blank: Image, boxWidth: Int, boxHeight: Int, inset: Int
  ) -> (x: Int, y: Int) {
    let right = canvas.width - inset - boxWidth
    let bottom = canvas.height - inset - boxHeight
    let corners = [(right, inset), (inset, inset), (right, bottom), (inset, bottom)]
    var best = corners[0]
    var bestCount = Int.max
    for (x, y) in corners {
      var count = 0
      for row in y..<(y + boxHeight) {
        var offset = 3 * (row * canvas.width + x)
        for _ in 0..<boxWidth {
          if canvas.pixels[offset] != blank.pixels[offset]
            || canvas.pixels[offset + 1] != blank.pixels[offset + 1]
            || canvas.pixels[offset + 2] != blank.pixels[offset + 2]
          {
            count += 1
          }
          offset += 3
        }
      }
      if count < bestCount {
        bestCount = count
        best = (x, y)
      }
    }
    return best
  }
}
