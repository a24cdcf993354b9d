import Datasets
import TensorCore
import Testing

@Suite("Minibatch conversion")
struct BatchTests {
  /// Four 8 × 8 images holding every byte value once, in a scrambled order.
  static let allBytes: ImageDataset = {
    var generator = SplitMix64(seed: 99)
    let pixels = (0...255).map { UInt8($0) }.shuffled(using: &generator)
    return ImageDataset(pixels: pixels, labels: [0, 1, 2, 3], count: 4, rows: 8, columns: 8)
  }()

  @Test("writeBatch writes byte / 255 for the chosen images, in order")
  func writeBatch() {
    let dataset = Self.allBytes
    let indices = [2, 0, 2]
    // One spare image's worth of room, to check that it is left untouched.
    var buffer = [Float](repeating: -1, count: 4 * 64)
    buffer.withUnsafeMutableBufferPointer { dataset.writeBatch(indices: indices, into: $0) }
    for (slot, index) in indices.enumerated() {
      for pixel in 0..<64 {
        let byte = dataset.image(at: index)[index * 64 + pixel]
        #expect(buffer[slot * 64 + pixel] == Float(byte) / 255)
      }
    }
    #expect(buffer[0..<192].allSatisfy { (0...1).contains($0) })
    #expect(buffer[192...].allSatisfy { $0 == -1 })
    #expect(dataset.batch(indices: indices) == Array(buffer[0..<192]))
    #expect(dataset.batch(indices: 0..<4).min() == 0)
    #expect(dataset.batch(indices: 0..<4).max() == 1)
  }

  /// A data set of `count` images of 100 × 100 pixels, all with the value `byte`.
  static func uniform(_ byte: UInt8, count: Int = 100) -> ImageDataset {
    ImageDataset(
      pixels: [UInt8](repeating: byte, count: count * 10_000), count: count, rows: 100,
      columns: 100)
  }

  /// The largest acceptable difference between the fraction of ones among `n` independent
  /// Bernoulli(p) draws and p: five standard deviations, sqrt(p (1 − p) / n) each. A correct
  /// implementation strays that far with probability below 1e-6 (and the seeds are fixed, so
  /// the outcome is reproducible). With n = 10^6 draws, 5σ ≤ 0.0025, below one intensity
  /// level 1/255 ≈ 0.0039, so a probability off by one level (or the complement 1 − p) fails.
  static func tolerance(p: Double, n: Int) -> Double {
    5 * (p * (1 - p) / Double(n)).squareRoot()
  }

  @Test(
    "binarisation with a generator gives 0/1 with mean byte / 255",
    arguments: [0, 1, 64, 128, 200, 254, 255] as [UInt8])
  func binariseWithGenerator(byte: UInt8) {
    let dataset = Self.uniform(byte)
    var generator = SplitMix64(seed: UInt64(byte) + 1)
    var buffer = [Float](repeating: -1, count: dataset.count * dataset.pixelsPerImage)
    buffer.withUnsafeMutableBufferPointer {
      dataset.writeBinarisedBatch(indices: dataset.indices, into: $0, using: &generator)
    }
    #expect(buffer.allSatisfy { $0 == 0 || $0 == 1 })
    let p = Double(byte) / 255
    let mean = Double(buffer.reduce(0, +)) / Double(buffer.count)
    #expect(abs(mean - p) <= Self.tolerance(p: p, n: buffer.count), "mean \(mean), p \(p)")
    if byte == 0 { #expect(mean == 0) }
    if byte == 255 { #expect(mean == 1) }
  }

  @Test(
    "binarisation with a uniform closure gives 0/1 with mean byte / 255",
    arguments: [0, 3, 100, 230, 255] as [UInt8])
  func binariseWithClosure(byte: UInt8) {
    let dataset = Self.uniform(byte)
    var generator = SplitMix64(seed: UInt64(byte) + 1000)
    var buffer = [Float](repeating: -1, count: dataset.count * dataset.pixelsPerImage)
    buffer.withUnsafeMutableBufferPointer {
      dataset.writeBinarisedBatch(indices: dataset.indices, into: $0) {
        Float.random(in: 0..<1, using: &generator)
      }
    }
    #expect(buffer.allSatisfy { $0 == 0 || $0 == 1 })
    let p = Double(byte) / 255
    let mean = Double(buffer.reduce(0, +)) / Double(buffer.count)
    #expect(abs(mean - p) <= Self.tolerance(p: p, n: buffer.count), "mean \(mean), p \(p)")
  }

  @Test("binarisation compares each pixel's own intensity: pixel = 1 exactly when u < byte / 255")
  func binariseIsPerPixel() {
    let dataset = Self.allBytes
    var buffer = [Float](repeating: -1, count: 3 * 64)
    buffer.withUnsafeMutableBufferPointer {
      dataset.writeBinarisedBatch(indices: [1, 3, 0], into: $0) { 0.5 }
    }
    for (slot, index) in [1, 3, 0].enumerated() {
      for (pixel, byte) in dataset.image(at: index).enumerated() {
        #expect(buffer[slot * 64 + pixel] == (byte >= 128 ? 1 : 0))
      }
    }
    // With a generator: black pixels stay 0 and white pixels 1 in every draw, odd sizes too.
    let odd = ImageDataset(
      pixels: [0, 255, 0, 255, 255, 0, 0, 255, 255], count: 3, rows: 1, columns: 3)
    var generator = SplitMix64(seed: 4)
    var small = [Float](repeating: -1, count: 9)
    for _ in 0..<100 {
      small.withUnsafeMutableBufferPointer {
        odd.writeBinarisedBatch(indices: [2, 0, 1], into: $0, using: &generator)
      }
      #expect(small == [0, 1, 1, 0, 1, 0, 1, 1, 0])
    }
  }
}
