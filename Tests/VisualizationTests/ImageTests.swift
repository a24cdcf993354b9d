import Testing
import Visualization

@Suite("Image drawing")
struct ImageTests {
  /// The set of (x, y) positions whose colour is `color`.
  static func positions(of color: RGBColor, in image: Image) -> Set<[Int]> {
    var result: Set<[Int]> = []
    for y in 0..<image.height {
      for x in 0..<image.width where image[x, y] == color { result.insert([x, y]) }
    }
    return result
  }

  @Test("Pixels are stored row-major as RGB bytes")
  func pixelLayout() {
    var image = Image(width: 4, height: 3, background: RGBColor(hex: 0x102030))
    #expect(image.pixels.count == 36)
    #expect(Array(image.pixels.prefix(3)) == [0x10, 0x20, 0x30])
    image[2, 1] = RGBColor(red: 1, green: 2, blue: 3)
    let offset = 3 * (1 * 4 + 2)
    #expect(Array(image.pixels[offset..<(offset + 3)]) == [1, 2, 3])
    #expect(image.pixel(x: 2, y: 1) == RGBColor(red: 1, green: 2, blue: 3))
    #expect(image.pixel(x: 4, y: 0) == nil)
    image.setPixel(x: -1, y: 0, color: .black)  // clipped, no trap
    image.setPixel(x: 3, y: 2, color: .black)
    #expect(image[3, 2] == .black)
    #expect(image.count(of: .black) == 1)
  }

  @Test("Rectangles are clipped to the image")
  func rectangles() {
    var image = Image(width: 10, height: 8)
    image.fillRect(x: 7, y: -2, width: 10, height: 4, color: .black)
    #expect(
      Self.positions(of: .black, in: image)
        == Set(
          (7..<10).flatMap { x in
            (0..<2).map { [x, $0] }
          }))
    var outline = Image(width: 6, height: 6)
    outline.strokeRect(x: 1, y: 1, width: 4, height: 3, color: .black)
    #expect(outline.count(of: .black) == 10)
    #expect(outline[2, 2] == .white)
  }

  @Test("Lines include both end points and follow Bresenham's path")
  func lines() {
    var image = Image(width: 10, height: 10)
    image.drawLine(x0: 1, y0: 1, x1: 8, y1: 4, color: .black)
    let drawn = Self.positions(of: .black, in: image)
    #expect(drawn.contains([1, 1]) && drawn.contains([8, 4]))
    #expect(drawn.count == 8)  // one pixel per column for a shallow line
    #expect(Set(drawn.map { $0[0] }).count == 8)
    var diagonal = Image(width: 5, height: 5)
    diagonal.drawLine(x0: 4, y0: 4, x1: 0, y1: 0, color: .black)
    #expect(Self.positions(of: .black, in: diagonal) == Set((0..<5).map { [$0, $0] }))
    var thick = Image(width: 20, height: 20)
    thick.drawLine(x0: 5, y0: 10, x1: 14, y1: 10, color: .black, thickness: 3)
    #expect(thick.count(of: .black) == 12 * 3)
  }

  @Test("Filled circles have the documented shape")
  func circles() {
    var image = Image(width: 20, height: 20)
    image.fillCircle(centerX: 10, centerY: 10, radius: 0, color: .black)
    #expect(image.count(of: .black) == 1)
    image.fillCircle(centerX: 10, centerY: 10, radius: 1, color: .black)
    #expect(image.count(of: .black) == 9)
    image.fill(.white)
    image.fillCircle(centerX: 10, centerY: 10, radius: 2, color: .black)
    #expect(image.count(of: .black) == 21)
    #expect(image[8, 8] == .white && image[8, 10] == .black)
    image.fillCircle(centerX: -100, centerY: 3, radius: 4, color: .black)  // fully clipped
    #expect(image.count(of: .black) == 21)
  }

  @Test("Text uses the bitmap font metrics and every printable glyph is distinct")
  func text() {
    #expect(BitmapFont.size(of: "abc", scale: 2) == (34, 18))
    #expect(BitmapFont.size(of: "ab\ncdef").width == 23)
    #expect(BitmapFont.size(of: "").width == 0)
    var image = Image(width: 40, height: 30)
    image.drawText("T", x: 3, y: 4, color: .black, scale: 2)
    // "T" is a 5-wide bar on the top row and a 1-wide stem for 7 rows, doubled.
    let ink = Self.positions(of: .black, in: image)
    #expect(ink.map { $0[0] }.min() == 3 && ink.map { $0[0] }.max() == 12)
    #expect(ink.map { $0[1] }.min() == 4 && ink.map { $0[1] }.max() == 17)
    #expect(ink.count == (5 + 6) * 4)

    var glyphs: Set<[UInt8]> = []
    for code in 33...126 {
      let character = Character(UnicodeScalar(UInt8(code)))
      #expect(BitmapFont.hasGlyph(for: character))
      glyphs.insert(BitmapFont.rows(for: character))
    }
    #expect(glyphs.count == 94)
    #expect(!BitmapFont.hasGlyph(for: "€"))
    #expect(BitmapFont.rows(for: "€") == BitmapFont.rows(for: "?"))
  }

  @Test("Text alignment and vertical text land where documented")
  func textPlacement() {
    var image = Image(width: 60, height: 60)
    image.drawText("II", x: 30, y: 0, color: .black, alignment: .right)
    let right = Self.positions(of: .black, in: image).map { $0[0] }
    #expect(right.max() == 28)  // the box ends at 29, but "I" (01110) has no ink in its last column
    image.fill(.white)
    image.drawTextVertical("I", x: 10, y: 20, color: .black)
    let vertical = Self.positions(of: .black, in: image)
    #expect(vertical.map { $0[0] }.min() == 10 && vertical.map { $0[0] }.max() == 16)
    #expect(vertical.map { $0[1] }.min() == 21 && vertical.map { $0[1] }.max() == 23)
  }

  @Test("Greyscale conversion, upscaling, cropping and blitting")
  func conversions() {
    var image = Image(width: 2, height: 1)
    image[0, 0] = RGBColor(grey: 77)
    image[1, 0] = RGBColor(red: 255, green: 0, blue: 0)
    #expect(!image.isGreyscale)
    #expect(image.greyscaleBytes == [77, 76])  // 0.299 × 255 = 76.2
    let big = image.upscaled(by: 3)
    #expect(big.width == 6 && big.height == 3)
    #expect(big[5, 2] == RGBColor(red: 255, green: 0, blue: 0) && big[2, 2] == RGBColor(grey: 77))
    let part = big.cropped(x: 2, y: 1, width: 10, height: 10)
    #expect(part.width == 4 && part.height == 2)
    #expect(part[0, 0] == RGBColor(grey: 77) && part[1, 0] == RGBColor(red: 255, green: 0, blue: 0))
    var canvas = Image(width: 5, height: 5)
    canvas.draw(big, x: 3, y: -1)
    #expect(canvas[3, 0] == RGBColor(grey: 77) && canvas[4, 1] == RGBColor(grey: 77))
    #expect(canvas[2, 0] == .white && canvas[3, 2] == .white)
    #expect(RGBColor(hex: 0x1F77B4).description == "#1f77b4")
    #expect(RGBColor.tab10.count == 10 && Set(RGBColor.tab10).count == 10)
    #expect(RGBColor.categorical(-1) == RGBColor.tab10[9])
  }
}
