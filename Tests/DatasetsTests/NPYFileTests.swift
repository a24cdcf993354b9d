import Datasets
import Foundation
import TestSupport
import Testing

@Suite("NPY files")
struct NPYFileTests {
  /// An `.npy` file written by hand: magic, version, header length, the header padded with
  /// spaces and a newline to a multiple of 64 bytes (as NumPy does), then `data`.
  static func npy(_ header: String, major: UInt8 = 1, data: [UInt8]) -> [UInt8] {
    let lengthSize = major == 1 ? 2 : 4
    var headerBytes = Array(header.utf8)
    let unpadded = 8 + lengthSize + headerBytes.count + 1
    headerBytes += [UInt8](repeating: 0x20, count: (64 - unpadded % 64) % 64) + [0x0A]
    var result = NPYFile.magic + [major, 0]
    for shift in stride(from: 0, to: lengthSize * 8, by: 8) {
      result.append(UInt8(truncatingIfNeeded: headerBytes.count >> shift))
    }
    return result + headerBytes + data
  }

  static func littleEndian(_ values: [Double]) -> [UInt8] {
    values.flatMap { value in
      (0..<8).map { UInt8(truncatingIfNeeded: value.bitPattern >> ($0 * 8)) }
    }
  }

  @Test("hand-written NPY files of versions 1.0 and 2.0 are read exactly")
  func handWritten() throws {
    let directory = try TemporaryDirectory()
    let doubles = try directory.write(
      Self.npy(
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }",
        data: Self.littleEndian([1.5, -2])), to: "doubles.npy")
    let file = try NPYFile(contentsOf: doubles)
    #expect(file.shape == [2])
    #expect(file.elementType == .float64)
    #expect(file.doubles() == [1.5, -2])
    #expect(file.floats() == [1.5, -2])
    #expect(file.count == 2)

    let bytes = try directory.write(
      Self.npy(
        "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2), }", major: 2,
        data: [1, 2, 3, 255]), to: "bytes.npy")
    let byteFile = try NPYFile(contentsOf: bytes)
    #expect(byteFile.shape == [2, 2])
    #expect(byteFile.bytes == [1, 2, 3, 255])
    #expect(byteFile.doubles() == [1, 2, 3, 255])

    let bigEndian = try NPYFile(
      parsing: Self.npy(
        "{\"descr\":\">i4\",\"fortran_order\":False,\"shape\":(2L,)}",
        data: [0, 0, 1, 0, 0xFF, 0xFF, 0xFF, 0xFE]), path: "/memory.npy")
    #expect(bigEndian.doubles() == [256, -2])
    #expect(bigEndian.bytes == [0, 1, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF])

    let scalar = try NPYFile(
      parsing: Self.npy(
        "{'descr': '<f8', 'fortran_order': False, 'shape': ()}",
        data: Self.littleEndian([42])), path: "/memory.npy")
    #expect(scalar.shape == [])
    #expect(scalar.doubles() == [42])
  }

  /// A malformed NPY file and what its error must report.
  struct Malformed: Sendable, CustomTestStringConvertible {
    var testDescription: String
    var contents: [UInt8]
    var kind: DatasetError.Kind
    var field: String?
    var fragments: [String]
  }

  static let goodData = littleEndian([1, 2])

  static let malformed: [Malformed] = [
    Malformed(
      testDescription: "wrong magic", contents: Array("\u{93}NUMPX".utf8) + [1, 0, 0, 0],
      kind: .badMagic, field: nil, fragments: ["not an NPY file", "\\x93NUMPY"]),
    Malformed(
      testDescription: "preamble cut short", contents: NPYFile.magic + [1, 0],
      kind: .truncated, field: nil, fragments: ["truncated", "file has 8"]),
    Malformed(
      testDescription: "unknown version",
      contents: npy(
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2,)}", major: 4,
        data: goodData),
      kind: .unsupportedType, field: nil, fragments: ["format version 4.0"]),
    Malformed(
      testDescription: "header longer than the file",
      contents: NPYFile.magic + [1, 0, 0xFF, 0x00] + Array("{'descr'".utf8),
      kind: .truncated, field: nil, fragments: ["header length field says 255 bytes"]),
    Malformed(
      testDescription: "header is not a dictionary",
      contents: npy("[1, 2]", data: goodData), kind: .badHeader, field: nil,
      fragments: ["malformed header dictionary", "expected a dictionary"]),
    Malformed(
      testDescription: "missing comma in the header",
      contents: npy("{'descr': '<f8' 'fortran_order': False}", data: goodData),
      kind: .badHeader, field: nil, fragments: ["malformed header dictionary", "expected ','"]),
    Malformed(
      testDescription: "missing shape",
      contents: npy("{'descr': '<f8', 'fortran_order': False}", data: goodData),
      kind: .badHeader, field: "shape", fragments: ["header field 'shape'", "missing"]),
    Malformed(
      testDescription: "missing descr",
      contents: npy("{'fortran_order': False, 'shape': (2,)}", data: goodData),
      kind: .badHeader, field: "descr", fragments: ["header field 'descr'", "missing"]),
    Malformed(
      testDescription: "shape that is not a tuple",
      contents: npy("{'descr': '<f8', 'fortran_order': False, 'shape': 2}", data: goodData),
      kind: .badHeader, field: "shape", fragments: ["expected a tuple", "the integer 2"]),
    Malformed(
      testDescription: "negative axis size",
      contents: npy("{'descr': '<f8', 'fortran_order': False, 'shape': (-2,)}", data: goodData),
      kind: .badHeader, field: "shape", fragments: ["non-negative", "-2"]),
    Malformed(
      testDescription: "complex dtype",
      contents: npy("{'descr': '<c8', 'fortran_order': False, 'shape': (2,)}", data: goodData),
      kind: .unsupportedType, field: "descr", fragments: ["unsupported dtype \"<c8\"", "<f4"]),
    Malformed(
      testDescription: "multi-byte dtype without byte order",
      contents: npy("{'descr': '|f8', 'fortran_order': False, 'shape': (2,)}", data: goodData),
      kind: .unsupportedType, field: "descr", fragments: ["no byte order"]),
    Malformed(
      testDescription: "Fortran order",
      contents: npy("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 1)}", data: goodData),
      kind: .unsupportedLayout, field: "fortran_order",
      fragments: ["header field 'fortran_order'", "Fortran-order"]),
    Malformed(
      testDescription: "truncated data",
      contents: npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3,)}", data: goodData),
      kind: .truncated, field: nil,
      fragments: [
        "truncated: shape (3,) of dtype <f8", "needs 3 × 8 = 24 bytes of data, file has 16",
      ]),
    Malformed(
      testDescription: "trailing bytes",
      contents: npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,)}", data: goodData),
      kind: .trailingBytes, field: nil,
      fragments: ["trailing bytes", "needs 1 × 8 = 8", "file has 16"]),
  ]

  @Test("malformed NPY files are rejected naming the file and header field", arguments: malformed)
  func malformedFile(example: Malformed) throws {
    let directory = try TemporaryDirectory()
    let path = try directory.write(example.contents, to: "bad.npy")
    let error = datasetError { _ = try NPYFile(contentsOf: path) }
    expect(error, kind: example.kind, path: path, mentions: example.fragments)
    #expect(error?.field == example.field)
  }

  /// Found while fuzzing (fuzz-npy): a header of 100,000 nested tuples overflowed the stack of
  /// the recursive header parser (a crash, not an error); NumPy nests two levels.
  @Test("deeply nested header literals are refused", arguments: [33, 100_000])
  func deeplyNestedHeader(depth: Int) {
    let shape = String(repeating: "(", count: depth) + String(repeating: ")", count: depth)
    let contents = Self.npy(
      "{'descr': '<f8', 'fortran_order': False, 'shape': \(shape)}", major: 2, data: [])
    expect(
      datasetError { _ = try NPYFile(parsing: contents, path: "deep.npy") }, kind: .badHeader,
      path: "deep.npy", mentions: ["nested more than 32 levels deep"])
  }

  /// Shapes whose size no file could hold are refused before anything is allocated.
  @Test(
    "huge shapes are refused before allocating",
    arguments: [
      ("(1099511627776, 1099511627776)", DatasetError.Kind.badHeader, "than can be addressed"),
      ("(2305843009213693952,)", .truncated, "needs 2305843009213693952 × 8"),
      ("(1099511627776,)", .truncated, "= 8796093022208 bytes of data, file has 16"),
    ])
  func hugeShape(shape: String, kind: DatasetError.Kind, fragment: String) {
    let contents = Self.npy(
      "{'descr': '<f8', 'fortran_order': False, 'shape': \(shape)}",
      data: Self.littleEndian([1, 2]))
    expect(
      datasetError { _ = try NPYFile(parsing: contents, path: "huge.npy") }, kind: kind,
      path: "huge.npy", mentions: [fragment])
  }

  /// One array NumPy wrote, with its values as Python's exact `repr` of each element.
  struct WrittenArray: Decodable {
    var name: String
    var shape: [Int]
    var descr: String
    var values: [String]
  }

  static let pythonWriter = """
    import json, sys
    import numpy as np
    directory = sys.argv[1]
    written = []
    def save(name, array, version=None):
        path = f"{directory}/{name}.npy"
        if version is None:
            np.save(path, array)
        else:
            with open(path, "wb") as f:
                np.lib.format.write_array(f, array, version=version)
        written.append({"name": name, "shape": list(array.shape), "descr": array.dtype.str,
                        "values": [repr(float(x)) for x in array.ravel()]})
    save("f4", (np.arange(12, dtype="<f4") / 7 - 0.5).reshape(3, 4))
    save("f8", np.array([-0.0, 1e-310, 1.7976931348623157e308, -np.inf, np.pi, 0.1]).reshape(2, 3))
    save("u1", np.array([0, 1, 127, 128, 255], dtype="|u1"))
    save("i4", np.array([[-2147483648, 2147483647], [-1, 0]], dtype="<i4"))
    save("i8", np.array([-(2**53), 2**53, -7], dtype="<i8"))
    save("scalar", np.array(3.25))
    save("empty", np.zeros((2, 0, 3), dtype="<f4"))
    save("big_f8", np.array([1.5, -2.25, 1e300, 5e-324], dtype=">f8"))
    save("big_i4", np.array([1, -2, 65536], dtype=">i4"))
    save("v2", np.arange(6, dtype="<f4").reshape(2, 3) * 1.25, version=(2, 0))
    save("v3", np.arange(4, dtype="<i8").reshape(2, 2) - 2, version=(3, 0))
    save("more_ints", np.array([-128, 127, 0], dtype="|i1"))
    save("u8", np.array([2**64 - 1, 0], dtype="<u8"))
    save("large", np.random.default_rng(5).random((100, 784), dtype=np.float32))
    np.save(f"{directory}/fortran.npy", np.asfortranarray(np.ones((2, 3))))
    np.save(f"{directory}/structured.npy", np.zeros(3, dtype=[("a", "<f4"), ("b", "<i4")]))
    np.save(f"{directory}/complex.npy", np.zeros(2, dtype="<c8"))
    json.dump(written, open(f"{directory}/manifest.json", "w"))
    """

  @Test(
    "arrays written by NumPy are read back exactly",
    .enabled(if: pythonHasNumpy, "python3 with NumPy is not available"))
  func numpyRoundTrip() throws {
    let directory = try TemporaryDirectory()
    let result = try runProcess("/usr/bin/env", ["python3", "-c", Self.pythonWriter, directory.path])
    try #require(result.status == 0, "python3 failed: \(result.errorOutput)")
    let manifest = try JSONDecoder().decode(
      [WrittenArray].self,
      from: Data(contentsOf: URL(fileURLWithPath: directory.file("manifest.json"))))
    #expect(manifest.count == 14)
    for array in manifest {
      let file = try NPYFile(contentsOf: directory.file(array.name + ".npy"))
      let expected = try array.values.map { try #require(Double($0), "\($0)") }
      #expect(file.shape == array.shape, "\(array.name)")
      #expect(NPYFile.dtypeName(file.elementType) == array.descr.replacing(">", with: "<"))
      #expect(file.count == expected.count, "\(array.name)")
      #expect(file.doubles() == expected, "\(array.name)")
      #expect(file.doubles().map { $0.sign } == expected.map { $0.sign }, "\(array.name)")
      if file.elementType == .float32 {
        #expect(file.floats() == expected.map { Float($0) }, "\(array.name)")
      }
    }

    let fortran = directory.file("fortran.npy")
    expect(
      datasetError { _ = try NPYFile(contentsOf: fortran) }, kind: .unsupportedLayout,
      path: fortran, mentions: ["header field 'fortran_order'"])
    let structured = directory.file("structured.npy")
    expect(
      datasetError { _ = try NPYFile(contentsOf: structured) }, kind: .unsupportedType,
      path: structured, mentions: ["header field 'descr'", "structured dtypes"])
    let complex = directory.file("complex.npy")
    expect(
      datasetError { _ = try NPYFile(contentsOf: complex) }, kind: .unsupportedType,
      path: complex, mentions: ["header field 'descr'", "\"<c8\""])
  }
}
