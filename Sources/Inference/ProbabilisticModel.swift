import TensorCore
import _Differentiation

/// A Bayesian model: named parameters with their supports, and the log joint density
/// log p(x, θ) of the data x (held by the model) and the parameters θ.
///
/// The log joint is vectorised over Monte-Carlo draws: each parameter arrives as a `[L, size]`
/// tensor of L draws (see ``ParameterValues``) and the result is the `[L]` vector of log joint
/// densities, one per draw. Write it with tensor operations and the differentiable
/// `logProbability(of:)` of the Distributions module; constants that do not depend on θ may be
/// dropped. It must not throw (differentiable code cannot); check the data when the model is
/// built.
///
/// ```swift
/// /// x = 5 observed once; z ~ N(0, 1), x | z ~ N(z, 1); the posterior is N(2.5, 1/√2).
/// struct NormalNormal: ProbabilisticModel {
///   var x = 5.0
///   var parameters: [ParameterDeclaration] { [ParameterDeclaration("z")] }
///
///   @differentiable(reverse)
///   func logJoint(_ parameters: ParameterValues) -> Tensor<Double> {
///     let z = parameters["z"]                                      // [L, 1]
///     let prior = Normal(mean: Tensor(0.0), standardDeviation: Tensor(1.0))
///     let likelihood = Normal(mean: z, standardDeviation: Tensor(1.0))
///     return (prior.logProbability(of: z) + likelihood.logProbability(of: Tensor(x)))
///       .sum(squeezingAxes: [1])                                   // [L]
///   }
/// }
/// ```
public protocol ProbabilisticModel {
  /// The parameters, in a fixed order.
  var parameters: [ParameterDeclaration] { get }

  /// log p(x, θ) for each of the L draws in `parameters`, of shape [L].
  @differentiable(reverse)
  func logJoint(_ parameters: ParameterValues) -> Tensor<Double>

  /// Quantities computed from the parameters for reporting, such as θ = μ + τ·θ̃ in a
  /// non-centred model: named `[L, size]` tensors that appear in draws and summaries after the
  /// parameters. By default none.
  func derivedQuantities(_ parameters: ParameterValues) -> [DerivedQuantity]
}

extension ProbabilisticModel {
  /// No derived quantities.
  public func derivedQuantities(_ parameters: ParameterValues) -> [DerivedQuantity] { [] }
}

/// A named quantity computed from the parameters of each draw, for reporting.
public struct DerivedQuantity: Sendable {
  /// The output names of its scalars, e.g. `theta.1`, …, `theta.8`.
  public var elementNames: [String]
  /// The values, `[L, elementNames.count]`.
  public var values: Tensor<Double>

  /// A quantity whose scalars are named `name` or `name.1`, `name.2`, … as for parameters.
  public init(_ name: String, values: Tensor<Double>) {
    userPrecondition(
      values.rank >= 1,
      "DerivedQuantity(\"\(name)\"): values of shape [] need a first axis of draws, [L, …]")
    let size = values.shape.dropFirst().reduce(1, *)
    self.elementNames = ParameterDeclaration.defaultElementNames(
      name: name, shape: size == 1 && values.rank <= 2 && values.shape.last == 1 ? [] : [size])
    self.values = values.reshaped(to: [values.shape[0], size])
  }

  /// A quantity with explicit names, one per column of `values` ([L, k]).
  public init(elementNames: [String], values: Tensor<Double>) {
    userPrecondition(
      values.rank == 2 && values.shape[1] == elementNames.count,
      "DerivedQuantity: \(elementNames.count) names for values of shape \(values.shape); "
        + "they need shape [L, \(elementNames.count)], one column per name")
    self.elementNames = elementNames
    self.values = values
  }
}

/// A model whose log joint is a log prior plus a sum over data rows,
/// ```
/// log p(x, θ) = log p(θ) + Σₙ log p(xₙ | θ),
/// ```
/// so that stochastic variational inference (Hoffman, Blei, Wang & Paisley 2013, "Stochastic
/// variational inference", JMLR 14) can evaluate it on a minibatch B of rows, scaling the
/// likelihood by N/|B| to keep the estimate unbiased:
/// ```
/// log p(θ) + (N / |B|) Σ_{n ∈ B} log p(xₙ | θ).
/// ```
/// Set ``FitOptions/batchSize`` to use minibatches; ELBO evaluations for the convergence rule
/// use every row.
public protocol MinibatchModel: ProbabilisticModel {
  /// N, the number of data rows.
  var rowCount: Int { get }

  /// log p(θ) for each draw, [L].
  @differentiable(reverse)
  func logPrior(_ parameters: ParameterValues) -> Tensor<Double>

  /// Σ_{n ∈ rows} log p(xₙ | θ) for each draw, [L]: the unscaled log likelihood of the given
  /// rows (0-based, possibly repeated).
  @differentiable(reverse, wrt: parameters)
  func logLikelihood(_ parameters: ParameterValues, rows: [Int]) -> Tensor<Double>
}

extension MinibatchModel {
  /// log p(θ) + Σ over all rows of log p(xₙ | θ).
  @differentiable(reverse)
  public func logJoint(_ parameters: ParameterValues) -> Tensor<Double> {
    logPrior(parameters) + logLikelihood(parameters, rows: withoutDerivative(at: allRows))
  }

  /// 0, 1, …, N − 1.
  public var allRows: [Int] { Array(0..<rowCount) }
}

/// A model from parameter declarations and a closure: the quickest way to write one.
///
/// ```swift
/// let model = ClosureModel(parameters: [ParameterDeclaration("z")]) { p in
///   let z = p["z"]
///   return (-0.5 * z.squared() - 0.5 * (5 - z).squared()).sum(squeezingAxes: [1])
/// }
/// ```
public struct ClosureModel: ProbabilisticModel {
  /// The parameters, in order.
  public var parameters: [ParameterDeclaration]
  /// The log joint, vectorised over draws as for ``ProbabilisticModel/logJoint(_:)``.
  public var body: @differentiable(reverse) (ParameterValues) -> Tensor<Double>

  /// A model with the given parameters and log joint.
  public init(
    parameters: [ParameterDeclaration],
    logJoint: @escaping @differentiable(reverse) (ParameterValues) -> Tensor<Double>
  ) {
    self.parameters = parameters
    self.body = logJoint
  }

  /// log p(θ, y) for each draw, up to a constant: [L].
  @differentiable(reverse)
  public func logJoint(_ parameters: ParameterValues) -> Tensor<Double> {
    body(parameters)
  }
}
