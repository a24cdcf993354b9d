import Foundation
import PosteriorDBModels
import TensorCore
import Testing

/// The data.json reader: values of every form, and messages that name the file and field.
@Suite struct PosteriorDataTests {
  let data = try! PosteriorData(
    json: Data(
      """
      {"N": 3, "sigma1": 0.5, "psalpha": 100, "y": [1, 2.5, -3], "ages": [1, 4, 2],
       "X": [[1, 2], [3, 4], [5, 6]], "ragged": [[1], [2, 3]], "name": "kid"}
      """.utf8), path: "posterior/data.json")

  @Test func readsNumbersVectorsAndMatrices() throws {
    #expect(try data.int("N") == 3)
    #expect(try data.real("sigma1") == 0.5)
    #expect(try data.real("psalpha") == 100)
    #expect(try data.vector("y", count: 3) == [1, 2.5, -3])
    #expect(try data.integers("ages") == [1, 4, 2])
    let x = try data.matrix("X", rows: 3, columns: 2)
    #expect(x.shape == [3, 2])
    #expect(x.scalars == [1, 2, 3, 4, 5, 6])
  }

  @Test(arguments: [
    ("missing", "posterior/data.json: field \"K\" is missing; the file has"),
    ("not an integer", "posterior/data.json: field \"sigma1\": expected an integer, found 0.5"),
    ("wrong length", "posterior/data.json: field \"y\": expected 4 values, found 3"),
    ("not a vector", "posterior/data.json: field \"N\": expected an array of numbers"),
    ("ragged matrix", "posterior/data.json: field \"ragged\": row 2 has 2 values, row 1 has 1"),
    ("not a number", "posterior/data.json: field \"name\": expected a number, found a string"),
    ("non-integer element", "posterior/data.json: field \"y\": element 2 is 2.5"),
  ])
  func namesTheFileAndField(problem: String, message: String) {
    let error = #expect(throws: PosteriorDataError.self, "\(problem)") {
      switch problem {
      case "missing": _ = try data.int("K")
      case "not an integer": _ = try data.int("sigma1")
      case "wrong length": _ = try data.vector("y", count: 4)
      case "not a vector": _ = try data.vector("N")
      case "ragged matrix": _ = try data.matrix("ragged")
      case "not a number": _ = try data.real("name")
      default: _ = try data.integers("y")
      }
    }
    #expect(error?.description.hasPrefix(message) == true, "\(error?.description ?? "none")")
  }

  @Test func namesAnUnreadableFile() {
    let error = #expect(throws: PosteriorDataError.self) {
      _ = try PosteriorData(contentsOf: "/nonexistent/posterior/data.json")
    }
    #expect(error?.description.hasPrefix("/nonexistent/posterior/data.json cannot be read") == true)
  }

  @Test func aModelNamesTheFieldItCannotUse() throws {
    let root = try requirePosteriorDBRoot()
    let url = URL(fileURLWithPath: "\(root)/earnings-logearn_interaction_z/data.json")
    var object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    var earnings = object["earn"] as! [Any]
    earnings[0] = 0  // no logarithm
    object["earn"] = earnings
    let data = try PosteriorData(
      json: JSONSerialization.data(withJSONObject: object), path: "broken/data.json")
    let error = #expect(throws: PosteriorDataError.self) {
      _ = try LogEarningsInteraction(data: data)
    }
    #expect(
      error?.description
        == "broken/data.json: field \"earn\": element 1 is 0.0; its logarithm is not finite")
  }
}
