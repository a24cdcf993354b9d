import ArgumentParser
import Datasets

/// Where the images come from: Debian's Fashion-MNIST or a directory of MNIST-format files.
struct DataOptions: ParsableArguments {
  enum Dataset: String, ExpressibleByArgument, CaseIterable {
    case fashionMNIST = "fashion-mnist"
  }

  @Option(help: "The data set: fashion-mnist (Debian's dataset-fashion-mnist package).")
  var dataset: Dataset = .fashionMNIST

  @Option(
    help: ArgumentHelp(
      "A directory of MNIST-format IDX files instead of --dataset.",
      discussion: "train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-…",
      valueName: "dir"))
  var data: String?

  @Option(help: "Use only the first N training images (for quick runs).")
  var limitTrain: Int?

  func validate() throws {
    if let limitTrain, limitTrain <= 0 {
      throw ValidationError("--limit-train must be positive, got \(limitTrain)")
    }
  }

  func load(_ split: ImageDataset.Split) throws -> ImageDataset {
    let images: ImageDataset
    if let data {
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
}
