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
      (Array(good.prefix(good.count - 4)), "do not hold"),
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
}
