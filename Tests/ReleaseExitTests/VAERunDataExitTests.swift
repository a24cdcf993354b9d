import Foundation
import TestSupport
import Testing

/// The release `vae` keeps a run's data with the run (issue #14): commands default to it,
/// refuse images of another shape and warn about other images; `--resume` is strict; edited or
/// diverged checkpoints, ambiguous matrix files and exploding losses are caught with messages.
@Suite struct VAERunDataExitTests {
  let vae = ReleaseBinary(name: "vae")

  /// `count` images of `side` × `side` grey levels, `offset` shifting the pattern.
  static func pixels(count: Int, side: Int = 4, offset: Int = 0) -> [[Int]] {
    (0..<count).map { image in
      (0..<(side * side)).map { pixel in ((image + offset) * 37 + pixel * 53) % 256 }
    }
  }

  /// The images as CSV, with a header unless `header` is false.
  static func csv(_ images: [[Int]], header: Bool = true) -> String {
    let names = (1...images[0].count).map { "p\($0)" }.joined(separator: ",")
    let rows = images.map { $0.map(String.init).joined(separator: ",") }
    return ((header ? [names] : []) + rows).joined(separator: "\n") + "\n"
  }

  /// A little-endian float64 `.npy` file of `values` in `shape`.
  static func npy(_ values: [Double], shape: [Int]) -> Data {
    let shapeText =
      "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")")
    var header = Array("{'descr': '<f8', 'fortran_order': False, 'shape': \(shapeText), }".utf8)
    header += [UInt8](repeating: 0x20, count: (64 - (10 + header.count + 1) % 64) % 64) + [0x0A]
    var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
    bytes += [UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + header
    for value in values {
      bytes += (0..<8).map { UInt8(truncatingIfNeeded: value.bitPattern >> ($0 * 8)) }
    }
    return Data(bytes)
  }

  /// A fresh directory with `images.csv` (40 images of 4 × 4 with a header) and a trained
  /// one-epoch run `run` on it.
  struct TrainedRun {
    let directory: TemporaryDirectory
    var images: String { directory.file("images.csv") }
    var run: String { directory.file("run") }
  }

  func trainedRun(extra: [String] = []) throws -> TrainedRun {
    let trained = TrainedRun(directory: try TemporaryDirectory())
    try Self.csv(Self.pixels(count: 40)).write(
      toFile: trained.images, atomically: true, encoding: .utf8)
    let outcome = try vae.run(
      VAEExitTests.quickTraining(data: trained.images, output: trained.run) + extra)
    #expect(outcome.status == 0 && !outcome.signalled, "\(outcome)")
    return trained
  }

  func configJSON(_ run: String) throws -> [String: Any] {
    let data = try Data(contentsOf: URL(fileURLWithPath: run + "/config.json"))
    return try JSONSerialization.jsonObject(with: data) as! [String: Any]
  }

  func writeConfigJSON(_ object: [String: Any], _ run: String) throws {
    try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted])
      .write(to: URL(fileURLWithPath: run + "/config.json"))
  }

  // MARK: 1. A run knows its data

  @Test func configRecordsTheDataAndCommandsDefaultToIt() throws {
    let trained = try trainedRun()
    let data = try #require(try configJSON(trained.run)["data"] as? [String: Any])
    #expect(
      data["source"] as? String == URL(fileURLWithPath: trained.images).standardizedFileURL.path)
    #expect(data["imageShape"] as? [Int] == [4, 4])
    let fingerprint = try #require(data["training"] as? [String: Any])
    #expect(fingerprint["images"] as? Int == 36 && (fingerprint["hash"] as? String)?.count == 16)
    // Without --data, every command uses the run's own 4 × 4 images (Fashion-MNIST would be
    // refused as 28 × 28).
    let d = trained.directory
    for arguments in [
      ["evaluate", "--importance-samples", "4"],
      ["reconstruct", "--count", "2", "--output", d.file("r.png")],
      ["interpolate", "--pairs", "1", "--steps", "3", "--output", d.file("i.png")],
      ["embed", "--output", d.file("e.csv"), "--plot", d.file("e.png")],
    ] {
      let outcome = try vae.run(arguments + ["--checkpoint", trained.run])
      #expect(outcome.status == 0 && !outcome.signalled, "\(arguments): \(outcome)")
      #expect(!outcome.standardError.contains("warning"), "\(outcome)")
    }
  }

  @Test(arguments: ["evaluate", "reconstruct", "interpolate", "embed"])
  func imagesOfAnotherShapeAreRefused(_ command: String) throws {
    let trained = try trainedRun()
    let other = trained.directory.file("six.npy")
    try Self.npy(
      Self.pixels(count: 10, side: 6).flatMap { $0.map(Double.init) }, shape: [10, 6, 6]
    )
    .write(to: URL(fileURLWithPath: other))
    let output =
      command == "evaluate"
      ? [] : ["--output", trained.directory.file(command == "embed" ? "out.csv" : "out.png")]
    let outcome = try vae.run([command, "--checkpoint", trained.run, "--data", other] + output)
    expectCleanFailure(outcome, mentioning: ["6 × 6", "4 × 4", trained.run])
  }

  @Test func otherImagesOfTheSameShapeGiveAWarningNamingBoth() throws {
    let trained = try trainedRun()
    let other = trained.directory.file("other.csv")
    try Self.csv(Self.pixels(count: 40, offset: 5)).write(
      toFile: other, atomically: true, encoding: .utf8)
    let outcome = try vae.run([
      "evaluate", "--checkpoint", trained.run, "--data", other, "--importance-samples", "4",
    ])
    #expect(outcome.status == 0, "\(outcome)")
    expect(
      outcome.standardError, mentions: ["warning", "other.csv", "images.csv", "4 images, hash"],
      in: outcome)
  }

  @Test func runsWithoutADataRecordStillLoad() throws {
    let trained = try trainedRun()
    var config = try configJSON(trained.run)
    config["data"] = nil
    try writeConfigJSON(config, trained.run)
    let given = try vae.run([
      "evaluate", "--checkpoint", trained.run, "--data", trained.images, "--image-shape", "4x4",
      "--importance-samples", "4",
    ])
    #expect(given.status == 0, "\(given)")
    let defaulted = try vae.run(["evaluate", "--checkpoint", trained.run])
    expect(defaulted.standardError, mentions: ["does not record its data"], in: defaulted)
  }

  @Test func trainRefusesTestDataOfAnotherShapeBeforeTraining() throws {
    let directory = try TemporaryDirectory()
    let images = directory.file("images.csv")
    try Self.csv(Self.pixels(count: 40)).write(toFile: images, atomically: true, encoding: .utf8)
    let test = directory.file("test.csv")
    try Self.csv(Self.pixels(count: 10, side: 6)).write(
      toFile: test, atomically: true, encoding: .utf8)
    let outcome = try vae.run([
      "train", "--data", images, "--test-data", test, "--epochs", "1", "--output",
      directory.file("run"),
    ])
    expectCleanFailure(outcome, mentioning: ["4 × 4", "6 × 6", "test.csv"])
    #expect(!FileManager.default.fileExists(atPath: directory.file("run/metrics.jsonl")))
  }

  // MARK: 2. --resume is strict

  static let changedFlags: [(flags: [String], fragments: [String])] = [
    (["--latent-dim", "3"], ["--latent-dim: the run has 2, this command asks for 3"]),
    (["--learning-rate", "0.01"], ["--learning-rate: the run has 0.001", "0.01"]),
    (["--limit-train", "20"], ["--limit-train: the run has none, this command asks for 20"]),
    (["--data", "<other>"], ["--data: the run has", "images.csv", "other.csv"]),
    (["--epochs", "0"], ["--epochs must be positive"]),
  ]

  @Test(arguments: 0..<changedFlags.count)
  func resumeRefusesChangedFlags(_ index: Int) throws {
    let trained = try trainedRun()
    let other = trained.directory.file("other.csv")
    try Self.csv(Self.pixels(count: 40, offset: 3)).write(
      toFile: other, atomically: true, encoding: .utf8)
    let (flags, fragments) = Self.changedFlags[index]
    let outcome = try vae.run(
      ["train", "--resume", "--output", trained.run, "--epochs", "2"]
        + flags.map { $0 == "<other>" ? other : $0 })
    expectCleanFailure(outcome, mentioning: fragments)
  }

  @Test func resumeWithMoreEpochsExtendsAFinishedRun() throws {
    let trained = try trainedRun()
    let same = try vae.run(["train", "--resume", "--output", trained.run])
    #expect(same.status == 0, "\(same)")
    expect(same.standardOutput, mentions: ["completed its 1 epochs", "--epochs"], in: same)
    let longer = try vae.run(["train", "--resume", "--output", trained.run, "--epochs", "3"])
    #expect(longer.status == 0, "\(longer)")
    expect(
      longer.standardOutput,
      mentions: ["continuing run \(trained.run) from epoch 1 of 3", "epoch 3/3"], in: longer)
    let lines = try String(contentsOfFile: trained.run + "/metrics.jsonl", encoding: .utf8)
      .split(separator: "\n")
    #expect(lines.count == 3)
    let fewer = try vae.run(["train", "--resume", "--output", trained.run, "--epochs", "2"])
    expectCleanFailure(fewer, mentioning: ["--epochs: the run has 3, this command asks for 2"])
  }

  // MARK: 3. config.json and checkpoints are checked

  @Test func editedConfigurationIsRefusedNamingTheField() throws {
    let trained = try trainedRun()
    var config = try configJSON(trained.run)
    var model = config["model"] as! [String: Any]
    model["likelihood"] = "poisson"
    config["model"] = model
    try writeConfigJSON(config, trained.run)
    let likelihood = try vae.run(["evaluate", "--checkpoint", trained.run])
    expectCleanFailure(
      likelihood, mentioning: ["config.json", "model.likelihood", "bernoulli, gaussian"])
    model["likelihood"] = "bernoulli"
    config["model"] = model
    config["format"] = "variational-vae-9"
    try writeConfigJSON(config, trained.run)
    let format = try vae.run(["evaluate", "--checkpoint", trained.run])
    expectCleanFailure(format, mentioning: ["field 'format'", "variational-vae-9"])
  }

  @Test func nonFiniteWeightsAreRefusedNamingTheTensor() throws {
    let trained = try trainedRun()
    let url = URL(fileURLWithPath: trained.run + "/checkpoint.safetensors")
    var bytes = [UInt8](try Data(contentsOf: url))
    let headerLength = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << ($1 * 8) }
    let header =
      try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + headerLength)]))
      as! [String: Any]
    let (name, entry) = try #require(
      header.first { $0.key != "__metadata__" }.map { ($0.key, $0.value as! [String: Any]) })
    let start = 8 + headerLength + ((entry["data_offsets"] as! [Int])[0])
    bytes.replaceSubrange(start..<(start + 4), with: [0x00, 0x00, 0xC0, 0x7F])  // NaN
    try Data(bytes).write(to: url)
    let outcome = try vae.run(["evaluate", "--checkpoint", trained.run])
    expectCleanFailure(outcome, mentioning: ["tensor '\(name)'", "nan", "not finite"])
  }

  // MARK: 4. Matrix files: header and image shape

  @Test func csvWithoutHeaderKeepsItsFirstImage() throws {
    let directory = try TemporaryDirectory()
    let images = directory.file("plain.csv")
    try Self.csv(Self.pixels(count: 40), header: false).write(
      toFile: images, atomically: true, encoding: .utf8)
    let outcome = try vae.run(
      VAEExitTests.quickTraining(data: images, output: directory.file("run")))
    #expect(outcome.status == 0, "\(outcome)")
    expect(outcome.standardError, mentions: ["no header"], in: outcome)
    let config = try configJSON(directory.file("run"))
    let training = (config["data"] as! [String: Any])["training"] as! [String: Any]
    #expect(training["images"] as? Int == 36, "40 images, 4 held out")
  }

  @Test func flatSquareRowsAreSquareImagesOthersAreRefused() throws {
    let directory = try TemporaryDirectory()
    let square = directory.file("flat.npy")
    try Self.npy(Self.pixels(count: 40).flatMap { $0.map(Double.init) }, shape: [40, 16])
      .write(to: URL(fileURLWithPath: square))
    let outcome = try vae.run([
      "train", "--data", square, "--epochs", "1", "--batch-size", "8", "--hidden", "8",
      "--latent-dim", "2", "--output", directory.file("run"),
    ])
    #expect(outcome.status == 0, "\(outcome)")
    expect(outcome.standardError, mentions: ["taken as 4 × 4 images"], in: outcome)
    let wide = directory.file("wide.npy")
    try Self.npy([Double](repeating: 3, count: 40 * 15), shape: [40, 15])
      .write(to: URL(fileURLWithPath: wide))
    let refused = try vae.run(["train", "--data", wide, "--output", directory.file("run2")])
    expectCleanFailure(refused, mentioning: ["rows of 15 values are not square", "--image-shape"])
  }

  // MARK: 5. Divergence

  @Test func explodingLossStopsTheRunAndKeepsTheLastGoodEpoch() throws {
    let directory = try TemporaryDirectory()
    let images = directory.file("images.csv")
    try Self.csv(Self.pixels(count: 400)).write(toFile: images, atomically: true, encoding: .utf8)
    let run = directory.file("run")
    let arguments = [
      "train", "--data", images, "--batch-size", "8", "--hidden", "32", "--latent-dim", "2",
      "--output", run,
    ]
    // From the first steps: nothing is saved.
    let fresh = try vae.run(arguments + ["--learning-rate", "1"])
    expectCleanFailure(
      fresh,
      mentioning: ["epoch 1, batch 2", "over 1000× the median", "--learning-rate", "nothing"])
    #expect(!FileManager.default.fileExists(atPath: run + "/checkpoint.safetensors"))
    // In epoch 2 of a run whose learning rate was raised in config.json: epoch 1 is kept.
    let good = try vae.run(arguments + ["--epochs", "3", "--stop-after", "1"])
    #expect(good.status == 0, "\(good)")
    var config = try configJSON(run)
    var training = config["training"] as! [String: Any]
    training["learningRate"] = 3.0
    config["training"] = training
    try writeConfigJSON(config, run)
    let resumed = try vae.run(["train", "--resume", "--output", run])
    expectCleanFailure(
      resumed,
      mentioning: ["epoch 2, batch", "over 1000× the median", "keeps the checkpoint of epoch 1"])
    let metrics = try String(contentsOfFile: run + "/metrics.jsonl", encoding: .utf8)
    #expect(metrics.split(separator: "\n").count == 1)
  }

  // MARK: 6. Honest labels

  @Test func metricsNameTheirObjective() throws {
    let beta = try trainedRun(extra: ["--beta", "4"])
    let line = try String(contentsOfFile: beta.run + "/metrics.jsonl", encoding: .utf8)
    let metrics =
      try JSONSerialization.jsonObject(with: Data(line.split(separator: "\n")[0].utf8))
      as! [String: Any]
    #expect(metrics["objective"] as? String == "β-weighted negative ELBO (β = 4.0)")
    let objective = try #require(metrics["train_objective"] as? Double)
    let elbo = try #require(metrics["train_negative_elbo"] as? Double)
    let kl = try #require(metrics["train_kl"] as? Double)
    let reconstruction = try #require(metrics["train_reconstruction"] as? Double)
    #expect(abs(elbo - (reconstruction + kl)) < 1e-6 * abs(elbo))
    #expect(abs(objective - (reconstruction + 4 * kl)) < 1e-6 * abs(objective) + 1e-6)
    let iwae = try trainedRun(extra: ["--iwae", "3"])
    let iwaeLine = try String(contentsOfFile: iwae.run + "/metrics.jsonl", encoding: .utf8)
    #expect(iwaeLine.contains("negative IWAE bound (K = 3)"))
    #expect(!iwaeLine.contains("train_negative_elbo"))
  }

  @Test func embedOfUnlabelledDataLeavesTheLabelsEmpty() throws {
    let trained = try trainedRun()
    let csv = trained.directory.file("e.csv")
    let outcome = try vae.run([
      "embed", "--checkpoint", trained.run, "--output", csv, "--plot",
      trained.directory.file("e.png"),
    ])
    #expect(outcome.status == 0, "\(outcome)")
    let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")
    #expect(rows.dropFirst().allSatisfy { $0.hasSuffix(",") })
  }

  // MARK: 7. Messages

  @Test func messagesNameFlagsAndPositions() throws {
    let directory = try TemporaryDirectory()
    let images = directory.file("images.csv")
    try Self.csv(Self.pixels(count: 40)).write(toFile: images, atomically: true, encoding: .utf8)
    let latent = try vae.run(["train", "--data", images, "--latent-dim", "0"])
    expectCleanFailure(latent, mentioning: ["--latent-dim", "must be positive, got 0"])
    let text = directory.file("x.txt")
    try "1,2\n".write(toFile: text, atomically: true, encoding: .utf8)
    let file = try vae.run(["train", "--data", text, "--output", directory.file("run")])
    expectCleanFailure(file, mentioning: ["x.txt", ".npy/.csv"])
    var values = Self.pixels(count: 4).flatMap { $0.map { Double($0) / 255 } }
    values[17] = .nan
    let nan = directory.file("nan.npy")
    try Self.npy(values, shape: [4, 4, 4]).write(to: URL(fileURLWithPath: nan))
    let nanRun = try vae.run(["train", "--data", nan, "--output", directory.file("run")])
    expectCleanFailure(nanRun, mentioning: ["image 2 has value nan at pixel 2"])
    let headerOnly = directory.file("header.csv")
    try "p1,p2,p3,p4\n".write(toFile: headerOnly, atomically: true, encoding: .utf8)
    let empty = try vae.run(["train", "--data", headerOnly, "--output", directory.file("run")])
    expectCleanFailure(empty, mentioning: ["header.csv", "has no images"])
  }
}
