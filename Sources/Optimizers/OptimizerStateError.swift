import TensorCore
import _Differentiation

/// A saved optimiser state that does not fit the optimiser or the model it is loaded for.
public struct OptimizerStateError: Error, CustomStringConvertible, Equatable, Sendable {
  /// What is wrong, naming the offending entry.
  public var message: String

  /// Creates an error with the given message.
  public init(_ message: String) { self.message = message }

  /// The message.
  public var description: String { message }
}

/// Reads the shared parts of a saved optimiser state: the step count and one tensor per
/// parameter under `"name.index"` keys, each shaped like its parameter.
enum OptimizerStateReader {
  /// The step count stored as the rank-0 tensor `"step"`.
  static func step<Scalar>(in state: [String: Tensor<Scalar>], optimizer: String) throws -> Int {
    guard let tensor = state["step"] else {
      throw OptimizerStateError("\(optimizer) state: missing entry \"step\"")
    }
    guard tensor.scalarCount == 1 else {
      throw OptimizerStateError(
        "\(optimizer) state: \"step\" has shape \(tensor.shape), expected a single scalar")
    }
    let value = tensor.scalars[0]
    guard value >= 0, value.rounded() == value, value < 9.0e15 else {
      throw OptimizerStateError(
        "\(optimizer) state: \"step\" is \(value), expected a non-negative integer")
    }
    return Int(value)
  }

  /// The tensors `"name.0"`, `"name.1"`, … one for each parameter, checked against the shapes.
  static func buffers<Scalar>(
    _ name: String, in state: [String: Tensor<Scalar>], shapes: [[Int]], optimizer: String
  ) throws -> [Tensor<Scalar>] {
    var result: [Tensor<Scalar>] = []
    for (index, shape) in shapes.enumerated() {
      let key = "\(name).\(index)"
      guard let tensor = state[key] else {
        throw OptimizerStateError("\(optimizer) state: missing entry \"\(key)\"")
      }
      guard tensor.shape == shape else {
        throw OptimizerStateError(
          "\(optimizer) state: \"\(key)\" has shape \(tensor.shape), but parameter \(index) "
            + "has shape \(shape)")
      }
      result.append(tensor)
    }
    let extra = state.keys.filter { $0.hasPrefix(name + ".") }.count - shapes.count
    if extra > 0 {
      throw OptimizerStateError(
        "\(optimizer) state: \(extra) more \"\(name)\" entries than the model's "
          + "\(shapes.count) parameters")
    }
    return result
  }
}
