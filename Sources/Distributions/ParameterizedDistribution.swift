import TensorCore
import _Differentiation

/// A distribution given by named tensor parameters that broadcast to its batch shape, each with
/// the domain its scalars must lie in.
///
/// ``namedParameters`` is the one listing of a distribution's parameters; ``batchShape`` (their
/// broadcast shape) and ``validated()`` (each parameter checked against its domain) are derived
/// from it, so a new distribution writes its parameters once:
///
/// ```swift
/// public var namedParameters: [NamedParameter<Scalar>] {
///   [NamedParameter("mean", mean, .finite), NamedParameter("scale", scale, .positive)]
/// }
/// ```
public protocol ParameterizedDistribution: Distribution {
  /// The parameters in declaration order, each with its name and domain.
  var namedParameters: [NamedParameter<Scalar>] { get }

  /// `self`, or an ``InvalidParameterError`` naming the first parameter outside its domain.
  /// The default checks ``namedParameters``; a distribution with more rules (such as
  /// `Uniform`'s low < high) checks them after.
  func validated() throws -> Self
}

/// One parameter of a ``ParameterizedDistribution``: its name as the initialiser spells it,
/// its value, and the domain every scalar must lie in.
public struct NamedParameter<Scalar: TensorScalar> {
  /// The name, e.g. `"standardDeviation"`: what ``InvalidParameterError`` reports.
  public var name: String
  /// The parameter tensor.
  public var value: Tensor<Scalar>
  /// The domain each scalar of ``value`` must lie in.
  public var domain: ParameterDomain

  /// A parameter named `name` with the given value and domain.
  @inlinable
  public init(_ name: String, _ value: Tensor<Scalar>, _ domain: ParameterDomain) {
    self.name = name
    self.value = value
    self.domain = domain
  }
}

extension ParameterizedDistribution {
  /// The broadcast shape of the parameters.
  ///
  /// - Precondition: the parameters' shapes broadcast (the message names the distribution).
  @inlinable
  public var batchShape: [Int] {
    let shapes = namedParameters.map(\.value.shape)
    var broadcast: [Int]? = []
    for next in shapes { broadcast = broadcast.flatMap { broadcastShapeIfAny($0, next) } }
    guard let shape = broadcast else {
      userPreconditionFailure(
        "\(Self.distributionName): the parameters' shapes \(shapes) do not broadcast")
    }
    return shape
  }

  /// `self`, or an ``InvalidParameterError`` naming the first parameter with a scalar outside
  /// its domain.
  public func validated() throws -> Self {
    try requireParametersInDomains()
    return self
  }

  /// Throws an ``InvalidParameterError`` for the first parameter with a scalar outside its
  /// domain; for a `validated()` that checks more.
  @usableFromInline
  func requireParametersInDomains() throws {
    for parameter in namedParameters {
      try requireParameter(
        parameter.value, in: parameter.domain, distribution: Self.distributionName,
        name: parameter.name)
    }
  }

  /// The type's name without its generic arguments, e.g. `"Normal"`.
  @inlinable
  static var distributionName: String {
    let name = String(describing: Self.self)
    return String(name.prefix { $0 != "<" })
  }
}
