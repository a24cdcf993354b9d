import Foundation
import TestSupport
import Testing

/// The release `advi` on bad input: a message on standard error that names the file, column,
/// row or flag, and a non-zero exit without a crash.
@Suite struct ADVIExitTests {
  let advi = ReleaseBinary(name: "advi")

  /// A bad command line (`<file>` stands for a file of the given contents in a fresh directory,
  /// `<dir>` for that directory) and what its message must mention.
  struct BadInput: CustomTestStringConvertible, Sendable {
    var arguments: [String]
    var file: String = "x,y\n1,2.5\n2,3.5\n3,4.5\n"
    var fragments: [String]
    var testDescription: String { arguments.joined(separator: " ") }
  }

  static let badInputs: [BadInput] = [
    BadInput(
      arguments: ["linear-regression", "--csv", "<dir>/missing.csv", "--target", "y"],
      fragments: ["<dir>/missing.csv", "no such file"]),
    BadInput(
      arguments: ["linear-regression", "--csv", "<file>", "--target", "z"],
      fragments: ["<file>", "column \"z\"", "no such column", "available columns: \"x\", \"y\""]),
    BadInput(
      arguments: ["linear-regression", "--csv", "<file>", "--target", "y", "--quiet"],
      file: "x,y\n1,2.5\n2,nan\n3,4.5\n",
      fragments: ["<file>", "line 3", "row 2", "column 2 (\"y\")", "non-finite value nan"]),
    BadInput(
      arguments: ["logistic-regression", "--csv", "<file>", "--target", "y", "--quiet"],
      file: "x,y\n1,0\n2,1\ninf,1\n",
      fragments: ["<file>", "line 4", "row 3", "column 1 (\"x\")", "non-finite value inf"]),
    BadInput(
      arguments: ["linear-regression", "--csv", "<file>", "--target", "y"],
      file: "x,y\n1,2.5\n2,abc\n",
      fragments: ["<file>", "line 3", "column 2 (\"y\")", "non-numeric value \"abc\""]),
    BadInput(
      arguments: ["logistic-regression", "--csv", "<file>", "--target", "y", "--quiet"],
      file: "x,y\n1,0\n2,1\n3,2\n",
      fragments: ["<file>", "line 4", "column 2 (\"y\")", "0s and 1s", "found 2.0"]),
    BadInput(
      arguments: ["linear-regression", "--csv", "<file>", "--target", "y", "--quiet"],
      file: "x,y\n1,2.5\n1e300,3.5\n3,4.5\n",
      fragments: [
        "<file>", "column 1 (\"x\")", "line 3", "value 1e+300", "xᵀx", "rescale the column",
      ]),
    BadInput(
      arguments: ["logistic-regression", "--csv", "<file>", "--target", "y", "--quiet"],
      file: "x,y\n1,0\n2,1\n-1e300,1\n",
      fragments: ["<file>", "column 1 (\"x\")", "line 4", "value -1e+300", "rescale"]),
    BadInput(
      arguments: ["linear-regression", "--csv", "<file>", "--target", "y", "--batch-size", "0"],
      fragments: ["--batch-size must be at least 1, got 0"]),
    BadInput(
      arguments: [
        "linear-regression", "--csv", "<file>", "--target", "y", "--batch-size", "2",
        "--algorithm", "deterministic",
      ],
      fragments: ["--batch-size goes with --algorithm stochastic"]),
    BadInput(
      arguments: ["eight-schools", "--batch-size", "4"],
      fragments: ["--batch-size goes with the regressions"]),
    BadInput(
      arguments: ["eight-schools", "--draws", "0"],
      fragments: ["--draws must be at least 25, got 0"]),
    BadInput(
      arguments: ["eight-schools", "--draws", "1"],
      fragments: ["--draws must be at least 25, got 1", "k̂ needs"]),
    BadInput(
      arguments: ["linear-regression", "--csv", "<file>", "--target", "y", "--output", "<file>"],
      fragments: ["--output <file> is the input file <file>"]),
    BadInput(
      arguments: ["linear-regression", "--csv", "<file>", "--target", "y", "--json", "<file>"],
      fragments: ["--json <file> is the input file <file>"]),
    BadInput(
      arguments: [
        "eight-schools", "--output", "<dir>/same.csv", "--json", "<dir>/./same.csv",
      ],
      fragments: ["--output <dir>/same.csv and --json <dir>/./same.csv are the same file"]),
    BadInput(
      arguments: ["eight-schools", "--json", "<dir>/no/summary.json"],
      fragments: [
        "cannot write <dir>/no/summary.json (--json): the directory <dir>/no does not exist"
      ]),
    BadInput(
      arguments: ["eight-schools", "--draws", "100000000000"],
      fragments: ["--draws must be at most"]),
    BadInput(
      arguments: ["eight-schools", "--family", "diagonal"],
      fragments: ["'diagonal' is invalid for '--family"]),
    BadInput(
      arguments: ["eight-schools", "--learning-rate", "0"],
      fragments: ["--learning-rate must be positive, got 0.0"]),
    BadInput(
      arguments: ["eight-schools", "--tolerance", "nan"],
      fragments: ["--tolerance must be a finite number ≥ 0, got nan"]),
    BadInput(
      arguments: ["eight-schools", "--rank", "3"], fragments: ["--rank goes with --family lowrank"]
    ),
    BadInput(
      arguments: ["eight-schools", "--family", "lowrank", "--rank", "20", "--quiet"],
      fragments: ["rank ≤ D = 10", "not 20"]),
    BadInput(
      arguments: ["linear-regression", "--csv", "<file>", "--target", "y", "--noise-sd", "0"],
      fragments: ["--noise-sd must be positive, got 0.0"]),
    BadInput(
      arguments: [
        "eight-schools", "--quiet", "--max-iterations", "50", "--output", "<dir>/no/draws.csv",
      ],
      fragments: ["cannot write <dir>/no/draws.csv"]),
  ]

  @Test(arguments: badInputs)
  func badInputIsRefusedWithAMessage(_ input: BadInput) throws {
    let directory = try TemporaryDirectory()
    let file = directory.file("data.csv")
    try input.file.write(toFile: file, atomically: true, encoding: .utf8)
    func substitute(_ text: String) -> String {
      text.replacingOccurrences(of: "<file>", with: file)
        .replacingOccurrences(of: "<dir>", with: directory.path)
    }
    let outcome = try advi.run(input.arguments.map(substitute))
    expectCleanFailure(outcome, mentioning: input.fragments.map(substitute))
  }

  /// Refusals of outputs come before the fit: nothing is printed but the message, nothing is
  /// written, and the input is intact, also when the output reaches it through a symbolic link.
  @Test func outputsAreCheckedBeforeFitting() throws {
    let directory = try TemporaryDirectory()
    let file = directory.file("data.csv")
    let contents = "x,y\n1,2.5\n2,3.5\n3,4.5\n"
    try contents.write(toFile: file, atomically: true, encoding: .utf8)
    let link = directory.file("link.csv")
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: file)
    let outcome = try advi.run([
      "linear-regression", "--csv", file, "--target", "y", "--output", link,
    ])
    expectCleanFailure(outcome, mentioning: ["--output \(link) is the input file \(file)"])
    #expect(try String(contentsOfFile: file, encoding: .utf8) == contents)
    #expect(outcome.standardOutput.isEmpty, "\(outcome)")

    // A missing directory is found before the fit's minutes of work, not after.
    let missing = try advi.run(["eight-schools", "--quiet", "--json", directory.file("no/s.json")])
    expectCleanFailure(missing, mentioning: ["does not exist"])
    #expect(missing.standardOutput.isEmpty, "\(missing)")
    #expect(missing.seconds < 2, "\(missing)")
  }

  /// The JSON summary ends with a newline, and the report and the lines naming the files reach
  /// standard output when it is a file.
  @Test func jsonEndsWithANewlineAndStandardOutputIsComplete() throws {
    let directory = try TemporaryDirectory()
    let json = directory.file("summary.json")
    let draws = directory.file("draws.csv")
    let outcome = try advi.run([
      "eight-schools", "--quiet", "--draws", "25", "--json", json, "--output", draws,
    ])
    #expect(outcome.status == 0 && !outcome.signalled, "\(outcome)")
    #expect(try String(contentsOfFile: json, encoding: .utf8).hasSuffix("}\n"))
    expect(
      outcome.standardOutput,
      mentions: ["k̂ = ", "wrote 25 draws to \(draws)", "wrote the summary to \(json)"],
      in: outcome)
    #expect(!outcome.standardOutput.contains("nan"), "\(outcome)")
  }

  /// The built-in eight schools model fits and prints its summary.
  @Test func eightSchoolsRuns() throws {
    let outcome = try advi.run(["eight-schools", "--quiet"])
    #expect(outcome.status == 0 && !outcome.signalled, "\(outcome)")
    expect(outcome.standardOutput, mentions: ["mu", "tau", "theta.8", "ELBO"], in: outcome)
    #expect(outcome.seconds < 20, "\(outcome)")
  }
}
