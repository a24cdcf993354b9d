import TensorCore

/// A distribution parameter outside its domain, thrown by the `validated()` method of each
/// distribution.
///
/// Log densities never throw (differentiable code cannot); validate parameters that come from
/// users or data once, where they enter the program.
public struct InvalidParameterError: Error, CustomStringConvertible, Sendable {
  /// The distribution's type name, e.g. `"Gamma"`.
  public var distribution: String
  /// The parameter's name, e.g. `"concentration"`.
  public var parameter: String
  /// What every scalar of the parameter must satisfy, e.g. `"positive and finite"`.
  public var requirement: String
  /// The first offending scalar, converted to `Double`.
  public var value: Double
  /// The row-major position of the first offending scalar.
  public var index: Int

  /// Creates an error for the first offending scalar of a parameter.
  public init(
    distribution: String, parameter: String, requirement: String, value: Double, index: Int
  ) {
    self.distribution = distribution
    self.parameter = parameter
    self.requirement = requirement
    self.value = value
    self.index = index
  }

  /// A message naming the distribution, the parameter, the rule and the offending scalar.
  public var description: String {
    "\(distribution): \(parameter) must be \(requirement), but scalar \(index) is \(value)"
  }
}

/// Throws an ``InvalidParameterError`` for the first scalar of `parameter` outside `domain`.
@usableFromInline
func requireParameter<Scalar: TensorScalar>(
  _ parameter: Tensor<Scalar>, in domain: ParameterDomain, distribution: String, name: String
) throws {
  let scalars = parameter.scalars
  if let index = scalars.firstIndex(where: { !domain.contains($0) }) {
    throw InvalidParameterError(
      distribution: distribution, parameter: name, requirement: domain.requirement,
      value: Double(scalars[index]), index: index)
  }
}
