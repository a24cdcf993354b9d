import Foundation
import TestSupport
import Testing

/// The release `vae`'s run directory after failures, its outputs against its inputs, SIGINT,
/// and what the commands say they wrote.
@Suite struct VAERunDirectoryTests {
  let vae = ReleaseBinary(name: "vae")

  /// A fresh directory holding `images.csv` (40 images of 4 × 4).
  static func directoryWithImages() throws -> (TemporaryDirectory, images: String) {
    let directory = try TemporaryDirectory()
    let images = directory.file("images.csv")
    try VAEExitTests.imagesCSV(count: 40).write(toFile: images, atomically: true, encoding: .utf8)
    return (directory, images)
  }

  /// A command line whose outputs collide with its inputs or each other, or cannot be written
  /// (`<images>`, `<dir>` as in ``VAEExitTests/BadInput``), and what the message must mention.
  static let clobbering: [VAEExitTests.BadInput] = [
    .init(
      arguments: [
        "embed", "--checkpoint", "<dir>/none", "--data", "<images>", "--output", "<images>",
      ],
      fragments: ["--output <images> is the input --data <images>"]),
    .init(
      arguments: [
        "embed", "--checkpoint", "<dir>/none", "--data", "<images>", "--output", "<dir>/m.png",
        "--plot", "<dir>/./m.png",
      ],
      fragments: ["--plot <dir>/./m.png and --output <dir>/m.png are the same file"]),
    .init(
      arguments: ["sample", "--checkpoint", "<dir>/none", "--output", "<dir>/missing/s.png"],
      fragments: ["--output <dir>/missing/s.png: the directory <dir>/missing does not exist"]),
    .init(
      arguments: [
        "evaluate", "--checkpoint", "<dir>/none", "--data", "<images>", "--json",
        "<dir>/missing/e.json",
      ],
      fragments: ["--json <dir>/missing/e.json: the directory <dir>/missing does not exist"]),
    .init(
      arguments: ["train", "--data", "<images>", "--output", "<images>/run"],
      fragments: ["--output <images>/run: <images> is not a directory"]),
    .init(
      arguments: ["sample", "--checkpoint", "<dir>", "--output", "<dir>"],
      fragments: ["--output must name a .png file"]),
  ]

  @Test(arguments: clobbering)
  func outputsThatWouldClobberOrFailAreRefusedFirst(_ input: VAEExitTests.BadInput) throws {
    let (directory, images) = try Self.directoryWithImages()
    func substitute(_ text: String) -> String {
      text.replacingOccurrences(of: "<images>", with: images)
        .replacingOccurrences(of: "<dir>", with: directory.path)
    }
    let before = try Data(contentsOf: URL(fileURLWithPath: images))
    let outcome = try vae.run(input.arguments.map(substitute), in: directory.path)
    expectCleanFailure(outcome, mentioning: input.fragments.map(substitute))
    #expect(!outcome.standardError.contains("NSCocoaErrorDomain"), "\(outcome)")
    #expect(try Data(contentsOf: URL(fileURLWithPath: images)) == before)
  }

  /// An output reached through a symbolic link to an input is refused, naming both.
  @Test func anOutputLinkedToAnInputIsRefused() throws {
    let (directory, images) = try Self.directoryWithImages()
    let run = directory.file("run")
    let training = try vae.run(VAEExitTests.quickTraining(data: images, output: run))
    try #require(training.status == 0, "\(training)")
    let link = directory.file("link.png")
    try FileManager.default.createSymbolicLink(
      atPath: link, withDestinationPath: run + "/checkpoint.safetensors")
    let before = try Data(contentsOf: URL(fileURLWithPath: run + "/checkpoint.safetensors"))
    let outcome = try vae.run(["sample", "--checkpoint", run, "--output", link])
    expectCleanFailure(
      outcome, mentioning: ["--output \(link) is the input --checkpoint", "checkpoint.safetensors"])
    #expect(try Data(contentsOf: URL(fileURLWithPath: run + "/checkpoint.safetensors")) == before)
  }

  /// `train` lists every file it wrote; the picture commands and `embed` name theirs.
  @Test func commandsSayWhatTheyWrote() throws {
    let (directory, images) = try Self.directoryWithImages()
    let run = directory.file("run")
    let training = try vae.run(VAEExitTests.quickTraining(data: images, output: run))
    try #require(training.status == 0, "\(training)")
    expect(
      training.standardOutput,
      mentions: ["checkpoint.safetensors", "training-state.safetensors", "metrics.jsonl"],
      in: training)
    let commands: [[String]] = [
      ["sample", "--checkpoint", run, "--count", "4", "--output", directory.file("s.png")],
      [
        "reconstruct", "--checkpoint", run, "--data", images, "--count", "2", "--output",
        directory.file("r.png"),
      ],
      [
        "interpolate", "--checkpoint", run, "--data", images, "--steps", "3", "--pairs", "1",
        "--output", directory.file("i.png"),
      ],
      ["embed", "--checkpoint", run, "--data", images, "--output", directory.file("e.csv")],
    ]
    for arguments in commands {
      let outcome = try vae.run(arguments)
      #expect(outcome.status == 0, "\(outcome)")
      expect(outcome.standardOutput, mentions: ["wrote \(arguments.last!)"], in: outcome)
    }
  }

  /// `--resume --epochs 3` on a 2-epoch run, killed after its commit point but before
  /// config.json was put in place: the next `--resume` (no flags) finishes the save before it
  /// reads the run's settings, so it sees the extended run and not the old `--epochs 2`.
  @Test func resumeReadsTheSettingsOfTheCommittedEpoch() throws {
    let directory = try TemporaryDirectory()
    let images = directory.file("images.npy")
    try VAEKillTests.writeImages(count: 64, toPath: images)
    let base = directory.file("base")
    let first = try vae.run([
      "train", "--data", images, "--epochs", "2", "--batch-size", "16", "--hidden", "8",
      "--latent-dim", "2", "--output", base,
    ])
    try #require(first.status == 0, "\(first)")
    // The first operation at which the kill leaves config.json committed but still staged.
    let run = directory.file("run")
    var found = false
    for operation in 1...200 {
      try? FileManager.default.removeItem(atPath: run)
      try FileManager.default.copyItem(atPath: base, toPath: run)
      let killed = try vae.run(
        ["train", "--output", run, "--resume", "--epochs", "3"],
        extraEnvironment: ["VARIATIONAL_KILL_AT_OPERATION": String(operation)])
      try #require(killed.signalled, "operation \(operation) was not reached: \(killed)")
      let staging = run + "/.commit/"
      if FileManager.default.fileExists(atPath: staging + "COMMITTED")
        && FileManager.default.fileExists(atPath: staging + "config.json")
      {
        found = true
        break
      }
    }
    try #require(found)
    let resumed = try vae.run(["train", "--output", run, "--resume"])
    #expect(resumed.status == 0, "\(resumed)")
    expect(
      resumed.standardOutput, mentions: ["finished saving epoch 3", "completed its 3 epochs"],
      in: resumed)
  }

  /// A run directory named by one character, bare or as the last component, and `--resume`
  /// in it (`NSString.deletingLastPathComponent` crashed on a bare one-character name).
  @Test func oneCharacterRunDirectories() throws {
    let (directory, images) = try Self.directoryWithImages()
    for output in ["e", "x/e"] {
      let training = try vae.run(
        VAEExitTests.quickTraining(data: images, output: output), in: directory.path)
      #expect(training.status == 0 && !training.signalled, "\(output): \(training)")
      let resumed = try vae.run(
        ["train", "--output", output, "--resume", "--epochs", "2"], in: directory.path)
      #expect(resumed.status == 0 && !resumed.signalled, "\(output): \(resumed)")
    }
  }

  @Test func versionAndLimitTrainOnlyWhereItActs() throws {
    let version = try vae.run(["--version"])
    #expect(version.status == 0 && version.standardOutput.hasPrefix("vae "), "\(version)")
    let (directory, images) = try Self.directoryWithImages()
    let outcome = try vae.run([
      "evaluate", "--checkpoint", directory.path, "--data", images, "--limit-train", "3",
    ])
    expectCleanFailure(outcome, mentioning: ["--limit-train"])
  }

  /// Temporary files of an unfinished save are removed and reported on the next start; a
  /// directory whose first save did not finish restarts, and `--resume` there says why not.
  @Test func leftoversAreRemovedAndAnUnsavedRunRestarts() throws {
    let (directory, images) = try Self.directoryWithImages()
    let run = directory.file("run")
    let first = try vae.run(VAEExitTests.quickTraining(data: images, output: run))
    try #require(first.status == 0, "\(first)")
    try FileManager.default.createDirectory(
      atPath: run + "/.commit", withIntermediateDirectories: true)
    try Data("half".utf8).write(to: URL(fileURLWithPath: run + "/.commit/metrics.jsonl"))
    try Data("half".utf8).write(to: URL(fileURLWithPath: run + "/.curves.png.tmp-12-ab"))
    let longer =
      VAEExitTests.quickTraining(data: images, output: run).map { $0 == "1" ? "2" : $0 }
      + ["--resume"]
    let resumed = try vae.run(longer)
    #expect(resumed.status == 0, "\(resumed)")
    expect(
      resumed.standardOutput,
      mentions: ["removed 2 temporary file(s)", ".commit/metrics.jsonl", ".curves.png.tmp-12-ab"],
      in: resumed)
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: run).filter { $0.hasPrefix(".") }
        == [])

    // An older version's failed first save left only config.json.
    let unsaved = directory.file("unsaved")
    try FileManager.default.createDirectory(atPath: unsaved, withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: run + "/config.json", toPath: unsaved + "/config.json")
    let resume = try vae.run(
      VAEExitTests.quickTraining(data: images, output: unsaved) + ["--resume"])
    expectCleanFailure(resume, mentioning: ["holds no saved epoch", "without --resume"])
    let restart = try vae.run(VAEExitTests.quickTraining(data: images, output: unsaved))
    #expect(restart.status == 0, "\(restart)")
    expect(restart.standardOutput, mentions: ["starting afresh"], in: restart)
  }

  /// A first save that fails for want of space (here a file-size limit, `ulimit -f`) says what
  /// failed and that nothing was saved, leaves no temporary file, and the run can start again.
  @Test func aFailedFirstSaveLeavesARestartableDirectory() throws {
    let (directory, images) = try Self.directoryWithImages()
    let run = directory.file("run")
    let arguments = VAEExitTests.quickTraining(data: images, output: run)
    let quoted = ([vae.path] + arguments).map { "'\($0)'" }.joined(separator: " ")
    // SIGXFSZ ignored: the write fails with EFBIG instead of the signal ending the process.
    let full = try ReleaseBinary(name: "sh", explicitPath: "/bin/sh").run([
      "-c", "ulimit -f 2; trap '' XFSZ; exec \(quoted)",
    ])
    expectCleanFailure(full, mentioning: [run, "epoch 1 was not saved", "no epoch was saved"])
    #expect(
      (try? FileManager.default.contentsOfDirectory(atPath: run)) ?? [] == [], "\(full)")
    let resume = try vae.run(arguments + ["--resume"])
    expectCleanFailure(resume, mentioning: ["no run to --resume"])
    let again = try vae.run(arguments)
    #expect(again.status == 0, "\(again)")
  }

  /// A save that fails at an operation of epoch 2 (`VARIATIONAL_FAIL_AT_OPERATION`, as on a
  /// full disk) before or after its commit point says which epoch the directory holds, and
  /// `--resume` then ends with the files of an uninterrupted run.
  @Test(arguments: [(10, "no epoch was saved"), (80, "keeps epoch 1"), (170, "finishes that")])
  func aFailedSaveSaysWhatIsKeptAndResumes(operation: Int, fragment: String) throws {
    let directory = try TemporaryDirectory()
    let images = directory.file("images.npy")
    try VAEKillTests.writeImages(count: 64, toPath: images)
    let reference = directory.file("reference")
    let uninterrupted = try vae.run(VAEKillTests.training(data: images, output: reference))
    try #require(uninterrupted.status == 0, "\(uninterrupted)")
    let run = directory.file("run")
    let failed = try vae.run(
      VAEKillTests.training(data: images, output: run),
      extraEnvironment: ["VARIATIONAL_FAIL_AT_OPERATION": String(operation)])
    expectCleanFailure(failed, mentioning: ["No space left on device", fragment])
    var finish = try vae.run(VAEKillTests.training(data: images, output: run) + ["--resume"])
    if operation == 10 {
      expectCleanFailure(finish, mentioning: ["no run to --resume"])
      finish = try vae.run(VAEKillTests.training(data: images, output: run))
    }
    #expect(finish.status == 0, "\(finish)")
    for file in VAEKillTests.comparedFiles {
      #expect(
        FileManager.default.contents(atPath: run + "/" + file)
          == FileManager.default.contents(atPath: reference + "/" + file), "\(file)")
    }
    #expect(
      VAEKillTests.metricsWithoutTimings(in: run)
        == VAEKillTests.metricsWithoutTimings(in: reference))
  }

  /// SIGINT or SIGTERM during training stops after an epoch is saved, says so, exits 128 + the
  /// signal's number (130, 143), and flushes standard output first.
  @Test(arguments: [SIGINT, SIGTERM])
  func interruptStopsAfterASavedEpoch(signal: Int32) throws {
    let (directory, images) = try Self.directoryWithImages()
    let run = directory.file("run")
    let arguments = VAEExitTests.quickTraining(data: images, output: run).map {
      $0 == "1" ? "100000" : $0
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: vae.path)
    process.arguments = arguments
    let outputPath = directory.file("stdout")
    let errorPath = directory.file("stderr")
    _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
    _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
    let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
    let error = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
    process.standardOutput = output
    process.standardError = error
    let finished = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in finished.signal() }
    try process.run()
    let start = Date()
    while !FileManager.default.fileExists(atPath: run + "/metrics.jsonl")
      && Date().timeIntervalSince(start) < 30
    {
      usleep(10_000)
    }
    kill(process.processIdentifier, signal)
    if finished.wait(timeout: .now() + 30) == .timedOut {
      kill(process.processIdentifier, SIGKILL)
      finished.wait()
      Issue.record("vae train did not stop within 30 s of SIGINT")
    }
    try output.close()
    try error.close()
    let standardOutput = try String(contentsOfFile: outputPath, encoding: .utf8)
    let standardError = try String(contentsOfFile: errorPath, encoding: .utf8)
    #expect(process.terminationReason == .exit && process.terminationStatus == 128 + signal)
    #expect(standardError.contains("stopped after saving epoch"), "\(standardError)")
    let epochs = standardOutput.split(separator: "\n").filter {
      $0.hasPrefix("epoch ") && $0.contains("train ")
    }
    let saved = try String(contentsOfFile: run + "/metrics.jsonl", encoding: .utf8)
      .split(separator: "\n").count
    #expect(epochs.count == saved, "stdout: \(standardOutput)")
    #expect(standardError.contains("epoch \(saved) of 100000"), "\(standardError)")
  }
}
