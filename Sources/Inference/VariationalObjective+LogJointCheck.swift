import TensorCore
import _Differentiation

extension VariationalObjective {
  /// L for the evaluations of ``checkLogJoint(at:)``: more than one draw, so that a log joint
  /// that sums over the draws (a scalar) or keeps a trailing axis of size one ([L, 1]) cannot
  /// pass for one value per draw.
  static let checkedDrawCount = 3

  /// Checks, before a fit, the mistakes a model's log joint can make that no finite value
  /// reveals: asking for a parameter the model does not declare (a misspelled name), and
  /// returning something other than one log density per draw.
  ///
  /// The log joint is evaluated once, on `checkedDrawCount` copies of the constrained values
  /// of the unconstrained point `point`. While it runs, an unknown name is recorded and answered
  /// with a stand-in `[L, 1]` tensor (see `ParameterNameProbe`) instead of stopping the
  /// program; should the stand-in make an operation fail, that failure's message names the
  /// unknown parameter too.
  ///
  /// - Throws: ``InferenceError/invalidModel(_:)`` naming the unknown parameters and the
  ///   declared ones, or the shape returned and the one expected.
  public func checkLogJoint(at point: [Double]) throws(InferenceError) {
    let shape = try probing("the log joint", at: point) { logJoint($0).shape }
    let draws = Self.checkedDrawCount
    if shape != [draws] { throw .invalidModel(Self.describeWrongShape(shape, draws: draws)) }
  }

  /// Checks a model's derived quantities (``ProbabilisticModel/derivedQuantities(_:)``) as
  /// ``checkLogJoint(at:)`` checks its log joint: that they ask only for declared parameters
  /// and give one row per draw. (That a ``DerivedQuantity`` has one name per column is checked
  /// by its initialiser, which stops the program with a message.)
  ///
  /// - Throws: ``InferenceError/invalidModel(_:)``.
  public func checkDerivedQuantities(
    _ derive: (ParameterValues) -> [DerivedQuantity], at point: [Double]
  ) throws(InferenceError) {
    let quantities = try probing("the derived quantities", at: point, derive)
    let draws = Self.checkedDrawCount
    for quantity in quantities where quantity.values.shape[0] != draws {
      let names = quantity.elementNames.prefix(3).map { "\"\($0)\"" }.joined(separator: ", ")
      throw .invalidModel(
        "the derived quantity \(names)\(quantity.elementNames.count > 3 ? ", …" : "") has "
          + "values of shape \(quantity.values.shape) for \(draws) draws; it needs one row per "
          + "draw, [\(draws), \(quantity.elementNames.count)]")
    }
  }

  /// `body` (`checked`, for messages: "the log joint") evaluated on ``checkedDrawCount`` copies
  /// of the constrained values of `point`, with unknown parameter names recorded rather than
  /// fatal.
  ///
  /// - Throws: ``InferenceError/invalidModel(_:)`` when `body` asked for an unknown name.
  func probing<Result>(
    _ checked: String, at point: [Double], _ body: (ParameterValues) -> Result
  ) throws(InferenceError) -> Result {
    let draws = Self.checkedDrawCount
    var scalars: [Double] = []
    for _ in 0..<draws { scalars += point }
    let values = layout.constrain(Tensor(shape: [draws, point.count], scalars: scalars))
    let standIn = Tensor<Double>(repeating: 0.5, shape: [draws, 1])
    let probe = ParameterNameProbe(layout, checking: checked)
    let result = withUserPreconditionContext(probe) {
      body(ParameterValues(tensors: values.tensors + [standIn], layout: layout))
    }
    if let problem = probe.problem { throw .invalidModel(problem) }
    return result
  }

  /// Why a log joint that returned `shape` for `draws` draws is wrong, and how to fix it.
  static func describeWrongShape(_ shape: [Int], draws: Int) -> String {
    let returned = shape.isEmpty ? "a scalar (shape [])" : "shape \(shape)"
    let problem =
      "the log joint returned \(returned) for \(draws) draws; it must return shape [\(draws)], "
      + "one log density per draw (each parameter arrives as an [L, size] tensor of L draws)"
    if shape.isEmpty {
      return problem + ". It sums over the draws too: sum over every axis but the first, e.g. "
        + ".sum(squeezingAxes: [1]) instead of .sum()"
    }
    if shape.count == 2 && shape[0] == draws && shape[1] == 1 {
      return problem + ". Drop the axis of size 1: .sum(squeezingAxes: [1]) instead of "
        + ".sum(alongAxes: [1]), or .squeezingShape(at: [1])"
    }
    if shape.count >= 2 && shape[0] == draws {
      let axes = (1..<shape.count).map(String.init).joined(separator: ", ")
      return problem + ". Sum the terms of each draw: .sum(squeezingAxes: [\(axes)])"
    }
    return problem
  }
}
