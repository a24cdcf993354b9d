import TensorCore

/// An array read from a file in the IDX format, in which MNIST and Fashion-MNIST are
/// distributed.
///
/// The format is: two zero bytes; a type code (`0x08` unsigned byte, `0x09` signed byte, `0x0B`
/// 16-bit integer, `0x0C` 32-bit integer, `0x0D` float, `0x0E` double); the number of
/// dimensions; then one big-endian `UInt32` size per dimension; then the elements in row-major
/// order. Image files have 3 dimensions (count × rows × columns), label files 1 (count).
///
/// Only the unsigned-byte type, which MNIST-style data sets use, is supported; the elements are
/// kept as bytes. The file may be gzip-compressed.
public struct IDXFile: Sendable, Equatable {
  /// The type code for unsigned bytes, the only element type this reader supports.
  public static let unsignedByteType: UInt8 = 0x08

  /// The full path of the file the array was read from (used in error messages).
  public let path: String
  /// The size of each dimension, outermost first (for images: count, rows, columns).
  public let dimensions: [Int]
  /// The elements in row-major order; `bytes.count` is the product of `dimensions`.
  public let bytes: [UInt8]

  /// Reads the IDX file at `path`, which may be gzip-compressed.
  ///
  /// - Parameters:
  ///   - path: the file.
  ///   - expectedDimensionCount: the number of dimensions the caller needs (3 for images, 1
  ///     for labels), or `nil` to accept any.
  /// - Throws: `DatasetError` naming the file: `.fileNotFound`, `.unreadableFile` or
  ///   `.corruptGzip` if it cannot be read; `.badMagic` if it does not start with two zero
  ///   bytes; `.unsupportedType` for an element type other than unsigned byte;
  ///   `.wrongDimensionCount` if it has a different number of dimensions than expected;
  ///   `.truncated` or `.trailingBytes` if the data is shorter or longer than the product of
  ///   the dimensions (the message gives both sizes).
  public init(contentsOf path: String, expectedDimensionCount: Int? = nil) throws(DatasetError) {
    let path = absolutePath(path)
    let contents = try Gzip.readFile(atPath: path)
    try self.init(
      parsing: contents, path: path, expectedDimensionCount: expectedDimensionCount)
  }

  /// Parses the (already decompressed) contents of an IDX file.
  ///
  /// - Parameters:
  ///   - contents: the file's bytes.
  ///   - path: the file the bytes came from; used only in error messages.
  ///   - expectedDimensionCount: the number of dimensions the caller needs, or `nil`.
  /// - Throws: the format errors described for `init(contentsOf:expectedDimensionCount:)`.
  public init(
    parsing contents: [UInt8], path: String, expectedDimensionCount: Int? = nil
  ) throws(DatasetError) {
    guard contents.count >= 4 else {
      throw DatasetError(
        contents.isEmpty ? .emptyFile : .truncated, path: path,
        message: "truncated: an IDX header needs at least 4 bytes, file has \(contents.count)")
    }
    guard contents[0] == 0, contents[1] == 0 else {
      let found = contents[0..<4].map { hex($0) }.joined(separator: " ")
      throw DatasetError(
        .badMagic, path: path,
        message: "not an IDX file: expected magic bytes 00 00 <type> <dimensions>, found \(found)")
    }
    let typeCode = contents[2]
    guard typeCode == Self.unsignedByteType else {
      throw DatasetError(
        .unsupportedType, path: path,
        message: "unsupported IDX element type \(hex(typeCode)) (\(Self.typeName(typeCode))); "
          + "only 08 (unsigned byte) is supported")
    }
    let dimensionCount = Int(contents[3])
    if let expectedDimensionCount, dimensionCount != expectedDimensionCount {
      throw DatasetError(
        .wrongDimensionCount, path: path,
        message: "wrong number of dimensions: expected \(expectedDimensionCount), "
          + "header says \(dimensionCount)")
    }
    let headerSize = 4 + 4 * dimensionCount
    guard contents.count >= headerSize else {
      throw DatasetError(
        .truncated, path: path,
        message: "truncated: a header with \(dimensionCount) dimensions needs \(headerSize) "
          + "bytes, file has \(contents.count)")
    }
    var dimensions: [Int] = []
    dimensions.reserveCapacity(dimensionCount)
    var elementCount = 1
    var overflow = false
    for index in 0..<dimensionCount {
      let offset = 4 + 4 * index
      var size = 0
      for byte in contents[offset..<(offset + 4)] { size = size << 8 | Int(byte) }
      dimensions.append(size)
      let product = elementCount.multipliedReportingOverflow(by: size)
      elementCount = product.partialValue
      overflow = overflow || product.overflow
    }
    let dataSize = contents.count - headerSize
    let sizes = dimensions.map(String.init).joined(separator: " × ")
    guard !overflow else {
      throw DatasetError(
        .truncated, path: path,
        message: "truncated: header says \(sizes) bytes of data, which is more than can be "
          + "addressed; file has \(dataSize)")
    }
    if dataSize != elementCount {
      let kind: DatasetError.Kind = dataSize < elementCount ? .truncated : .trailingBytes
      let problem = dataSize < elementCount ? "truncated" : "trailing bytes"
      let product = dimensionCount == 1 ? sizes : "\(sizes) = \(elementCount)"
      throw DatasetError(
        kind, path: path,
        message: "\(problem): header says \(product) bytes of data, file has \(dataSize)")
    }
    self.path = path
    self.dimensions = dimensions
    self.bytes = Array(contents[headerSize...])
  }

  /// The encoded form of an unsigned-byte IDX array: header followed by `bytes`. Useful for
  /// writing test files or caching derived data sets in the same format.
  ///
  /// - Precondition: there are at most 255 dimensions, each below 2^32, and `bytes.count` is
  ///   their product.
  public static func encode(dimensions: [Int], bytes: [UInt8]) -> [UInt8] {
    userPrecondition(dimensions.count <= 255, "IDX files have at most 255 dimensions")
    userPrecondition(
      dimensions.allSatisfy { (0...Int(UInt32.max)).contains($0) },
      "IDX dimension sizes must fit in UInt32")
    userPrecondition(
      dimensions.reduce(1, *) == bytes.count, "the data size must match the dimensions")
    var result: [UInt8] = [0, 0, unsignedByteType, UInt8(dimensions.count)]
    result.reserveCapacity(4 + 4 * dimensions.count + bytes.count)
    for size in dimensions {
      for shift in stride(from: 24, through: 0, by: -8) {
        result.append(UInt8(truncatingIfNeeded: size >> shift))
      }
    }
    result.append(contentsOf: bytes)
    return result
  }

  /// A readable name for an IDX type code.
  static func typeName(_ code: UInt8) -> String {
    switch code {
    case 0x08: "unsigned byte"
    case 0x09: "signed byte"
    case 0x0B: "16-bit integer"
    case 0x0C: "32-bit integer"
    case 0x0D: "32-bit float"
    case 0x0E: "64-bit float"
    default: "not a valid IDX type code"
    }
  }
}

/// A byte as two lowercase hexadecimal digits.
func hex(_ byte: UInt8) -> String {
  let digits = String(byte, radix: 16)
  return byte < 16 ? "0" + digits : digits
}
