import ArgumentParser
import Foundation
import TestSupport
import Testing

@testable import vae

/// The `vae` command in process: its help texts, the exit codes and messages of bad command
/// lines, and the files of a short train → evaluate → sample session. (The release binary's
/// own runs are in ReleaseExitTests.)
@Suite struct VAECommandTests {
  /// Parses `arguments` as the command line would and runs the command.
  func run(_ arguments: [String]) throws {
    var command = try VAECommand.parseAsRoot(arguments)
    try command.run()
  }

  /// The error that parsing `arguments` throws, or nil if they parse.
  func parseError(_ arguments: [String]) -> (any Error)? {
    do {
      _ = try VAECommand.parseAsRoot(arguments)
      return nil
    } catch {
      return error
    }
  }

  @Test func rootHelpListsEverySubcommandAndTheDefault() {
    let help = VAECommand.helpMessage()
    for name in ["train", "evaluate", "sample", "reconstruct", "interpolate", "embed"] {
      #expect(help.contains(name), "vae --help lacks \(name)")
    }
    #expect(help.contains("train (default)"))
    #expect(help.contains("784-400-20 MLP"))
  }

  /// Each subcommand's help names its own flags, with the defaults a user relies on.
  @Test(arguments: [
    ("train", ["--epochs", "--output", "--resume", "--architecture", "--likelihood", "--data"]),
    ("evaluate", ["--checkpoint", "--importance-samples", "--limit", "--json", "(default: 1000)"]),
    ("sample", ["--checkpoint", "--count", "--output", "(default: 64)"]),
    ("reconstruct", ["--checkpoint", "--output"]),
    ("interpolate", ["--checkpoint", "--output"]),
    ("embed", ["--checkpoint", "--output"]),
  ])
  func subcommandHelp(_ subcommand: String, _ fragments: [String]) throws {
    let command = try #require(
      VAECommand.configuration.subcommands.first { $0.configuration.commandName == subcommand })
    let help = VAECommand.helpMessage(for: command)
    for fragment in fragments {
      #expect(help.contains(fragment), "vae \(subcommand) --help lacks \(fragment)")
    }
  }

  @Test func versionExitsCleanly() throws {
    let error = try #require(parseError(["--version"]))
    #expect(VAECommand.exitCode(for: error) == .success)
    #expect(VAECommand.message(for: error) == VAECommand.version)
  }

  /// Bad flags stop before any work with the usage exit code (64) and a message that names
  /// the flag and what was expected.
  @Test(arguments: [
    (["train", "--epochs", "0"], "--epochs must be positive, got 0"),
    (["train", "--hidden", "4,x"], "--hidden must be positive integers separated by commas"),
    (["train", "--likelihood", "poisson"], "poisson"),
    (
      ["evaluate", "--importance-samples", "0", "--checkpoint", "run"],
      "--importance-samples must be positive"
    ),
    (["evaluate", "--limit=0", "--checkpoint", "run"], "--limit must be positive, got 0"),
    (["train", "--no-such-flag"], "--no-such-flag"),
  ])
  func badFlags(_ arguments: [String], _ fragment: String) throws {
    let error = try #require(parseError(arguments), "\(arguments) parsed")
    #expect(VAECommand.exitCode(for: error) == .validationFailure)
    #expect(VAECommand.message(for: error).contains(fragment), "\(VAECommand.message(for: error))")
  }

  /// A short session on 40 images of 4 × 4: `train` writes the run directory with one line of
  /// metrics, `evaluate --json` the report whose bound is no better than log p(x), `sample`
  /// a PNG.
  @Test func trainEvaluateAndSample() throws {
    let directory = try TemporaryDirectory()
    let header = (1...16).map { "p\($0)" }.joined(separator: ",")
    let rows = (0..<40).map { image in
      (0..<16).map { pixel in "\((image * 37 + pixel * 53) % 256)" }.joined(separator: ",")
    }
    try ([header] + rows).joined(separator: "\n").appending("\n")
      .write(toFile: directory.file("images.csv"), atomically: true, encoding: .utf8)
    let run = directory.file("run")
    try self.run([
      "train", "--data", directory.file("images.csv"), "--image-shape", "4x4", "--epochs", "1",
      "--batch-size", "8", "--hidden", "8", "--latent-dim", "2", "--output", run,
    ])
    for file in ["checkpoint.safetensors", "training-state.safetensors", "config.json",
      "metrics.jsonl", "samples.png", "reconstructions.png", "curves.png"]
    {
      #expect(FileManager.default.fileExists(atPath: run + "/" + file), "no \(file)")
    }
    let metrics = try String(contentsOfFile: run + "/metrics.jsonl", encoding: .utf8)
      .split(separator: "\n")
    #expect(metrics.count == 1)
    let epoch = try #require(
      JSONSerialization.jsonObject(with: Data(metrics[0].utf8)) as? [String: Any])
    #expect(epoch["epoch"] as? Int == 1)
    #expect((epoch["test_negative_elbo"] as? Double)?.isFinite == true)

    try self.run([
      "evaluate", "--checkpoint", run, "--importance-samples", "50", "--json",
      directory.file("evaluation.json"),
    ])
    let report = try #require(
      JSONSerialization.jsonObject(
        with: Data(contentsOf: URL(fileURLWithPath: directory.file("evaluation.json"))))
        as? [String: Any])
    let negativeELBO = try #require(report["negative_elbo"] as? Double)
    let logLikelihood = try #require(report["log_likelihood"] as? Double)
    #expect(report["importance_samples"] as? Int == 50)
    #expect(report["images"] as? Int == 4)
    // log p(x) ≥ ELBO, up to the Monte-Carlo error of a one-draw ELBO on four images.
    #expect(logLikelihood >= -negativeELBO - 1, "log p(x) \(logLikelihood), −ELBO \(-negativeELBO)")

    try self.run([
      "sample", "--checkpoint", run, "--count", "4", "--output", directory.file("samples.png"),
    ])
    let png = try Data(contentsOf: URL(fileURLWithPath: directory.file("samples.png")))
    #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
  }
}
