import ArgumentParser

/// `topics`: topic models of text corpora.
@main
struct TopicsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "topics",
    abstract: "Fit topic models (LDA) to text corpora and infer documents' topics.",
    discussion: """
      A corpus is a directory of .txt files (one document each), a .csv file with a header \
      row or a .jsonl file (one JSON object per line), the text in the column or field named \
      by --text-column; or `debian-descriptions`, Debian's long package descriptions from \
      apt's Translation-en lists (run `apt-get update -o Acquire::Languages=en` first). Words \
      are lower-case runs of letters, without English stop words. The same --seed gives the \
      same numbers.
      """,
    subcommands: [FitCommand.self, InferCommand.self, ExportCorpusCommand.self])
}
