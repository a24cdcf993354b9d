import TensorCore

/// A plain in-memory raster image with 8-bit RGB pixels.
///
/// Pixels are stored row-major from the top-left corner: the pixel at column `x` and row `y`
/// occupies the three bytes `pixels[3 * (y * width + x) ..< 3 * (y * width + x) + 3]` in the
/// order red, green, blue. There is no alpha channel and no padding between rows. `x` grows to
/// the right and `y` grows downwards.
///
/// Drawing methods (``setPixel(x:y:color:)``, ``fillRect(x:y:width:height:color:)``, lines,
/// circles and text) silently clip anything outside the image, so callers can draw shapes that
/// are partly off-canvas. The subscript, by contrast, traps on out-of-range coordinates, like
/// array indexing.
public struct Image: Sendable, Hashable {
  /// The number of pixel columns; at least 0.
  public let width: Int
  /// The number of pixel rows; at least 0.
  public let height: Int
  /// The RGB8 pixel bytes, row-major, three bytes per pixel; `pixels.count == 3 * width * height`.
  public private(set) var pixels: [UInt8]

  /// Creates a `width` × `height` image filled with `background` (white by default).
  ///
  /// - Precondition: `width >= 0` and `height >= 0`.
  public init(width: Int, height: Int, background: RGBColor = .white) {
    userPrecondition(
      width >= 0 && height >= 0, "Image size must be non-negative: \(width)×\(height)")
    self.width = width
    self.height = height
    var bytes = [UInt8](repeating: 0, count: 3 * width * height)
    if background != .black {
      for index in stride(from: 0, to: bytes.count, by: 3) {
        bytes[index] = background.red
        bytes[index + 1] = background.green
        bytes[index + 2] = background.blue
      }
    }
    self.pixels = bytes
  }

  /// Creates an image from existing RGB8 bytes (row-major, three bytes per pixel).
  ///
  /// - Precondition: `pixels.count == 3 * width * height`.
  public init(width: Int, height: Int, pixels: [UInt8]) {
    userPrecondition(
      width >= 0 && height >= 0, "Image size must be non-negative: \(width)×\(height)")
    userPrecondition(
      pixels.count == 3 * width * height,
      "An RGB8 image of \(width)×\(height) needs \(3 * width * height) bytes, got \(pixels.count)")
    self.width = width
    self.height = height
    self.pixels = pixels
  }

  /// Creates an image from 8-bit greyscale samples (row-major, one byte per pixel, 0 = black);
  /// each sample is copied into all three channels.
  ///
  /// - Precondition: `greyscale.count == width * height`.
  public init(width: Int, height: Int, greyscale: [UInt8]) {
    userPrecondition(
      greyscale.count == width * height,
      "A greyscale image of \(width)×\(height) needs \(width * height) bytes, "
        + "got \(greyscale.count)"
    )
    var bytes = [UInt8](repeating: 0, count: 3 * greyscale.count)
    for (index, value) in greyscale.enumerated() {
      bytes[3 * index] = value
      bytes[3 * index + 1] = value
      bytes[3 * index + 2] = value
    }
    self.init(width: width, height: height, pixels: bytes)
  }

  /// Whether (`x`, `y`) lies inside the image.
  public func contains(x: Int, y: Int) -> Bool {
    x >= 0 && y >= 0 && x < width && y < height
  }

  /// The colour of the pixel at column `x`, row `y`.
  ///
  /// - Precondition: the coordinates are inside the image (see ``contains(x:y:)``).
  public subscript(x: Int, y: Int) -> RGBColor {
    get {
      userPrecondition(contains(x: x, y: y), "Pixel (\(x), \(y)) is outside \(width)×\(height)")
      let offset = 3 * (y * width + x)
      return RGBColor(red: pixels[offset], green: pixels[offset + 1], blue: pixels[offset + 2])
    }
    set {
      userPrecondition(contains(x: x, y: y), "Pixel (\(x), \(y)) is outside \(width)×\(height)")
      let offset = 3 * (y * width + x)
      pixels[offset] = newValue.red
      pixels[offset + 1] = newValue.green
      pixels[offset + 2] = newValue.blue
    }
  }

  /// The colour at (`x`, `y`), or `nil` when the coordinates are outside the image.
  public func pixel(x: Int, y: Int) -> RGBColor? {
    contains(x: x, y: y) ? self[x, y] : nil
  }

  /// Sets the pixel at (`x`, `y`) to `color`; does nothing when it is outside the image.
  public mutating func setPixel(x: Int, y: Int, color: RGBColor) {
    guard contains(x: x, y: y) else { return }
    let offset = 3 * (y * width + x)
    pixels[offset] = color.red
    pixels[offset + 1] = color.green
    pixels[offset + 2] = color.blue
  }

  /// Fills the whole image with `color`.
  public mutating func fill(_ color: RGBColor) {
    fillRect(x: 0, y: 0, width: width, height: height, color: color)
  }

  /// Fills the axis-aligned rectangle whose top-left pixel is (`x`, `y`) and whose size is
  /// `width` × `height` pixels; the part outside the image is clipped and an empty or negative
  /// size draws nothing.
  public mutating func fillRect(x: Int, y: Int, width: Int, height: Int, color: RGBColor) {
    let x0 = max(x, 0)
    let y0 = max(y, 0)
    let x1 = min(x + width, self.width)
    let y1 = min(y + height, self.height)
    guard x0 < x1, y0 < y1 else { return }
    let (r, g, b) = (color.red, color.green, color.blue)
    let rowWidth = self.width
    pixels.withUnsafeMutableBufferPointer { buffer in
      for row in y0..<y1 {
        var offset = 3 * (row * rowWidth + x0)
        for _ in x0..<x1 {
          buffer[offset] = r
          buffer[offset + 1] = g
          buffer[offset + 2] = b
          offset += 3
        }
      }
    }
  }

  /// Draws the one-pixel outline of the rectangle at (`x`, `y`) of size `width` × `height`,
  /// clipped to the image; the outline lies on the rectangle's outermost pixels.
  public mutating func strokeRect(x: Int, y: Int, width: Int, height: Int, color: RGBColor) {
    guard width > 0, height > 0 else { return }
    fillRect(x: x, y: y, width: width, height: 1, color: color)
    fillRect(x: x, y: y + height - 1, width: width, height: 1, color: color)
    fillRect(x: x, y: y, width: 1, height: height, color: color)
    fillRect(x: x + width - 1, y: y, width: 1, height: height, color: color)
  }

  /// Copies `image` into this image with its top-left corner at (`x`, `y`), clipping whatever
  /// falls outside.
  public mutating func draw(_ image: Image, x: Int, y: Int) {
    let x0 = max(x, 0)
    let x1 = min(x + image.width, width)
    guard x0 < x1 else { return }
    let rowBytes = 3 * (x1 - x0)
    for sourceRow in 0..<image.height {
      let row = y + sourceRow
      guard row >= 0, row < height else { continue }
      let source = 3 * (sourceRow * image.width + (x0 - x))
      let destination = 3 * (row * width + x0)
      pixels.replaceSubrange(
        destination..<(destination + rowBytes), with: image.pixels[source..<(source + rowBytes)])
    }
  }

  /// The part of the image inside the rectangle at (`x`, `y`) of size `width` × `height`,
  /// intersected with the image bounds (so the result may be smaller than requested, or empty).
  public func cropped(x: Int, y: Int, width: Int, height: Int) -> Image {
    let x0 = min(max(x, 0), self.width)
    let y0 = min(max(y, 0), self.height)
    let x1 = max(min(x + width, self.width), x0)
    let y1 = max(min(y + height, self.height), y0)
    var result = Image(width: x1 - x0, height: y1 - y0, background: .black)
    result.draw(self, x: -x0, y: -y0)
    return result
  }

  /// A copy enlarged by the integer `factor` using nearest-neighbour sampling, so every pixel
  /// becomes a `factor` × `factor` block.
  ///
  /// - Precondition: `factor >= 1`.
  public func upscaled(by factor: Int) -> Image {
    userPrecondition(factor >= 1, "Upscale factor must be at least 1, got \(factor)")
    guard factor > 1 else { return self }
    var result = Image(width: width * factor, height: height * factor, background: .black)
    for y in 0..<height {
      for x in 0..<width {
        result.fillRect(
          x: x * factor, y: y * factor, width: factor, height: factor, color: self[x, y])
      }
    }
    return result
  }

  /// Whether every pixel is a shade of grey (red == green == blue), in which case the image can
  /// be stored as greyscale without loss.
  public var isGreyscale: Bool {
    var index = 0
    while index < pixels.count {
      if pixels[index] != pixels[index + 1] || pixels[index] != pixels[index + 2] { return false }
      index += 3
    }
    return true
  }

  /// One byte per pixel, row-major: the red channel of grey pixels and the BT.601 luma
  /// (see ``RGBColor/luma``) of coloured ones.
  public var greyscaleBytes: [UInt8] {
    var result = [UInt8](repeating: 0, count: width * height)
    for index in 0..<result.count {
      let color = RGBColor(
        red: pixels[3 * index], green: pixels[3 * index + 1], blue: pixels[3 * index + 2])
      result[index] = color.isGrey ? color.red : color.luma
    }
    return result
  }

  /// The number of pixels whose colour is exactly `color`.
  public func count(of color: RGBColor) -> Int {
    var total = 0
    var index = 0
    while index < pixels.count {
      if pixels[index] == color.red && pixels[index + 1] == color.green
        && pixels[index + 2] == color.blue
      {
        total += 1
      }
      index += 3
    }
    return total
  }
}
