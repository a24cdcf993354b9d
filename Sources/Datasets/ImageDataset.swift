import TensorCore

/// A set of equally sized greyscale images, kept as bytes, with optional class labels.
///
/// Pixels are stored as one contiguous `[UInt8]` of `count × rows × columns` bytes: image `i`
/// occupies `pixels[i * pixelsPerImage ..< (i + 1) * pixelsPerImage]`, row by row, 0 being
/// black (or background) and 255 white (or full ink). Keeping bytes rather than floats uses a
/// quarter of the memory; `writeBatch(indices:into:)` and `writeBinarisedBatch` convert a
/// minibatch at a time.
///
/// Load MNIST-style data with `mnistFormat(directory:split:)` or `fashionMNIST(split:)`, and
/// take smaller sets for tests with `prefix(_:)` or `subset(_:)`.
public struct ImageDataset: Sendable, Equatable {
  /// All pixels, image after image, each image row-major; `count × rows × columns` bytes.
  public let pixels: [UInt8]
  /// The class label of each image (`count` of them), or `nil` if the data set is unlabelled.
  public let labels: [UInt8]?
  /// The number of images.
  public let count: Int
  /// The height of each image in pixels.
  public let rows: Int
  /// The width of each image in pixels.
  public let columns: Int

  /// The number of pixels in one image, `rows × columns`.
  public var pixelsPerImage: Int { rows * columns }

  /// Creates a data set from pixel bytes laid out image after image, each row-major.
  ///
  /// - Precondition: `count`, `rows` and `columns` are not negative,
  ///   `pixels.count == count * rows * columns`, and `labels`, if given, has `count` elements.
  public init(pixels: [UInt8], labels: [UInt8]? = nil, count: Int, rows: Int, columns: Int) {
    userPrecondition(
      count >= 0 && rows >= 0 && columns >= 0, "image dimensions must not be negative")
    userPrecondition(
      pixels.count == count * rows * columns,
      "expected \(count) × \(rows) × \(columns) = \(count * rows * columns) pixels, "
        + "got \(pixels.count)")
    if let labels {
      userPrecondition(labels.count == count, "expected \(count) labels, got \(labels.count)")
    }
    self.pixels = pixels
    self.labels = labels
    self.count = count
    self.rows = rows
    self.columns = columns
  }

  /// Creates a data set from an image array (3 dimensions: count, rows, columns) and an
  /// optional label array (1 dimension: count) read from IDX files.
  ///
  /// - Throws: `DatasetError` of kind `.wrongDimensionCount` if either array has the wrong
  ///   number of dimensions, or `.countMismatch` (naming both files and both counts) if the
  ///   number of labels differs from the number of images.
  public init(images: IDXFile, labels: IDXFile? = nil) throws(DatasetError) {
    guard images.dimensions.count == 3 else {
      throw DatasetError(
        .wrongDimensionCount, path: images.path,
        message: "wrong number of dimensions: expected 3 (count, rows, columns) for images, "
          + "header says \(images.dimensions.count)")
    }
    if let labels {
      guard labels.dimensions.count == 1 else {
        throw DatasetError(
          .wrongDimensionCount, path: labels.path,
          message: "wrong number of dimensions: expected 1 (count) for labels, "
            + "header says \(labels.dimensions.count)")
      }
      guard labels.dimensions[0] == images.dimensions[0] else {
        throw DatasetError(
          .countMismatch, path: images.path,
          message: "images and labels disagree: \(images.path) has \(images.dimensions[0]) "
            + "images but \(labels.path) has \(labels.dimensions[0]) labels")
      }
    }
    self.init(
      pixels: images.bytes, labels: labels?.bytes, count: images.dimensions[0],
      rows: images.dimensions[1], columns: images.dimensions[2])
  }

  /// The pixels of image `index`, row-major.
  ///
  /// - Precondition: `0 <= index < count`.
  public func image(at index: Int) -> ArraySlice<UInt8> {
    userPrecondition(indices.contains(index), "image index \(index) is out of range 0..<\(count)")
    return pixels[(index * pixelsPerImage)..<((index + 1) * pixelsPerImage)]
  }

  /// The label of image `index`, or `nil` if the data set is unlabelled.
  ///
  /// - Precondition: `0 <= index < count`.
  public func label(at index: Int) -> UInt8? {
    userPrecondition(indices.contains(index), "image index \(index) is out of range 0..<\(count)")
    return labels?[index]
  }

  /// The valid image indices, `0..<count`.
  public var indices: Range<Int> { 0..<count }

  /// The first `maxCount` images (all of them if there are fewer), with their labels.
  ///
  /// - Precondition: `maxCount >= 0`.
  public func prefix(_ maxCount: Int) -> ImageDataset {
    userPrecondition(maxCount >= 0, "cannot take a negative number (\(maxCount)) of images")
    let kept = min(maxCount, count)
    return ImageDataset(
      pixels: Array(pixels[0..<(kept * pixelsPerImage)]),
      labels: labels.map { Array($0[0..<kept]) }, count: kept, rows: rows, columns: columns)
  }

  /// The images at `indices`, in that order (repetitions allowed), with their labels.
  ///
  /// - Precondition: every index is in `0..<count`.
  public func subset(_ indices: some Sequence<Int>) -> ImageDataset {
    var newPixels: [UInt8] = []
    var newLabels: [UInt8]? = labels == nil ? nil : []
    var kept = 0
    newPixels.reserveCapacity(indices.underestimatedCount * pixelsPerImage)
    for index in indices {
      newPixels.append(contentsOf: image(at: index))
      if let labels { newLabels?.append(labels[index]) }
      kept += 1
    }
    return ImageDataset(
      pixels: newPixels, labels: newLabels, count: kept, rows: rows, columns: columns)
  }

  /// How many images carry each label value (index = label), or `nil` if unlabelled.
  public var labelCounts: [Int]? {
    guard let labels else { return nil }
    var counts = [Int](repeating: 0, count: labels.max().map { Int($0) + 1 } ?? 0)
    for label in labels { counts[Int(label)] += 1 }
    return counts
  }
}
