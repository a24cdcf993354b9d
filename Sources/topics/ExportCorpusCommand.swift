import ArgumentParser
import Foundation
import Serialization
import TensorCore
import TopicModels

/// `topics export-corpus`: the prepared corpus as files, for a side-by-side with another
/// library (Benchmarks/topics).
struct ExportCorpusCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export-corpus",
    abstract: "Write the prepared corpus (vocabulary, split, counts) for other programs.",
    discussion: """
      Writes corpus.safetensors (F64 tensors training_row_starts, training_terms, \
      training_counts and the same for held_out: compressed sparse rows, training rows in \
      the order a fit visits them) and vocabulary.txt (one word per line, in column order).
      """)

  @OptionGroup var corpusOptions: CorpusOptions

  @Option(help: "The directory to write to.")
  var output: String

  func run() throws {
    try checkOutputs(
      ["corpus.safetensors", "vocabulary.txt"].map {
        (output as NSString).appendingPathComponent($0)
      },
      flag: "--output", value: output, corpus: corpusOptions.corpus)
    try prepareOutputDirectory(output, flag: "--output")
    let corpus = try corpusOptions.prepare()
    var tensors: [String: SafeTensors.Entry] = [:]
    for (name, matrix) in [("training", corpus.training), ("held_out", corpus.heldOut)] {
      tensors["\(name)_row_starts"] = vector(matrix.rowStarts.map(Double.init))
      tensors["\(name)_terms"] = vector(matrix.termIndices.map(Double.init))
      tensors["\(name)_counts"] = vector(matrix.counts)
    }
    try SafeTensors.write(
      tensors, toPath: (output as NSString).appendingPathComponent("corpus.safetensors"))
    try TopicModelDirectory.writeText(
      corpus.vocabulary.words.joined(separator: "\n") + "\n",
      toPath: (output as NSString).appendingPathComponent("vocabulary.txt"))
  }

  func vector(_ values: [Double]) -> SafeTensors.Entry {
    .double(Tensor(shape: [values.count], scalars: values))
  }
}
