import Foundation
import TestSupport
import Testing

/// `vae` and `advi` built with MPI (`swift build -c release --traits MPI --scratch-path
/// .build-mpi`, as scripts/test does) run under `mpirun --oversubscribe -np N` on this machine:
/// the numbers of N processes against those of one, a killed process, and the build without
/// MPI started by mpirun.
///
/// Tolerances: with one process the MPI build takes the same path as the plain build, so the
/// numbers are equal. With two, the sums over a batch are split in two and reassociated. For
/// `vae train` (Float gradients, one epoch of Adam) the measured relative differences of the
/// epoch's metrics were below 5·10⁻⁷ (after two epochs, 3.5·10⁻⁷); the bound is 10⁻⁵, while
/// a batch shared wrongly (a share left out or counted twice) moves them by percents. For
/// minibatch ADVI (Double) the measured differences were below 10⁻¹⁵; the bound is 10⁻¹⁰.
@Suite(.serialized) struct MPIRunTests {
  /// The directory of the MPI build's executables: `VARIATIONAL_MPI_RELEASE_DIRECTORY` when set,
  /// else `.build-mpi/release` in the package (three levels above the release directory).
  static let directory: URL = {
    if let path = ProcessInfo.processInfo.environment["VARIATIONAL_MPI_RELEASE_DIRECTORY"] {
      return URL(fileURLWithPath: path)
    }
    return ReleaseBinary.directory.deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent(".build-mpi/release")
  }()

  /// What every `mpirun` here needs: Open MPI refuses to run as root without these (CI runs as
  /// root), and one thread per process on two cores.
  static let environment = [
    "OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
    "VARIATIONAL_THREADS": "1", "OMPI_MCA_rmaps_base_oversubscribe": "1",
  ]

  /// `mpirun -np processes program arguments…`, with the environment above.
  static func mpirun(
    _ processes: Int, _ program: String, _ arguments: [String], timeout: Double = 300
  ) throws -> ReleaseBinary.Outcome {
    let executable = directory.appendingPathComponent(program).path
    guard FileManager.default.isExecutableFile(atPath: executable) else {
      throw ReleaseBinary.Missing(path: executable)
    }
    return try ReleaseBinary(name: "mpirun", explicitPath: "/usr/bin/mpirun").run(
      ["--oversubscribe", "-np", String(processes), executable] + arguments,
      timeout: timeout, extraEnvironment: environment)
  }

  /// The JSON object in the file at `path`.
  static func jsonObject(_ path: String) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(
      with: Data(contentsOf: URL(fileURLWithPath: path)))
    return try #require(object as? [String: Any])
  }

  /// The lines of `metrics.jsonl` in `directory` as dictionaries.
  static func metrics(in directory: String) throws -> [[String: Any]] {
    let text = try String(contentsOfFile: directory + "/metrics.jsonl", encoding: .utf8)
    return try text.split(separator: "\n").map {
      try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
    }
  }

  static let compared = [
    "train_objective", "train_negative_elbo", "train_reconstruction", "train_kl",
    "test_negative_elbo",
  ]

  static func training(_ output: String) -> [String] {
    ["train", "--limit-train", "1024", "--epochs", "1", "--output", output]
  }

  @Test func trainingOnTwoProcessesMatchesOne() throws {
    let scratch = try TemporaryDirectory()
    let single = try ReleaseBinary(name: "vae").run(Self.training(scratch.file("single")))
    try #require(single.status == 0 && !single.signalled, "\(single)")
    let one = try Self.mpirun(1, "vae", Self.training(scratch.file("one")))
    try #require(one.status == 0 && !one.signalled, "\(one)")
    let two = try Self.mpirun(2, "vae", Self.training(scratch.file("two")))
    try #require(two.status == 0 && !two.signalled, "\(two)")
    let again = try Self.mpirun(2, "vae", Self.training(scratch.file("again")))
    try #require(again.status == 0 && !again.signalled, "\(again)")

    let reference = try #require(try Self.metrics(in: scratch.file("single")).first)
    let alone = try #require(try Self.metrics(in: scratch.file("one")).first)
    let shared = try #require(try Self.metrics(in: scratch.file("two")).first)
    let repeated = try #require(try Self.metrics(in: scratch.file("again")).first)
    for key in Self.compared {
      // The same -np and seed: the same numbers.
      #expect(repeated[key] as? Double == shared[key] as? Double, "\(key) from run to run")
      let value = try #require(reference[key] as? Double, "\(key) in \(reference)")
      #expect(alone[key] as? Double == value, "\(key): -np 1 \(alone[key] ?? "none")")
      let other = try #require(shared[key] as? Double, "\(key) in \(shared)")
      #expect(abs(other - value) <= 1e-5 * abs(value), "\(key): -np 2 \(other), one \(value)")
    }
    // 1024 images in batches of 128: one all-reduce per step, on two processes.
    #expect(shared["processes"] as? Int == 2)
    #expect(shared["allreduce_calls"] as? Int == 8)
    #expect(alone["processes"] == nil)
    // Process 0 alone logs.
    let summaries = two.standardOutput.split(separator: "\n").filter {
      $0.hasPrefix("epoch 1/1 ")
    }
    #expect(summaries.count == 1, "\(two)")

    // Evaluation shared by two processes against one.
    let evaluation = [
      "evaluate", "--checkpoint", scratch.file("two"), "--limit", "300",
      "--importance-samples", "20",
    ]
    let plain = try ReleaseBinary(name: "vae").run(evaluation + ["--json", scratch.file("e1")])
    try #require(plain.status == 0, "\(plain)")
    let parallel = try Self.mpirun(2, "vae", evaluation + ["--json", scratch.file("e2")])
    try #require(parallel.status == 0, "\(parallel)")
    let e1 = try Self.jsonObject(scratch.file("e1"))
    let e2 = try Self.jsonObject(scratch.file("e2"))
    for key in ["negative_elbo", "log_likelihood"] {
      let a = try #require(e1[key] as? Double)
      let b = try #require(e2[key] as? Double)
      #expect(abs(a - b) <= 1e-9 * abs(a), "\(key): one \(a), two \(b)")
    }
  }

  @Test func minibatchADVIOnTwoProcessesMatchesOne() throws {
    let scratch = try TemporaryDirectory()
    // A linear model with a fixed pattern of features and noise.
    var csv = "x1,x2,y\n"
    for row in 0..<2000 {
      let (x1, x2) = (sin(Double(row) * 1.3), cos(Double(row) * 0.7))
      let noise = 0.3 * sin(Double(row) * 12.9898)
      csv += "\(x1),\(x2),\(0.5 + 1.5 * x1 - 2 * x2 + noise)\n"
    }
    let data = try scratch.write(csv, to: "data.csv")
    func arguments(_ json: String) -> [String] {
      [
        "linear-regression", "--csv", data, "--target", "y", "--batch-size", "64", "--quiet",
        "--json", scratch.file(json),
      ]
    }
    let single = try ReleaseBinary(name: "advi").run(arguments("single.json"))
    try #require(single.status == 0, "\(single)")
    let one = try Self.mpirun(1, "advi", arguments("one.json"))
    try #require(one.status == 0, "\(one)")
    let two = try Self.mpirun(2, "advi", arguments("two.json"))
    try #require(two.status == 0, "\(two)")
    // Process 0 alone reports.
    #expect(
      two.standardOutput.components(separatedBy: "stochastic fit").count == 2, "\(two)")

    func parameters(_ name: String) throws -> [String: [String: Double]] {
      try #require(Self.jsonObject(scratch.file(name))["parameters"] as? [String: [String: Double]])
    }
    let reference = try parameters("single.json")
    #expect(try parameters("one.json") == reference)
    let shared = try parameters("two.json")
    #expect(Set(shared.keys) == ["intercept", "x1", "x2", "sigma"])
    for (name, values) in reference {
      for key in ["mean", "sd"] {
        let a = try #require(values[key])
        let b = try #require(shared[name]?[key])
        #expect(abs(a - b) <= 1e-10 * abs(a), "\(name) \(key): one \(a), two \(b)")
      }
    }
  }

  /// The PIDs of the processes whose environment says they are rank `rank` of an MPI job and
  /// whose command line mentions `marker`.
  static func processes(rank: Int, mentioning marker: String) -> [Int32] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap { entry in
      guard let pid = Int32(entry),
        let command = try? String(contentsOfFile: "/proc/\(entry)/cmdline", encoding: .utf8),
        command.contains(marker), !command.hasPrefix("/usr/bin/mpirun"),
        let environment = FileManager.default.contents(atPath: "/proc/\(entry)/environ")
      else { return nil }
      let variables = environment.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
      return variables.contains("OMPI_COMM_WORLD_RANK=\(rank)") ? pid : nil
    }
  }

  @Test func aKilledProcessEndsTheJobAndTheRunResumes() throws {
    let scratch = try TemporaryDirectory()
    let output = scratch.file("killed-run")
    let arguments = ["train", "--limit-train", "2048", "--epochs", "30", "--output", output]
    let job = Process()
    job.executableURL = URL(fileURLWithPath: "/usr/bin/mpirun")
    job.arguments =
      ["--oversubscribe", "-np", "2", Self.directory.appendingPathComponent("vae").path]
      + arguments
    job.environment = ProcessInfo.processInfo.environment.merging(Self.environment) { $1 }
    let errorFile = scratch.file("stderr")
    _ = FileManager.default.createFile(atPath: errorFile, contents: nil)
    job.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorFile))
    job.standardOutput = FileHandle.nullDevice
    let finished = DispatchSemaphore(value: 0)
    job.terminationHandler = { _ in finished.signal() }
    try job.run()
    // Once an epoch is saved, kill process 1 in the middle of the next.
    let deadline = Date().addingTimeInterval(120)
    while !FileManager.default.fileExists(atPath: output + "/metrics.jsonl") && Date() < deadline {
      Thread.sleep(forTimeInterval: 0.1)
    }
    let victims = Self.processes(rank: 1, mentioning: output)
    try #require(victims.count == 1, "rank 1 of the job: \(victims)")
    let killedAt = Date()
    kill(victims[0], SIGKILL)
    let ended = finished.wait(timeout: .now() + 30) == .success
    if !ended { job.terminate() }
    #expect(ended, "mpirun did not end within 30 s of the kill")
    guard ended else { return }
    let seconds = Date().timeIntervalSince(killedAt)
    let standardError = try String(contentsOfFile: errorFile, encoding: .utf8)
    #expect(job.terminationStatus != 0)
    #expect(
      standardError.contains("rank 1") && standardError.contains("signal 9"), "\(standardError)")
    #expect(standardError.contains("keeps its last saved epoch"), "\(standardError)")
    #expect(seconds < 15, "the job took \(seconds) s to end")

    // The run continues from its last saved epoch.
    let saved = try Self.metrics(in: output).count
    try #require(saved >= 1 && saved < 30)
    let resumed = try Self.mpirun(2, "vae", arguments + ["--resume", "--stop-after", "1"])
    #expect(resumed.status == 0, "\(resumed)")
    #expect(try Self.metrics(in: output).count == saved + 1)
  }

  @Test func theBuildWithoutMPIRefusesToRunAsSeveralProcesses() throws {
    let scratch = try TemporaryDirectory()
    let outcome = try ReleaseBinary(name: "mpirun", explicitPath: "/usr/bin/mpirun").run(
      [
        "--oversubscribe", "-np", "2", ReleaseBinary(name: "vae").path, "train", "--output",
        scratch.file("run"),
      ], extraEnvironment: Self.environment)
    #expect(outcome.status != 0, "\(outcome)")
    expect(
      outcome.standardError, mentions: ["one of 2 MPI processes", "--traits MPI"], in: outcome)
    #expect(!FileManager.default.fileExists(atPath: scratch.file("run")))
  }
}
