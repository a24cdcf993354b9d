import Testing
import Visualization

@Suite("Image grids")
struct ImageGridTests {
  /// A `rows` × `columns` greyscale tile that is black except for value 1 at (`row`, `column`).
  static func tile(rows: Int, columns: Int, brightAt row: Int, _ column: Int) -> [Float] {
    var values = [Float](repeating: 0, count: rows * columns)
    values[row * columns + column] = 1
    return values
  }

  @Test("A known tile lands at the documented pixel offsets")
  func tilePlacement() throws {
    // 3×4 tiles (3 rows, 4 columns), 2 per row, 1 pixel padding, scale 2.
    let grid = ImageGrid(tileHeight: 3, tileWidth: 4, columns: 2, padding: 1, scale: 2)
    let tiles =
      (0..<3).map { _ in [Float](repeating: 0, count: 12) }
      + [Self.tile(rows: 3, columns: 4, brightAt: 2, 1)]
    let image = try grid.render(tiles)
    // Width: 1 + 2 × (8 + 1) = 19. Height: 1 + 2 × (6 + 1) = 15.
    #expect(image.width == 19 && image.height == 15)
    #expect(grid.imageSize(tileCount: 4) == (19, 15))
    // Tile 3 is in grid row 1, column 1: origin (1 + 9, 1 + 7) = (10, 8).
    #expect(grid.tileOrigin(index: 3) == (10, 8))
    // Its bright pixel (row 2, column 1) covers x 12...13, y 12...13.
    var white: [[Int]] = []
    for y in 0..<image.height {
      for x in 0..<image.width where image[x, y] == .white { white.append([x, y]) }
    }
    #expect(white == [[12, 12], [13, 12], [12, 13], [13, 13]])
    // Padding lines are the padding colour, tiles are black.
    let padding = RGBColor(grey: 128)
    #expect(image[0, 0] == padding && image[9, 5] == padding && image[5, 7] == padding)
    #expect(image[1, 1] == .black && image[8, 6] == .black && image[10, 8] == .black)
    #expect(image.count(of: padding) == 19 * 15 - 4 * 8 * 6)
    #expect(image.isGreyscale)
  }

  @Test("Values are clamped and NaN is black; inversion flips them")
  func clamping() throws {
    var grid = ImageGrid(tileHeight: 1, tileWidth: 5, columns: 1, padding: 0)
    let tile: [Float] = [-1, 0.5, 2, .nan, 0.2]
    let image = try grid.render([tile])
    #expect(image.greyscaleBytes == [0, 128, 255, 0, 51])
    grid.inverted = true
    #expect(try grid.render([tile]).greyscaleBytes == [255, 128, 0, 255, 204])
  }

  @Test("RGB tiles keep their channels")
  func rgbTiles() throws {
    let grid = ImageGrid(tileHeight: 1, tileWidth: 2, channels: 3, columns: 2, padding: 1)
    let image = try grid.render([[1, 0, 0, 0, 1, 0], [0, 0, 1, 1, 1, 1]])
    #expect(image[1, 1] == RGBColor(red: 255, green: 0, blue: 0))
    #expect(image[2, 1] == RGBColor(red: 0, green: 255, blue: 0))
    #expect(image[4, 1] == RGBColor(red: 0, green: 0, blue: 255))
    #expect(image[5, 1] == .white)
    #expect(!image.isGreyscale)
  }

  @Test("Invalid input is reported")
  func errors() throws {
    let grid = ImageGrid(tileHeight: 2, tileWidth: 2, columns: 3)
    #expect(throws: ImageGridError.tileSizeMismatch(index: 1, expected: 4, actual: 3)) {
      try grid.render([[0, 0, 0, 0], [0, 0, 0]])
    }
    #expect(throws: ImageGridError.noTiles) { try grid.render([]) }
    var bad = grid
    bad.channels = 2
    #expect(throws: ImageGridError.self) { try bad.render([[0, 0, 0, 0, 0, 0, 0, 0]]) }
    bad = grid
    bad.scale = 0
    #expect(throws: ImageGridError.self) { try bad.render([[0, 0, 0, 0]]) }
    #expect(throws: ImageGridError.self) {
      try grid.render(pairs: [[0, 0, 0, 0]], [], layout: .alternatingRows)
    }
    #expect(throws: ImageGridError.self) {  // three columns cannot hold side-by-side pairs
      try grid.render(pairs: [[0, 0, 0, 0]], [[1, 1, 1, 1]], layout: .sideBySide)
    }
  }

  @Test("Alternating rows put the partners one grid row below")
  func alternatingRows() throws {
    let grid = ImageGrid(tileHeight: 1, tileWidth: 1, columns: 2, padding: 1)
    let first: [[Float]] = [[0.2], [0.4], [0.6]]
    let second: [[Float]] = [[1], [0.8], [0]]
    let image = try grid.render(pairs: first, second, layout: .alternatingRows)
    // Rows: first[0..<2], second[0..<2], first[2] + empty, second[2] + empty.
    #expect(image.width == 5 && image.height == 9)
    let cell = { (row: Int, column: Int) in image[1 + 2 * column, 1 + 2 * row].red }
    #expect([cell(0, 0), cell(0, 1), cell(1, 0), cell(1, 1)] == [51, 102, 255, 204])
    #expect([cell(2, 0), cell(3, 0)] == [153, 0])
    #expect(cell(2, 1) == 128)  // empty cell shows the padding colour

    let labelled = try grid.render(
      pairs: first, second, layout: .alternatingRows, labels: ("in", "out"))
    let labelWidth = labelled.width - image.width
    #expect(labelWidth > 0)
    let labelInk = (0..<labelled.height).contains { y in
      (0..<labelWidth).contains { labelled[$0, y] == .black }
    }
    #expect(labelInk)
  }

  @Test("Side-by-side pairs are adjacent with a wider gap between pairs")
  func sideBySide() throws {
    let grid = ImageGrid(tileHeight: 1, tileWidth: 1, columns: 4, padding: 1)
    let first: [[Float]] = [[0.2], [0.4]]
    let second: [[Float]] = [[1], [0.8]]
    let image = try grid.render(pairs: first, second, layout: .sideBySide)
    // Columns at x = 1, 3, then padding plus a 2-pixel group gap: 7, 9.
    #expect(image.width == 11 && image.height == 3)
    #expect([1, 3, 7, 9].map { image[$0, 1].red } == [51, 255, 102, 204])
    #expect([4, 5, 6].allSatisfy { image[$0, 1].red == 128 })
  }

  @Test("Rows of interpolations, labels and a caption")
  func rowsAndLabels() throws {
    var grid = ImageGrid(tileHeight: 2, tileWidth: 2, columns: 1, padding: 2, scale: 3)
    grid.rowLabels = ["A", "B"]
    grid.caption = "interpolation"
    let rows: [[[Float]]] = [
      [[1, 1, 1, 1], [0.25, 0.25, 0.25, 0.25], [0, 0, 0, 0]],
      [[0, 0, 0, 0]],
    ]
    let image = try grid.render(rows: rows)
    let labelWidth = grid.labelAreaWidth
    let captionHeight = grid.captionAreaHeight
    #expect(labelWidth == 5 + 8 && captionHeight == 9 + 8)
    #expect(image.width == labelWidth + 2 + 3 * (6 + 2))
    #expect(image.height == captionHeight + 2 + 2 * (6 + 2))
    let origin = (x: labelWidth + 2, y: captionHeight + 2)
    #expect(image[origin.x, origin.y] == .white)
    #expect(image[origin.x + 8, origin.y].red == 64)
    #expect(image[origin.x + 16, origin.y + 5] == .black)
    #expect(image[origin.x + 8, origin.y + 8].red == 128)  // empty cell in row 2
    // Label and caption text are drawn in black on the white label background.
    let captionInk = (0..<captionHeight).contains { y in
      (labelWidth..<image.width).contains { image[$0, y] == .black }
    }
    let labelInk = (0..<image.height).contains { y in
      (0..<labelWidth).contains { image[$0, y] == .black }
    }
    #expect(captionInk && labelInk)
  }
}
