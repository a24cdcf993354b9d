/// Vector-style drawing primitives on ``Image``: lines, polylines and filled circles.
///
/// All primitives use integer pixel coordinates (column `x`, row `y`, origin at the top-left),
/// are not anti-aliased, clip silently at the image border and are fully deterministic.
extension Image {
  /// Draws a straight line from (`x0`, `y0`) to (`x1`, `y1`), both end points included, using
  /// Bresenham's algorithm.
  ///
  /// With `thickness` > 1 every point of the line is stamped with a `thickness` × `thickness`
  /// square centred on it (for even thicknesses the extra pixel lies right of and below the
  /// centre). A `thickness` below 1 draws nothing.
  public mutating func drawLine(
    x0: Int, y0: Int, x1: Int, y1: Int, color: RGBColor, thickness: Int = 1
  ) {
    guard thickness >= 1 else { return }
    // Skip lines that cannot touch the image (this also bounds the loop for huge coordinates).
    let reach = thickness
    if max(x0, x1) < -reach || min(x0, x1) >= width + reach || max(y0, y1) < -reach
      || min(y0, y1) >= height + reach
    {
      return
    }
    let before = (thickness - 1) / 2
    let dx = abs(x1 - x0)
    let dy = -abs(y1 - y0)
    let stepX = x0 < x1 ? 1 : -1
    let stepY = y0 < y1 ? 1 : -1
    var error = dx + dy
    var x = x0
    var y = y0
    while true {
      if thickness == 1 {
        setPixel(x: x, y: y, color: color)
      } else {
        fillRect(x: x - before, y: y - before, width: thickness, height: thickness, color: color)
      }
      if x == x1 && y == y1 { break }
      let doubled = 2 * error
      if doubled >= dy {
        error += dy
        x += stepX
      }
      if doubled <= dx {
        error += dx
        y += stepY
      }
    }
  }

  /// Draws consecutive line segments through `points` (each an `(x, y)` pixel position) with
  /// ``drawLine(x0:y0:x1:y1:color:thickness:)``; a single point is drawn as a dot of the same
  /// thickness and an empty array draws nothing.
  public mutating func drawPolyline(
    _ points: [(x: Int, y: Int)], color: RGBColor, thickness: Int = 1
  ) {
    guard let first = points.first else { return }
    if points.count == 1 {
      drawLine(
        x0: first.x, y0: first.y, x1: first.x, y1: first.y, color: color,
        thickness: thickness)
      return
    }
    for index in 1..<points.count {
      let a = points[index - 1]
      let b = points[index]
      drawLine(x0: a.x, y0: a.y, x1: b.x, y1: b.y, color: color, thickness: thickness)
    }
  }

  /// Fills the disc of integer `radius` centred on pixel (`centerX`, `centerY`).
  ///
  /// A pixel (x, y) is filled when `(x - cx)² + (y - cy)² <= radius² + radius`, which gives
  /// rounder small discs than the strict inequality: radius 0 is a single pixel, radius 1 a
  /// 3×3 square, radius 2 a 5×5 square without its corners. A negative radius draws nothing.
  public mutating func fillCircle(centerX: Int, centerY: Int, radius: Int, color: RGBColor) {
    guard radius >= 0 else { return }
    let limit = radius * radius + radius
    for dy in -radius...radius {
      var half = radius
      while half > 0 && half * half + dy * dy > limit { half -= 1 }
      fillRect(x: centerX - half, y: centerY + dy, width: 2 * half + 1, height: 1, color: color)
    }
  }

  /// Draws the one-pixel outline of the circle of integer `radius` centred on (`centerX`,
  /// `centerY`) using the midpoint circle algorithm; a negative radius draws nothing.
  public mutating func strokeCircle(centerX: Int, centerY: Int, radius: Int, color: RGBColor) {
    guard radius >= 0 else { return }
    var x = radius
    var y = 0
    var decision = 1 - radius
    while x >= y {
      for (px, py) in [(x, y), (y, x), (-y, x), (-x, y), (-x, -y), (-y, -x), (y, -x), (x, -y)] {
        setPixel(x: centerX + px, y: centerY + py, color: color)
      }
      y += 1
      if decision < 0 {
        decision += 2 * y + 1
      } else {
        x -= 1
        decision += 2 * (y - x) + 1
      }
    }
  }

  /// Draws a horizontal dashed line of one pixel height from column `x0` to `x1` (inclusive) on
  /// row `y`, alternating `dash` drawn pixels and `gap` skipped pixels starting at `x0`.
  public mutating func drawDashedHorizontalLine(
    x0: Int, x1: Int, y: Int, color: RGBColor, dash: Int = 4, gap: Int = 3
  ) {
    guard dash >= 1, gap >= 0 else { return }
    var x = min(x0, x1)
    let end = max(x0, x1)
    while x <= end {
      fillRect(x: x, y: y, width: min(dash, end - x + 1), height: 1, color: color)
      x += dash + gap
    }
  }

  /// Draws a vertical dashed line of one pixel width from row `y0` to `y1` (inclusive) in
  /// column `x`, alternating `dash` drawn pixels and `gap` skipped pixels starting at `y0`.
  public mutating func drawDashedVerticalLine(
    x: Int, y0: Int, y1: Int, color: RGBColor, dash: Int = 4, gap: Int = 3
  ) {
    guard dash >= 1, gap >= 0 else { return }
    var y = min(y0, y1)
    let end = max(y0, y1)
    while y <= end {
      fillRect(x: x, y: y, width: 1, height: min(dash, end - y + 1), color: color)
      y += dash + gap
    }
  }
}
