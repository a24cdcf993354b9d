/// An error from encoding, writing, reading or validating a PNG file.
///
/// Every error names its `source` — the file path, or `"<memory>"` (or a caller-chosen label)
/// for data that did not come from a file — and says what was wrong; ``description`` combines
/// the two as `"<source>: <message>"`.
public struct PNGError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The broad category of a PNG error, for programmatic handling.
  public enum Reason: Sendable, Hashable {
    /// The image cannot be encoded (e.g. it has zero width or height).
    case invalidImage
    /// The file could not be read (missing, unreadable, a directory, ...).
    case unreadable
    /// The first eight bytes are not the PNG signature `89 50 4E 47 0D 0A 1A 0A`.
    case badSignature
    /// The data ends in the middle of the signature, a chunk, or before `IEND`.
    case truncated
    /// The first chunk is not `IHDR`, or `IHDR` has an invalid length or field values.
    case badHeader
    /// A chunk's stored CRC-32 does not match the CRC-32 of its type and data.
    case badChecksum
    /// The chunk sequence is malformed: missing or misplaced `IDAT`/`IEND`, data after
    /// `IEND`, an unknown critical chunk, or a chunk length above 2³¹ − 1.
    case badChunkLayout
    /// The file is a valid PNG in a format this decoder does not handle (bit depth other than
    /// 8, palette or alpha colour types, interlacing).
    case unsupported
    /// The compressed image data is corrupt or expands to the wrong size, or a row has an
    /// unknown filter type.
    case badImageData
    /// zlib failed while compressing.
    case compressionFailed
  }

  /// The file path the error is about, or a label such as `"<memory>"` for in-memory data.
  public var source: String
  /// The category of the error.
  public var reason: Reason
  /// A human-readable explanation of what was wrong.
  public var message: String

  /// Creates an error about `source` with the given category and explanation.
  public init(source: String, reason: Reason, message: String) {
    self.source = source
    self.reason = reason
    self.message = message
  }

  /// `"<source>: <message>"`.
  public var description: String { "\(source): \(message)" }
}
