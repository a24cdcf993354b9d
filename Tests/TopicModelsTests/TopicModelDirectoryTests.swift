import Foundation
import TestSupport
import Testing

@testable import TopicModels

/// A fitted model's directory round-trips, and its reports have the documented shapes.
@Suite struct TopicModelDirectoryTests {
  @Test func aSavedModelLoadsAndInfersTheSameTopics() throws {
    let directory = try TemporaryDirectory()
    let model = try EvaluationTests.tinyModel()
    try TopicModelDirectory.save(model, tokenizer: Tokenizer(), to: directory.path)
    let (loaded, tokenizer) = try TopicModelDirectory.load(from: directory.path)
    #expect(loaded == model)
    #expect(tokenizer.minimumLength == 2)
    #expect(
      TopicModelDirectory.topicsText(model, wordsPerTopic: 2) == "topic 1: a b\ntopic 2: d c\n")
  }

  @Test func aMissingModelIsAnErrorNamingTheFile() throws {
    let directory = try TemporaryDirectory()
    do {
      _ = try TopicModelDirectory.load(from: directory.path)
      Issue.record("expected an error")
    } catch {
      #expect(error.kind == .unreadable)
      #expect(error.description.contains(directory.file("config.json")))
    }
  }

  @Test func theReportWritesEveryFile() throws {
    let corpus = Corpus(
      documents: (0..<30).map {
        .init(
          name: "doc \($0)",
          text: $0 % 2 == 0 ? "apple banana cherry apple banana" : "stone river mountain river")
      })
    let prepared = try PreparedCorpus(
      corpus: corpus, pruning: .init(minimumDocumentCount: 2), heldOutFraction: 0.2, seed: 1)
    var options = LDAFitOptions()
    options.passes = 2
    var trainer = try LDATrainer(topicCount: 2, vocabulary: prepared.vocabulary, options: options)
    let model = try trainer.fit(prepared.training)
    let report = try TopicFitReport(
      model: model, corpus: prepared, fitSeconds: 0, corpusSeconds: 0, options: options)
    let directory = try TemporaryDirectory()
    try report.write(to: directory.path)
    #expect(try directory.entries() == TopicFitReport.files.sorted())
    let csv = try String(contentsOfFile: directory.file("document-topics.csv"), encoding: .utf8)
    let lines = csv.split(separator: "\n")
    #expect(lines.first == "document,split,topic_1,topic_2")
    #expect(lines.count == 31)
    #expect(report.metrics.heldOutDocuments == 6 && report.metrics.trainingDocuments == 24)
    #expect(report.metrics.heldOutPerplexity.map { $0 > 1 && $0 < 6 } == true)
  }
}
