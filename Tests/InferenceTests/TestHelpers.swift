import Foundation
import Inference
import TensorCore
import Testing

/// The mean and standard deviation of draws.
func moments(_ draws: [Double]) -> (mean: Double, standardDeviation: Double) {
  let n = Double(draws.count)
  let mean = draws.reduce(0, +) / n
  let variance = draws.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
  return (mean, variance.squareRoot())
}

/// The message of an `InferenceError` thrown by `body`, or nil when it does not throw one.
func inferenceErrorMessage(_ body: () throws -> Void) -> String? {
  do {
    try body()
    return nil
  } catch let error as InferenceError {
    return error.description
  } catch {
    return "unexpected error \(error)"
  }
}

/// Records an issue unless `text` contains every fragment.
func expectMentions(
  _ text: String?, _ fragments: [String], sourceLocation: SourceLocation = #_sourceLocation
) {
  guard let text else {
    Issue.record(
      "expected an error mentioning \(fragments), got none", sourceLocation: sourceLocation)
    return
  }
  for fragment in fragments where !text.contains(fragment) {
    Issue.record(
      "\"\(text)\" does not mention \"\(fragment)\"", sourceLocation: sourceLocation)
  }
}
