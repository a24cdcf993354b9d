/// An error from ``ImageGrid``: a bad configuration or tiles of the wrong size.
public enum ImageGridError: Error, Sendable, Hashable, CustomStringConvertible {
  /// A property or argument is out of range; the text says which.
  case invalidConfiguration(String)
  /// There are no tiles to draw.
  case noTiles
  /// Tile number `index` (counting from 0 in drawing order) has `actual` values instead of
  /// `expected` (`tileHeight * tileWidth * channels`).
  case tileSizeMismatch(index: Int, expected: Int, actual: Int)

  /// A one-line explanation.
  public var description: String {
    switch self {
    case .invalidConfiguration(let text): return "invalid image grid configuration: \(text)"
    case .noTiles: return "an image grid needs at least one tile"
    case .tileSizeMismatch(let index, let expected, let actual):
      return "tile \(index) has \(actual) values, expected \(expected)"
    }
  }
}

/// Tiles many small images (e.g. 28×28 VAE samples) into one picture.
///
/// Each tile is a `[Float]` of `tileHeight × tileWidth × channels` values in [0, 1], row-major
/// from the top-left; with 3 channels the values of a pixel are consecutive (red, green, blue).
/// Values are clamped to [0, 1] (NaN counts as 0) and mapped to bytes as `round(255 v)`.
/// Tiles are enlarged by the integer ``scale`` (nearest neighbour) and placed left to right,
/// top to bottom, ``columns`` per row, separated — and surrounded — by ``padding`` pixels of
/// ``paddingColor``. Optional ``rowLabels`` are drawn left of each row and an optional
/// ``caption`` above the grid. Greyscale tiles with the default colours produce an image whose
/// pixels are all grey, which ``PNG`` stores as a greyscale file.
///
/// ``tileOrigin(index:)`` gives the exact pixel position of every tile.
public struct ImageGrid: Sendable {
  /// How ``render(pairs:_:layout:labels:)`` arranges two sets of images.
  public enum PairLayout: Sendable, Hashable {
    /// A row of up to ``columns`` first images, then a row with their partners, and so on.
    case alternatingRows
    /// Each first image directly left of its partner; ``columns`` must be even, and pairs are
    /// separated by an extra gap of `max(padding, 2)` pixels.
    case sideBySide
  }

  /// Pixel rows per tile, before scaling.
  public var tileHeight: Int
  /// Pixel columns per tile, before scaling.
  public var tileWidth: Int
  /// Values per pixel: 1 (greyscale) or 3 (RGB).
  public var channels: Int
  /// Tiles per grid row.
  public var columns: Int
  /// Pixels between neighbouring tiles and around the grid (0 or more).
  public var padding: Int
  /// Integer enlargement of every tile (1 or more).
  public var scale: Int
  /// The colour of the padding and of empty grid cells.
  public var paddingColor = RGBColor(grey: 128)
  /// Whether to draw `1 − v` instead of `v` (dark ink on a light background).
  public var inverted = false
  /// Labels drawn left of each grid row, right-aligned; missing or extra entries are ignored.
  public var rowLabels: [String] = []
  /// A caption centred above the grid; empty for none.
  public var caption = ""
  /// The integer scale of the label and caption text.
  public var textScale = 1
  /// The colour of label and caption text.
  public var textColor = RGBColor.black
  /// The background behind labels and caption.
  public var labelBackground = RGBColor.white
  /// Every `columnGroupSize` columns an extra `columnGroupSpacing` pixels of padding is added
  /// (used to separate side-by-side pairs).
  public var columnGroupSize = 1
  /// Extra pixels between column groups; see ``columnGroupSize``.
  public var columnGroupSpacing = 0

  /// Creates a grid for `tileHeight` × `tileWidth` tiles with `channels` values per pixel.
  public init(
    tileHeight: Int, tileWidth: Int, channels: Int = 1, columns: Int = 8, padding: Int = 2,
    scale: Int = 1
  ) {
    self.tileHeight = tileHeight
    self.tileWidth = tileWidth
    self.channels = channels
    self.columns = columns
    self.padding = padding
    self.scale = scale
  }

  /// The width of the label column at the left (0 without row labels).
  public var labelAreaWidth: Int {
    let widest = rowLabels.map { BitmapFont.size(of: $0, scale: textScale).width }.max() ?? 0
    return widest == 0 ? 0 : widest + 8 * textScale
  }

  /// The height of the caption band at the top (0 without a caption).
  public var captionAreaHeight: Int {
    caption.isEmpty ? 0 : BitmapFont.size(of: caption, scale: textScale).height + 8 * textScale
  }

  /// The top-left output pixel of tile `index` (0-based, row-major).
  public func tileOrigin(index: Int) -> (x: Int, y: Int) {
    let perRow = max(columns, 1)
    let column = index % perRow
    let row = index / perRow
    let groups = column / max(columnGroupSize, 1)
    return (
      labelAreaWidth + padding + column * (tileWidth * scale + padding) + groups
        * columnGroupSpacing,
      captionAreaHeight + padding + row * (tileHeight * scale + padding)
    )
  }

  /// The output image size for `tileCount` tiles.
  public func imageSize(tileCount: Int) -> (width: Int, height: Int) {
    let rows = max((tileCount + columns - 1) / max(columns, 1), 1)
    let groups = (columns - 1) / max(columnGroupSize, 1)
    return (
      labelAreaWidth + padding + columns * (tileWidth * scale + padding) + groups
        * columnGroupSpacing,
      captionAreaHeight + padding + rows * (tileHeight * scale + padding)
    )
  }

  /// Renders `tiles` in order, ``columns`` per row; a partly filled last row leaves empty cells.
  ///
  /// - Throws: ``ImageGridError`` for an invalid configuration, no tiles or a tile whose value
  ///   count is not `tileHeight * tileWidth * channels`.
  public func render(_ tiles: [[Float]]) throws(ImageGridError) -> Image {
    try render(tiles.map { Optional($0) })
  }

  /// Renders one grid row per element of `rows` (e.g. one latent interpolation per row), each
  /// row left-aligned; ``columns`` is raised to the longest row's length.
  public func render(rows: [[[Float]]]) throws(ImageGridError) -> Image {
    var grid = self
    grid.columns = max(rows.map(\.count).max() ?? 1, 1)
    var cells: [[Float]?] = []
    for row in rows {
      cells += row.map { Optional($0) }
      cells += [[Float]?](repeating: nil, count: grid.columns - row.count)
    }
    return try grid.render(cells)
  }

  /// Renders two equally long sets of images paired up, e.g. inputs and their reconstructions.
  ///
  /// With ``PairLayout/alternatingRows`` the rows are labelled with `labels` (when given and
  /// ``rowLabels`` is empty); with ``PairLayout/sideBySide`` each pair takes two adjacent
  /// columns and `labels` are ignored.
  ///
  /// - Throws: ``ImageGridError/invalidConfiguration(_:)`` when the two sets differ in size or
  ///   `sideBySide` is used with an odd ``columns``, plus the errors of ``render(_:)``.
  public func render(
    pairs first: [[Float]], _ second: [[Float]], layout: PairLayout,
    labels: (String, String)? = nil
  ) throws(ImageGridError) -> Image {
    guard first.count == second.count else {
      throw .invalidConfiguration("pair sets differ in size: \(first.count) vs \(second.count)")
    }
    var grid = self
    var cells: [[Float]?] = []
    switch layout {
    case .alternatingRows:
      var start = 0
      var rowCount = 0
      while start < first.count {
        let end = min(start + columns, first.count)
        let blanks = [[Float]?](repeating: nil, count: columns - (end - start))
        cells += first[start..<end].map { Optional($0) } + blanks
        cells += second[start..<end].map { Optional($0) } + blanks
        start = end
        rowCount += 2
      }
      if let labels, rowLabels.isEmpty {
        grid.rowLabels = (0..<rowCount).map { $0 % 2 == 0 ? labels.0 : labels.1 }
      }
    case .sideBySide:
      guard columns >= 2, columns % 2 == 0 else {
        throw .invalidConfiguration("side-by-side pairs need an even column count, got \(columns)")
      }
      for (a, b) in zip(first, second) {
        cells += [a, b]
      }
      grid.columnGroupSize = 2
      grid.columnGroupSpacing = max(padding, 2)
    }
    return try grid.render(cells)
  }

  /// Renders `cells` in order; `nil` cells stay empty (padding colour).
  private func render(_ cells: [[Float]?]) throws(ImageGridError) -> Image {
    guard tileHeight >= 1, tileWidth >= 1 else {
      throw .invalidConfiguration("tile size must be positive, got \(tileHeight)×\(tileWidth)")
    }
    guard channels == 1 || channels == 3 else {
      throw .invalidConfiguration("channels must be 1 or 3, got \(channels)")
    }
    guard columns >= 1 else { throw .invalidConfiguration("columns must be positive") }
    guard scale >= 1 else { throw .invalidConfiguration("scale must be positive") }
    guard padding >= 0, columnGroupSpacing >= 0, textScale >= 1 else {
      throw .invalidConfiguration("padding, group spacing and text scale must be non-negative")
    }
    guard cells.contains(where: { $0 != nil }) else { throw .noTiles }
    let expected = tileHeight * tileWidth * channels
    for (index, cell) in cells.enumerated() {
      if let cell, cell.count != expected {
        throw .tileSizeMismatch(index: index, expected: expected, actual: cell.count)
      }
    }

    let size = imageSize(tileCount: cells.count)
    var image = Image(width: size.width, height: size.height, background: labelBackground)
    image.fillRect(
      x: labelAreaWidth, y: captionAreaHeight, width: size.width - labelAreaWidth,
      height: size.height - captionAreaHeight, color: paddingColor)
    for (index, cell) in cells.enumerated() {
      guard let cell else { continue }
      let origin = tileOrigin(index: index)
      for row in 0..<tileHeight {
        for column in 0..<tileWidth {
          let base = (row * tileWidth + column) * channels
          let color =
            channels == 1
            ? RGBColor(grey: byte(cell[base]))
            : RGBColor(
              red: byte(cell[base]), green: byte(cell[base + 1]), blue: byte(cell[base + 2]))
          image.fillRect(
            x: origin.x + column * scale, y: origin.y + row * scale, width: scale, height: scale,
            color: color)
        }
      }
    }
    if !caption.isEmpty {
      image.drawText(
        caption, x: labelAreaWidth + (size.width - labelAreaWidth) / 2, y: 4 * textScale,
        color: textColor, scale: textScale, alignment: .center)
    }
    let rowCount = (cells.count + columns - 1) / columns
    for (row, label) in rowLabels.prefix(rowCount).enumerated() {
      let top = tileOrigin(index: row * columns).y
      let textHeight = BitmapFont.capHeight * textScale
      image.drawText(
        label, x: labelAreaWidth - 4 * textScale, y: top + (tileHeight * scale - textHeight) / 2,
        color: textColor, scale: textScale, alignment: .right)
    }
    return image
  }

  /// The byte for value `v`: clamped to [0, 1] (NaN → 0), optionally inverted, times 255,
  /// rounded.
  private func byte(_ value: Float) -> UInt8 {
    var v = value.isNaN ? 0 : min(max(value, 0), 1)
    if inverted { v = 1 - v }
    return UInt8((v * 255).rounded())
  }
}
