/// Horizontal placement of text relative to the x coordinate passed to
/// ``Image/drawText(_:x:y:color:scale:alignment:)``.
public enum TextAlignment: Sendable, Hashable {
  /// `x` is the left edge of every line.
  case left
  /// `x` is the horizontal centre of every line (rounded down for odd widths).
  case center
  /// `x` is one past the right edge of every line, so the text ends at column `x - 1`.
  case right
}

/// Text rendering with the built-in ``BitmapFont``.
extension Image {
  /// Draws `text` with the built-in 5×7 bitmap font (see ``BitmapFont``), each font pixel
  /// becoming a `scale` × `scale` block.
  ///
  /// `y` is the top row of the first line's glyph boxes (capital letters start there; the box is
  /// `BitmapFont.glyphHeight * scale` tall including the descender). `"\n"` starts a new line
  /// `BitmapFont.lineHeight * scale` rows lower, and `alignment` positions each line relative
  /// to `x`. Characters without a glyph are drawn as `?`; drawing is clipped to the image and a
  /// `scale` below 1 draws nothing.
  public mutating func drawText(
    _ text: String, x: Int, y: Int, color: RGBColor, scale: Int = 1,
    alignment: TextAlignment = .left
  ) {
    guard scale >= 1 else { return }
    var top = y
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let lineWidth = BitmapFont.size(of: String(line), scale: scale).width
      var left: Int
      switch alignment {
      case .left: left = x
      case .center: left = x - lineWidth / 2
      case .right: left = x - lineWidth
      }
      for character in line {
        drawGlyph(character, left: left, top: top, color: color, scale: scale)
        left += BitmapFont.advance * scale
      }
      top += BitmapFont.lineHeight * scale
    }
  }

  /// Draws one line of `text` rotated 90° counter-clockwise, so it reads from bottom to top
  /// (the usual orientation of a y-axis title).
  ///
  /// The rotated text occupies a box `BitmapFont.size(of: text, scale: scale).height` pixels
  /// wide and `.width` pixels tall whose top-left corner is (`x`, `y`); the first character is
  /// at the bottom. Line breaks are drawn as spaces. Clipped to the image; a `scale` below 1
  /// draws nothing.
  public mutating func drawTextVertical(
    _ text: String, x: Int, y: Int, color: RGBColor, scale: Int = 1
  ) {
    guard scale >= 1 else { return }
    let line = text.replacingNewlinesWithSpaces()
    let length = BitmapFont.size(of: line, scale: 1).width
    for (index, character) in line.enumerated() {
      let rows = BitmapFont.rows(for: character)
      for (row, bits) in rows.enumerated() where bits != 0 {
        for column in 0..<BitmapFont.glyphWidth where bits & (0x10 >> column) != 0 {
          let along = index * BitmapFont.advance + column
          fillRect(
            x: x + row * scale, y: y + (length - 1 - along) * scale, width: scale, height: scale,
            color: color)
        }
      }
    }
  }

  /// Draws a single glyph whose box has its top-left corner at (`left`, `top`).
  private mutating func drawGlyph(
    _ character: Character, left: Int, top: Int, color: RGBColor, scale: Int
  ) {
    guard character != " " else { return }
    let rows = BitmapFont.rows(for: character)
    for (row, bits) in rows.enumerated() where bits != 0 {
      for column in 0..<BitmapFont.glyphWidth where bits & (0x10 >> column) != 0 {
        fillRect(
          x: left + column * scale, y: top + row * scale, width: scale, height: scale,
          color: color)
      }
    }
  }
}

extension String {
  /// The string with every line break replaced by a space.
  fileprivate func replacingNewlinesWithSpaces() -> String {
    String(map { $0.isNewline ? " " : $0 })
  }
}
