/// An array read from a NumPy `.npy` file.
///
/// The format: the magic bytes `\x93NUMPY`; a major and minor version byte (1.0, 2.0 and 3.0
/// are supported); the header length (little-endian `UInt16` for version 1, `UInt32` after);
/// a header holding a Python dictionary literal with the keys `descr` (the dtype, such as
/// `'<f4'`), `fortran_order` and `shape`; then the elements.
///
/// Supported dtypes are unsigned and signed integers of 1, 2, 4 and 8 bytes (`|u1`, `|i1`,
/// `<u2`, `<i2`, `<u4`, `<i4`, `<u8`, `<i8`) and 32- and 64-bit floats (`<f4`, `<f8`), in
/// either byte order (`<`, `>`, `=` or `|`); the data is kept little-endian in `bytes`. Only
/// C (row-major) order is supported. The file may be gzip-compressed.
public struct NPYFile: Sendable, Equatable {
  /// The element type of an array, named after NumPy's dtypes; the raw value is the dtype
  /// without its byte-order character.
  public enum ElementType: String, Sendable, CaseIterable {
    /// Unsigned 8-bit integers, dtype `|u1`.
    case uint8 = "u1"
    /// Signed 8-bit integers, dtype `|i1`.
    case int8 = "i1"
    /// Unsigned 16-bit integers, dtype `<u2`.
    case uint16 = "u2"
    /// Signed 16-bit integers, dtype `<i2`.
    case int16 = "i2"
    /// Unsigned 32-bit integers, dtype `<u4`.
    case uint32 = "u4"
    /// Signed 32-bit integers, dtype `<i4`.
    case int32 = "i4"
    /// Unsigned 64-bit integers, dtype `<u8`.
    case uint64 = "u8"
    /// Signed 64-bit integers, dtype `<i8`.
    case int64 = "i8"
    /// IEEE 754 single precision, dtype `<f4`.
    case float32 = "f4"
    /// IEEE 754 double precision, dtype `<f8`.
    case float64 = "f8"

    /// The size of one element in bytes.
    public var byteCount: Int {
      switch self {
      case .uint8, .int8: 1
      case .uint16, .int16: 2
      case .uint32, .int32, .float32: 4
      case .uint64, .int64, .float64: 8
      }
    }
  }

  /// The magic bytes every `.npy` file starts with: `\x93NUMPY`.
  public static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

  /// The full path of the file the array was read from (used in error messages).
  public let path: String
  /// The size of each axis, outermost first; `[]` for a scalar.
  public let shape: [Int]
  /// The element type.
  public let elementType: ElementType
  /// The elements in C (row-major) order, each little-endian.
  public let bytes: [UInt8]

  /// The number of elements, the product of `shape` (1 for a scalar).
  public var count: Int { shape.reduce(1, *) }

  /// Reads the `.npy` file at `path`, which may be gzip-compressed.
  ///
  /// - Throws: `DatasetError` naming the file: `.fileNotFound`, `.unreadableFile` or
  ///   `.corruptGzip` if it cannot be read, or the format errors of `init(parsing:path:)`.
  public init(contentsOf path: String) throws(DatasetError) {
    let path = absolutePath(path)
    try self.init(parsing: try Gzip.readFile(atPath: path), path: path)
  }

  /// Parses the (already decompressed) contents of an `.npy` file.
  ///
  /// - Parameters:
  ///   - contents: the file's bytes.
  ///   - path: where the bytes came from; used only in error messages.
  /// - Throws: `DatasetError` naming the file, and the header field where one applies:
  ///   `.badMagic` if the file does not start with `\x93NUMPY`; `.unsupportedType` for an
  ///   unknown format version or an unsupported dtype (`descr`); `.badHeader` if the header is
  ///   not a dictionary literal or `descr`, `fortran_order` or `shape` is missing or of the
  ///   wrong type; `.unsupportedLayout` if `fortran_order` is `True`; `.truncated` or
  ///   `.trailingBytes` if the data is shorter or longer than `shape` and the dtype require.
  public init(parsing contents: [UInt8], path: String) throws(DatasetError) {
    let headerRange = try Self.headerRange(of: contents, path: path)
    let header: [String: NPYHeaderParser.Value]
    do {
      header = try NPYHeaderParser.parseDictionary(Array(contents[headerRange]))
    } catch {
      throw DatasetError(
        .badHeader, path: path, message: "malformed header dictionary: \(error.message)")
    }

    let (elementType, isBigEndian) = try Self.parseDescr(header["descr"], path: path)
    try Self.requireCOrder(header["fortran_order"], path: path)
    let shape = try Self.parseShape(header["shape"], path: path)
    let headerEnd = headerRange.upperBound
    try Self.checkDataSize(
      contents.count - headerEnd, shape: shape, elementType: elementType, path: path)
    var data = Array(contents[headerEnd...])
    if isBigEndian && elementType.byteCount > 1 {
      let width = elementType.byteCount
      for start in stride(from: 0, to: data.count, by: width) {
        data[start..<(start + width)].reverse()
      }
    }
    self.path = path
    self.shape = shape
    self.elementType = elementType
    self.bytes = data
  }

  /// Where the header dictionary lies in `contents`, after checking the preamble: the magic
  /// bytes, a known format version (1.0 has a 2-byte header length, 2.0 and 3.0 a 4-byte one,
  /// little-endian) and a header length within the file.
  private static func headerRange(
    of contents: [UInt8], path: String
  ) throws(DatasetError) -> Range<Int> {
    guard contents.starts(with: Self.magic) else {
      let found = contents.prefix(6).map { hex($0) }.joined(separator: " ")
      throw DatasetError(
        contents.isEmpty ? .emptyFile : .badMagic, path: path,
        message: "not an NPY file: expected magic bytes 93 4e 55 4d 50 59 (\\x93NUMPY), "
          + "found \(found.isEmpty ? "an empty file" : found)")
    }
    guard contents.count >= 10 else {
      throw DatasetError(
        .truncated, path: path,
        message: "truncated: the NPY preamble needs at least 10 bytes, file has \(contents.count)")
    }
    let (major, minor) = (contents[6], contents[7])
    let lengthSize: Int
    switch major {
    case 1: lengthSize = 2
    case 2, 3: lengthSize = 4
    default:
      throw DatasetError(
        .unsupportedType, path: path,
        message: "unsupported NPY format version \(major).\(minor); expected 1.0, 2.0 or 3.0")
    }
    let headerStart = 8 + lengthSize
    guard contents.count >= headerStart else {
      throw DatasetError(
        .truncated, path: path,
        message: "truncated: an NPY \(major).\(minor) preamble needs \(headerStart) bytes, "
          + "file has \(contents.count)")
    }
    var headerLength = 0
    for offset in 0..<lengthSize { headerLength |= Int(contents[8 + offset]) << (8 * offset) }
    guard contents.count - headerStart >= headerLength else {
      throw DatasetError(
        .truncated, path: path,
        message: "truncated: the header length field says \(headerLength) bytes, "
          + "file has \(contents.count - headerStart) after the preamble")
    }
    return headerStart..<(headerStart + headerLength)
  }

  /// Checks that `dataSize` bytes are exactly the elements of `shape` in `elementType`.
  private static func checkDataSize(
    _ dataSize: Int, shape: [Int], elementType: ElementType, path: String
  ) throws(DatasetError) {
    var elementCount = 1
    for size in shape {
      let product = elementCount.multipliedReportingOverflow(by: size)
      guard !product.overflow else {
        throw DatasetError(
          .badHeader, path: path, field: "shape",
          message: "shape \(shape) has more elements than can be addressed")
      }
      elementCount = product.partialValue
    }
    let (needed, overflow) = elementCount.multipliedReportingOverflow(by: elementType.byteCount)
    if overflow || dataSize != needed {
      let problem = overflow || dataSize < needed ? "truncated" : "trailing bytes"
      throw DatasetError(
        problem == "truncated" ? .truncated : .trailingBytes, path: path,
        message: "\(problem): shape \(Self.describe(shape)) of dtype "
          + "\(Self.dtypeName(elementType)) needs \(elementCount) × \(elementType.byteCount) = "
          + "\(needed) bytes of data, file has \(dataSize)")
    }
  }

  /// The elements converted to `Double` (64-bit integers beyond 2^53 are rounded).
  public func doubles() -> [Double] {
    elements(as: Double.self)
  }

  /// The elements converted to `Float` (rounded to the nearest `Float`).
  public func floats() -> [Float] {
    elements(as: Float.self)
  }

  private func elements<T: BinaryFloatingPoint>(as _: T.Type) -> [T] {
    switch elementType {
    case .uint8: bytes.map { T($0) }
    case .int8: bytes.map { T(Int8(bitPattern: $0)) }
    case .uint16: littleEndianElements(UInt16.self).map { T($0) }
    case .int16: littleEndianElements(Int16.self).map { T($0) }
    case .uint32: littleEndianElements(UInt32.self).map { T($0) }
    case .int32: littleEndianElements(Int32.self).map { T($0) }
    case .uint64: littleEndianElements(UInt64.self).map { T($0) }
    case .int64: littleEndianElements(Int64.self).map { T($0) }
    case .float32: littleEndianElements(UInt32.self).map { T(Float(bitPattern: $0)) }
    case .float64: littleEndianElements(UInt64.self).map { T(Double(bitPattern: $0)) }
    }
  }

  /// `bytes` read as consecutive little-endian integers of type `I`.
  private func littleEndianElements<I: FixedWidthInteger>(_: I.Type) -> [I] {
    let width = MemoryLayout<I>.size
    return bytes.withUnsafeBytes { raw in
      (0..<(raw.count / width)).map {
        I(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * width, as: I.self))
      }
    }
  }

  /// The dtype string NumPy writes for `type`, such as `<f4` or `|u1`.
  public static func dtypeName(_ type: ElementType) -> String {
    (type.byteCount == 1 ? "|" : "<") + type.rawValue
  }

  /// `shape` written as a Python tuple, such as `(3, 4)`, `(5,)` or `()`.
  static func describe(_ shape: [Int]) -> String {
    shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
  }

  /// The element type and byte order (true for big-endian) from the header's `descr`.
  private static func parseDescr(
    _ value: NPYHeaderParser.Value?, path: String
  ) throws(DatasetError) -> (ElementType, Bool) {
    let supported = ElementType.allCases.map(dtypeName).joined(separator: ", ")
    guard let value else {
      throw DatasetError(
        .badHeader, path: path, field: "descr",
        message: "missing; the header must give the dtype, such as '<f4'")
    }
    guard case .string(let descr) = value else {
      throw DatasetError(
        .unsupportedType, path: path, field: "descr",
        message: "expected a dtype string such as '<f4', found \(value.kindDescription) "
          + "(structured dtypes are not supported)")
    }
    let order = descr.first
    let typeCode = String(descr.dropFirst())
    guard let order, "<>=|".contains(order), let type = ElementType(rawValue: typeCode) else {
      throw DatasetError(
        .unsupportedType, path: path, field: "descr",
        message: "unsupported dtype \(quoted(descr)); supported: \(supported)")
    }
    if order == "|" && type.byteCount > 1 {
      throw DatasetError(
        .unsupportedType, path: path, field: "descr",
        message: "dtype \(quoted(descr)) has no byte order; expected '<' or '>' for a "
          + "\(type.byteCount)-byte type")
    }
    return (type, order == ">")
  }

  /// Throws unless the header's `fortran_order` is `False`.
  private static func requireCOrder(
    _ value: NPYHeaderParser.Value?, path: String
  ) throws(DatasetError) {
    switch value {
    case .boolean(false):
      return
    case .boolean(true):
      throw DatasetError(
        .unsupportedLayout, path: path, field: "fortran_order",
        message: "Fortran-order (column-major) arrays are not supported; expected False "
          + "(save a C-order array, e.g. with numpy.ascontiguousarray)")
    case nil:
      throw DatasetError(
        .badHeader, path: path, field: "fortran_order", message: "missing; expected False")
    case let value?:
      throw DatasetError(
        .badHeader, path: path, field: "fortran_order",
        message: "expected True or False, found \(value.kindDescription)")
    }
  }

  /// The axis sizes from the header's `shape`, a tuple of non-negative integers.
  private static func parseShape(
    _ value: NPYHeaderParser.Value?, path: String
  ) throws(DatasetError) -> [Int] {
    guard let value else {
      throw DatasetError(
        .badHeader, path: path, field: "shape", message: "missing; expected a tuple such as (3, 4)")
    }
    guard case .tuple(let items) = value else {
      throw DatasetError(
        .badHeader, path: path, field: "shape",
        message: "expected a tuple of axis sizes such as (3, 4), found \(value.kindDescription)")
    }
    var shape: [Int] = []
    for (axis, item) in items.enumerated() {
      guard case .integer(let size) = item, size >= 0 else {
        throw DatasetError(
          .badHeader, path: path, field: "shape",
          message: "axis \(axis) size must be a non-negative integer, "
            + "found \(item.kindDescription)")
      }
      shape.append(size)
    }
    return shape
  }
}
