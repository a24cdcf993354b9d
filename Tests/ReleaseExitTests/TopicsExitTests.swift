import Foundation
import TestSupport
import Testing

/// The release `topics` on bad input: a message on standard error that names the file, column,
/// byte or flag, and a non-zero exit without a crash; and a small fit and inference that work.
@Suite struct TopicsExitTests {
  let topics = ReleaseBinary(name: "topics")

  /// A bad command line (`<dir>` stands for a fresh directory holding `a.txt`, `b.txt`,
  /// `posts.csv`, `latin1.txt` and `notes.jsonl`) and what its message must mention.
  struct BadInput: CustomTestStringConvertible, Sendable {
    var arguments: [String]
    var fragments: [String]
    var testDescription: String { arguments.joined(separator: " ") }
  }

  static let badInputs: [BadInput] = [
    BadInput(
      arguments: ["fit", "--corpus", "<dir>/missing", "--output", "<dir>/out"],
      fragments: ["<dir>/missing", "no such file or directory"]),
    BadInput(
      arguments: [
        "fit", "--corpus", "<dir>/posts.csv", "--text-column", "body", "--output", "<dir>/out",
      ],
      fragments: ["<dir>/posts.csv", "no column \"body\"", "\"id\", \"text\""]),
    BadInput(
      arguments: ["fit", "--corpus", "<dir>/notes.jsonl", "--output", "<dir>/out"],
      fragments: ["<dir>/notes.jsonl", "line 2", "no field \"text\""]),
    BadInput(
      arguments: ["fit", "--corpus", "<dir>/latin1.txt", "--output", "<dir>/out"],
      fragments: ["<dir>/latin1.txt", "byte 4 is not valid UTF-8 (0xE9)"]),
    BadInput(
      arguments: ["fit", "--corpus", "<dir>/posts.csv", "--min-df", "50", "--output", "<dir>/out"],
      fragments: ["--min-df", "pruning left no word", "lower --min-df"]),
    BadInput(
      arguments: ["fit", "--corpus", "<dir>/posts.csv", "--topics", "0", "--output", "<dir>/out"],
      fragments: ["--topics must be at least 1"]),
    BadInput(
      arguments: ["fit", "--corpus", "<dir>/posts.csv", "--max-df", "1.5", "--output", "<dir>/o"],
      fragments: ["--max-df", "(0, 1]"]),
    BadInput(
      arguments: ["fit", "--corpus", "<dir>/posts.csv", "--model", "nmf", "--output", "<dir>/o"],
      fragments: ["--model nmf", "unknown model"]),
    BadInput(
      arguments: ["fit", "--corpus", "<dir>/posts.csv", "--output", "<dir>/a.txt"],
      fragments: ["--output <dir>/a.txt"]),
    BadInput(
      arguments: ["fit", "--corpus", "<dir>", "--output", "<dir>/."],
      fragments: ["--output <dir>/. would write into the corpus <dir>"]),
    BadInput(
      arguments: [
        "infer", "--model", "<dir>", "--corpus", "<dir>/posts.csv", "--output", "<dir>/posts.csv",
      ],
      fragments: ["--output <dir>/posts.csv would write into the corpus <dir>/posts.csv"]),
    BadInput(
      arguments: ["infer", "--model", "<dir>", "--corpus", "<dir>/posts.csv"],
      fragments: ["<dir>/config.json", "topics fit"]),
  ]

  static func makeCorpus(in directory: TemporaryDirectory) throws {
    try "Apples and pears grow in the orchard.".write(
      toFile: directory.file("a.txt"), atomically: true, encoding: .utf8)
    try "Rivers run to the sea.".write(
      toFile: directory.file("b.txt"), atomically: true, encoding: .utf8)
    try "id,text\n1,apples pears orchard\n2,rivers sea boats\n".write(
      toFile: directory.file("posts.csv"), atomically: true, encoding: .utf8)
    try "{\"text\": \"a\"}\n{\"body\": \"b\"}\n".write(
      toFile: directory.file("notes.jsonl"), atomically: true, encoding: .utf8)
    _ = FileManager.default.createFile(
      atPath: directory.file("latin1.txt"), contents: Data(Array("caf".utf8) + [0x20, 0xE9]))
  }

  @Test(arguments: badInputs)
  func badInputIsRefusedWithAMessage(_ input: BadInput) throws {
    let directory = try TemporaryDirectory()
    try Self.makeCorpus(in: directory)
    let outcome = try topics.run(
      input.arguments.map { $0.replacingOccurrences(of: "<dir>", with: directory.path) })
    expectCleanFailure(
      outcome,
      mentioning: input.fragments.map {
        $0.replacingOccurrences(of: "<dir>", with: directory.path)
      })
  }

  /// A fit of a small CSV corpus writes every file, and `infer` reads the model back, for each
  /// model.
  @Test(arguments: ["lda", "prodlda"])
  func aSmallFitWritesItsFilesAndInferReadsTheModel(model: String) throws {
    let directory = try TemporaryDirectory()
    let rows = (0..<60).map {
      "\($0),\($0 % 2 == 0 ? "apples pears orchard fruit apples" : "rivers sea boats water sea")"
    }
    try ("id,text\n" + rows.joined(separator: "\n") + "\n").write(
      toFile: directory.file("corpus.csv"), atomically: true, encoding: .utf8)
    let output = directory.file("run")
    let fit = try topics.run([
      "fit", "--corpus", directory.file("corpus.csv"), "--topics", "2", "--min-df", "2",
      "--passes", "3", "--model", model, "--output", output,
    ])
    #expect(fit.status == 0 && !fit.signalled, "\(fit)")
    expect(fit.standardOutput, mentions: ["pass 3/3", "held-out perplexity", "mean NPMI"], in: fit)
    let files = try FileManager.default.contentsOfDirectory(atPath: output).sorted()
    #expect(
      files == [
        "config.json", "document-topics.csv", "metrics.json", "model.safetensors", "topics.png",
        "topics.txt",
      ], "\(files)")
    let infer = try topics.run([
      "infer", "--model", output, "--corpus", directory.file("corpus.csv"),
    ])
    #expect(infer.status == 0, "\(infer)")
    let lines = infer.standardOutput.split(separator: "\n")
    #expect(lines.first == "document,split,topic_1,topic_2" && lines.count == 61, "\(infer)")
  }
}
