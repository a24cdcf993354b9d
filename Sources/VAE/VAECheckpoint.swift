import Foundation
import Optimizers
import Serialization
import TensorCore

/// A training run on disk, in a directory:
///
/// | file | contents |
/// |---|---|
/// | `checkpoint.safetensors` | the weights, by name (`encoder.0.weight`, …), dense ones `[in, out]` |
/// | `training-state.safetensors` | Adam's moments, its step, the generator state |
/// | `config.json` | the model and training configuration |
/// | `metrics.jsonl` | one line of ``EpochMetrics`` per completed epoch |
///
/// An epoch's files are committed as one unit (`DirectoryTransaction`; see
/// `VAECheckpoint+Commit.swift`): whenever the process dies, the directory holds one complete
/// epoch once ``recover(_:)`` has run. Both safetensors files also record the epoch in their
/// metadata, so files mixed by hand are detected on loading.
public enum VAECheckpoint {
  /// The model's weights.
  public static let weightsFile = "checkpoint.safetensors"
  /// Adam's moments and step and the generator's state, for `--resume`.
  public static let trainingStateFile = "training-state.safetensors"
  /// The model, training and data configuration (``Configuration``).
  public static let configurationFile = "config.json"
  /// One line of ``EpochMetrics`` per epoch.
  public static let metricsFile = "metrics.jsonl"
  /// The `format` of `checkpoint.safetensors`'s metadata. Not `"pt"`: dense weights are
  /// `[in, out]`, the transpose of `nn.Linear.weight`, so the file is not a PyTorch
  /// `state_dict`. Loading ignores the field, so checkpoints that claimed `"pt"` still load.
  public static let checkpointFormat = "variational-vae-1"

  /// The contents of `config.json`.
  public struct Configuration: Codable, Equatable, Sendable {
    /// The file format's name and version, ``currentFormat``.
    public var format = Self.currentFormat
    /// The model's architecture and likelihood.
    public var model: VAEConfiguration
    /// How the model is trained.
    public var training: TrainingConfiguration
    /// The data the run was trained on; `nil` in runs written before it was recorded.
    public var data: VAEDataRecord?

    /// The only `format` this version reads.
    public static let currentFormat = "variational-vae-1"

    /// The configuration of a run.
    public init(
      model: VAEConfiguration, training: TrainingConfiguration, data: VAEDataRecord? = nil
    ) {
      self.model = model
      self.training = training
      self.data = data
    }
  }

  /// Writes the trainer's model, optimiser, generator, configuration (with the record of its
  /// data, if given) and metrics to `directory` (created if needed) as one unit (see
  /// ``commit(_:data:extraFiles:to:)``).
  public static func save<E, D>(
    _ trainer: VAETrainer<E, D>, data: VAEDataRecord? = nil, to directory: String
  ) throws {
    try commit(trainer, data: data, to: directory)
  }

  /// The files of a checkpoint of `trainer`, by name; `config.json` carries `data`, the record
  /// of the run's data.
  static func files<E, D>(
    of trainer: VAETrainer<E, D>, data: VAEDataRecord? = nil
  ) throws -> [(name: String, bytes: [UInt8])] {
    var files: [(name: String, bytes: [UInt8])] = []
    let epoch = String(trainer.completedEpochs)
    let configuration = Configuration(
      model: trainer.model.configuration, training: trainer.training, data: data)
    files.append((configurationFile, try encodeJSON(configuration)))

    var state: [String: SafeTensors.Entry] = [:]
    for (name, tensor) in trainer.optimizer.exportState() { state[name] = .float(tensor) }
    let generator = trainer.generator.state
    files.append(
      (
        trainingStateFile,
        SafeTensors.encode(
          state,
          metadata: [
            "epoch": epoch,
            "generator": [generator.0, generator.1, generator.2, generator.3].map(String.init)
              .joined(separator: " "),
          ])
      ))

    files.append(
      (
        weightsFile,
        SafeTensors.encode(
          weights(of: trainer.model), metadata: ["epoch": epoch, "format": checkpointFormat])
      ))

    var lines = ""
    for metrics in trainer.metrics {
      lines += String(decoding: try encodeJSON(metrics, pretty: false), as: UTF8.self) + "\n"
    }
    files.append((metricsFile, Array(lines.utf8)))
    return files
  }

  /// The weights of `model` by name.
  public static func weights<E, D>(of model: VariationalAutoencoder<E, D>) -> [String: SafeTensors
    .Entry]
  {
    var result: [String: SafeTensors.Entry] = [:]
    for (name, path) in zip(model.parameterNames, model.parameterKeyPaths) {
      result[name] = .float(model[keyPath: path])
    }
    return result
  }

  /// Reads `config.json` of the checkpoint in `directory`.
  public static func configuration(in directory: String) throws -> Configuration {
    let file = path(directory, configurationFile)
    guard let data = FileManager.default.contents(atPath: file) else {
      throw VAEError.checkpoint(
        path: file, message: "missing: is \(directory) a directory written by `vae train`?")
    }
    return try decodeConfiguration(data, path: file)
  }

  /// Decodes and validates the contents of a `config.json` read from `path` (used only in
  /// error messages); the fuzz target `fuzz-config` calls it on arbitrary bytes.
  ///
  /// - Throws: `VAEError.checkpoint` naming `path` for malformed JSON, missing or mistyped
  ///   fields and an invalid model configuration.
  package static func decodeConfiguration(_ data: Data, path: String) throws(VAEError)
    -> Configuration
  {
    do {
      let configuration = try JSONDecoder().decode(Configuration.self, from: data)
      guard configuration.format == Configuration.currentFormat else {
        throw VAEError.invalidConfiguration(
          "field 'format' is '\(configuration.format)', expected "
            + "'\(Configuration.currentFormat)'")
      }
      try configuration.model.validate()
      try configuration.training.validate()
      return configuration
    } catch let error as VAEError {
      throw VAEError.checkpoint(path: path, message: error.description)
    } catch let error as DecodingError {
      throw VAEError.checkpoint(path: path, message: describe(error))
    } catch {
      throw VAEError.checkpoint(path: path, message: "not a valid configuration: \(error)")
    }
  }

  /// A decoding error as one line naming the field (`model.likelihood`) and, for the
  /// enumerations, the values allowed.
  static func describe(_ error: DecodingError) -> String {
    func field(_ path: [any CodingKey]) -> String {
      path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
    let allowed: [String: [String]] = [
      "architecture": VAEConfiguration.Architecture.allCases.map(\.rawValue),
      "likelihood": VAEConfiguration.Likelihood.allCases.map(\.rawValue),
      "schedule": TrainingConfiguration.Schedule.allCases.map(\.rawValue),
    ]
    switch error {
    case .dataCorrupted(let context) where !context.codingPath.isEmpty:
      let name = context.codingPath.last?.stringValue ?? ""
      if let values = allowed[name] {
        return "field '\(field(context.codingPath))' has a value this version does not know; "
          + "expected one of \(values.joined(separator: ", "))"
      }
      return "field '\(field(context.codingPath))': \(context.debugDescription)"
    case .dataCorrupted(let context):
      return "not valid JSON: \(context.debugDescription)"
    case .keyNotFound(let key, let context):
      return "field '\(field(context.codingPath + [key]))' is missing"
    case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
      return "field '\(field(context.codingPath))' is not a valid \(type)"
    @unknown default:
      return "not a valid configuration: \(error)"
    }
  }

  /// The model saved in `directory`, whose configuration must match `E` and `D`'s
  /// architecture and whose tensors must all have the expected shapes.
  public static func loadModel<E, D>(
    from directory: String,
    as type: VariationalAutoencoder<E, D>.Type = VariationalAutoencoder<E, D>.self
  ) throws -> VariationalAutoencoder<E, D> {
    let configuration = try configuration(in: directory).model
    // The shapes come from a freshly initialised model of the same configuration.
    var generator = Xoshiro256StarStar(seed: 0)
    var model = VariationalAutoencoder<E, D>(configuration: configuration, using: &generator)
    let file = path(directory, weightsFile)
    let archive: SafeTensorsArchive
    do { archive = try SafeTensors.read(contentsOfFile: file) } catch {
      throw VAEError.checkpoint(path: file, message: error.message)
    }
    for (name, keyPath) in zip(model.parameterNames, model.parameterKeyPaths) {
      let tensor: Tensor<Float>
      do {
        tensor = try archive.float(name, shape: model[keyPath: keyPath].shape)
      } catch {
        throw VAEError.checkpoint(
          path: file,
          message:
            "\(error.message) (config.json describes a \(configuration.architecture.rawValue) "
            + "model with hidden sizes \(configuration.hiddenSizes) and latent dimension "
            + "\(configuration.latentDimension))")
      }
      let scalars = tensor.scalars
      if let index = scalars.firstIndex(where: { !$0.isFinite }) {
        throw VAEError.checkpoint(
          path: file,
          message: "tensor '\(name)' holds \(scalars[index]) at index \(index): its weights "
            + "are not finite (the run diverged, or the file is damaged)")
      }
      model[keyPath: keyPath] = tensor
    }
    return model
  }

  /// The whole training run saved in `directory`, ready to continue.
  public static func loadTrainer<E, D>(from directory: String) throws -> VAETrainer<E, D> {
    let configuration = try configuration(in: directory)
    let model: VariationalAutoencoder<E, D> = try loadModel(from: directory)
    let stateFile = path(directory, trainingStateFile)
    let state: SafeTensorsArchive
    do { state = try SafeTensors.read(contentsOfFile: stateFile) } catch {
      throw VAEError.checkpoint(path: stateFile, message: error.message)
    }
    let weightsEpoch = try SafeTensors.read(contentsOfFile: path(directory, weightsFile))
      .metadata["epoch"]
    guard let epochText = state.metadata["epoch"], let epoch = Int(epochText),
      epochText == weightsEpoch
    else {
      throw VAEError.checkpoint(
        path: stateFile,
        message: "its epoch (\(state.metadata["epoch"] ?? "none")) differs from "
          + "\(weightsFile)'s (\(weightsEpoch ?? "none")): the checkpoint was interrupted; "
          + "start a new run")
    }
    let words = (state.metadata["generator"] ?? "").split(separator: " ").compactMap { UInt64($0) }
    guard words.count == 4, words != [0, 0, 0, 0] else {
      throw VAEError.checkpoint(path: stateFile, message: "metadata 'generator' is not 4 words")
    }
    var generator = Xoshiro256StarStar(seed: 0)
    generator.state = (words[0], words[1], words[2], words[3])
    var optimizer = Adam(
      for: model, learningRate: configuration.training.learningRate,
      beta1: configuration.training.beta1, beta2: configuration.training.beta2)
    var tensors: [String: Tensor<Float>] = [:]
    for (name, entry) in state.entries {
      guard case .float(let tensor) = entry else { continue }
      tensors[name] = tensor
    }
    do { try optimizer.importState(tensors, matching: model) } catch {
      throw VAEError.checkpoint(path: stateFile, message: "\(error)")
    }
    let metrics = try readMetrics(in: directory).prefix(epoch)
    guard metrics.count == epoch else {
      throw VAEError.checkpoint(
        path: path(directory, metricsFile),
        message: "has \(metrics.count) epochs of metrics, the checkpoint is at epoch \(epoch)")
    }
    return VAETrainer(
      model: model, optimizer: optimizer, generator: generator,
      training: configuration.training, metrics: Array(metrics))
  }

  /// The metrics recorded in `directory`'s `metrics.jsonl`.
  public static func readMetrics(in directory: String) throws -> [EpochMetrics] {
    let file = path(directory, metricsFile)
    guard let data = FileManager.default.contents(atPath: file) else { return [] }
    var result: [EpochMetrics] = []
    for (number, line) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated()
    {
      do {
        result.append(try JSONDecoder().decode(EpochMetrics.self, from: Data(line.utf8)))
      } catch {
        throw VAEError.checkpoint(path: file, message: "line \(number + 1) is not valid metrics")
      }
    }
    return result
  }

  static func path(_ directory: String, _ file: String) -> String {
    (directory as NSString).appendingPathComponent(file)
  }

  static func encodeJSON(_ value: some Encodable, pretty: Bool = true) throws -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys] : [.sortedKeys]
    return Array(try encoder.encode(value)) + (pretty ? [UInt8(ascii: "\n")] : [])
  }
}
