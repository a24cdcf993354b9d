import Foundation
import Testing
import VAE

/// `config.json` as `VAECheckpoint.configuration(in:)` reads it, on the inputs `scripts/fuzz`
/// (fuzz-config) feeds it.
@Suite struct ConfigurationFileTests {
  /// A `config.json` with the default settings and the `model` fields in `changes` (JSON
  /// values by field name) replaced.
  static func file(_ changes: [String: String] = [:]) -> Data {
    let model = [
      "architecture": #""mlp""#, "channels": "1", "fixedStandardDeviation": "0.1",
      "height": "28", "hiddenSizes": "[400]", "latentDimension": "20",
      "likelihood": #""bernoulli""#, "width": "28",
    ].merging(changes) { $1 }
    let fields = model.sorted { $0.key < $1.key }.map { #""\#($0.key)": \#($0.value)"# }
    let training =
      #""batchSize": 128, "beta": 1, "beta1": 0.9, "beta2": 0.999, "binarize": false, "#
      + #""epochs": 10, "importanceSamples": 1, "klWarmupEpochs": 0, "learningRate": 0.001, "#
      + #""samples": 1, "schedule": "constant", "seed": 1"#
    let text = #"{"format": "variational-vae-1", "model": {"#
      + fields.joined(separator: ", ") + #"}, "training": {"# + training + "}}"
    return Data(text.utf8)
  }

  @Test func theDefaultsRoundTrip() throws {
    let configuration = try VAECheckpoint.decodeConfiguration(Self.file(), path: "config.json")
    #expect(configuration.model == VAEConfiguration())
    #expect(configuration.training == TrainingConfiguration())
  }

  /// Found by the seed corpus of fuzz-config: sizes whose product overflows `Int` trapped in
  /// `inputSize`, and sizes that fit made the model ask for terabytes before its checkpoint
  /// was read.
  @Test(arguments: [
    (["channels": "1099511627776", "height": "1099511627776", "width": "1099511627776"],
      "is too large"),
    (["latentDimension": "9223372036854775807"], "is too large"),
    (["height": "3037000500", "width": "3037000500"], "is too large"),
    (["height": "100000", "width": "100000"], "need a weight matrix of more than 2147483648"),
    (["hiddenSizes": "[400, 9223372036854775807]"], "need a weight matrix"),
    (["hiddenSizes": "[3000000, 3000000]", "latentDimension": "2"], "need a weight matrix"),
  ])
  func hugeSizesAreRefused(changes: [String: String], message: String) {
    #expect {
      _ = try VAECheckpoint.decodeConfiguration(Self.file(changes), path: "config.json")
    } throws: { error in
      "\(error)".contains("config.json") && "\(error)".contains(message)
    }
  }

  @Test func theLargestAcceptedModelIsAccepted() throws {
    // 4 × 1 × 512 × 512 flattened conv features × 2048 hidden units = 2³¹ weights.
    _ = try VAECheckpoint.decodeConfiguration(
      Self.file(["height": "512", "width": "512", "hiddenSizes": "[2048]"]), path: "config.json")
  }
}
