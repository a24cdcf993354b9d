import ArgumentParser
import Datasets
import Foundation

/// Where the images come from: Debian's Fashion-MNIST or a directory of MNIST-format files.
struct DataOptions: ParsableArguments {
  enum Dataset: String, ExpressibleByArgument, CaseIterable {
    case fashionMNIST = "fashion-mnist"
  }

  @Option(help: "The data set: fashion-mnist (Debian's dataset-fashion-mnist package).")
  var dataset: Dataset = .fashionMNIST

  @Option(
    help: ArgumentHelp(
      "A directory of MNIST-format IDX files, or a .npy/.csv matrix, instead of --dataset.",
      discussion: """
        A directory holds train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz] and the \
        t10k-… files. A .npy array is [images, rows, columns] or [images, pixels]; a .csv has \
        a header and one image per row (a column `label` holds labels). Values are grey levels \
        0…255 or intensities in [0, 1]. Without --test-data, the last 10% of a matrix is the \
        test set.
        """,
      valueName: "path"))
  var data: String?

  @Option(
    help: ArgumentHelp("A .npy/.csv matrix of test images, with --data FILE.", valueName: "file"))
  var testData: String?

  @Option(help: "Image height and width of flat matrix rows, e.g. 28x28 (default: one row).")
  var imageShape: String?

  func validate() throws {
    if let imageShape, parsedImageShape == nil {
      throw ValidationError("--image-shape must be ROWSxCOLUMNS, e.g. 28x28, got '\(imageShape)'")
    }
    if testData != nil && !isMatrixFile(data ?? "") {
      throw ValidationError("--test-data goes with --data FILE (a .npy or .csv matrix)")
    }
  }

  var parsedImageShape: (rows: Int, columns: Int)? {
    guard let imageShape else { return nil }
    let parts = imageShape.lowercased().split(separator: "x").compactMap { Int($0) }
    guard parts.count == 2, parts.allSatisfy({ $0 > 0 }) else { return nil }
    return (parts[0], parts[1])
  }

  func isMatrixFile(_ path: String) -> Bool {
    [".npy", ".csv", ".csv.gz"].contains { path.lowercased().hasSuffix($0) }
  }

  /// The images of `split`; of the training split, only the first `limitTrain` when given.
  func load(_ split: ImageDataset.Split, limitTrain: Int? = nil) throws -> ImageDataset {
    let images: ImageDataset
    if let data, isMatrixFile(data) {
      let matrix = try ImageDataset.matrix(contentsOf: data, shape: parsedImageShape)
      if let testData {
        images =
          split == .train
          ? matrix : try ImageDataset.matrix(contentsOf: testData, shape: parsedImageShape)
      } else {
        let parts = matrix.split(holdingOut: 0.1)
        images = split == .train ? parts.training : parts.heldOut
      }
    } else if let data {
      images = try ImageDataset.mnistFormat(directory: data, split: split)
    } else {
      images = try ImageDataset.fashionMNIST(split: split)
    }
    if split == .train, let limitTrain { return images.prefix(limitTrain) }
    return images
  }
}

/// The run directory of a trained model.
struct CheckpointOptions: ParsableArguments {
  @Option(help: ArgumentHelp("The run directory written by `vae train`.", valueName: "dir"))
  var checkpoint: String

  /// The files of the run that a command reads.
  var inputFiles: [PathCheck.Named] {
    ["config.json", "checkpoint.safetensors"].map {
      PathCheck.Named(
        flag: "--checkpoint", path: (checkpoint as NSString).appendingPathComponent($0))
    }
  }
}

extension DataOptions {
  /// Adds the files the data options name to `check`'s inputs.
  func addInputs(to check: inout PathCheck) {
    check.input("--data", data)
    check.input("--test-data", testData)
  }
}
