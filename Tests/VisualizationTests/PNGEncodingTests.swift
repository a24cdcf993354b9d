import Foundation
import TensorCore
import Testing
import TestSupport
import Visualization

@Suite("PNG encoding and round trips")
struct PNGEncodingTests {
  @Test(
    "Greyscale images survive encode/decode unchanged",
    arguments: [
      (1, 1), (2, 3), (28, 28), (97, 41), (300, 7),
    ])
  func greyscaleRoundTrip(width: Int, height: Int) throws {
    let image = TestImages.greyscale(width: width, height: height, seed: UInt64(width * height))
    for filter in [PNG.FilterStrategy.adaptive, .none, .smallest] {
      let bytes = try PNG.encode(image, colorType: .greyscale, filter: filter)
      let decoded = try PNG.decode(bytes)
      #expect(decoded.colorType == .greyscale)
      #expect(decoded.width == width && decoded.height == height)
      #expect(firstDifference(decoded.samples, image.greyscaleBytes) == nil)
      #expect(firstDifference(decoded.image.pixels, image.pixels) == nil)
    }
  }

  @Test(
    "RGB images survive encode/decode unchanged",
    arguments: [
      (1, 1), (5, 2), (64, 48), (131, 17),
    ])
  func rgbRoundTrip(width: Int, height: Int) throws {
    let image = TestImages.rgb(width: width, height: height, seed: UInt64(width + 31 * height))
    for filter in [PNG.FilterStrategy.adaptive, .none, .smallest] {
      let bytes = try PNG.encode(image, colorType: .rgb, filter: filter)
      let decoded = try PNG.decode(bytes)
      #expect(decoded.colorType == .rgb)
      #expect(firstDifference(decoded.samples, image.pixels) == nil)
      #expect(firstDifference(decoded.image.pixels, image.pixels) == nil)
    }
  }

  @Test("Raw sample encoding round-trips and rejects wrong sizes")
  func rawSamples() throws {
    var random = SplitMix64(seed: 7)
    let samples = random.bytes(13 * 9 * 3)
    let bytes = try PNG.encode(samples: samples, width: 13, height: 9, colorType: .rgb)
    #expect(try PNG.decode(bytes).samples == samples)
    let error = #expect(throws: PNGError.self) {
      try PNG.encode(samples: samples, width: 13, height: 10, colorType: .rgb)
    }
    #expect(error?.reason == .invalidImage)
    #expect(throws: PNGError.self) { try PNG.encode(Image(width: 0, height: 5)) }
  }

  @Test("The colour type is chosen automatically and is lossless")
  func automaticColorType() throws {
    let grey = TestImages.greyscale(width: 10, height: 10, seed: 1)
    let colour = TestImages.rgb(width: 10, height: 10, seed: 2)
    let greyInfo = try PNG.validate(try PNG.encode(grey))
    let colourInfo = try PNG.validate(try PNG.encode(colour))
    #expect(greyInfo.colorType == 0)
    #expect(colourInfo.colorType == 2)
    #expect(try PNG.decode(try PNG.encode(colour)).image == colour)
    // Forcing greyscale stores the luma of coloured pixels.
    let forced = try PNG.decode(try PNG.encode(colour, colorType: .greyscale))
    #expect(firstDifference(forced.samples, colour.greyscaleBytes) == nil)
    #expect(forced.samples[0] == colour[0, 0].luma)
  }

  @Test("Encoded files have the signature, correct IHDR fields and valid CRCs")
  func fileStructure() throws {
    let image = TestImages.rgb(width: 37, height: 23, seed: 3)
    let bytes = try PNG.encode(image)
    #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    let chunks = try #require(TestPNG.chunks(bytes))
    #expect(chunks.first?.type == "IHDR")
    #expect(chunks.last?.type == "IEND")
    #expect(chunks.last?.data.isEmpty == true)
    #expect(chunks.dropFirst().dropLast().allSatisfy { $0.type == "IDAT" })
    let header = try #require(chunks.first).data
    #expect(header.count == 13)
    #expect(TestPNG.readUInt32(header, 0) == 37)
    #expect(TestPNG.readUInt32(header, 4) == 23)
    #expect(Array(header[8...]) == [8, 2, 0, 0, 0])  // depth, RGB, deflate, filter 0, no lace
    for chunk in chunks {
      #expect(
        chunk.storedCRC == TestPNG.crc32(Array(chunk.type.utf8) + chunk.data), "\(chunk.type)")
    }
    let info = try PNG.validate(bytes)
    #expect(info.width == 37 && info.height == 23 && info.bitDepth == 8)
    #expect(info.chunkTypes == chunks.map(\.type))

    let greyHeader = try #require(TestPNG.chunks(try PNG.encode(image, colorType: .greyscale)))
    #expect(greyHeader.first?.data[9] == 0)
  }

  @Test("Large images are split into several IDAT chunks and still decode")
  func multipleIDATChunks() throws {
    var random = SplitMix64(seed: 99)
    let image = Image(width: 400, height: 300, pixels: random.bytes(400 * 300 * 3))
    let bytes = try PNG.encode(image)
    let chunks = try #require(TestPNG.chunks(bytes))
    let idats = chunks.filter { $0.type == "IDAT" }
    #expect(idats.count > 1)
    #expect(idats.dropLast().allSatisfy { $0.data.count == PNG.maximumIDATSize })
    #expect(firstDifference(try PNG.decode(bytes).image.pixels, image.pixels) == nil)
  }

  @Test("The decoder undoes every filter type 0-4 written by an independent encoder")
  func decodesAllFilterTypes() throws {
    for (channels, colorType) in [(1, UInt8(0)), (3, UInt8(2))] {
      let width = 19
      let height = 15
      var random = SplitMix64(seed: UInt64(channels))
      let samples = random.bytes(width * height * channels)
      let scanlines = TestPNG.filter(
        samples, width: width, height: height, channels: channels,
        rowFilter: { UInt8($0 % 5) })
      let file = TestPNG.file(
        header: TestPNG.header(width: width, height: height, colorType: colorType),
        scanlines: scanlines)
      let decoded = try PNG.decode(file)
      #expect(firstDifference(decoded.samples, samples) == nil, "channels \(channels)")
    }
  }

  @Test("The smallest strategy keeps the smaller of the None and adaptive encodings")
  func smallestStrategy() throws {
    var plot = ScatterPlot(width: 300, height: 240)
    plot.addPoints(x: [0, 1, 2, 3], y: [1, 3, 2, 4], labels: [0, 1, 2, 3])
    for image in [plot.render(), TestImages.rgb(width: 64, height: 64, seed: 4)] {
      let none = try PNG.encode(image, filter: .none).count
      let adaptive = try PNG.encode(image, filter: .adaptive).count
      let smallest = try PNG.encode(image, filter: .smallest)
      #expect(smallest.count == min(none, adaptive))
      #expect(firstDifference(try PNG.decode(smallest).image.pixels, image.pixels) == nil)
    }
  }

  @Test("Encoding is deterministic")
  func deterministic() throws {
    let image = TestImages.rgb(width: 50, height: 40, seed: 5)
    #expect(try PNG.encode(image) == PNG.encode(image))
    var plot = LinePlot(title: "t", xLabel: "x", yLabel: "y", width: 300, height: 200)
    plot.addSeries("a", y: [3, 1, 2])
    #expect(try plot.render().pngData() == plot.render().pngData())
  }

  @Test("Writing and reading a file round-trips and names the file in errors")
  func fileRoundTrip() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("image.png")
    let image = TestImages.rgb(width: 20, height: 10, seed: 11)
    try image.writePNG(toPath: path)
    #expect(try PNG.read(contentsOfFile: path).image == image)
    #expect(try PNG.read(contentsOf: URL(fileURLWithPath: path)).image == image)
    #expect(try PNG.validateFile(atPath: path).width == 20)
    #expect(try directory.entries() == ["image.png"])

    let missing = directory.file("missing.png")
    let error = #expect(throws: PNGError.self) { try PNG.read(contentsOfFile: missing) }
    #expect(error?.reason == .unreadable)
    #expect(error?.description.contains(missing) == true)
  }
}
