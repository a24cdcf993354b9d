import ArgumentParser
import Datasets
import Foundation
import Serialization
import TensorCore
import VAE
import Visualization

/// The PNG file a picture command writes.
struct PictureOutput: ParsableArguments {
  @Option(help: ArgumentHelp("The PNG file to write.", valueName: "file.png"))
  var output: String

  func validate() throws {
    if !output.lowercased().hasSuffix(".png") {
      throw ValidationError("--output must name a .png file, got '\(output)'")
    }
  }

  /// Refuses an output that is one of `inputs` or the data, or that cannot be written.
  func check(reading inputs: [PathCheck.Named], data: DataOptions? = nil) throws {
    var paths = PathCheck(inputs: inputs)
    data?.addInputs(to: &paths)
    paths.outputs = [PathCheck.Named(flag: "--output", path: output)]
    try paths.check()
  }

  /// Says where the picture went.
  func reportWritten() { print("wrote \(output)") }
}

struct SampleCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sample", abstract: "Decode z ~ N(0, I) into new images.")

  @OptionGroup var checkpoint: CheckpointOptions
  @Option(help: "Number of images.") var count = 64
  @Option(help: "Seed of z.") var seed: UInt64 = 1
  @OptionGroup var picture: PictureOutput

  func validate() throws {
    if count <= 0 { throw ValidationError("--count must be positive, got \(count)") }
  }

  func run() throws {
    try picture.check(reading: checkpoint.inputFiles)
    try VAECheckpoint.configuration(in: checkpoint.checkpoint).model.samplingMemory(count: count)
      .check()
    var generator = Xoshiro256StarStar(seed: seed)
    try TrainedVAE(directory: checkpoint.checkpoint).samples(count: count, using: &generator)
      .writePNG(toPath: picture.output)
    picture.reportWritten()
  }
}

struct ReconstructCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "reconstruct", abstract: "Test images above their reconstructions.")

  @OptionGroup var checkpoint: CheckpointOptions
  @OptionGroup var data: DataOptions
  @Option(help: "Number of test images.") var count = 8
  @OptionGroup var picture: PictureOutput

  func validate() throws {
    if count <= 0 { throw ValidationError("--count must be positive, got \(count)") }
  }

  func run() throws {
    try picture.check(reading: checkpoint.inputFiles, data: checkpoint.dataOptions(data))
    let test = try checkpoint.testData(data).images
    try TrainedVAE(directory: checkpoint.checkpoint).reconstructions(of: test, count: count)
      .writePNG(toPath: picture.output)
    picture.reportWritten()
  }
}

struct InterpolateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "interpolate",
    abstract: "Decode straight lines in latent space between pairs of test images.")

  @OptionGroup var checkpoint: CheckpointOptions
  @OptionGroup var data: DataOptions
  @Option(help: "Images per interpolation, endpoints included.") var steps = 10
  @Option(help: "Number of pairs (rows).") var pairs = 6
  @OptionGroup var picture: PictureOutput

  func validate() throws {
    if steps < 2 { throw ValidationError("--steps must be at least 2, got \(steps)") }
    if pairs <= 0 { throw ValidationError("--pairs must be positive, got \(pairs)") }
  }

  func run() throws {
    try picture.check(reading: checkpoint.inputFiles, data: checkpoint.dataOptions(data))
    let (images, overflow) = steps.multipliedReportingOverflow(by: pairs)
    try VAECheckpoint.configuration(in: checkpoint.checkpoint).model
      .samplingMemory(count: overflow ? nil : images, flags: ["--steps", "--pairs"]).check()
    let test = try checkpoint.testData(data).images
    try TrainedVAE(directory: checkpoint.checkpoint)
      .interpolations(of: test, steps: steps, pairs: pairs)
      .writePNG(toPath: picture.output)
    picture.reportWritten()
  }
}

struct EmbedCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "embed",
    abstract: "Write the latent means of test images (and their labels) as CSV; plot a latent map.")

  @OptionGroup var checkpoint: CheckpointOptions
  @OptionGroup var data: DataOptions
  @Option(help: ArgumentHelp("The CSV file to write.", valueName: "file.csv")) var output: String
  @Option(help: ArgumentHelp("Also plot the latent map to this PNG file.", valueName: "file.png"))
  var plot: String?
  @Option(help: "Embed only the first N test images.") var limit: Int?

  func validate() throws {
    if let limit, limit <= 0 { throw ValidationError("--limit must be positive, got \(limit)") }
    if let plot, !plot.lowercased().hasSuffix(".png") {
      throw ValidationError("--plot must name a .png file, got '\(plot)'")
    }
  }

  func run() throws {
    var paths = PathCheck(inputs: checkpoint.inputFiles)
    checkpoint.dataOptions(data).addInputs(to: &paths)
    paths.outputs = [PathCheck.Named(flag: "--output", path: output)]
    if let plot { paths.outputs.append(PathCheck.Named(flag: "--plot", path: plot)) }
    try paths.check()
    let (test, options) = try checkpoint.testData(data)
    let trained = try TrainedVAE(directory: checkpoint.checkpoint)
    let csv = trained.latentMeansCSV(of: test, limit: limit)
    if let plot {
      let names = options.isFashionMNIST ? ScatterPlot.fashionMNISTClassNames : [:]
      let count = Swift.min(limit ?? test.count, test.count)
      try trained.latentMap(of: test, limit: count, labelNames: names).writePNG(toPath: plot)
    }
    try AtomicFile.write(Array(csv.utf8), toPath: output)
    print("wrote \(output)" + (plot.map { " and \($0)" } ?? ""))
  }
}
