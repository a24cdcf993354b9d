import Datasets
import Foundation
import TestSupport
import Testing

@Suite("Gzip")
struct GzipTests {
  @Test("plain files are returned unchanged", arguments: [0, 1, 2, 1000, 200_000])
  func plainFile(size: Int) throws {
    let directory = try TemporaryDirectory()
    // Avoid starting with the gzip magic by accident.
    var bytes = randomBytes(size, seed: UInt64(size))
    if size >= 2 { bytes[0] = 0 }
    let path = try directory.write(bytes, to: "plain.bin")
    #expect(try Gzip.readFile(atPath: path) == bytes)
  }

  @Test(
    "gzip files written by the gzip tool are inflated exactly",
    arguments: [0, 1, 1000, 65_536, 300_001])
  func gzipRoundTrip(size: Int) throws {
    let directory = try TemporaryDirectory()
    // Half random (incompressible), half repetitive (compressible) to exercise both block kinds.
    let bytes = randomBytes(size / 2, seed: 7) + (0..<(size - size / 2)).map { UInt8($0 % 7) }
    let path = try directory.writeGzip(bytes, to: "data.gz")
    let compressed = try Gzip.readFile(atPath: path)
    #expect(compressed == bytes)
  }

  @Test("concatenated gzip members are decoded one after the other")
  func concatenatedMembers() throws {
    let directory = try TemporaryDirectory()
    let first = randomBytes(5000, seed: 1)
    let second = Array("and a second member".utf8)
    let path = try directory.write(try gzipped(first) + gzipped(second), to: "two.gz")
    #expect(try Gzip.readFile(atPath: path) == first + second)
  }

  @Test("decompress accepts data in memory")
  func decompressInMemory() throws {
    let bytes = randomBytes(1234, seed: 3)
    #expect(try Gzip.decompress(try gzipped(bytes), path: "memory") == bytes)
    #expect(Gzip.isCompressed(try gzipped(bytes)))
    #expect(!Gzip.isCompressed([0] + bytes))
  }

  /// Ways of damaging a gzip file, each with a fragment its error message must contain.
  struct Corruption: Sendable, CustomTestStringConvertible {
    var testDescription: String
    var damage: @Sendable ([UInt8]) -> [UInt8]
    var fragment: String
  }

  static let corruptions: [Corruption] = [
    Corruption(
      testDescription: "cut in half", damage: { Array($0.prefix($0.count / 2)) },
      fragment: "ends early"),
    Corruption(
      testDescription: "only the magic bytes", damage: { Array($0.prefix(2)) },
      fragment: "ends early"),
    Corruption(
      testDescription: "flipped byte in the data",
      damage: { bytes in
        var damaged = bytes
        damaged[bytes.count / 2] ^= 0xFF
        return damaged
      }, fragment: "corrupt gzip data"),
    Corruption(
      testDescription: "wrong CRC",
      damage: { bytes in
        var damaged = bytes
        damaged[bytes.count - 8] ^= 0x01
        return damaged
      }, fragment: "incorrect data check"),
    Corruption(
      testDescription: "unknown compression method",
      damage: { bytes in
        var damaged = bytes
        damaged[2] = 7
        return damaged
      }, fragment: "unknown compression method"),
    Corruption(
      testDescription: "garbage after the stream", damage: { $0 + Array("junk".utf8) },
      fragment: "unexpected bytes after the end"),
  ]

  @Test("corrupt gzip data is reported with the file name", arguments: corruptions)
  func corruptGzip(corruption: Corruption) throws {
    let directory = try TemporaryDirectory()
    let good = try gzipped(randomBytes(20_000, seed: 11))
    let path = try directory.write(corruption.damage(good), to: "broken.gz")
    let error = datasetError { _ = try Gzip.readFile(atPath: path) }
    expect(
      error, kind: .corruptGzip, path: path,
      mentions: ["corrupt gzip data", corruption.fragment])
  }

  @Test("zero padding after the stream is ignored, as gzip does")
  func zeroPadding() throws {
    let directory = try TemporaryDirectory()
    let bytes = randomBytes(100, seed: 5)
    let path = try directory.write(try gzipped(bytes) + [0, 0, 0, 0], to: "padded.gz")
    #expect(try Gzip.readFile(atPath: path) == bytes)
  }

  @Test("a missing file or a directory is reported with its path")
  func missingFile() throws {
    let directory = try TemporaryDirectory()
    let missing = directory.file("nothing-here.gz")
    expect(
      datasetError { _ = try Gzip.readFile(atPath: missing) }, kind: .fileNotFound,
      path: missing, mentions: ["no such file"])
    expect(
      datasetError { _ = try Gzip.readFile(atPath: directory.path) }, kind: .unreadableFile,
      path: directory.path, mentions: ["is a directory"])
  }
}
