import Foundation
import NeuralNetworks
import Serialization
import TensorCore

extension TopicModelDirectory {
  /// The F32 tensors of a ProdLDA model file: the layers' weights (`[in, out]`) and biases, β
  /// as `topic_word` (`[K, V]`), and each batch normalisation's fixed mean and variance.
  static let prodLDALayers = ["hidden1", "hidden2", "mean_head", "log_variance_head"]
  static let prodLDANormalizations = ["bn_mean", "bn_log_variance", "bn_decoder"]

  /// Writes a ProdLDA model into `directory` (which must exist).
  public static func save(_ model: ProdLDA, tokenizer: Tokenizer, to directory: String) throws {
    let network = model.network
    let alpha = model.prior.concentrations
    let configuration = Configuration(
      model: "prodlda", topics: model.topicCount,
      documentTopicPrior: alpha.reduce(0, +) / Double(alpha.count), topicWordPrior: nil,
      hiddenSize: network.hiddenSize, minimumWordLength: tokenizer.minimumLength,
      vocabulary: model.vocabulary.words)
    var tensors: [String: SafeTensors.Entry] = [
      "topic_word": .float(network.topicWord), "word_offset": .float(network.wordOffset),
    ]
    let layers = [network.hidden1, network.hidden2, network.meanHead, network.logVarianceHead]
    for (name, layer) in zip(prodLDALayers, layers) {
      tensors[name + ".weight"] = .float(layer.weight)
      tensors[name + ".bias"] = .float(layer.bias)
    }
    let statistics = [
      model.statistics.mean, model.statistics.logVariance, model.statistics.decoder,
    ]
    for (name, statistic) in zip(prodLDANormalizations, statistics) {
      tensors[name + ".mean"] = .float(statistic.mean)
      tensors[name + ".variance"] = .float(statistic.variance)
    }
    try SafeTensors.write(
      tensors, metadata: ["model": "prodlda"], toPath: path(directory, modelFile))
    try writeJSON(configuration, toPath: path(directory, configurationFile))
  }

  static func loadProdLDA(_ directory: String, _ configuration: Configuration)
    throws(TopicModelError) -> ProdLDA
  {
    let configurationPath = path(directory, configurationFile)
    guard let hidden = configuration.hiddenSize, hidden >= 1 else {
      throw TopicModelError(.invalidModel, path: configurationPath, "no hidden_size")
    }
    let vocabulary = Vocabulary(words: configuration.vocabulary)
    guard vocabulary.words == configuration.vocabulary else {
      throw TopicModelError(
        .invalidModel, path: configurationPath, "the vocabulary is not sorted and distinct")
    }
    let (k, v) = (configuration.topics, vocabulary.count)
    let modelPath = path(directory, modelFile)
    do {
      let file = try SafeTensors.read(contentsOfFile: modelPath)
      let shapes = [[v, hidden], [hidden, hidden], [hidden, k], [hidden, k]]
      var layers: [Dense<Float>] = []
      for (name, shape) in zip(prodLDALayers, shapes) {
        layers.append(
          Dense(
            weight: try file.float(name + ".weight", shape: shape),
            bias: try file.float(name + ".bias", shape: [shape[1]]),
            activation: layers.count < 2 ? .softplus : .identity))
      }
      var statistics: [BatchNormalizationStatistics] = []
      for (name, size) in zip(prodLDANormalizations, [k, k, v]) {
        statistics.append(
          BatchNormalizationStatistics(
            mean: try file.float(name + ".mean", shape: [size]),
            variance: try file.float(name + ".variance", shape: [size])))
      }
      let network = ProdLDANetwork(
        hidden1: layers[0], hidden2: layers[1], meanHead: layers[2], logVarianceHead: layers[3],
        topicWord: try file.float("topic_word", shape: [k, v]),
        wordOffset: try file.float("word_offset", shape: [v]))
      let prior: LaplaceDirichletPrior
      do {
        prior = try LaplaceDirichletPrior(
          topics: k, concentration: configuration.documentTopicPrior)
      } catch {
        throw TopicModelError(.invalidModel, path: configurationPath, error.message)
      }
      do {
        return try ProdLDA(
          vocabulary: vocabulary, network: network,
          statistics: ProdLDAStatistics(
            mean: statistics[0], logVariance: statistics[1], decoder: statistics[2]),
          prior: prior)
      } catch {
        throw TopicModelError(.invalidModel, path: modelPath, error.message)
      }
    } catch let error as TopicModelError {
      throw error
    } catch let error as SafeTensorsError {
      throw TopicModelError(.invalidModel, path: modelPath, error.message)
    } catch {
      throw TopicModelError(.invalidModel, path: modelPath, "\(error)")
    }
  }
}
