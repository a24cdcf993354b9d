import Foundation
import Serialization
import TensorCore

/// A fitted model's directory as `topics fit` writes it and `topics infer` reads it:
/// `model.safetensors` (λ as the F64 tensor `topic_word`, K × V) and `config.json` (the model
/// kind, K, α, η, the vocabulary and the tokenizer's settings). Each file is written atomically
/// (a temporary file, `fsync`, then a rename).
public enum TopicModelDirectory {
  /// The settings saved beside λ.
  public struct Configuration: Codable, Sendable, Equatable {
    /// `"lda"` or `"prodlda"`.
    public var model: String
    /// K, the number of topics.
    public var topics: Int
    /// α of the symmetric Dirichlet prior on each document's topic proportions (for ProdLDA,
    /// the mean of the concentrations; loading gives the symmetric prior of that α).
    public var documentTopicPrior: Double
    /// η (LDA only).
    public var topicWordPrior: Double?
    /// The width of the encoder's hidden layers (ProdLDA only).
    public var hiddenSize: Int?
    /// The tokenizer's minimum word length; the stop list is the built-in English one.
    public var minimumWordLength: Int
    /// The vocabulary, in column order.
    public var vocabulary: [String]

    enum CodingKeys: String, CodingKey {
      case model, topics, vocabulary
      case documentTopicPrior = "document_topic_prior"
      case topicWordPrior = "topic_word_prior"
      case minimumWordLength = "minimum_word_length"
      case hiddenSize = "hidden_size"
    }
  }

  /// The model file's name.
  public static let modelFile = "model.safetensors"
  /// The settings file's name.
  public static let configurationFile = "config.json"

  /// Writes `model` into `directory` (which must exist).
  public static func save(
    _ model: LatentDirichletAllocation, tokenizer: Tokenizer, to directory: String
  ) throws {
    let configuration = Configuration(
      model: "lda", topics: model.topicCount, documentTopicPrior: model.documentTopicPrior,
      topicWordPrior: model.topicWordPrior, hiddenSize: nil,
      minimumWordLength: tokenizer.minimumLength, vocabulary: model.vocabulary.words)
    let lambda = Tensor<Double>(
      shape: [model.topicCount, model.vocabulary.count], scalars: model.topicWordConcentrations)
    try SafeTensors.write(
      ["topic_word": .double(lambda)], metadata: ["model": "lda"],
      toPath: path(directory, modelFile))
    try writeJSON(configuration, toPath: path(directory, configurationFile))
  }

  /// Reads the model (LDA or ProdLDA) and its tokenizer from `directory`.
  ///
  /// - Throws: ``TopicModelError`` (`.invalidModel`, `.unreadable`) naming the file.
  public static func loadModel(from directory: String) throws(TopicModelError)
    -> (model: any FittedTopicModel, tokenizer: Tokenizer)
  {
    let configuration = try readConfiguration(from: directory)
    if configuration.model == "prodlda" {
      return (
        try loadProdLDA(directory, configuration),
        Tokenizer(minimumLength: configuration.minimumWordLength)
      )
    }
    let (model, tokenizer) = try load(from: directory)
    return (model, tokenizer)
  }

  static func readConfiguration(from directory: String) throws(TopicModelError)
    -> Configuration
  {
    let configurationPath = path(directory, configurationFile)
    guard let data = FileManager.default.contents(atPath: configurationPath) else {
      throw TopicModelError(
        .unreadable, path: configurationPath,
        "cannot read the file; is \(directory) a directory written by `topics fit`?")
    }
    let configuration: Configuration
    do {
      configuration = try JSONDecoder().decode(Configuration.self, from: data)
    } catch {
      throw TopicModelError(
        .invalidModel, path: configurationPath, "not a topic model's config.json: \(error)")
    }
    guard configuration.model == "lda" || configuration.model == "prodlda" else {
      throw TopicModelError(
        .invalidModel, path: configurationPath, "unknown model \"\(configuration.model)\"")
    }
    return configuration
  }

  /// Reads an LDA model and its tokenizer from `directory`.
  ///
  /// - Throws: ``TopicModelError`` (`.invalidModel`, `.unreadable`) naming the file.
  public static func load(from directory: String) throws(TopicModelError)
    -> (model: LatentDirichletAllocation, tokenizer: Tokenizer)
  {
    let configurationPath = path(directory, configurationFile)
    let configuration = try readConfiguration(from: directory)
    guard configuration.model == "lda", let topicWordPrior = configuration.topicWordPrior else {
      throw TopicModelError(
        .invalidModel, path: configurationPath,
        "model \"\(configuration.model)\" is not LDA (or has no topic_word_prior)")
    }
    let modelPath = path(directory, modelFile)
    let lambda: Tensor<Double>
    do {
      lambda = try SafeTensors.read(contentsOfFile: modelPath).double(
        "topic_word", shape: [configuration.topics, configuration.vocabulary.count])
    } catch {
      throw TopicModelError(.invalidModel, path: modelPath, error.message)
    }
    let vocabulary = Vocabulary(words: configuration.vocabulary)
    guard vocabulary.words == configuration.vocabulary else {
      throw TopicModelError(
        .invalidModel, path: configurationPath, "the vocabulary is not sorted and distinct")
    }
    let model: LatentDirichletAllocation
    do {
      model = try LatentDirichletAllocation(
        vocabulary: vocabulary, topicCount: configuration.topics,
        documentTopicPrior: configuration.documentTopicPrior,
        topicWordPrior: topicWordPrior, topicWordConcentrations: lambda.scalars)
    } catch {
      throw TopicModelError(.invalidModel, path: modelPath, error.message)
    }
    return (model, Tokenizer(minimumLength: configuration.minimumWordLength))
  }

  /// Writes `value` as pretty-printed JSON with sorted keys, atomically.
  public static func writeJSON(_ value: some Encodable, toPath path: String) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    var data = try encoder.encode(value)
    data.append(UInt8(ascii: "\n"))
    try AtomicFile.write(data, toPath: path)
  }

  static func path(_ directory: String, _ name: String) -> String {
    (directory as NSString).appendingPathComponent(name)
  }
}
