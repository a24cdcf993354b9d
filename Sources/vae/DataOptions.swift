import ArgumentParser
import Datasets
import Foundation
import VAE

/// Where the images come from: Debian's Fashion-MNIST, a directory of MNIST-format files, or a
/// matrix file. Commands on a run default to the data the run was trained on.
struct DataOptions: ParsableArguments {
  enum Dataset: String, ExpressibleByArgument, CaseIterable {
    case fashionMNIST = "fashion-mnist"
  }

  @Option(
    help: """
      The data set: fashion-mnist (Debian's dataset-fashion-mnist package; the default of a \
      new run; commands on a run default to the run's data).
      """)
  var dataset: Dataset?

  @Option(
    help: ArgumentHelp(
      "A directory of MNIST-format IDX files, or a .npy/.csv matrix, instead of --dataset.",
      discussion: """
        A directory holds train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz] and the \
        t10k-… files. A .npy array is [images, rows, columns] or [images, pixels]; a .csv has \
        one image per row, after an optional header (a first line of numbers is an image; a \
        column `label` holds labels). Flat rows of n² values are n × n images unless \
        --image-shape says otherwise. Values are grey levels 0…255 or intensities in [0, 1]. \
        Without --test-data, the last 10% of a matrix is the test set.
        """,
      valueName: "path"))
  var data: String?

  @Option(
    help: ArgumentHelp("A .npy/.csv matrix of test images, with --data FILE.", valueName: "file"))
  var testData: String?

  @Option(help: "Image height and width of flat matrix rows, e.g. 28x28 (default: square).")
  var imageShape: String?

  /// The fraction of a matrix file held out as the test set without --test-data.
  static let testFraction = 0.1

  func validate() throws {
    if let imageShape, parsedImageShape == nil {
      throw ValidationError("--image-shape must be ROWSxCOLUMNS, e.g. 28x28, got '\(imageShape)'")
    }
    if testData != nil && !isMatrixFile(data ?? "") {
      throw ValidationError("--test-data goes with --data FILE (a .npy or .csv matrix)")
    }
    if data != nil && dataset != nil {
      throw ValidationError("give --data or --dataset, not both")
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

  /// Whether the command line names the data (else a run's record supplies it).
  var namesData: Bool { data != nil || dataset != nil }

  /// These options with what they leave out taken from `record`: the source with its test
  /// file and image shape when no source is given. (`--limit-train` is `train`'s own flag:
  /// `TrainCommand` takes the recorded one.)
  func filled(from record: VAEDataRecord?) -> DataOptions {
    guard let record else { return self }
    var result = self
    if !namesData {
      if record.source == Dataset.fashionMNIST.rawValue {
        result.dataset = .fashionMNIST
      } else {
        result.data = record.source
        result.testData = record.testSource
        result.imageShape = record.imageShape.map(String.init).joined(separator: "x")
      }
    }
    return result
  }

  /// The data source as config.json records it: the data set's name or an absolute path.
  var source: String {
    guard let data else { return (dataset ?? .fashionMNIST).rawValue }
    return URL(fileURLWithPath: data).standardizedFileURL.path
  }

  /// Where the test images of `source` are, for messages.
  var testSourceDescription: String {
    if let testData { return testData }
    if let data, isMatrixFile(data) { return "\(data) (its last 10%)" }
    return data ?? (dataset ?? .fashionMNIST).rawValue
  }

  /// The record of this data for config.json; `limitTrain` is `train`'s `--limit-train`.
  func record(training: ImageDataset, test: ImageDataset, limitTrain: Int?) -> VAEDataRecord {
    VAEDataRecord(
      source: source,
      testSource: testData.map { URL(fileURLWithPath: $0).standardizedFileURL.path },
      imageShape: [training.rows, training.columns],
      testFraction: data.map(isMatrixFile) == true && testData == nil ? Self.testFraction : nil,
      limitTrain: limitTrain, training: .init(of: training), test: .init(of: test))
  }

  /// Whether the images are Fashion-MNIST's, whose labels have class names.
  var isFashionMNIST: Bool {
    data.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
      == URL(fileURLWithPath: ImageDataset.fashionMNISTDirectory).standardizedFileURL.path
      || (data == nil && (dataset ?? .fashionMNIST) == .fashionMNIST)
  }

  /// The training images (only the first `limitTrain` when given) and the test images,
  /// reading a matrix file once.
  func loadTrainingAndTest(limitTrain: Int? = nil) throws -> (
    training: ImageDataset, test: ImageDataset
  ) {
    if let data, isMatrixFile(data), testData == nil {
      let parts = try loadMatrix(data).split(holdingOut: Self.testFraction)
      return (limitTrain.map { parts.training.prefix($0) } ?? parts.training, parts.heldOut)
    }
    return (try load(.train, limitTrain: limitTrain), try load(.test))
  }

  func loadMatrix(_ path: String) throws -> ImageDataset {
    try ImageDataset.matrix(contentsOf: path, shape: parsedImageShape) {
      printNote("note: " + $0)
    }
  }

  /// The images of `split`; of the training split, only the first `limitTrain` when given.
  func load(_ split: ImageDataset.Split, limitTrain: Int? = nil) throws -> ImageDataset {
    let images: ImageDataset
    if let data, isMatrixFile(data) {
      if let testData {
        images = try loadMatrix(split == .train ? data : testData)
      } else {
        let matrix = try loadMatrix(data)
        let parts = matrix.split(holdingOut: Self.testFraction)
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

/// Writes `line` to standard error.
func printNote(_ line: String) {
  FileHandle.standardError.write(Data((line + "\n").utf8))
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

  /// `options` with what they leave out taken from the run's record, for the path check
  /// before any work: the recorded files are inputs too. `options` as they are when the
  /// configuration cannot be read (the command reports that when it loads the run).
  func dataOptions(_ options: DataOptions) -> DataOptions {
    options.filled(from: (try? VAECheckpoint.configuration(in: checkpoint))?.data)
  }

  /// The test images for a command on this run: those of `options`, or the run's own data
  /// when `options` names none. Refuses images of another shape than the model's, and warns
  /// when they differ from those the run recorded.
  func testData(_ options: DataOptions) throws -> (images: ImageDataset, options: DataOptions) {
    let configuration = try VAECheckpoint.configuration(in: checkpoint)
    let record = configuration.data
    if record == nil && !options.namesData {
      printNote(
        "note: \(checkpoint) does not record its data (written by an older version): using "
          + "Fashion-MNIST; pass --data or --dataset to choose")
    }
    let resolved = options.filled(from: record)
    let test = try resolved.load(.test)
    let model = configuration.model
    guard test.rows == model.height && test.columns == model.width else {
      throw VAEError.data(
        "\(resolved.testSourceDescription) has \(test.rows) × \(test.columns) images, but the "
          + "run \(checkpoint) was trained on \(model.height) × \(model.width) images; pass "
          + "--data with images of that shape (or --image-shape)")
    }
    if let recorded = record?.test {
      let found = VAEDataRecord.Fingerprint(of: test)
      if found != recorded {
        printNote(
          "warning: the test images of \(resolved.testSourceDescription) (\(found)) differ from "
            + "those \(checkpoint) recorded from \(record!.testSource ?? record!.source) "
            + "(\(recorded))")
      }
    }
    return (test, resolved)
  }
}

extension DataOptions {
  /// Adds the files the data options name to `check`'s inputs. Options filled from a run's
  /// record (``filled(from:)``) name the recorded files, which are inputs as much as flags.
  func addInputs(to check: inout PathCheck) {
    check.input("--data", data)
    check.input("--test-data", testData)
  }
}
