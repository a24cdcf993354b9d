import ArgumentParser
import Foundation
import Reporting
import TopicModels

/// The flags that choose and prepare a corpus, shared by `fit` and `export-corpus`.
struct CorpusOptions: ParsableArguments {
  @Option(help: "A directory of .txt files, a .csv or .jsonl file, or debian-descriptions.")
  var corpus: String

  @Option(help: "The CSV column or JSON field holding the text.")
  var textColumn = "text"

  @Option(help: "Keep words in at least this many training documents.")
  var minDf = 5

  @Option(help: "Keep words in at most this fraction of the training documents.")
  var maxDf = 0.5

  @Option(help: "Keep at most this many words, the most frequent.")
  var vocabularySize = 10_000

  @Option(help: "The fraction of documents held out for perplexity and coherence.")
  var heldOut = 0.1

  @Option(help: "The seed of the split and of the fit.")
  var seed: UInt64 = 0

  var pruning: Vocabulary.Pruning {
    Vocabulary.Pruning(
      minimumDocumentCount: minDf, maximumDocumentFraction: maxDf, maximumSize: vocabularySize)
  }

  func validate() throws {
    do {
      try pruning.validate()
    } catch {
      throw ValidationError(error.description)
    }
    if !(heldOut >= 0 && heldOut < 1) { throw ValidationError("--held-out must be in [0, 1)") }
  }

  /// Reads the corpus.
  func read() throws -> Corpus {
    if corpus == DebianDescriptions.corpusName { return try DebianDescriptions.corpus() }
    return try Corpus(contentsOf: corpus, textColumn: textColumn)
  }

  /// Reads, tokenises and splits the corpus, printing what it found.
  func prepare() throws -> PreparedCorpus {
    let prepared = try PreparedCorpus(
      corpus: try read(), pruning: pruning, heldOutFraction: heldOut, seed: seed)
    print(
      "corpus: \(prepared.training.documentCount) training and "
        + "\(prepared.heldOut.documentCount) held-out documents, "
        + "\(prepared.vocabulary.count) words in the vocabulary, "
        + "\(Int(prepared.training.wordCount)) training tokens")
    return prepared
  }
}

/// Creates `directory` if needed and checks that it can be written, before any long work.
func prepareOutputDirectory(_ directory: String, flag: String) throws {
  do {
    try FileManager.default.createDirectory(
      atPath: directory, withIntermediateDirectories: true)
  } catch {
    throw ValidationError("\(flag) \(directory): cannot create the directory")
  }
  var isDirectory: ObjCBool = false
  guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory),
    isDirectory.boolValue
  else { throw ValidationError("\(flag) \(directory): not a directory") }
  guard FileManager.default.isWritableFile(atPath: directory) else {
    throw ValidationError("\(flag) \(directory): the directory is not writable")
  }
}

/// Throws when writing `outputs` would replace or add to the corpus being read: an output
/// that is the corpus file, or a directory of outputs that is the corpus directory (a
/// `topics.txt` written there would be read as a document next time).
func checkOutputs(_ outputs: [String], flag: String, value: String, corpus: String) throws {
  if corpus == DebianDescriptions.corpusName { return }
  let input = URL(fileURLWithPath: corpus).resolvingSymlinksInPath().standardizedFileURL.path
  for output in outputs {
    let resolved = URL(fileURLWithPath: output).resolvingSymlinksInPath().standardizedFileURL
    if resolved.path == input || resolved.deletingLastPathComponent().path == input {
      throw ValidationError(
        "\(flag) \(value) would write into the corpus \(corpus); choose another path")
    }
  }
}

/// Seconds since `start`.
func seconds(since start: ContinuousClock.Instant) -> Double {
  (ContinuousClock.now - start).inSeconds
}

/// User plus system CPU seconds of this process so far, all threads.
func processCPUSeconds() -> Double {
  var usage = rusage()
  #if canImport(Glibc)
    getrusage(RUSAGE_SELF.rawValue, &usage)
  #else
    getrusage(RUSAGE_SELF, &usage)
  #endif
  func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) * 1e-6 }
  return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}
