import CZlib
import Foundation

/// Reading files that may be gzip-compressed, as data sets are usually distributed.
///
/// `readFile(atPath:)` reads a whole file into memory. If it starts with the gzip magic bytes
/// `1f 8b` it is inflated with zlib (several concatenated gzip members are decoded one after
/// the other, as the `gzip` tool does); otherwise the bytes are returned unchanged. This lets
/// every reader in this module accept `name` and `name.gz` alike.
public enum Gzip {
  /// The two bytes every gzip file starts with.
  public static let magic: [UInt8] = [0x1F, 0x8B]

  /// Whether `bytes` starts with the gzip magic bytes `1f 8b`.
  public static func isCompressed(_ bytes: [UInt8]) -> Bool {
    bytes.count >= 2 && bytes[0] == magic[0] && bytes[1] == magic[1]
  }

  /// Reads the file at `path`, inflating it if it is gzip-compressed.
  ///
  /// - Returns: the (decompressed) contents of the file.
  /// - Throws: `DatasetError` of kind `.fileNotFound` if nothing exists at `path`,
  ///   `.unreadableFile` if it is a directory or cannot be read (the message gives the system's
  ///   reason), and `.corruptGzip` if the file starts like gzip but its data is damaged or
  ///   truncated. Relative paths are reported as absolute paths.
  public static func readFile(atPath path: String) throws(DatasetError) -> [UInt8] {
    let path = absolutePath(path)
    let bytes = try readRawBytes(atPath: path)
    return isCompressed(bytes) ? try decompress(bytes, path: path) : bytes
  }

  /// Inflates gzip (or zlib) compressed `bytes`, which were read from `path`.
  ///
  /// - Parameters:
  ///   - bytes: the compressed bytes.
  ///   - path: the file the bytes came from; used only in error messages.
  /// - Throws: `DatasetError` of kind `.corruptGzip` naming `path` when the data is damaged
  ///   (zlib's own explanation is included), ends before the compressed stream does, or is
  ///   followed by bytes that are neither another gzip member nor zero padding.
  public static func decompress(_ bytes: [UInt8], path: String) throws(DatasetError) -> [UInt8] {
    func corrupt(_ message: String) -> DatasetError {
      DatasetError(.corruptGzip, path: path, message: "corrupt gzip data: \(message)")
    }
    guard !bytes.isEmpty else { throw corrupt("the file is empty") }
    var stream = z_stream()
    let initStatus = inflateInit2_(
      &stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    guard initStatus == Z_OK else {
      throw DatasetError(
        .unreadableFile, path: path, message: "zlib failed to initialise (status \(initStatus))")
    }
    defer { inflateEnd(&stream) }

    var output = [UInt8](repeating: 0, count: initialCapacity(forCompressed: bytes))
    var position = 0
    var produced = 0
    decoding: while true {
      if produced == output.count {
        output.append(contentsOf: repeatElement(0, count: max(output.count, 1 << 16)))
      }
      let status = bytes.withUnsafeBufferPointer { input in
        output.withUnsafeMutableBufferPointer { out in
          guard let inBase = input.baseAddress, let outBase = out.baseAddress else {
            return Z_STREAM_ERROR
          }
          let availableIn = UInt32(clamping: input.count - position)
          let availableOut = UInt32(clamping: out.count - produced)
          stream.next_in = UnsafeMutablePointer(mutating: inBase + position)
          stream.avail_in = availableIn
          stream.next_out = outBase + produced
          stream.avail_out = availableOut
          let status = inflate(&stream, Z_NO_FLUSH)
          position += Int(availableIn - stream.avail_in)
          produced += Int(availableOut - stream.avail_out)
          return status
        }
      }
      switch status {
      case Z_OK:
        continue
      case Z_STREAM_END:
        if position == bytes.count { break decoding }
        if bytes[position...].starts(with: magic) {
          inflateReset(&stream)
          continue
        }
        if bytes[position...].allSatisfy({ $0 == 0 }) { break decoding }
        throw corrupt(
          "unexpected bytes after the end of the compressed stream at byte offset \(position) "
            + "of \(bytes.count)")
      case Z_BUF_ERROR where position == bytes.count:
        throw corrupt(
          "compressed stream ends early (file has \(bytes.count) bytes, \(produced) bytes "
            + "decompressed before it ended)")
      case Z_MEM_ERROR:
        throw DatasetError(
          .unreadableFile, path: path,
          message: "out of memory after decompressing \(produced) bytes")
      case Z_NEED_DICT:
        throw corrupt("the stream needs a preset dictionary, which gzip files never use")
      default:
        let reason = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
        throw corrupt("\(reason) (at compressed byte offset \(position) of \(bytes.count))")
      }
    }
    output.removeLast(output.count - produced)
    return output
  }

  /// A first guess at the decompressed size: the gzip trailer's ISIZE field (the size modulo
  /// 2^32) when it is plausible for the input size, else four times the input size.
  static func initialCapacity(forCompressed bytes: [UInt8]) -> Int {
    let fallback = max(bytes.count * 4, 1 << 16)
    guard bytes.count >= 18 else { return fallback }
    let tail = bytes.count - 4
    var isize = 0
    for offset in 0..<4 { isize |= Int(bytes[tail + offset]) << (8 * offset) }
    // Deflate cannot compress better than about 1032:1.
    guard isize > 0, isize / 1100 <= bytes.count else { return fallback }
    return isize + 64
  }
}

/// `path` made absolute against the current directory, so that error messages name the file
/// unambiguously.
func absolutePath(_ path: String) -> String {
  if path.hasPrefix("/") || path.isEmpty { return path }
  return URL(fileURLWithPath: path).path
}

/// Reads the whole file at `path` (already absolute) without interpreting it.
func readRawBytes(atPath path: String) throws(DatasetError) -> [UInt8] {
  var isDirectory: ObjCBool = false
  guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
    throw DatasetError(.fileNotFound, path: path, message: "no such file")
  }
  guard !isDirectory.boolValue else {
    throw DatasetError(.unreadableFile, path: path, message: "is a directory, expected a file")
  }
  guard let file = fopen(path, "rb") else {
    throw DatasetError(.unreadableFile, path: path, message: "cannot open: \(systemError())")
  }
  defer { fclose(file) }

  var expectedSize = 0
  if fseeko(file, 0, SEEK_END) == 0 {
    expectedSize = max(0, Int(ftello(file)))
    rewind(file)
  }
  var bytes = [UInt8](unsafeUninitializedCapacity: expectedSize) { buffer, initialized in
    initialized = buffer.isEmpty ? 0 : fread(buffer.baseAddress, 1, buffer.count, file)
  }
  // Keep reading in case the file grew or its size could not be determined.
  var chunk = [UInt8](repeating: 0, count: 1 << 16)
  while ferror(file) == 0 && feof(file) == 0 {
    let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
    bytes.append(contentsOf: chunk[..<count])
    if count < chunk.count { break }
  }
  if ferror(file) != 0 {
    throw DatasetError(
      .unreadableFile, path: path,
      message: "read error after \(bytes.count) bytes: \(systemError())")
  }
  return bytes
}

/// The C library's description of the current `errno`.
private func systemError() -> String {
  String(cString: strerror(errno))
}
