import Foundation
import Serialization

/// PNG encoding (this file) and decoding/validation (`PNGDecoder.swift`) of 8-bit greyscale
/// and 8-bit RGB images, without interlacing.
///
/// Encoded files contain exactly three kinds of chunk: `IHDR`, one or more `IDAT` (at most
/// ``maximumIDATSize`` data bytes each) and `IEND`. Rows are filtered with PNG filter types 0–4
/// (see ``FilterStrategy``) and compressed with zlib; every chunk carries a CRC-32 computed by
/// zlib's `crc32`. No timestamps or other varying metadata are written, so the same image and
/// options always give identical bytes (for a given zlib version).
public enum PNG {
  /// The PNG colour types this module reads and writes, with their IHDR code.
  public enum ColorType: UInt8, Sendable, Hashable {
    /// One 8-bit luminance sample per pixel (IHDR colour type 0).
    case greyscale = 0
    /// Three 8-bit samples per pixel, red, green, blue (IHDR colour type 2).
    case rgb = 2

    /// The number of bytes per pixel at bit depth 8: 1 for greyscale, 3 for RGB.
    public var channels: Int { self == .greyscale ? 1 : 3 }
  }

  /// How each row is filtered before compression.
  public enum FilterStrategy: Sendable, Hashable {
    /// Every row uses filter type 0 (None).
    case none
    /// Each row uses the filter type 0–4 (None, Sub, Up, Average, Paeth) whose output has the
    /// smallest sum of absolute values when the bytes are read as signed — the usual libpng
    /// heuristic; ties go to the lowest filter type. Best for photographs and smooth images.
    case adaptive
    /// Compresses with both ``none`` and ``adaptive`` and keeps the smaller result (``none`` on
    /// a tie). Plots and tile grids with large flat areas usually favour ``none``, smooth
    /// images ``adaptive``; this costs about twice the encoding time of either.
    case smallest
  }

  /// The eight bytes every PNG file starts with: `89 50 4E 47 0D 0A 1A 0A`.
  public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

  /// The largest amount of compressed data the encoder puts into one `IDAT` chunk (256 KiB).
  public static let maximumIDATSize = 1 << 18

  /// Encodes `image` as a PNG file in memory.
  ///
  /// - Parameters:
  ///   - image: the picture.
  ///   - colorType: `.greyscale` stores one byte per pixel (coloured pixels become their luma,
  ///     see ``Image/greyscaleBytes``); `.rgb` stores three. `nil` (the default) picks
  ///     greyscale when ``Image/isGreyscale`` is true and RGB otherwise, which is lossless.
  ///   - filter: the row filter strategy, ``FilterStrategy/smallest`` by default.
  ///   - compressionLevel: the zlib level, 0 (store) to 9 (smallest, the default).
  /// - Throws: ``PNGError`` with reason `.invalidImage` for an empty image.
  public static func encode(
    _ image: Image, colorType: ColorType? = nil, filter: FilterStrategy = .smallest,
    compressionLevel: Int = 9
  ) throws(PNGError) -> [UInt8] {
    let type = colorType ?? (image.isGreyscale ? .greyscale : .rgb)
    let samples = type == .greyscale ? image.greyscaleBytes : image.pixels
    return try encode(
      samples: samples, width: image.width, height: image.height, colorType: type,
      filter: filter, compressionLevel: compressionLevel)
  }

  /// Encodes raw 8-bit samples as a PNG file in memory.
  ///
  /// `samples` is row-major from the top-left, `colorType.channels` bytes per pixel (grey, or
  /// red, green, blue) with no row padding.
  ///
  /// - Throws: ``PNGError`` with reason `.invalidImage` when a dimension is not in
  ///   1...2³¹ − 1 or the sample count is not `width * height * channels`.
  public static func encode(
    samples: [UInt8], width: Int, height: Int, colorType: ColorType,
    filter: FilterStrategy = .smallest, compressionLevel: Int = 9
  ) throws(PNGError) -> [UInt8] {
    let source = "<memory>"
    guard width >= 1, height >= 1, width <= Int(Int32.max), height <= Int(Int32.max) else {
      throw PNGError(
        source: source, reason: .invalidImage,
        message: "cannot encode a \(width)×\(height) image; PNG needs 1 to 2³¹−1 pixels per side")
    }
    let channels = colorType.channels
    guard samples.count == width * height * channels else {
      throw PNGError(
        source: source, reason: .invalidImage,
        message: "expected \(width * height * channels) samples for \(width)×\(height) "
          + "with \(channels) channel(s), got \(samples.count)")
    }
    var compressed: [UInt8] = []
    let strategies: [FilterStrategy] = filter == .smallest ? [.none, .adaptive] : [filter]
    for strategy in strategies {
      let filtered = filterRows(
        samples, rowBytes: width * channels, height: height, bytesPerPixel: channels,
        strategy: strategy)
      let candidate: [UInt8]
      do throws(Zlib.Failure) {
        candidate = try Zlib.compress(filtered, level: Int32(min(max(compressionLevel, 0), 9)))
      } catch {
        throw PNGError(source: source, reason: .compressionFailed, message: error.message)
      }
      if compressed.isEmpty || candidate.count < compressed.count { compressed = candidate }
    }

    var header: [UInt8] = []
    appendBigEndian(UInt32(width), to: &header)
    appendBigEndian(UInt32(height), to: &header)
    header += [8, colorType.rawValue, 0, 0, 0]  // depth, colour type, deflate, adaptive, no lace

    var file = signature
    file.reserveCapacity(compressed.count + 64)
    appendChunk("IHDR", data: header[...], to: &file)
    var offset = 0
    repeat {
      let end = min(offset + maximumIDATSize, compressed.count)
      appendChunk("IDAT", data: compressed[offset..<end], to: &file)
      offset = end
    } while offset < compressed.count
    appendChunk("IEND", data: [][...], to: &file)
    return file
  }

  /// Encodes `image` (see ``encode(_:colorType:filter:compressionLevel:)``) and writes it
  /// atomically to `path` with <doc:/documentation/Serialization/AtomicFile>: a crash never leaves a partial file and a
  /// failed write leaves an existing file untouched.
  ///
  /// - Throws: ``PNGError`` for an unencodable image, <doc:/documentation/Serialization/FileWriteError> (naming `path`) when
  ///   the file cannot be written.
  public static func write(
    _ image: Image, toPath path: String, colorType: ColorType? = nil,
    filter: FilterStrategy = .smallest
  ) throws {
    let bytes: [UInt8]
    do throws(PNGError) {
      bytes = try encode(image, colorType: colorType, filter: filter)
    } catch {
      throw PNGError(source: path, reason: error.reason, message: error.message)
    }
    try AtomicFile.write(bytes, toPath: path)
  }

  /// Writes `image` as PNG to the file URL `url`; see ``write(_:toPath:colorType:filter:)``.
  public static func write(
    _ image: Image, to url: URL, colorType: ColorType? = nil, filter: FilterStrategy = .smallest
  ) throws {
    try write(image, toPath: url.path, colorType: colorType, filter: filter)
  }

  // MARK: - Internals

  /// Prefixes each row with a filter-type byte and filters it.
  static func filterRows(
    _ samples: [UInt8], rowBytes: Int, height: Int, bytesPerPixel: Int, strategy: FilterStrategy
  ) -> [UInt8] {
    var output = [UInt8]()
    output.reserveCapacity((rowBytes + 1) * height)
    let zeros = [UInt8](repeating: 0, count: rowBytes)
    var candidates = [[UInt8]](repeating: [UInt8](repeating: 0, count: rowBytes), count: 5)
    samples.withUnsafeBufferPointer { all in
      zeros.withUnsafeBufferPointer { zeroRow in
        for row in 0..<height {
          let current = UnsafeBufferPointer(
            rebasing: all[(row * rowBytes)..<((row + 1) * rowBytes)])
          let previous =
            row == 0 ? zeroRow : UnsafeBufferPointer(rebasing: all[((row - 1) * rowBytes)...])
          guard strategy == .adaptive else {
            output.append(0)
            output.append(contentsOf: current)
            continue
          }
          var bestType = 0
          var bestCost = Int.max
          for type in 0..<5 {
            let cost = candidates[type].withUnsafeMutableBufferPointer { out in
              applyFilter(type, current: current, previous: previous, bpp: bytesPerPixel, into: out)
            }
            if cost < bestCost {
              bestCost = cost
              bestType = type
            }
          }
          output.append(UInt8(bestType))
          output.append(contentsOf: candidates[bestType])
        }
      }
    }
    return output
  }

  /// Writes filter `type` of `current` into `out` and returns the sum of absolute signed values.
  private static func applyFilter(
    _ type: Int, current: UnsafeBufferPointer<UInt8>, previous: UnsafeBufferPointer<UInt8>,
    bpp: Int, into out: UnsafeMutableBufferPointer<UInt8>
  ) -> Int {
    var cost = 0
    for index in 0..<current.count {
      let x = current[index]
      let a = index >= bpp ? current[index - bpp] : 0
      let b = previous[index]
      let c = index >= bpp ? previous[index - bpp] : 0
      let value = x &- predictor(type, a, b, c)
      out[index] = value
      cost += value < 128 ? Int(value) : 256 - Int(value)
    }
    return cost
  }

  /// What filter `type` predicts a byte from: its left neighbour `a`, the byte above `b` and the
  /// upper-left one `c` (0 for those outside the image): nothing (0), `a` (1), `b` (2), their
  /// mean (3), or the Paeth predictor (4). Encoding subtracts it, decoding adds it back.
  @inline(__always)
  static func predictor(_ type: Int, _ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
    switch type {
    case 0: return 0
    case 1: return a
    case 2: return b
    case 3: return UInt8((Int(a) + Int(b)) / 2)
    default: return paeth(a, b, c)
    }
  }

  /// The Paeth predictor of PNG filter type 4: whichever of left `a`, above `b` and upper-left
  /// `c` is closest to `a + b - c`, preferring `a`, then `b`.
  static func paeth(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
    let estimate = Int(a) + Int(b) - Int(c)
    let distanceA = abs(estimate - Int(a))
    let distanceB = abs(estimate - Int(b))
    let distanceC = abs(estimate - Int(c))
    if distanceA <= distanceB && distanceA <= distanceC { return a }
    return distanceB <= distanceC ? b : c
  }

  /// Appends a chunk: big-endian data length, 4-byte type, data, CRC-32 of type and data.
  private static func appendChunk(_ type: String, data: ArraySlice<UInt8>, to file: inout [UInt8]) {
    let typeBytes = Array(type.utf8)
    appendBigEndian(UInt32(data.count), to: &file)
    file += typeBytes
    file += data
    let crc = Zlib.crc32(of: data, initial: Zlib.crc32(of: typeBytes))
    appendBigEndian(crc, to: &file)
  }

  /// Appends `value` as four big-endian bytes.
  static func appendBigEndian(_ value: UInt32, to bytes: inout [UInt8]) {
    bytes += [
      UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF),
      UInt8(value & 0xFF),
    ]
  }
}

/// PNG conveniences on ``Image``.
extension Image {
  /// The image encoded as PNG bytes; see ``PNG/encode(_:colorType:filter:compressionLevel:)``
  /// (greyscale when every pixel is grey, RGB otherwise, unless `colorType` says).
  public func pngData(colorType: PNG.ColorType? = nil) throws(PNGError) -> [UInt8] {
    try PNG.encode(self, colorType: colorType)
  }

  /// Writes the image as a PNG file at `path`, atomically; see
  /// ``PNG/write(_:toPath:colorType:filter:)``.
  public func writePNG(toPath path: String, colorType: PNG.ColorType? = nil) throws {
    try PNG.write(self, toPath: path, colorType: colorType)
  }

  /// Writes the image as a PNG file at the file URL `url`, atomically.
  public func writePNG(to url: URL, colorType: PNG.ColorType? = nil) throws {
    try PNG.write(self, to: url, colorType: colorType)
  }
}
