/// Checks that bytes are well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
/// above U+10FFFF), so that a corpus file in another encoding is reported rather than read
/// with replacement characters.
enum UTF8Validation {
  /// The offset of the first byte that does not belong to a well-formed UTF-8 sequence, or
  /// `nil` when all of `bytes` is UTF-8.
  static func firstInvalidOffset(in bytes: [UInt8]) -> Int? {
    bytes.withUnsafeBufferPointer { buffer in
      var index = 0
      let count = buffer.count
      while index < count {
        let lead = buffer[index]
        if lead < 0x80 {
          index += 1
          continue
        }
        let length: Int
        var lower: UInt8 = 0x80
        var upper: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0:
          length = 3
          lower = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED:
          length = 3
          upper = 0x9F
        case 0xF0:
          length = 4
          lower = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4:
          length = 4
          upper = 0x8F
        default: return index
        }
        for position in 1..<length {
          let at = index + position
          guard at < count else { return index }
          let byte = buffer[at]
          let (low, high) = position == 1 ? (lower, upper) : (UInt8(0x80), UInt8(0xBF))
          if byte < low || byte > high { return index }
        }
        index += length
      }
      return nil
    }
  }

  /// Throws `.invalidUTF8` naming `path` and the byte offset when `bytes` is not UTF-8.
  static func check(_ bytes: [UInt8], path: String) throws(TopicModelError) {
    if let offset = firstInvalidOffset(in: bytes) {
      let shown = String(bytes[offset], radix: 16, uppercase: true)
      throw TopicModelError(
        .invalidUTF8, path: path,
        "byte \(offset) is not valid UTF-8 (0x\(shown.count == 1 ? "0" : "")\(shown)); "
          + "save the file as UTF-8")
    }
  }
}
