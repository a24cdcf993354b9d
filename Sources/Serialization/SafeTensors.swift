import Foundation
import TensorCore

/// The safetensors format (Hugging Face): named tensors in one file that numpy, PyTorch and
/// the `safetensors` Python package open directly.
///
/// Layout:
/// ```
/// [8 bytes: N, little-endian UInt64] [N bytes: JSON header] [raw little-endian tensor data]
/// header = {"NAME": {"dtype": "F32", "shape": [784, 400], "data_offsets": [begin, end]}, …,
///           "__metadata__": {"key": "value", …}}
/// ```
/// Offsets count from the first byte after the header. We write the tensors in sorted name
/// order, pad the header with spaces to a multiple of 8 bytes, and store `Float` as `F32` and
/// `Double` as `F64`, so the same tensors always give the same bytes.
public enum SafeTensors {
  /// One named tensor of either scalar type, as stored.
  public enum Entry: Sendable, Equatable {
    /// A single-precision tensor, stored with dtype `F32`.
    case float(Tensor<Float>)
    /// A double-precision tensor, stored with dtype `F64`.
    case double(Tensor<Double>)

    var dtype: String {
      switch self {
      case .float: "F32"
      case .double: "F64"
      }
    }

    var shape: [Int] {
      switch self {
      case .float(let tensor): tensor.shape
      case .double(let tensor): tensor.shape
      }
    }

    func appendBytes(to data: inout [UInt8]) {
      switch self {
      case .float(let tensor):
        tensor.withUnsafeBufferPointer { values in
          for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { data += $0 } }
        }
      case .double(let tensor):
        tensor.withUnsafeBufferPointer { values in
          for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { data += $0 } }
        }
      }
    }
  }

  /// The bytes of a safetensors file holding `tensors` and the string `metadata`.
  public static func encode(_ tensors: [String: Entry], metadata: [String: String] = [:]) -> [UInt8]
  {
    var header: [String: Any] = [:]
    var body: [UInt8] = []
    for name in tensors.keys.sorted() {
      let entry = tensors[name]!
      let begin = body.count
      entry.appendBytes(to: &body)
      header[name] =
        [
          "dtype": entry.dtype, "shape": entry.shape, "data_offsets": [begin, body.count],
        ] as [String: Any]
    }
    if !metadata.isEmpty { header["__metadata__"] = metadata }
    var json = [UInt8](
      try! JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
    while json.count % 8 != 0 { json.append(UInt8(ascii: " ")) }
    var result: [UInt8] = []
    result.reserveCapacity(8 + json.count + body.count)
    withUnsafeBytes(of: UInt64(json.count).littleEndian) { result += $0 }
    result += json
    result += body
    return result
  }

  /// Writes a safetensors file atomically (a temporary file, then a rename).
  public static func write(
    _ tensors: [String: Entry], metadata: [String: String] = [:], toPath path: String
  ) throws(FileWriteError) {
    try AtomicFile.write(encode(tensors, metadata: metadata), toPath: path)
  }

  /// Reads a safetensors file, checking that the header is well formed and that every
  /// tensor's byte range matches its dtype and shape and lies inside the file.
  public static func read(contentsOfFile path: String) throws(SafeTensorsError)
    -> SafeTensorsArchive
  {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw SafeTensorsError(path: path, message: "cannot read the file (missing or unreadable)")
    }
    return try SafeTensorsArchive(bytes: [UInt8](data), path: path)
  }
}

/// A problem with a safetensors file: the file and what was wrong in it.
public struct SafeTensorsError: Error, Sendable, CustomStringConvertible {
  /// The file.
  public var path: String
  /// What was wrong, naming the tensor or header field.
  public var message: String

  /// An error about the file at `path`.
  public init(path: String, message: String) {
    self.path = path
    self.message = message
  }

  /// "path: message".
  public var description: String { "\(path): \(message)" }
}

/// The tensors of a safetensors file, by name.
public struct SafeTensorsArchive: Sendable {
  /// The tensors, by name.
  public private(set) var entries: [String: SafeTensors.Entry] = [:]
  /// The string metadata of the header's `__metadata__` field.
  public private(set) var metadata: [String: String] = [:]
  /// The file read (for error messages).
  public let path: String

  /// Parses the bytes of a safetensors file.
  public init(bytes: [UInt8], path: String) throws(SafeTensorsError) {
    self.path = path
    func fail(_ message: String) -> SafeTensorsError {
      SafeTensorsError(path: path, message: message)
    }
    guard bytes.count >= 8 else { throw fail("truncated: \(bytes.count) bytes, no header length") }
    var headerLength: UInt64 = 0
    for i in 0..<8 { headerLength |= UInt64(bytes[i]) << (8 * UInt64(i)) }
    guard headerLength <= UInt64(bytes.count - 8) else {
      throw fail("truncated: header length \(headerLength) exceeds the file's \(bytes.count) bytes")
    }
    let dataStart = 8 + Int(headerLength)
    let headerObject = try? JSONSerialization.jsonObject(with: Data(bytes[8..<dataStart]))
    guard let header = headerObject as? [String: Any] else {
      throw fail("the header is not a JSON object")
    }
    for (name, value) in header {
      if name == "__metadata__" {
        guard let strings = value as? [String: String] else {
          throw fail("header field __metadata__ must map strings to strings")
        }
        metadata = strings
        continue
      }
      entries[name] = try Self.entry(name, value, bytes: bytes, dataStart: dataStart, path: path)
    }
  }

  /// The tensor `name` of the header, whose `value` holds its dtype (F32 or F64), shape and
  /// data offsets, read from the data section that starts at `dataStart` in `bytes` (after
  /// checking that the offsets lie inside it and cover exactly the shape's elements).
  private static func entry(
    _ name: String, _ value: Any, bytes: [UInt8], dataStart: Int, path: String
  ) throws(SafeTensorsError) -> SafeTensors.Entry {
    func fail(_ message: String) -> SafeTensorsError {
      SafeTensorsError(path: path, message: message)
    }
    guard let fields = value as? [String: Any], let dtype = fields["dtype"] as? String,
      let shape = fields["shape"] as? [Int], let offsets = fields["data_offsets"] as? [Int],
      offsets.count == 2
    else {
      throw fail("tensor '\(name)': needs dtype, shape and data_offsets [begin, end]")
    }
    let width: Int
    switch dtype {
    case "F32": width = 4
    case "F64": width = 8
    default: throw fail("tensor '\(name)': dtype \(dtype) is not supported (F32 or F64)")
    }
    guard shape.allSatisfy({ $0 >= 0 }) else {
      throw fail("tensor '\(name)': negative shape \(shape)")
    }
    // The shape comes from the file: its element count is checked against the bytes the
    // offsets cover (which lie inside the file) before anything is allocated.
    let dataSize = bytes.count - dataStart
    let (begin, end) = (offsets[0], offsets[1])
    guard 0 <= begin, begin <= end, end <= dataSize else {
      throw fail(
        "tensor '\(name)': data_offsets [\(begin), \(end)] do not lie inside the file's "
          + "\(dataSize) data bytes")
    }
    var count = 1
    var overflow = false
    for size in shape where !overflow {
      (count, overflow) = count.multipliedReportingOverflow(by: size)
    }
    let byteCount = count.multipliedReportingOverflow(by: width)
    guard !overflow, !byteCount.overflow, byteCount.partialValue == end - begin else {
      throw fail(
        "tensor '\(name)': shape \(shape) of \(dtype) needs "
          + (overflow || byteCount.overflow
            ? "more bytes than can be addressed"
            : "\(byteCount.partialValue) bytes")
          + ", data_offsets [\(begin), \(end)] hold \(end - begin)")
    }
    let base = dataStart + begin
    switch width {
    case 4:
      var scalars = [Float](repeating: 0, count: count)
      for i in 0..<count {
        var bits: UInt32 = 0
        for k in 0..<4 { bits |= UInt32(bytes[base + 4 * i + k]) << (8 * UInt32(k)) }
        scalars[i] = Float(bitPattern: bits)
      }
      return .float(Tensor(shape: shape, scalars: scalars))
    default:
      var scalars = [Double](repeating: 0, count: count)
      for i in 0..<count {
        var bits: UInt64 = 0
        for k in 0..<8 { bits |= UInt64(bytes[base + 8 * i + k]) << (8 * UInt64(k)) }
        scalars[i] = Double(bitPattern: bits)
      }
      return .double(Tensor(shape: shape, scalars: scalars))
    }
  }

  /// The `Float` tensor `name`, which must exist with the expected shape when one is given.
  public func float(_ name: String, shape expected: [Int]? = nil) throws(SafeTensorsError)
    -> Tensor<Float>
  {
    guard let entry = entries[name] else {
      throw SafeTensorsError(path: path, message: "no tensor named '\(name)'")
    }
    guard case .float(let tensor) = entry else {
      throw SafeTensorsError(path: path, message: "tensor '\(name)' is F64, expected F32")
    }
    if let expected, tensor.shape != expected {
      throw SafeTensorsError(
        path: path, message: "tensor '\(name)' has shape \(tensor.shape), expected \(expected)")
    }
    return tensor
  }

  /// The `Double` tensor `name`, which must exist with the expected shape when one is given.
  public func double(_ name: String, shape expected: [Int]? = nil) throws(SafeTensorsError)
    -> Tensor<Double>
  {
    guard let entry = entries[name] else {
      throw SafeTensorsError(path: path, message: "no tensor named '\(name)'")
    }
    guard case .double(let tensor) = entry else {
      throw SafeTensorsError(path: path, message: "tensor '\(name)' is F32, expected F64")
    }
    if let expected, tensor.shape != expected {
      throw SafeTensorsError(
        path: path, message: "tensor '\(name)' has shape \(tensor.shape), expected \(expected)")
    }
    return tensor
  }
}
