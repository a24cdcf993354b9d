import Foundation
import Serialization
import TensorCore
import TestSupport
import Testing

@Suite struct SafeTensorsTests {
  static let tensors: [String: SafeTensors.Entry] = [
    "encoder.weight": .float(Tensor(shape: [2, 3], scalars: [1, -2, 3.5, .pi, 0, -0.0])),
    "step": .double(Tensor([1e-300, 7])),
    "scalar": .float(Tensor(42)),
  ]

  @Test func roundTripIsExact() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("weights.safetensors")
    try SafeTensors.write(Self.tensors, metadata: ["format": "pt"], toPath: path)
    let archive = try SafeTensors.read(contentsOfFile: path)
    #expect(archive.entries == Self.tensors)
    #expect(archive.metadata == ["format": "pt"])
    #expect(try archive.float("encoder.weight", shape: [2, 3]).scalars[3] == .pi)
    #expect(try directory.entries() == ["weights.safetensors"])
  }

  @Test func encodingIsDeterministicAndAligned() {
    let a = SafeTensors.encode(Self.tensors)
    let b = SafeTensors.encode(Self.tensors)
    #expect(a == b)
    let headerLength = a[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
    #expect(headerLength % 8 == 0)
  }

  /// An independent reader: numpy parses the file from the published format description.
  @Test(.enabled(if: pythonHasNumpy))
  func numpyReadsTheFile() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("weights.safetensors")
    try SafeTensors.write(Self.tensors, toPath: path)
    let script = """
      import json, struct, sys, numpy as np
      raw = open(sys.argv[1], 'rb').read()
      n = struct.unpack('<Q', raw[:8])[0]
      header = json.loads(raw[8:8 + n])
      for name in sorted(k for k in header if k != '__metadata__'):
          field = header[name]
          begin, end = field['data_offsets']
          dtype = {'F32': '<f4', 'F64': '<f8'}[field['dtype']]
          values = np.frombuffer(raw[8 + n + begin:8 + n + end], dtype=dtype).reshape(field['shape'])
          print(name, list(values.shape), [float(v) for v in values.flatten()])
      """
    let output = try runPython(script, arguments: [path])
    let pi = Double(Float.pi)
    #expect(
      output == """
        encoder.weight [2, 3] [1.0, -2.0, 3.5, \(pi), 0.0, -0.0]
        scalar [] [42.0]
        step [2] [1e-300, 7.0]

        """)
  }

  @Test func corruptFilesAreRefusedWithTheFileNamed() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("bad.safetensors")
    let good = SafeTensors.encode(Self.tensors)
    let cases: [([UInt8], String)] = [
      (Array(good.prefix(5)), "no header length"),
      (Array(good.prefix(good.count - 4)), "do not lie inside"),
      ([255, 0, 0, 0, 0, 0, 0, 0] + Array(good.dropFirst(8)), "header length"),
    ]
    for (bytes, message) in cases {
      try Data(bytes).write(to: URL(fileURLWithPath: path))
      #expect {
        _ = try SafeTensors.read(contentsOfFile: path)
      } throws: { error in
        "\(error)".contains(path) && "\(error)".contains(message)
      }
    }
    try SafeTensors.write(Self.tensors, toPath: path)
    #expect {
      _ = try SafeTensors.read(contentsOfFile: path).float("encoder.weight", shape: [3, 2])
    } throws: { error in
      "\(error)".contains("tensor 'encoder.weight' has shape [2, 3], expected [3, 2]")
    }
  }

  /// Headers found by `scripts/fuzz` (fuzz-safetensors): each used to trap on an integer
  /// overflow, or would have allocated what its shape declares before checking the offsets.
  @Test(arguments: [
    // The crashing input: 2⁴⁰ × 2⁴⁰ elements overflow Int.
    (#"{"h":{"dtype":"F32","shape":[1099511627776,1099511627776],"data_offsets":[0,16]}}"#,
      "more bytes than can be addressed"),
    // 2⁶¹ elements of 8 bytes overflow Int.
    (#"{"h":{"dtype":"F64","shape":[2305843009213693952],"data_offsets":[0,16]}}"#,
      "more bytes than can be addressed"),
    // 2³⁶ elements fit in Int, but not in the 16 bytes the offsets cover.
    (#"{"h":{"dtype":"F32","shape":[68719476736],"data_offsets":[0,16]}}"#,
      "needs 274877906944 bytes"),
    (#"{"h":{"dtype":"F32","shape":[4],"data_offsets":[8,-9223372036854775808]}}"#,
      "do not lie inside"),
    (#"{"h":{"dtype":"F32","shape":[4],"data_offsets":[9223372036854775807,16]}}"#,
      "do not lie inside"),
  ])
  func hostileHeadersAreRefusedBeforeAllocating(header: String, message: String) {
    let json = Array(header.utf8)
    var bytes: [UInt8] = (0..<8).map { UInt8(truncatingIfNeeded: json.count >> (8 * $0)) }
    bytes += json + [UInt8](repeating: 0, count: 16)
    #expect {
      _ = try SafeTensorsArchive(bytes: bytes, path: "hostile.safetensors")
    } throws: { error in
      "\(error)".contains("hostile.safetensors") && "\(error)".contains(message)
    }
  }
}
