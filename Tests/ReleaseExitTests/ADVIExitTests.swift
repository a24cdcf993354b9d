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
      arguments: ["eight-schools", "--draws", "0"],
      fragments: ["--draws must be at least 1, got 0"]),
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

  /// The built-in eight schools model fits and prints its summary.
  @Test func eightSchoolsRuns() throws {
    let outcome = try advi.run(["eight-schools", "--quiet"])
    #expect(outcome.status == 0 && !outcome.signalled, "\(outcome)")
    expect(outcome.standardOutput, mentions: ["mu", "tau", "theta.8", "ELBO"], in: outcome)
    #expect(outcome.seconds < 20, "\(outcome)")
  }
}
