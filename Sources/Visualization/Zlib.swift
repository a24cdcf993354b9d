import CZlib
import Foundation

/// Thin wrappers over the system zlib used by the PNG encoder and decoder.
///
/// zlib's `deflateInit`/`inflateInit` are C macros that Swift does not import, so the
/// underscore functions are called with `ZLIB_VERSION` and the size of `z_stream`, exactly as
/// the macros do.
enum Zlib {
  /// A zlib failure, described in words (zlib's own message when it provides one).
  struct Failure: Error {
    var message: String
  }

  /// The CRC-32 (ISO-HDLC / PNG polynomial) of `bytes`, continuing from `initial` (0 to start).
  static func crc32(_ bytes: UnsafeRawBufferPointer, initial: UInt32 = 0) -> UInt32 {
    guard let base = bytes.baseAddress, !bytes.isEmpty else { return initial }
    var crc = uLong(initial)
    var offset = 0
    // `crc32` takes a 32-bit length; feed very large buffers in pieces.
    while offset < bytes.count {
      let count = min(bytes.count - offset, 1 << 30)
      crc = CZlib.crc32(
        crc, (base + offset).assumingMemoryBound(to: Bytef.self), uInt(count))
      offset += count
    }
    return UInt32(truncatingIfNeeded: crc)
  }

  /// The CRC-32 of `bytes`, continuing from `initial` (0 to start).
  static func crc32<Bytes: ContiguousBytes>(of bytes: Bytes, initial: UInt32 = 0) -> UInt32 {
    bytes.withUnsafeBytes { crc32($0, initial: initial) }
  }

  /// `input` compressed as a complete zlib stream (RFC 1950) at `level` (0–9).
  ///
  /// The output is a deterministic function of the input, the level and the zlib version.
  static func compress(_ input: [UInt8], level: Int32) throws(Failure) -> [UInt8] {
    guard input.count < Int(UInt32.max) else {
      throw Failure(message: "input of \(input.count) bytes is too large for a single deflate")
    }
    var stream = z_stream()
    let initStatus = deflateInit_(
      &stream, level, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
    guard initStatus == Z_OK else {
      throw Failure(message: "deflateInit failed with status \(initStatus)")
    }
    defer { deflateEnd(&stream) }
    let bound = Int(deflateBound(&stream, uLong(input.count)))
    var source = input
    var output = [UInt8](repeating: 0, count: bound)
    let status = source.withUnsafeMutableBufferPointer { sourceBuffer in
      output.withUnsafeMutableBufferPointer { outputBuffer in
        stream.next_in = sourceBuffer.baseAddress
        stream.avail_in = uInt(sourceBuffer.count)
        stream.next_out = outputBuffer.baseAddress
        stream.avail_out = uInt(outputBuffer.count)
        return CZlib.deflate(&stream, Z_FINISH)
      }
    }
    guard status == Z_STREAM_END else {
      throw Failure(message: "deflate failed with status \(status)\(describe(stream.msg))")
    }
    output.removeSubrange(Int(stream.total_out)...)
    return output
  }

  /// The most a deflate stream can expand: a 258-byte match coded in about 2 bits.
  static let maximumExpansion = 1032

  /// Decompresses the zlib stream `input`, which must expand to exactly `expectedCount` bytes
  /// and must not be followed by further data.
  static func decompress(_ input: [UInt8], expectedCount: Int) throws(Failure) -> [UInt8] {
    guard input.count < Int(UInt32.max), expectedCount < Int(UInt32.max) - 1 else {
      throw Failure(message: "compressed or expanded data too large")
    }
    // The expected size comes from the file's header: refuse sizes the data cannot reach
    // before allocating them.
    guard expectedCount <= maximumExpansion * input.count + 1024 else {
      throw Failure(
        message: "\(input.count) bytes of compressed image data cannot expand to the "
          + "\(expectedCount) bytes the header's size needs (deflate expands at most "
          + "\(maximumExpansion):1)")
    }
    var stream = z_stream()
    let initStatus = inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
    guard initStatus == Z_OK else {
      throw Failure(message: "inflateInit failed with status \(initStatus)")
    }
    defer { inflateEnd(&stream) }
    var source = input
    // One spare byte reveals streams that expand to more than expected.
    var output = [UInt8](repeating: 0, count: expectedCount + 1)
    let outcome: String? = source.withUnsafeMutableBufferPointer { sourceBuffer in
      output.withUnsafeMutableBufferPointer { outputBuffer in
        stream.next_in = sourceBuffer.baseAddress
        stream.avail_in = uInt(sourceBuffer.count)
        stream.next_out = outputBuffer.baseAddress
        stream.avail_out = uInt(outputBuffer.count)
        while true {
          let status = CZlib.inflate(&stream, Z_NO_FLUSH)
          if status == Z_STREAM_END {
            return stream.avail_in == 0 ? nil : "\(stream.avail_in) bytes after the zlib stream"
          }
          if status == Z_OK || status == Z_BUF_ERROR {
            if stream.avail_out == 0 {
              return "image data expands to more than the expected \(expectedCount) bytes"
            }
            if stream.avail_in == 0 {
              return "compressed image data ends early (after \(stream.total_out) of "
                + "\(expectedCount) bytes)"
            }
            if status == Z_BUF_ERROR { return "inflate made no progress" }
            continue
          }
          return "corrupt compressed data (zlib status \(status)\(describe(stream.msg)))"
        }
      }
    }
    if let outcome { throw Failure(message: outcome) }
    guard Int(stream.total_out) == expectedCount else {
      throw Failure(
        message: "image data expands to \(stream.total_out) bytes, expected \(expectedCount)")
    }
    output.removeLast()
    return output
  }

  /// `": message"` for a non-null zlib message, otherwise the empty string.
  private static func describe(_ message: UnsafePointer<CChar>?) -> String {
    guard let message else { return "" }
    return ": " + String(cString: message)
  }
}
