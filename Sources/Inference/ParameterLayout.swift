import Distributions
import TensorCore
import _Differentiation

/// Where each declared parameter sits in the unconstrained vector ζ ∈ ℝᴰ the variational
/// family lives on, and the map from draws of ζ to constrained ``ParameterValues``.
///
/// Parameters are laid out in declaration order, each taking
/// ``ParameterDeclaration/unconstrainedSize`` consecutive coordinates.
public struct ParameterLayout: Hashable, Sendable {
  /// The declarations, in order.
  public let declarations: [ParameterDeclaration]
  /// The first unconstrained coordinate of each parameter.
  public let offsets: [Int]
  /// The number of unconstrained coordinates of each parameter.
  public let unconstrainedSizes: [Int]
  /// D, the dimension of the unconstrained space.
  public let dimension: Int
  /// Whether every bijector is the identity.
  public let isIdentity: Bool
  private let positions: [String: Int]

  /// Lays out `declarations`, checking them.
  ///
  /// - Throws: ``InferenceError/invalidModel(_:)`` for no parameters, an empty or duplicate
  ///   name, a negative axis, a constraint that does not fit the shape, or element names that
  ///   are not one per scalar or not unique across the model.
  public init(_ declarations: [ParameterDeclaration]) throws(InferenceError) {
    guard !declarations.isEmpty else {
      throw .invalidModel("the model declares no parameters")
    }
    var positions: [String: Int] = [:]
    var offsets: [Int] = []
    var sizes: [Int] = []
    var seenElements: Set<String> = []
    var total = 0
    for (index, declaration) in declarations.enumerated() {
      let name = declaration.name
      guard !name.isEmpty else { throw .invalidModel("parameter \(index + 1) has an empty name") }
      guard positions[name] == nil else {
        throw .invalidModel("parameter name \"\(name)\" is declared twice")
      }
      guard declaration.shape.allSatisfy({ $0 > 0 }) else {
        throw .invalidModel(
          "parameter \"\(name)\" has shape \(declaration.shape); every axis must be positive")
      }
      if let problem = declaration.constraint.problem(forShape: declaration.shape) {
        throw .invalidModel("parameter \"\(name)\": \(problem)")
      }
      guard declaration.elementNames.count == declaration.size else {
        throw .invalidModel(
          "parameter \"\(name)\" has \(declaration.size) scalars but "
            + "\(declaration.elementNames.count) element names")
      }
      for element in declaration.elementNames {
        guard seenElements.insert(element).inserted else {
          throw .invalidModel("the output name \"\(element)\" is used twice")
        }
      }
      positions[name] = index
      offsets.append(total)
      sizes.append(declaration.unconstrainedSize)
      total += declaration.unconstrainedSize
    }
    self.declarations = declarations
    self.offsets = offsets
    self.unconstrainedSizes = sizes
    self.dimension = total
    self.positions = positions
    self.isIdentity = declarations.allSatisfy { $0.constraint.isIdentity }
  }

  /// The parameter names, in order.
  public var names: [String] { declarations.map(\.name) }

  /// The output names of all constrained scalars, parameter after parameter.
  public var elementNames: [String] { declarations.flatMap(\.elementNames) }

  /// The position of the parameter called `name`.
  ///
  /// While ``VariationalObjective/checkLogJoint(at:)`` checks the log joint, an unknown name is
  /// recorded and gets the position of a stand-in after the declared parameters.
  ///
  /// - Precondition: the parameter exists (the message, kept in release builds, lists the
  ///   declared names).
  public func index(of name: String) -> Int {
    guard let index = positions[name] else {
      if let probe = currentUserPreconditionContext as? ParameterNameProbe, probe.layout == self {
        return probe.standIn(for: name)
      }
      userPreconditionFailure(
        "ParameterValues: no parameter \"\(name)\"; " + declaredNames(suggestingFor: name))
    }
    return index
  }

  /// The position of the parameter called `name`, or nil.
  public func position(of name: String) -> Int? { positions[name] }

  /// The constrained values of L draws ζ (the rows of `unconstrained`, [L, D]).
  @differentiable(reverse)
  public func constrain(_ unconstrained: Tensor<Double>) -> ParameterValues {
    // Identity constraints are skipped rather than passed through `Constraint.constrain`: the
    // pullback of its `switch` allocates zero tangents for every case at every step.
    if withoutDerivative(at: declarations.count == 1 && isIdentity) {
      return ParameterValues(tensors: [unconstrained], layout: self)
    }
    if withoutDerivative(at: declarations.count) == 1 {
      let single = declarations[0].constraint.constrain(unconstrained)
      return ParameterValues(tensors: [single], layout: self)
    }
    let pieces = unconstrained.split(sizes: unconstrainedSizes, alongAxis: 1)
    var values: [Tensor<Double>] = []
    for index in 0..<withoutDerivative(at: pieces.count) {
      let constraint = withoutDerivative(at: declarations[index].constraint)
      if withoutDerivative(at: constraint.isIdentity) {
        values.append(pieces[index])
      } else {
        values.append(constraint.constrain(pieces[index]))
      }
    }
    return ParameterValues(tensors: values, layout: self)
  }

  /// Σ over parameters of log |det ∂T/∂ζ| for each draw ζ (the rows of `unconstrained`, [L, D]),
  /// of shape [L]: the change-of-variables term added to the log joint.
  @differentiable(reverse)
  public func logAbsDeterminant(_ unconstrained: Tensor<Double>) -> Tensor<Double> {
    let rows = withoutDerivative(at: unconstrained.shape[0])
    var total = Tensor<Double>(zeros: [rows])
    if withoutDerivative(at: isIdentity) { return total }
    if withoutDerivative(at: declarations.count) == 1 {
      return declarations[0].constraint.logAbsDeterminant(unconstrained)
    }
    let pieces = unconstrained.split(sizes: unconstrainedSizes, alongAxis: 1)
    for index in 0..<withoutDerivative(at: pieces.count) {
      let constraint = withoutDerivative(at: declarations[index].constraint)
      if !constraint.isIdentity {
        total = total + constraint.logAbsDeterminant(pieces[index])
      }
    }
    return total
  }

  /// The unconstrained point ζ ([D]) of constrained values given by name (each a row-major
  /// array of the parameter's scalars); parameters not given are set from `default`.
  ///
  /// - Throws: ``InferenceError/invalidInitialization(_:)`` for an unknown name, a wrong count,
  ///   or a value outside the parameter's support.
  func unconstrainedPoint(
    from values: [String: [Double]], default fallback: [Double]
  ) throws(InferenceError) -> [Double] {
    for name in values.keys where positions[name] == nil {
      throw .invalidInitialization(
        "no parameter \"\(name)\"; the model declares "
          + names.map { "\"\($0)\"" }.joined(separator: ", "))
    }
    var point = fallback
    for (index, declaration) in declarations.enumerated() {
      guard let given = values[declaration.name] else { continue }
      guard given.count == declaration.size else {
        throw .invalidInitialization(
          "parameter \"\(declaration.name)\" has \(declaration.size) scalars, "
            + "\(given.count) initial values were given")
      }
      let constraint = declaration.constraint
      let inside =
        constraint == .simplex
        ? Constraint.containsSimplex(given) : given.allSatisfy { constraint.contains($0) }
      guard inside else {
        throw .invalidInitialization(
          "initial value \(given) of \"\(declaration.name)\" is outside its support "
            + "(\(constraint))")
      }
      let unconstrained = constraint.unconstrain(Tensor(shape: [1, given.count], scalars: given))
      for (k, value) in unconstrained.scalars.enumerated() { point[offsets[index] + k] = value }
    }
    return point
  }
}
