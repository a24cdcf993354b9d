import ArgumentParser

/// `topics`: topic models of text corpora.
@main
struct TopicsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "topics",
    abstract: "Fit topic models (LDA) to text corpora and infer documents' topics.")
}
