import Foundation
import Testing
import TestSupport
import Visualization

@Suite("PNG validation rejects malformed files")
struct PNGValidationTests {
  /// A small valid RGB PNG.
  static func validFile() throws -> [UInt8] {
    try PNG.encode(TestImages.rgb(width: 12, height: 8, seed: 21))
  }

  /// Writes `bytes` to a file and returns the error from reading it back.
  static func readError(
    _ bytes: [UInt8], in directory: TemporaryDirectory, name: String = "bad.png"
  ) throws -> PNGError? {
    let path = directory.file(name)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return #expect(throws: PNGError.self) { try PNG.read(contentsOfFile: path) }
  }

  @Test("A corrupted CRC is rejected with an error naming the file and chunk")
  func corruptedCRC() throws {
    let directory = try TemporaryDirectory()
    var bytes = try Self.validFile()
    // The first IDAT data byte sits after the signature (8), IHDR (25) and IDAT length/type (8).
    bytes[8 + 25 + 8] ^= 0x40
    let error = try Self.readError(bytes, in: directory)
    #expect(error?.reason == .badChecksum)
    #expect(error?.source == directory.file("bad.png"))
    #expect(error?.description.contains(directory.file("bad.png")) == true)
    #expect(error?.message.contains("IDAT") == true)

    var badStoredCRC = try Self.validFile()
    badStoredCRC[8 + 8 + 13] ^= 0x01  // first byte of IHDR's CRC
    let headerError = try Self.readError(badStoredCRC, in: directory, name: "crc.png")
    #expect(headerError?.reason == .badChecksum)
    #expect(headerError?.message.contains("IHDR") == true)
  }

  @Test(
    "Truncated files are rejected with an error naming the file",
    arguments: [
      0, 5, 8, 12, 20, 33, 40, -13, -12, -4, -1,
    ])
  func truncated(cut: Int) throws {
    let directory = try TemporaryDirectory()
    let bytes = try Self.validFile()
    let keep = cut >= 0 ? cut : bytes.count + cut
    let error = try Self.readError(Array(bytes.prefix(keep)), in: directory)
    #expect(error?.reason == .truncated)
    #expect(error?.description.contains(directory.file("bad.png")) == true)
  }

  @Test("A wrong signature is rejected")
  func badSignature() throws {
    var bytes = try Self.validFile()
    bytes[1] = UInt8(ascii: "Q")
    let error = #expect(throws: PNGError.self) { try PNG.decode(bytes, source: "sig.png") }
    #expect(error?.reason == .badSignature)
    #expect(error?.description.hasPrefix("sig.png: ") == true)
    #expect(throws: PNGError.self) { try PNG.validate(Array("GIF89a..".utf8)) }
  }

  @Test("The first chunk must be a sane IHDR")
  func headerChecks() throws {
    let scanlines = [UInt8](repeating: 0, count: 3 * (1 + 2))  // 3 rows of filter byte + 2
    func file(_ header: [UInt8]) -> [UInt8] { TestPNG.file(header: header, scanlines: scanlines) }
    // Baseline: the hand-built file is valid.
    #expect(try PNG.decode(file(TestPNG.header(width: 2, height: 3, colorType: 0))).width == 2)

    let cases: [(String, [UInt8])] = [
      ("zero width", TestPNG.header(width: 0, height: 3, colorType: 0)),
      ("bit depth 7", TestPNG.header(width: 2, height: 3, bitDepth: 7, colorType: 0)),
      ("colour type 5", TestPNG.header(width: 2, height: 3, colorType: 5)),
      ("RGB depth 4", TestPNG.header(width: 2, height: 3, bitDepth: 4, colorType: 2)),
      ("interlace 2", TestPNG.header(width: 2, height: 3, colorType: 0, interlace: 2)),
      ("short IHDR", Array(TestPNG.header(width: 2, height: 3, colorType: 0).prefix(12))),
    ]
    for (name, header) in cases {
      let error = #expect(throws: PNGError.self, "\(name)") { try PNG.validate(file(header)) }
      #expect(error?.reason == .badHeader, "\(name)")
    }
    // A different first chunk.
    let textFirst =
      TestPNG.signature + TestPNG.chunk("tEXt", Array("a\0b".utf8))
      + Array(file(TestPNG.header(width: 2, height: 3, colorType: 0)).dropFirst(8))
    let error = #expect(throws: PNGError.self) { try PNG.validate(textFirst) }
    #expect(error?.reason == .badHeader)
    #expect(error?.message.contains("tEXt") == true)
  }

  @Test("Chunk layout errors are detected")
  func chunkLayout() throws {
    let header = TestPNG.chunk("IHDR", TestPNG.header(width: 2, height: 2, colorType: 0))
    let idat = TestPNG.chunk("IDAT", TestPNG.zlibStored([0, 1, 2, 0, 3, 4]))
    let end = TestPNG.chunk("IEND", [])
    let valid = TestPNG.signature + header + idat + end
    #expect(try PNG.decode(valid).samples == [1, 2, 3, 4])

    let cases: [(String, [UInt8], PNGError.Reason)] = [
      ("data after IEND", valid + [0], .badChunkLayout),
      ("no IDAT", TestPNG.signature + header + end, .badChunkLayout),
      ("no IEND", TestPNG.signature + header + idat, .truncated),
      (
        "split IDAT", TestPNG.signature + header + idat + TestPNG.chunk("tEXt", [65]) + idat + end,
        .badChunkLayout
      ),
      (
        "unknown critical", TestPNG.signature + header + TestPNG.chunk("ABCD", []) + idat + end,
        .badChunkLayout
      ),
      (
        "non-empty IEND", TestPNG.signature + header + idat + TestPNG.chunk("IEND", [1]),
        .badChunkLayout
      ),
    ]
    for (name, bytes, reason) in cases {
      let error = #expect(throws: PNGError.self, "\(name)") { try PNG.validate(bytes) }
      #expect(error?.reason == reason, "\(name)")
    }
    // Unknown ancillary chunks are fine.
    let ancillary = TestPNG.signature + header + TestPNG.chunk("abCd", [9]) + idat + end
    #expect(try PNG.decode(ancillary).samples == [1, 2, 3, 4])
  }

  @Test("Bad image data and unsupported formats are reported")
  func imageData() throws {
    func file(_ header: [UInt8], _ idatData: [UInt8]) -> [UInt8] {
      TestPNG.signature + TestPNG.chunk("IHDR", header) + TestPNG.chunk("IDAT", idatData)
        + TestPNG.chunk("IEND", [])
    }
    let header = TestPNG.header(width: 2, height: 2, colorType: 0)
    let cases: [(String, [UInt8], PNGError.Reason)] = [
      ("filter type 5", file(header, TestPNG.zlibStored([5, 1, 2, 0, 3, 4])), .badImageData),
      ("too little data", file(header, TestPNG.zlibStored([0, 1, 2, 0])), .badImageData),
      ("too much data", file(header, TestPNG.zlibStored([0, 1, 2, 0, 3, 4, 9])), .badImageData),
      ("not zlib", file(header, [1, 2, 3, 4, 5, 6]), .badImageData),
      (
        "bad adler", file(header, TestPNG.zlibStored([0, 1, 2, 0, 3, 4]).dropLast() + [0]),
        .badImageData
      ),
      (
        "16-bit",
        file(
          TestPNG.header(width: 2, height: 2, bitDepth: 16, colorType: 0),
          TestPNG.zlibStored([UInt8](repeating: 0, count: 10))), .unsupported
      ),
      (
        "RGBA",
        file(
          TestPNG.header(width: 1, height: 1, colorType: 6),
          TestPNG.zlibStored([0, 1, 2, 3, 4])), .unsupported
      ),
      (
        "interlaced",
        file(
          TestPNG.header(width: 1, height: 1, colorType: 0, interlace: 1),
          TestPNG.zlibStored([0, 7])), .unsupported
      ),
    ]
    for (name, bytes, reason) in cases {
      #expect(throws: Never.self, "\(name) is structurally valid") { try PNG.validate(bytes) }
      let error = #expect(throws: PNGError.self, "\(name)") {
        try PNG.decode(bytes, source: "case.png")
      }
      #expect(error?.reason == reason, "\(name)")
      #expect(error?.source == "case.png", "\(name)")
    }
  }

  /// Found by `scripts/fuzz` (fuzz-png): a 30000×30000 RGB header over 11 bytes of image data
  /// made the decoder allocate the 2.7 GB the header asks for before inflating anything.
  @Test("A header larger than its compressed data can expand to is refused before allocating")
  func headerLargerThanItsData() throws {
    let bytes: [UInt8] = [
      0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48,
      0x44, 0x52, 0x00, 0x00, 0x75, 0x30, 0x00, 0x00, 0x75, 0x30, 0x08, 0x02, 0x00, 0x00,
      0x00, 0xE9, 0x45, 0x6F, 0xED, 0x00, 0x00, 0x00, 0x0B, 0x49, 0x44, 0x41, 0x54, 0x78,
      0xDA, 0x63, 0x60, 0x40, 0x05, 0x00, 0x00, 0x10, 0x00, 0x01, 0xAA, 0x19, 0xF8, 0x82,
      0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82
    ]
    #expect(throws: Never.self) { try PNG.validate(bytes) }
    let error = #expect(throws: PNGError.self) { try PNG.decode(bytes, source: "large.png") }
    #expect(error?.reason == .badImageData)
    #expect(error?.message.contains("cannot expand to the 2700030000 bytes") == true)
  }
}
