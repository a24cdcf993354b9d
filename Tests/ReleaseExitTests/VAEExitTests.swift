import Foundation
import TestSupport
import Testing

/// The release `vae` on bad input, and one short training run on a tiny matrix of images.
@Suite struct VAEExitTests {
  let vae = ReleaseBinary(name: "vae")

  /// A CSV of `count` 4 × 4 images with grey levels 0…255 (a fixed pattern), one per row.
  static func imagesCSV(count: Int) -> String {
    let header = (1...16).map { "p\($0)" }.joined(separator: ",")
    let rows = (0..<count).map { image in
      (0..<16).map { pixel in "\((image * 37 + pixel * 53) % 256)" }.joined(separator: ",")
    }
    return ([header] + rows).joined(separator: "\n") + "\n"
  }

  /// Arguments of a quick training run on `data` into `output`.
  static func quickTraining(data: String, output: String) -> [String] {
    [
      "train", "--data", data, "--image-shape", "4x4", "--epochs", "1", "--batch-size", "8",
      "--hidden", "8", "--latent-dim", "2", "--output", output,
    ]
  }

  /// A bad command line (`<images>` stands for a CSV of 40 images in a fresh directory, `<dir>` for
  /// that directory, `<bad>` for the images with one cell replaced by `badCell`) and what its
  /// message must mention.
  struct BadInput: CustomTestStringConvertible, Sendable {
    var arguments: [String]
    var badCell = "nan"
    var fragments: [String]
    var testDescription: String { arguments.joined(separator: " ") }
  }

  static let badInputs: [BadInput] = [
    BadInput(
      arguments: [
        "train", "--data", "<dir>/missing.csv", "--epochs", "1", "--output", "<dir>/run",
      ],
      fragments: ["<dir>/missing.csv", "no such file"]),
    BadInput(
      arguments: ["train", "--data", "<bad>", "--epochs", "1", "--output", "<dir>/run"],
      fragments: ["<bad>", "column 2", "image 2", "value nan"]),
    BadInput(
      arguments: ["train", "--data", "<bad>", "--epochs", "1", "--output", "<dir>/run"],
      badCell: "300", fragments: ["<bad>", "column 2", "image 2", "value 300.0", "0…255"]),
    BadInput(
      arguments: ["train", "--data", "<images>", "--image-shape", "5x5", "--output", "<dir>/run"],
      fragments: ["<images>", "16 values do not make 5 × 5 images"]),
    BadInput(
      arguments: ["train", "--data", "<images>", "--image-shape", "4by4", "--output", "<dir>/run"],
      fragments: ["--image-shape must be ROWSxCOLUMNS", "'4by4'"]),
    BadInput(
      arguments: ["train", "--data", "<images>", "--epochs", "0"],
      fragments: ["--epochs must be positive, got 0"]),
    BadInput(
      arguments: ["train", "--data", "<images>", "--hidden", "4,x"],
      fragments: ["--hidden must be positive integers separated by commas, got '4,x'"]),
    BadInput(
      arguments: ["train", "--data", "<images>", "--likelihood", "poisson"],
      fragments: ["'poisson' is invalid for '--likelihood"]),
    BadInput(
      arguments: ["train", "--data", "<images>", "--learning-rate", "nan"],
      fragments: ["--learning-rate must be positive, got nan"]),
    BadInput(
      arguments: ["train", "--resume"], fragments: ["--resume needs --output DIR"]),
    BadInput(
      arguments: ["train", "--data", "<images>", "--hidden", "10000000,10000000"],
      fragments: ["--hidden 10000000,10000000", "need a weight matrix", "lower --hidden"]),
    BadInput(
      arguments: ["train", "--data", "<images>", "--hidden", "4000000000000000000"],
      fragments: ["need a weight matrix", "lower --hidden or --latent-dim"]),
    BadInput(
      arguments: ["train", "--data", "<images>", "--latent-dim", "100000000000"],
      fragments: ["--latent-dim 100000000000", "lower --hidden or --latent-dim"]),
    BadInput(
      arguments: ["train", "--data", "<images>", "--samples", "100000000000000"],
      fragments: ["training needs about", "for a batch", "lower --batch-size or --samples"]),
    BadInput(
      arguments: ["evaluate", "--checkpoint", "<dir>/none", "--data", "<images>"],
      fragments: ["<dir>/none/config.json", "written by `vae train`"]),
    BadInput(
      arguments: ["sample", "--checkpoint", "<dir>/none", "--output", "<dir>/samples.txt"],
      fragments: ["--output must name a .png file"]),
  ]

  @Test(arguments: badInputs)
  func badInputIsRefusedWithAMessage(_ input: BadInput) throws {
    let directory = try TemporaryDirectory()
    let images = directory.file("images.csv")
    let bad = directory.file("bad.csv")
    let csv = Self.imagesCSV(count: 40)
    try csv.write(toFile: images, atomically: true, encoding: .utf8)
    // The second pixel of the second image.
    var lines = csv.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
    lines[2][1] = input.badCell
    try (lines.map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n")
      .write(toFile: bad, atomically: true, encoding: .utf8)
    func substitute(_ text: String) -> String {
      text.replacingOccurrences(of: "<images>", with: images)
        .replacingOccurrences(of: "<bad>", with: bad)
        .replacingOccurrences(of: "<dir>", with: directory.path)
    }
    let outcome = try vae.run(input.arguments.map(substitute), in: directory.path)
    expectCleanFailure(outcome, mentioning: input.fragments.map(substitute))
  }

  /// The conv architecture trains from the command line and `evaluate` reads its run (on 4 × 4
  /// images, the smallest it takes; the flags are checked before the data gives the image size).
  @Test func trainsTheConvArchitecture() throws {
    let directory = try TemporaryDirectory()
    let images = directory.file("images.csv")
    try Self.imagesCSV(count: 40).write(toFile: images, atomically: true, encoding: .utf8)
    let run = directory.file("run")
    let training = try vae.run(
      Self.quickTraining(data: images, output: run) + ["--architecture", "conv"])
    #expect(training.status == 0 && !training.signalled, "\(training)")
    #expect(FileManager.default.fileExists(atPath: directory.file("run/checkpoint.safetensors")))
    let evaluation = try vae.run([
      "evaluate", "--checkpoint", run, "--importance-samples", "4", "--limit", "8",
    ])
    #expect(evaluation.status == 0 && !evaluation.signalled, "\(evaluation)")
    #expect(evaluation.standardOutput.contains("log p(x)"), "\(evaluation)")
  }

  /// One epoch on 40 images of 4 × 4 pixels writes a run directory, from which `sample` draws
  /// pictures.
  @Test func trainsOneEpochAndSamples() throws {
    let directory = try TemporaryDirectory()
    let images = directory.file("images.csv")
    try Self.imagesCSV(count: 40).write(toFile: images, atomically: true, encoding: .utf8)
    let run = directory.file("run")
    let training = try vae.run(Self.quickTraining(data: images, output: run))
    #expect(training.status == 0 && !training.signalled, "\(training)")
    #expect(training.seconds < 20, "\(training)")
    for file in ["checkpoint.safetensors", "config.json", "metrics.jsonl", "samples.png"] {
      #expect(
        FileManager.default.fileExists(atPath: directory.file("run/" + file)),
        "no \(file); \(training)")
    }
    let sampling = try vae.run([
      "sample", "--checkpoint", run, "--count", "4", "--output", directory.file("samples.png"),
    ])
    #expect(sampling.status == 0 && !sampling.signalled, "\(sampling)")
    #expect(FileManager.default.fileExists(atPath: directory.file("samples.png")), "\(sampling)")

    // Requests too big for the machine are refused before anything is allocated.
    let manySamples = try vae.run([
      "sample", "--checkpoint", run, "--count", "100000000000000", "--output",
      directory.file("many.png"),
    ])
    expectCleanFailure(manySamples, mentioning: ["decoding 100000000000000 images", "--count"])
    let longInterpolations = try vae.run([
      "interpolate", "--checkpoint", run, "--data", images, "--image-shape", "4x4", "--steps",
      "10000000000", "--pairs", "10000000000", "--output", directory.file("lines.png"),
    ])
    expectCleanFailure(
      longInterpolations,
      mentioning: ["decoding more than", "more than 9.2 EB", "lower --steps or --pairs"])
    let manyImportanceSamples = try vae.run([
      "evaluate", "--checkpoint", run, "--data", images, "--image-shape", "4x4",
      "--importance-samples", "100000000000000",
    ])
    expectCleanFailure(
      manyImportanceSamples, mentioning: ["needs about", "lower --importance-samples"])
  }
}
