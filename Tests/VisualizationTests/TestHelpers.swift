import Foundation
import TensorCore
import Visualization

/// `nil` when the byte arrays are equal, otherwise a short description of the first difference
/// (so failing expectations do not print whole images).
func firstDifference(_ actual: [UInt8], _ expected: [UInt8]) -> String? {
  guard actual.count == expected.count else {
    return "count \(actual.count), expected \(expected.count)"
  }
  guard let index = actual.indices.first(where: { actual[$0] != expected[$0] }) else { return nil }
  return "byte \(index) is \(actual[index]), expected \(expected[index])"
}

extension SplitMix64 {
  /// `count` random bytes, the low byte of each draw.
  mutating func bytes(_ count: Int) -> [UInt8] {
    (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
  }
}

/// Test images mixing smooth gradients (which exercise the Sub/Up/Average/Paeth filters) and
/// noise (which favours filter None).
enum TestImages {
  static func greyscale(width: Int, height: Int, seed: UInt64) -> Image {
    var random = SplitMix64(seed: seed)
    var samples = [UInt8](repeating: 0, count: width * height)
    for y in 0..<height {
      for x in 0..<width {
        samples[y * width + x] =
          y % 3 == 2 ? UInt8(truncatingIfNeeded: random.next()) : UInt8((x * 7 + y * 3) % 256)
      }
    }
    return Image(width: width, height: height, greyscale: samples)
  }

  static func rgb(width: Int, height: Int, seed: UInt64) -> Image {
    var random = SplitMix64(seed: seed)
    var image = Image(width: width, height: height)
    for y in 0..<height {
      for x in 0..<width {
        let noise = UInt8(truncatingIfNeeded: random.next())
        image[x, y] = RGBColor(
          red: UInt8((x * 5) % 256), green: y % 4 == 3 ? noise : UInt8((y * 9) % 256),
          blue: UInt8((x * y) % 256))
      }
    }
    return image
  }
}

/// An independent, minimal PNG toolkit for tests: table-driven CRC-32, Adler-32, chunk parsing
/// and construction with uncompressed ("stored") deflate blocks. It shares no code with the
/// module under test.
enum TestPNG {
  struct Chunk {
    var type: String
    var data: [UInt8]
    var storedCRC: UInt32
  }

  static let signature: [UInt8] = [137, 80, 78, 71, 13, 10, 26, 10]

  private static let crcTable: [UInt32] = (0..<256).map { index in
    var c = UInt32(index)
    for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    return c
  }

  static func crc32(_ bytes: [UInt8]) -> UInt32 {
    var c: UInt32 = 0xFFFF_FFFF
    for byte in bytes { c = crcTable[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
    return c ^ 0xFFFF_FFFF
  }

  static func adler32(_ bytes: [UInt8]) -> UInt32 {
    var a: UInt32 = 1
    var b: UInt32 = 0
    for byte in bytes {
      a = (a + UInt32(byte)) % 65521
      b = (b + a) % 65521
    }
    return b << 16 | a
  }

  static func bigEndian(_ value: UInt32) -> [UInt8] {
    [
      UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF),
      UInt8(value & 0xFF),
    ]
  }

  static func readUInt32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
    UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16
      | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
  }

  /// Splits a PNG file into chunks (after the signature); nil when malformed.
  static func chunks(_ bytes: [UInt8]) -> [Chunk]? {
    guard bytes.count >= 8 else { return nil }
    var result: [Chunk] = []
    var offset = 8
    while offset < bytes.count {
      guard offset + 12 <= bytes.count else { return nil }
      let length = Int(readUInt32(bytes, offset))
      guard offset + 12 + length <= bytes.count else { return nil }
      let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
      let data = Array(bytes[(offset + 8)..<(offset + 8 + length)])
      result.append(
        Chunk(type: type, data: data, storedCRC: readUInt32(bytes, offset + 8 + length)))
      offset += 12 + length
    }
    return result
  }

  /// One chunk with its length and correct CRC.
  static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
    let typeBytes = Array(type.utf8)
    return bigEndian(UInt32(data.count)) + typeBytes + data + bigEndian(crc32(typeBytes + data))
  }

  /// A zlib stream of stored (uncompressed) deflate blocks.
  static func zlibStored(_ data: [UInt8]) -> [UInt8] {
    var output: [UInt8] = [0x78, 0x01]
    var offset = 0
    repeat {
      let count = min(65_535, data.count - offset)
      let isFinal = offset + count == data.count
      output.append(isFinal ? 1 : 0)
      output += [
        UInt8(count & 0xFF), UInt8(count >> 8), UInt8(~count & 0xFF),
        UInt8((~count >> 8) & 0xFF),
      ]
      output += data[offset..<(offset + count)]
      offset += count
    } while offset < data.count
    return output + bigEndian(adler32(data))
  }

  static func header(
    width: Int, height: Int, bitDepth: UInt8 = 8, colorType: UInt8, interlace: UInt8 = 0
  ) -> [UInt8] {
    bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [bitDepth, colorType, 0, 0, interlace]
  }

  /// A complete PNG from an IHDR payload and the (already filtered) scanline bytes.
  static func file(header: [UInt8], scanlines: [UInt8]) -> [UInt8] {
    signature + chunk("IHDR", header) + chunk("IDAT", zlibStored(scanlines)) + chunk("IEND", [])
  }

  /// Filters `samples` with filter type `rowFilter(row)` per row (independent implementation).
  static func filter(
    _ samples: [UInt8], width: Int, height: Int, channels: Int, rowFilter: (Int) -> UInt8
  ) -> [UInt8] {
    let stride = width * channels
    var output: [UInt8] = []
    for row in 0..<height {
      let type = rowFilter(row)
      output.append(type)
      for i in 0..<stride {
        let x = Int(samples[row * stride + i])
        let a = i >= channels ? Int(samples[row * stride + i - channels]) : 0
        let b = row > 0 ? Int(samples[(row - 1) * stride + i]) : 0
        let c = row > 0 && i >= channels ? Int(samples[(row - 1) * stride + i - channels]) : 0
        var predictor = 0
        switch type {
        case 1: predictor = a
        case 2: predictor = b
        case 3: predictor = (a + b) / 2
        case 4:
          let p = a + b - c
          let (pa, pb, pc) = (abs(p - a), abs(p - b), abs(p - c))
          predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
        default: predictor = 0
        }
        output.append(UInt8((x - predictor + 256) % 256))
      }
    }
    return output
  }
}
