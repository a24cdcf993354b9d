import ArgumentParser
import Foundation
import TopicModels

/// `topics fit`: fits a topic model and writes it with its reports.
struct FitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fit",
    abstract: "Fit a topic model to a corpus.",
    discussion: """
      Writes to --output: model.safetensors and config.json (the model, for `topics infer`), \
      topics.txt (each topic's top 10 words), document-topics.csv (every document's topic \
      proportions), metrics.json (held-out perplexity, NPMI coherence of each topic's top 10 \
      words on the held-out documents and their mean, seconds) and topics.png.
      """)

  @OptionGroup var corpusOptions: CorpusOptions

  @Option(help: "The number of topics K.")
  var topics = 20

  @Option(help: "The model: lda or prodlda (Srivastava & Sutton 2017).")
  var model = "lda"

  @Option(help: "The fit: online (stochastic variational Bayes) or batch (LDA).")
  var method = "online"

  @Option(help: "Passes over the training documents (default: 10).")
  var passes: Int?

  @Option(help: "Documents per minibatch (default: 128 for online LDA, 200 for ProdLDA).")
  var batchSize: Int?

  @Option(help: "Adam's learning rate (ProdLDA).")
  var learningRate = 0.002

  @Option(help: "The width of the encoder's two hidden layers (ProdLDA).")
  var hiddenSize = 100

  @Option(help: "Dropout probability on the encoder's hidden layer and on θ (ProdLDA).")
  var dropout = 0.2

  @Option(help: "τ₀ of the online step size (τ₀ + t)^(−κ).")
  var learningOffset = 10.0

  @Option(help: "κ of the online step size, in (0.5, 1].")
  var learningDecay = 0.7

  @Option(help: "The documents' Dirichlet prior α (default 1/K for LDA, 1 for ProdLDA).")
  var alpha: Double?

  @Option(help: "The topics' Dirichlet prior η (default 1/K).")
  var eta: Double?

  @Option(help: "The seed of the fit alone (default: --seed, which also draws the split).")
  var fitSeed: UInt64?

  @Option(help: "The directory to write the model and reports to.")
  var output: String

  var options: LDAFitOptions {
    var options = LDAFitOptions()
    options.method = LDAFitOptions.Method(rawValue: method) ?? .online
    options.passes = passes ?? 10
    options.batchSize = batchSize ?? 128
    options.learningOffset = learningOffset
    options.learningDecay = learningDecay
    options.documentTopicPrior = alpha
    options.topicWordPrior = eta
    options.seed = fitSeed ?? corpusOptions.seed
    return options
  }

  var prodLDAOptions: ProdLDAFitOptions {
    var options = ProdLDAFitOptions()
    options.passes = passes ?? 10
    options.batchSize = batchSize ?? 200
    options.learningRate = learningRate
    options.hiddenSize = hiddenSize
    options.dropout = dropout
    options.documentTopicPrior = alpha
    options.seed = fitSeed ?? corpusOptions.seed
    return options
  }

  func validate() throws {
    guard model == "lda" || model == "prodlda" else {
      throw ValidationError("--model \(model): unknown model; the models are: lda, prodlda")
    }
    if model == "prodlda" {
      if topics < 2 { throw ValidationError("--topics must be at least 2 for ProdLDA") }
      do {
        try prodLDAOptions.validate()
      } catch {
        throw ValidationError(error.description)
      }
      return
    }
    guard LDAFitOptions.Method(rawValue: method) != nil else {
      throw ValidationError("--method \(method): unknown method; use online or batch")
    }
    if topics < 1 { throw ValidationError("--topics must be at least 1") }
    do {
      try options.validate()
    } catch {
      throw ValidationError(error.description)
    }
  }

  func run() throws {
    try checkOutputs(
      TopicFitReport.files.map { (output as NSString).appendingPathComponent($0) },
      flag: "--output", value: output, corpus: corpusOptions.corpus)
    try prepareOutputDirectory(output, flag: "--output")
    let corpusStart = ContinuousClock.now
    let corpus = try corpusOptions.prepare()
    let corpusSeconds = seconds(since: corpusStart)
    if model == "prodlda" {
      return try runProdLDA(corpus, corpusSeconds: corpusSeconds)
    }
    var trainer = try LDATrainer(
      topicCount: topics, vocabulary: corpus.vocabulary, options: options)
    let fitStart = ContinuousClock.now
    let cpuStart = processCPUSeconds()
    let fitted = try trainer.fit(corpus.training) { progress in
      print(
        String(
          format: "pass %d/%d  %.1f s  %.1f local updates per document", progress.pass,
          progress.passes, progress.seconds, progress.meanLocalIterations))
      fflush(nil)
    }
    let fitSeconds = seconds(since: fitStart)
    let fitCPUSeconds = processCPUSeconds() - cpuStart
    let report = try TopicFitReport(
      model: fitted, corpus: corpus, fitSeconds: fitSeconds, fitCPUSeconds: fitCPUSeconds,
      corpusSeconds: corpusSeconds, options: options)
    try finish(report)
  }

  func runProdLDA(_ corpus: PreparedCorpus, corpusSeconds: Double) throws {
    let options = prodLDAOptions
    var trainer = try ProdLDATrainer(
      topicCount: topics, vocabulary: corpus.vocabulary, options: options)
    let fitStart = ContinuousClock.now
    let cpuStart = processCPUSeconds()
    let fitted = try trainer.fit(corpus.training) { progress in
      print(
        String(
          format: "pass %d/%d  %.1f s  mean loss %.2f", progress.pass, progress.passes,
          progress.seconds, progress.meanLoss))
      fflush(nil)
    }
    let fitSeconds = seconds(since: fitStart)
    let fitCPUSeconds = processCPUSeconds() - cpuStart
    let report = try TopicFitReport(
      model: fitted, corpus: corpus, fitSeconds: fitSeconds, fitCPUSeconds: fitCPUSeconds,
      corpusSeconds: corpusSeconds, passes: options.passes, method: "adam")
    try finish(report)
  }

  func finish(_ report: TopicFitReport) throws {
    let fitSeconds = report.metrics.fitSeconds
    try report.write(to: output)
    print(TopicModelDirectory.topicsText(report.model), terminator: "")
    if let perplexity = report.metrics.heldOutPerplexity {
      print(String(format: "held-out perplexity %.1f", perplexity), terminator: "  ")
    }
    print(
      String(
        format: "mean NPMI %.4f  fit %.1f s; wrote %@", report.metrics.meanCoherence, fitSeconds,
        output))
  }
}

