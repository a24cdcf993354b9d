import ArgumentParser
import Foundation
import TopicModels

/// `topics infer`: topic proportions of new documents under a fitted model.
struct InferCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "infer",
    abstract: "Infer the topic proportions of a corpus's documents under a fitted model.",
    discussion: """
      Prints (or writes to --output) a CSV with a row per document: its name and its topic \
      proportions (LDA: E[θ], the mean of its variational Dirichlet; ProdLDA: softmax of the \
      encoder's mean). Words outside the model's vocabulary are ignored.
      """)

  @Option(help: "A directory written by `topics fit`.")
  var model: String

  @Option(help: "A directory of .txt files, a .csv or .jsonl file, or debian-descriptions.")
  var corpus: String

  @Option(help: "The CSV column or JSON field holding the text.")
  var textColumn = "text"

  @Option(help: "The CSV file to write (default: standard output).")
  var output: String?

  func run() throws {
    if let output { try checkOutputs([output], flag: "--output", value: output, corpus: corpus) }
    let (fitted, tokenizer) = try TopicModelDirectory.loadModel(from: model)
    let documents =
      corpus == DebianDescriptions.corpusName
      ? try DebianDescriptions.corpus() : try Corpus(contentsOf: corpus, textColumn: textColumn)
    let matrix = DocumentTermMatrix(
      documents: documents.documents.map { tokenizer.words(in: $0.text) },
      vocabulary: fitted.vocabulary)
    let text = TopicModelDirectory.documentTopicsCSV(
      names: documents.documents.map(\.name),
      split: Array(repeating: "inferred", count: matrix.documentCount),
      proportions: fitted.documentTopics(of: matrix), topicCount: fitted.topicCount)
    if let output {
      try TopicModelDirectory.writeText(text, toPath: output)
    } else {
      print(text, terminator: "")
    }
  }
}
