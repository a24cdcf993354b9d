import CZlib
import Visualization

/// libFuzzer entry: the bytes of a PNG file, validated and decoded as
/// `PNG.read(contentsOfFile:)` does. Every malformed input must throw `PNGError`.
///
/// Almost every mutation breaks a chunk's CRC, which the decoder checks first; so the bytes
/// are decoded twice, as given and with every complete chunk's CRC recomputed, to reach the
/// header checks, inflate and the row filters behind the checksums.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPNG(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  decode(bytes)
  decode(fixingChecksums(bytes))
  return 0
}

private func decode(_ bytes: [UInt8]) {
  do {
    let decoded = try PNG.decode(bytes, source: "fuzz")
    precondition(
      decoded.samples.count == decoded.width * decoded.height * decoded.colorType.channels)
    _ = decoded.image
  } catch {
    _ = error.description
  }
}

/// `bytes` with the CRC of every complete chunk after the signature recomputed.
private func fixingChecksums(_ bytes: [UInt8]) -> [UInt8] {
  var result = bytes
  var offset = 8
  while offset + 12 <= result.count {
    var length = 0
    for index in 0..<4 { length = length << 8 | Int(result[offset + index]) }
    guard length <= result.count - offset - 12 else { break }
    let crc = result.withUnsafeBufferPointer { buffer in
      CZlib.crc32(0, buffer.baseAddress! + offset + 4, uInt(length + 4))
    }
    for index in 0..<4 {
      result[offset + 8 + length + index] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * index))
    }
    offset += 12 + length
  }
  return result
}
