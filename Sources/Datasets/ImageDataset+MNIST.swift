import Foundation

extension ImageDataset {
  /// Which part of an MNIST-style data set to load.
  public enum Split: String, Sendable, CaseIterable {
    /// The training images (`train-…` files; 60000 images in MNIST and Fashion-MNIST).
    case train
    /// The test images (`t10k-…` files; 10000 images in MNIST and Fashion-MNIST).
    case test

    /// The prefix of this split's file names: `train` or `t10k`.
    public var filePrefix: String {
      switch self {
      case .train: "train"
      case .test: "t10k"
      }
    }
  }

  /// Where the Debian package `dataset-fashion-mnist` installs Fashion-MNIST.
  public static let fashionMNISTDirectory = "/usr/share/datasets/fashion-mnist"

  /// The file names accepted for a split's images, in the order they are looked for:
  /// `<prefix>-images-idx3-ubyte`, the same with `.gz`, and the `<prefix>-images.idx3-ubyte`
  /// spelling some mirrors use, plain and with `.gz`.
  public static func imageFileNames(for split: Split) -> [String] {
    fileNames(prefix: split.filePrefix, content: "images", format: "idx3-ubyte")
  }

  /// The file names accepted for a split's labels, in the order they are looked for (the
  /// same patterns as `imageFileNames(for:)` with `labels` and `idx1-ubyte`).
  public static func labelFileNames(for split: Split) -> [String] {
    fileNames(prefix: split.filePrefix, content: "labels", format: "idx1-ubyte")
  }

  /// Loads one split of a data set stored like MNIST: an IDX image file
  /// (`train-images-idx3-ubyte` or `t10k-images-idx3-ubyte`, 3 dimensions) and an IDX label file
  /// (`…-labels-idx1-ubyte`, 1 dimension) in `directory`, each optionally gzip-compressed.
  ///
  /// - Throws: `DatasetError` of kind `.fileNotFound` if the directory does not exist (the
  ///   message lists the files it should contain) or holds neither spelling of a file (the
  ///   message lists the names tried); `.countMismatch` naming both files and both counts if
  ///   the image and label files disagree; and any error of `IDXFile(contentsOf:)`.
  public static func mnistFormat(directory: String, split: Split) throws(DatasetError)
    -> ImageDataset
  {
    let directory = absolutePath(directory)
    let imageNames = imageFileNames(for: split)
    let labelNames = labelFileNames(for: split)
    try requireDirectory(
      directory,
      missingMessage: "directory not found; expected it to contain \(imageNames[0])[.gz] and "
        + "\(labelNames[0])[.gz]")
    let imagesPath = try findFile(in: directory, names: imageNames)
    let labelsPath = try findFile(in: directory, names: labelNames)
    let images = try IDXFile(contentsOf: imagesPath, expectedDimensionCount: 3)
    let labels = try IDXFile(contentsOf: labelsPath, expectedDimensionCount: 1)
    return try ImageDataset(images: images, labels: labels)
  }

  /// Loads one split of Fashion-MNIST (28 × 28 greyscale images of clothing in 10 classes:
  /// 0 T-shirt/top, 1 trouser, 2 pullover, 3 dress, 4 coat, 5 sandal, 6 shirt, 7 sneaker,
  /// 8 bag, 9 ankle boot) from `directory`, by default where the Debian package
  /// `dataset-fashion-mnist` installs it.
  ///
  /// - Throws: `DatasetError` of kind `.fileNotFound` if the directory does not exist, with a
  ///   message saying to `apt-get install dataset-fashion-mnist` or pass the directory that
  ///   holds the files; otherwise the errors of `mnistFormat(directory:split:)`.
  public static func fashionMNIST(split: Split, directory: String = fashionMNISTDirectory)
    throws(DatasetError) -> ImageDataset
  {
    let directory = absolutePath(directory)
    try requireDirectory(
      directory,
      missingMessage: "Fashion-MNIST directory not found; install it with "
        + "`apt-get install dataset-fashion-mnist` or pass the directory that holds "
        + "\(imageFileNames(for: split)[1]) and \(labelFileNames(for: split)[1]) "
        + "as `directory:`")
    return try mnistFormat(directory: directory, split: split)
  }

  private static func fileNames(prefix: String, content: String, format: String) -> [String] {
    let dashed = "\(prefix)-\(content)-\(format)"
    let dotted = "\(prefix)-\(content).\(format)"
    return [dashed, dashed + ".gz", dotted, dotted + ".gz"]
  }

  /// Throws `.fileNotFound` with `missingMessage` unless `directory` exists and is a directory.
  private static func requireDirectory(_ directory: String, missingMessage: String)
    throws(DatasetError)
  {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
      throw DatasetError(.fileNotFound, path: directory, message: missingMessage)
    }
    guard isDirectory.boolValue else {
      throw DatasetError(
        .unreadableFile, path: directory,
        message: "is a file, expected a directory of IDX files or a .npy/.csv(.gz) matrix")
    }
  }

  /// The path of the first of `names` that exists in `directory`.
  private static func findFile(in directory: String, names: [String]) throws(DatasetError)
    -> String
  {
    let base = directory.hasSuffix("/") ? directory : directory + "/"
    for name in names where FileManager.default.fileExists(atPath: base + name) {
      return base + name
    }
    throw DatasetError(
      .fileNotFound, path: directory,
      message: "missing file: expected one of \(names.joined(separator: ", ")) in this directory")
  }
}
