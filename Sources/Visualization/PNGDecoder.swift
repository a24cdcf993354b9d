import Foundation

/// The header fields and chunk sequence of a structurally valid PNG file, as returned by
/// ``PNG/validate(_:source:)``.
public struct PNGInfo: Sendable, Hashable {
  /// Image width in pixels (1 to 2³¹ − 1).
  public var width: Int
  /// Image height in pixels (1 to 2³¹ − 1).
  public var height: Int
  /// Bits per sample: 1, 2, 4, 8 or 16 depending on the colour type.
  public var bitDepth: UInt8
  /// The IHDR colour type: 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGB + alpha.
  public var colorType: UInt8
  /// The IHDR interlace method: 0 none, 1 Adam7.
  public var interlaceMethod: UInt8
  /// The four-letter type of every chunk in file order, e.g. `["IHDR", "IDAT", "IEND"]`.
  public var chunkTypes: [String]
}

/// A decoded 8-bit greyscale or RGB PNG image.
public struct DecodedPNG: Sendable, Hashable {
  /// The header and chunk list of the file.
  public var info: PNGInfo
  /// Whether the file stores one grey sample or three RGB samples per pixel.
  public var colorType: PNG.ColorType
  /// The unfiltered samples, row-major from the top-left, `colorType.channels` bytes per pixel.
  public var samples: [UInt8]

  /// Image width in pixels.
  public var width: Int { info.width }
  /// Image height in pixels.
  public var height: Int { info.height }

  /// The pixels as an RGB ``Image`` (grey samples are copied into all three channels).
  public var image: Image {
    colorType == .greyscale
      ? Image(width: width, height: height, greyscale: samples)
      : Image(width: width, height: height, pixels: samples)
  }
}

/// PNG reading and validation.
extension PNG {
  /// Checks the structure of a PNG file without decompressing it.
  ///
  /// Verifies the 8-byte signature; that the first chunk is a 13-byte `IHDR` with a width and
  /// height in 1...2³¹ − 1, a legal bit depth for its colour type, compression and filter
  /// method 0 and interlace method 0 or 1; that every chunk is complete, has a valid type and
  /// a matching CRC-32; that `IDAT` chunks are present and consecutive (with `PLTE` before them
  /// for palette images); that there is no unknown critical chunk; and that the file ends with
  /// an empty `IEND` chunk followed by nothing.
  ///
  /// - Parameters:
  ///   - bytes: the file's bytes.
  ///   - source: the name used in errors, normally the file path.
  /// - Throws: ``PNGError`` naming `source` and the first problem found.
  public static func validate(
    _ bytes: [UInt8], source: String = "<memory>"
  ) throws(PNGError) -> PNGInfo {
    try parse(bytes, source: source).info
  }

  /// Validates (see ``validate(_:source:)``) and decodes a non-interlaced 8-bit greyscale
  /// (colour type 0) or 8-bit RGB (colour type 2) PNG, undoing filter types 0–4.
  ///
  /// Ancillary chunks (tEXt, gAMA, ...) are ignored.
  ///
  /// - Throws: ``PNGError`` naming `source`: `.unsupported` for other bit depths, colour types
  ///   or interlacing, `.badImageData` for corrupt compressed data, a wrong decompressed size or
  ///   an unknown row filter type, and the structural reasons of ``validate(_:source:)``.
  public static func decode(
    _ bytes: [UInt8], source: String = "<memory>"
  ) throws(PNGError) -> DecodedPNG {
    let (info, compressed) = try parse(bytes, source: source)
    func fail(_ reason: PNGError.Reason, _ message: String) -> PNGError {
      PNGError(source: source, reason: reason, message: message)
    }
    guard info.bitDepth == 8, info.colorType == 0 || info.colorType == 2 else {
      throw fail(
        .unsupported,
        "unsupported format (bit depth \(info.bitDepth), colour type \(info.colorType)); "
          + "only 8-bit greyscale and 8-bit RGB are decoded")
    }
    guard info.interlaceMethod == 0 else {
      throw fail(.unsupported, "interlaced (Adam7) images are not supported")
    }
    let colorType: ColorType = info.colorType == 0 ? .greyscale : .rgb
    let channels = colorType.channels
    let (rowBytes, overflowA) = info.width.multipliedReportingOverflow(by: channels)
    let (total, overflowB) = (rowBytes + 1).multipliedReportingOverflow(by: info.height)
    guard !overflowA, !overflowB, total < Int(UInt32.max) - 1 else {
      throw fail(.unsupported, "image of \(info.width)×\(info.height) is too large to decode")
    }
    let filtered: [UInt8]
    do throws(Zlib.Failure) {
      filtered = try Zlib.decompress(compressed, expectedCount: total)
    } catch {
      throw fail(.badImageData, error.message)
    }
    var samples = [UInt8](repeating: 0, count: rowBytes * info.height)
    for row in 0..<info.height {
      let type = filtered[row * (rowBytes + 1)]
      guard type <= 4 else {
        throw fail(.badImageData, "row \(row) has unknown filter type \(type)")
      }
      unfilterRow(
        type, filtered: filtered, from: row * (rowBytes + 1) + 1, row: row, rowBytes: rowBytes,
        bpp: channels, into: &samples)
    }
    return DecodedPNG(info: info, colorType: colorType, samples: samples)
  }

  /// Decodes PNG bytes held in `data`; see ``decode(_:source:)``.
  public static func decode(_ data: Data, source: String = "<memory>") throws(PNGError)
    -> DecodedPNG
  {
    try decode([UInt8](data), source: source)
  }

  /// Reads and decodes the PNG file at `path`; see ``decode(_:source:)-([UInt8],_)``.
  ///
  /// - Throws: ``PNGError`` whose `source` is `path`: `.unreadable` when the file cannot be
  ///   read, otherwise the decoding errors.
  public static func read(contentsOfFile path: String) throws(PNGError) -> DecodedPNG {
    try decode(readBytes(path), source: path)
  }

  /// Reads and decodes the PNG file at the file URL `url`.
  public static func read(contentsOf url: URL) throws(PNGError) -> DecodedPNG {
    try read(contentsOfFile: url.path)
  }

  /// Reads the PNG file at `path` and checks its structure; see ``validate(_:source:)``.
  public static func validateFile(atPath path: String) throws(PNGError) -> PNGInfo {
    try validate(readBytes(path), source: path)
  }

  // MARK: - Internals

  /// The bytes of the file at `path`.
  private static func readBytes(_ path: String) throws(PNGError) -> [UInt8] {
    do {
      return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    } catch {
      throw PNGError(
        source: path, reason: .unreadable,
        message: "cannot read file: \(error.localizedDescription)")
    }
  }

  /// Checks the structure and returns the header fields and concatenated IDAT data.
  private static func parse(
    _ bytes: [UInt8], source: String
  ) throws(PNGError) -> (info: PNGInfo, compressed: [UInt8]) {
    func fail(_ reason: PNGError.Reason, _ message: String) -> PNGError {
      PNGError(source: source, reason: reason, message: message)
    }
    guard bytes.count >= 8 else {
      throw bytes.elementsEqual(signature.prefix(bytes.count))
        ? fail(.truncated, "file ends inside the PNG signature (\(bytes.count) bytes)")
        : fail(.badSignature, "not a PNG file (bad signature)")
    }
    guard bytes.prefix(8).elementsEqual(signature) else {
      throw fail(.badSignature, "not a PNG file (bad signature)")
    }
    var info = PNGInfo(
      width: 0, height: 0, bitDepth: 0, colorType: 0, interlaceMethod: 0, chunkTypes: [])
    var compressed: [UInt8] = []
    var offset = 8
    var idatState = 0  // 0 none yet, 1 inside the IDAT run, 2 after it
    var sawPalette = false
    while true {
      let chunk = try readChunk(bytes, at: offset, after: info.chunkTypes.last, source: source)
      let (type, length, data) = (chunk.type, chunk.data.count, chunk.data)
      if info.chunkTypes.isEmpty && type != "IHDR" {
        throw fail(.badHeader, "first chunk is \(type), expected IHDR")
      }
      info.chunkTypes.append(type)
      if idatState == 1 && type != "IDAT" { idatState = 2 }

      switch type {
      case "IHDR":
        guard info.chunkTypes.count == 1 else { throw fail(.badChunkLayout, "second IHDR chunk") }
        try readHeader(bytes[data], into: &info, source: source)
      case "PLTE":
        guard idatState == 0 else { throw fail(.badChunkLayout, "PLTE chunk after IDAT") }
        sawPalette = true
      case "IDAT":
        guard idatState != 2 else { throw fail(.badChunkLayout, "IDAT chunks are not consecutive") }
        if info.colorType == 3 && !sawPalette {
          throw fail(.badChunkLayout, "palette image has no PLTE chunk before IDAT")
        }
        idatState = 1
        compressed += bytes[data]
      case "IEND":
        guard length == 0 else { throw fail(.badChunkLayout, "IEND chunk is not empty") }
        guard idatState != 0 else { throw fail(.badChunkLayout, "no IDAT chunk before IEND") }
        let end = offset + 12
        guard end == bytes.count else {
          throw fail(.badChunkLayout, "\(bytes.count - end) bytes of data after the IEND chunk")
        }
        return (info, compressed)
      default:
        // Bit 5 of the first type byte clear (upper case) marks a critical chunk.
        guard chunk.type.utf8.first! & 0x20 != 0 else {
          throw fail(.badChunkLayout, "unknown critical chunk \(type)")
        }
      }
      offset += 12 + length
    }
  }

  /// The big-endian 32-bit integer at `offset`.
  private static func readUInt32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
    UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16
      | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
  }

  /// The chunk at `offset` (length, type, data, CRC), after checking that it is whole, that
  /// its type is four ASCII letters and that its CRC matches; `previous` is the type of the
  /// chunk before it, for the message when the file ends first.
  private static func readChunk(
    _ bytes: [UInt8], at offset: Int, after previous: String?, source: String
  ) throws(PNGError) -> (type: String, data: Range<Int>) {
    func fail(_ reason: PNGError.Reason, _ message: String) -> PNGError {
      PNGError(source: source, reason: reason, message: message)
    }
    guard offset + 8 <= bytes.count else {
      throw fail(
        .truncated,
        previous.map { "file ends after \($0) chunk without an IEND chunk" }
          ?? "file ends before the IHDR chunk")
    }
    let length = Int(readUInt32(bytes, offset))
    let typeBytes = Array(bytes[(offset + 4)..<(offset + 8)])
    guard typeBytes.allSatisfy({ (65...90).contains($0) || (97...122).contains($0) }) else {
      throw fail(.badChunkLayout, "invalid chunk type bytes \(typeBytes) at offset \(offset)")
    }
    let type = String(decoding: typeBytes, as: UTF8.self)
    guard length <= Int(Int32.max) else {
      throw fail(.badChunkLayout, "\(type) chunk length \(length) exceeds 2³¹−1")
    }
    guard offset + 12 + length <= bytes.count else {
      throw fail(
        .truncated,
        "file ends inside the \(type) chunk at offset \(offset) (needs \(length + 12) bytes, "
          + "\(bytes.count - offset) left)")
    }
    let dataRange = (offset + 8)..<(offset + 8 + length)
    let stored = readUInt32(bytes, offset + 8 + length)
    let computed = Zlib.crc32(of: bytes[dataRange], initial: Zlib.crc32(of: typeBytes))
    guard stored == computed else {
      throw fail(
        .badChecksum,
        "CRC mismatch in \(type) chunk at offset \(offset) (stored "
          + "\(hex(stored)), computed \(hex(computed)))")
    }
    return (type, dataRange)
  }

  /// Reads the IHDR chunk's data into `info`: the size (1 to 2³¹−1 each way), a bit depth
  /// legal for the colour type, compression and filter method 0, interlace method 0 or 1.
  private static func readHeader(
    _ data: ArraySlice<UInt8>, into info: inout PNGInfo, source: String
  ) throws(PNGError) {
    func fail(_ reason: PNGError.Reason, _ message: String) -> PNGError {
      PNGError(source: source, reason: reason, message: message)
    }
    guard data.count == 13 else {
      throw fail(.badHeader, "IHDR chunk has length \(data.count), expected 13")
    }
    let header = Array(data)
    let width = readUInt32(header, 0)
    let height = readUInt32(header, 4)
    guard (1...0x7FFF_FFFF).contains(width), (1...0x7FFF_FFFF).contains(height) else {
      throw fail(.badHeader, "invalid image size \(width)×\(height) in IHDR")
    }
    let (depth, color) = (header[8], header[9])
    let legalDepths: [UInt8: [UInt8]] = [
      0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16],
    ]
    guard let depths = legalDepths[color], depths.contains(depth) else {
      throw fail(.badHeader, "invalid bit depth \(depth) for colour type \(color) in IHDR")
    }
    guard header[10] == 0, header[11] == 0, header[12] <= 1 else {
      throw fail(
        .badHeader,
        "invalid compression/filter/interlace methods \(header[10])/"
          + "\(header[11])/\(header[12]) in IHDR")
    }
    info.width = Int(width)
    info.height = Int(height)
    info.bitDepth = depth
    info.colorType = color
    info.interlaceMethod = header[12]
  }

  /// Reverses PNG filter `type` for one row, reading from `filtered` at `from` and writing the
  /// samples of row `row` into `samples` (the previous row already decoded there).
  private static func unfilterRow(
    _ type: UInt8, filtered: [UInt8], from start: Int, row: Int, rowBytes: Int, bpp: Int,
    into samples: inout [UInt8]
  ) {
    let base = row * rowBytes
    let above = base - rowBytes
    for index in 0..<rowBytes {
      let x = filtered[start + index]
      let a = index >= bpp ? samples[base + index - bpp] : 0
      let b = row > 0 ? samples[above + index] : 0
      let c = row > 0 && index >= bpp ? samples[above + index - bpp] : 0
      samples[base + index] = x &+ PNG.predictor(Int(type), a, b, c)
    }
  }

  /// `value` as `0x` followed by eight hexadecimal digits.
  private static func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
  }
}
