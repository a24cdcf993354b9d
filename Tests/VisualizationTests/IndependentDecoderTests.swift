import Foundation
import Testing
import TestSupport
import Visualization

/// Decodes PNG files with a small Python program (standard library only: `struct` and `zlib`),
/// an implementation independent of this module. Pillow is not required and nothing is
/// installed.
enum PythonPNGDecoder {
  /// Whether `python3` with its `zlib` module can be run.
  static let isAvailable: Bool = (try? run(["-c", "import zlib, struct"]))?.status == 0

  /// Parses the file at `path`, checks every CRC with `zlib.crc32`, inflates the IDAT data and
  /// undoes the row filters; writes the raw samples to `outputPath` and prints
  /// "width height depth colortype firstchunk lastchunk".
  static let script = """
    import struct, sys, zlib
    path, out = sys.argv[1], sys.argv[2]
    data = open(path, 'rb').read()
    if data[:8] != b'\\x89PNG\\r\\n\\x1a\\n':
        sys.exit('bad signature')
    pos, idat, ihdr, types = 8, b'', None, []
    while pos < len(data):
        length, ctype = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack('>I', data[pos + 8 + length:pos + 12 + length])
        if zlib.crc32(ctype + body) & 0xFFFFFFFF != crc:
            sys.exit('bad crc in ' + ctype.decode())
        types.append(ctype.decode())
        if ctype == b'IHDR':
            ihdr = struct.unpack('>IIBBBBB', body)
        elif ctype == b'IDAT':
            idat += body
        pos += 12 + length
    w, h, depth, colortype, comp, filt, lace = ihdr
    bpp = {0: 1, 2: 3}[colortype]
    raw = zlib.decompress(idat)
    stride = w * bpp
    if len(raw) != h * (stride + 1):
        sys.exit('wrong decompressed size')
    prev = bytearray(stride)
    rows = []
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 0:
                p = 0
            elif f == 1:
                p = a
            elif f == 2:
                p = b
            elif f == 3:
                p = (a + b) // 2
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                p = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            else:
                sys.exit('bad filter type %d' % f)
            line[i] = (line[i] + p) & 0xFF
        rows.append(bytes(line))
        prev = line
    open(out, 'wb').write(b''.join(rows))
    print(w, h, depth, colortype, types[0], types[-1])
    """

  /// Runs `python3` with `arguments` through `/usr/bin/env`.
  static func run(_ arguments: [String]) throws -> ProcessResult {
    try runProcess("/usr/bin/env", ["python3"] + arguments)
  }

  /// Decodes the PNG at `path`, returning the printed header summary and the raw samples.
  static func decode(_ path: String, scratch: String) throws -> (summary: String, samples: [UInt8])
  {
    let result = try run(["-c", script, path, scratch])
    guard result.status == 0 else {
      throw DecodeFailure(message: "python3 exited with \(result.status): \(result.errorOutput)")
    }
    let samples = [UInt8](try Data(contentsOf: URL(fileURLWithPath: scratch)))
    return (result.outputText.trimmingCharacters(in: .whitespacesAndNewlines), samples)
  }

  struct DecodeFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
  }
}

@Suite("PNG files decode with an independent decoder")
struct IndependentDecoderTests {
  @Test(
    "Python's zlib-based decoder reads our greyscale and RGB files",
    .enabled(if: PythonPNGDecoder.isAvailable, "python3 with zlib is not available; skipped"))
  func pythonDecodes() throws {
    let directory = try TemporaryDirectory()
    let cases: [(String, Image, PNG.ColorType)] = [
      ("grey.png", TestImages.greyscale(width: 61, height: 37, seed: 8), .greyscale),
      ("rgb.png", TestImages.rgb(width: 53, height: 29, seed: 9), .rgb),
    ]
    for (name, image, colorType) in cases {
      let path = directory.file(name)
      try PNG.write(image, toPath: path, colorType: colorType)
      let decoded = try PythonPNGDecoder.decode(path, scratch: directory.file(name + ".raw"))
      let code = colorType == .greyscale ? 0 : 2
      #expect(decoded.summary == "\(image.width) \(image.height) 8 \(code) IHDR IEND")
      let expected = colorType == .greyscale ? image.greyscaleBytes : image.pixels
      #expect(firstDifference(decoded.samples, expected) == nil, "\(name)")
    }
  }

  @Test(
    "Python's decoder reads a rendered plot pixel for pixel",
    .enabled(if: PythonPNGDecoder.isAvailable, "python3 with zlib is not available; skipped"))
  func pythonDecodesPlot() throws {
    let directory = try TemporaryDirectory()
    var plot = LinePlot(title: "Loss", xLabel: "epoch", yLabel: "nats", width: 240, height: 160)
    plot.addSeries("train", y: [5, 3, 2, 1.5, 1.2])
    let image = plot.render()
    let path = directory.file("plot.png")
    try image.writePNG(toPath: path, colorType: .rgb)
    let decoded = try PythonPNGDecoder.decode(path, scratch: directory.file("plot.raw"))
    #expect(decoded.summary == "240 160 8 2 IHDR IEND")
    #expect(firstDifference(decoded.samples, image.pixels) == nil)
  }
}
