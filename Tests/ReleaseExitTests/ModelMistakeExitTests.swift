import Foundation
import Testing

/// The release `model-mistakes` (Tests/ModelMistakes): each mistake a model author can make is
/// reported with a message that says what is wrong, also in an optimised build.
@Suite struct ModelMistakeExitTests {
  let program = ReleaseBinary(name: "model-mistakes")

  /// A mistake, what its message must mention, and whether the fit refuses it with a thrown
  /// error (a clean exit) rather than stopping the program.
  struct Mistake: CustomTestStringConvertible, Sendable {
    var name: String
    var fragments: [String]
    var thrown = true
    var testDescription: String { name }
  }

  static let mistakes: [Mistake] = [
    Mistake(
      name: "misspelled-name",
      fragments: ["invalid model", "\"sigm\"", "declares \"mu\", \"sigma\"", "\"sigma\"?"]),
    Mistake(
      name: "wrong-shape-LN",
      fragments: ["invalid model", "shape [3, 5]", "for 3 draws", "shape [3]"]),
    Mistake(
      name: "wrong-shape-L1",
      fragments: ["invalid model", "shape [3, 1]", "for 3 draws", "shape [3]"]),
    Mistake(
      name: "scalar", fragments: ["invalid model", "a scalar", "for 3 draws", "shape [3]"]),
    Mistake(
      name: "nan-data",
      fragments: ["nan.csv", "line 3", "row 2", "column 2 (\"y\")", "non-finite value nan"]),
    Mistake(name: "nan-features", fragments: ["row 3", "feature \"x\"", "non-finite value inf"]),
    Mistake(
      name: "matmul-shapes",
      fragments: [
        "matmul", "[3, 2] × [3, 2]", "inner dimensions",
        "This happened in the log joint of the model, evaluated before fitting on 3 draws",
      ], thrown: false),
    Mistake(
      name: "misspelled-name-in-matmul",
      fragments: [
        "matmul: [3, 1] × [3, 2]", "the log joint asked for parameter \"weights\"",
        "declares \"w\", \"b\"",
      ], thrown: false),
    Mistake(
      name: "misspelled-derived-name",
      fragments: ["invalid model", "\"sigma_\"", "declares \"mu\", \"sigma\""]),
    Mistake(
      name: "derived-quantity-names",
      fragments: ["DerivedQuantity", "2 names", "[3, 1]"], thrown: false),
    Mistake(
      name: "csv-column-index",
      fragments: ["CSVTable.column(at:): column index 5 is out of range 0..<2"], thrown: false),
  ]

  @Test(arguments: mistakes)
  func theMessageSurvivesTheReleaseBuild(_ mistake: Mistake) throws {
    let outcome = try program.run([mistake.name])
    if mistake.thrown {
      expectCleanFailure(outcome, mentioning: mistake.fragments)
    } else {
      #expect(outcome.status != 0 || outcome.signalled, "\(outcome)")
      expect(outcome.standardError, mentions: mistake.fragments, in: outcome)
    }
  }
}
