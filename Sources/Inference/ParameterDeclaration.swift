import Distributions

/// A named parameter of a model: its shape and its support.
///
/// Inside a log joint, the parameter arrives as a `[L, size]` tensor holding L Monte-Carlo draws
/// of its `size = shape.product` scalars (row-major), already mapped into its support; reshape
/// it to `[L] + shape` when the shape matters. A scalar parameter (shape `[]`) arrives as
/// `[L, 1]`, which broadcasts against data of shape `[N]` to `[L, N]`.
///
/// ```swift
/// ParameterDeclaration("mu")
/// ParameterDeclaration("tau", constraint: .positive)
/// ParameterDeclaration("theta", shape: [8])
/// ParameterDeclaration("coefficients", shape: [3], elementNames: ["intercept", "age", "bmi"])
/// ```
public struct ParameterDeclaration: Hashable, Sendable {
  /// The name the log joint looks the parameter up by, and the stem of its output columns.
  public var name: String
  /// The shape of one draw; `[]` for a scalar.
  public var shape: [Int]
  /// The support, and so the bijector from the unconstrained space.
  public var constraint: Constraint
  /// The names of the scalars in summaries, CSV and JSON, row-major; by default the name for
  /// a scalar and Stan's `name.1`, `name.2`, … (`name.1.2` for matrices, 1-based) otherwise.
  public var elementNames: [String]

  /// Declares a parameter.
  ///
  /// - Parameters:
  ///   - name: a non-empty name, unique within the model.
  ///   - shape: the shape of one draw, by default a scalar.
  ///   - constraint: the support, by default the real line.
  ///   - elementNames: the names of the scalars in outputs, one per scalar (row-major); by
  ///     default `name` or `name.1`, `name.2`, ….
  public init(
    _ name: String, shape: [Int] = [], constraint: Constraint = .real,
    elementNames: [String]? = nil
  ) {
    self.name = name
    self.shape = shape
    self.constraint = constraint
    self.elementNames = elementNames ?? Self.defaultElementNames(name: name, shape: shape)
  }

  /// The number of scalars in one draw (the product of the shape).
  public var size: Int { shape.reduce(1, *) }

  /// The number of unconstrained scalars behind one draw (one fewer for a simplex).
  public var unconstrainedSize: Int { constraint.unconstrainedCount(forConstrainedCount: size) }

  /// `name` for a scalar, else `name.i.j…` with 1-based indices in row-major order.
  public static func defaultElementNames(name: String, shape: [Int]) -> [String] {
    guard !shape.isEmpty else { return [name] }
    let count = shape.reduce(1, *)
    guard count > 0 else { return [] }
    var names: [String] = []
    names.reserveCapacity(count)
    var index = [Int](repeating: 0, count: shape.count)
    for _ in 0..<count {
      names.append(name + index.map { ".\($0 + 1)" }.joined())
      var axis = shape.count - 1
      while axis >= 0 {
        index[axis] += 1
        if index[axis] < shape[axis] { break }
        index[axis] = 0
        axis -= 1
      }
    }
    return names
  }
}
