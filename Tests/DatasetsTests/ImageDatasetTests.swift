import Datasets
import Foundation
import TestSupport
import Testing

@Suite("Image data sets")
struct ImageDatasetTests {
  /// Writes a split in MNIST layout: `count` images of `rows × columns` and `labelCount`
  /// labels, with file names `<prefix>-images<separator>idx3-ubyte<suffix>` and so on.
  static func writeSplit(
    in directory: TemporaryDirectory, prefix: String = "train", count: Int, rows: Int = 3,
    columns: Int = 2, labelCount: Int? = nil, separator: String = "-", compressed: Bool = false
  ) throws -> (pixels: [UInt8], labels: [UInt8], imagesPath: String, labelsPath: String) {
    let pixels = randomBytes(count * rows * columns, seed: 21)
    let labels = (0..<(labelCount ?? count)).map { UInt8($0 % 10) }
    let images = idxHeader([UInt32(count), UInt32(rows), UInt32(columns)]) + pixels
    let labelFile = idxHeader([UInt32(labels.count)]) + labels
    let imagesName = "\(prefix)-images\(separator)idx3-ubyte"
    let labelsName = "\(prefix)-labels\(separator)idx1-ubyte"
    if compressed {
      return (
        pixels, labels, try directory.writeGzip(images, to: imagesName + ".gz"),
        try directory.writeGzip(labelFile, to: labelsName + ".gz")
      )
    }
    return (
      pixels, labels, try directory.write(images, to: imagesName),
      try directory.write(labelFile, to: labelsName)
    )
  }

  /// How a split's files are named: `-idx3-ubyte` or `.idx3-ubyte`, plain or gzip.
  struct Naming: Sendable, CustomTestStringConvertible {
    var separator: String
    var compressed: Bool
    var testDescription: String { "images\(separator)idx3-ubyte" + (compressed ? ".gz" : "") }
  }

  static let namings = [
    Naming(separator: "-", compressed: false), Naming(separator: "-", compressed: true),
    Naming(separator: ".", compressed: false), Naming(separator: ".", compressed: true),
  ]

  @Test(
    "MNIST-format splits are read back exactly under every accepted file name",
    arguments: [ImageDataset.Split.train, .test], namings)
  func mnistFormat(split: ImageDataset.Split, naming: Naming) throws {
    let directory = try TemporaryDirectory()
    let written = try Self.writeSplit(
      in: directory, prefix: split.filePrefix, count: 5, separator: naming.separator,
      compressed: naming.compressed)
    let dataset = try ImageDataset.mnistFormat(directory: directory.path, split: split)
    #expect(dataset.count == 5)
    #expect(dataset.rows == 3)
    #expect(dataset.columns == 2)
    #expect(dataset.pixelsPerImage == 6)
    #expect(dataset.pixels == written.pixels)
    #expect(dataset.labels == written.labels)
    #expect(dataset.image(at: 4) == written.pixels[24..<30])
    #expect(dataset.label(at: 3) == 3)
  }

  @Test("images and labels of different counts are rejected naming both files and counts")
  func countMismatch() throws {
    let directory = try TemporaryDirectory()
    let written = try Self.writeSplit(in: directory, count: 5, labelCount: 4)
    let error = datasetError {
      _ = try ImageDataset.mnistFormat(directory: directory.path, split: .train)
    }
    expect(
      error, kind: .countMismatch, path: written.imagesPath,
      mentions: [written.labelsPath, "5 images", "4 labels"])
  }

  @Test("a missing directory is reported with the files it should contain")
  func missingDirectory() throws {
    let directory = try TemporaryDirectory()
    let missing = directory.file("not-there")
    let error = datasetError { _ = try ImageDataset.mnistFormat(directory: missing, split: .test) }
    expect(
      error, kind: .fileNotFound, path: missing,
      mentions: ["directory not found", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"])
  }

  @Test("a directory without the label file is reported with the names tried")
  func missingLabels() throws {
    let directory = try TemporaryDirectory()
    let written = try Self.writeSplit(in: directory, count: 2)
    try FileManager.default.removeItem(atPath: written.labelsPath)
    let error = datasetError {
      _ = try ImageDataset.mnistFormat(directory: directory.path, split: .train)
    }
    expect(
      error, kind: .fileNotFound, path: directory.path,
      mentions: ["missing file", "train-labels-idx1-ubyte.gz", "train-labels.idx1-ubyte"])
  }

  @Test("a label file with image dimensions is rejected naming the label file")
  func labelsWithWrongDimensions() throws {
    let directory = try TemporaryDirectory()
    let written = try Self.writeSplit(in: directory, count: 2)
    try directory.write(idxHeader([2, 1, 1]) + [0, 1], to: "train-labels-idx1-ubyte")
    let error = datasetError {
      _ = try ImageDataset.mnistFormat(directory: directory.path, split: .train)
    }
    expect(
      error, kind: .wrongDimensionCount, path: written.labelsPath,
      mentions: ["expected 1", "header says 3"])
  }

  @Test("Fashion-MNIST in a missing directory says how to install it")
  func fashionMNISTMissing() throws {
    let directory = try TemporaryDirectory()
    let missing = directory.file("fashion")
    let error = datasetError {
      _ = try ImageDataset.fashionMNIST(split: .train, directory: missing)
    }
    expect(
      error, kind: .fileNotFound, path: missing,
      mentions: ["apt-get install dataset-fashion-mnist", "train-images-idx3-ubyte.gz"])
  }

  @Test("prefix keeps the first images and their labels")
  func prefix() {
    let dataset = ImageDataset(
      pixels: Array(0..<24), labels: [7, 8, 9, 6], count: 4, rows: 2, columns: 3)
    let first = dataset.prefix(2)
    #expect(first.count == 2)
    #expect(first.pixels == Array(0..<12))
    #expect(first.labels == [7, 8])
    #expect(dataset.prefix(10) == dataset)
    #expect(dataset.prefix(0).count == 0)
    #expect(dataset.prefix(0).pixels.isEmpty)
  }

  @Test("subset takes images in the given order, repetitions allowed")
  func subset() {
    let dataset = ImageDataset(pixels: Array(0..<8), labels: nil, count: 4, rows: 1, columns: 2)
    let picked = dataset.subset([3, 0, 3])
    #expect(picked.count == 3)
    #expect(picked.pixels == [6, 7, 0, 1, 6, 7])
    #expect(picked.labels == nil)
    #expect(picked.rows == 1 && picked.columns == 2)
    let labelled = ImageDataset(
      pixels: [1, 2, 3], labels: [4, 5, 6], count: 3, rows: 1, columns: 1)
    #expect(labelled.subset(stride(from: 2, through: 0, by: -1)).labels == [6, 5, 4])
    #expect(labelled.labelCounts == [0, 0, 0, 0, 1, 1, 1])
  }

  static let fashionMNISTInstalled = FileManager.default.fileExists(
    atPath: ImageDataset.fashionMNISTDirectory + "/t10k-images-idx3-ubyte.gz")

  @Test(
    "the real Fashion-MNIST test split loads with known contents",
    .enabled(
      if: fashionMNISTInstalled,
      "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)"))
  func realFashionMNIST() throws {
    let test = try ImageDataset.fashionMNIST(split: .test)
    #expect(test.count == 10000)
    #expect(test.rows == 28)
    #expect(test.columns == 28)
    let labels = try #require(test.labels)
    #expect(labels.count == 10000)
    #expect(labels.allSatisfy { $0 <= 9 })
    #expect(labels.prefix(10) == [9, 2, 1, 1, 6, 1, 4, 6, 5, 7])  // 9 is an ankle boot.
    #expect(test.labelCounts == [Int](repeating: 1000, count: 10))
    // Sums computed independently with Python's gzip module.
    #expect(test.pixels.reduce(0) { $0 + Int($1) } == 573_469_082)
    #expect(test.image(at: 0).reduce(0) { $0 + Int($1) } == 33456)
  }
}
