import Distributions
import TensorCore
import _Differentiation

extension VariationalObjective {
  /// Checks that log p̃ and its gradient are finite at the unconstrained point ζ₀ where the
  /// optimisation starts, so that a model that cannot be evaluated there is refused before the
  /// first iteration with the parameters responsible named.
  ///
  /// A parameter is named when its constrained value is not finite; when the log joint is not
  /// finite, when moving that parameter alone (by ±0.5, ±1, ±2 in the unconstrained space)
  /// makes it finite; and when only the gradient is not finite, when the gradient with respect
  /// to it is not. When no parameter can be blamed, the message points at the data.
  ///
  /// First, ``checkLogJoint(at:)`` checks that the log joint reads only declared parameters and
  /// returns one value per draw.
  ///
  /// - Throws: ``InferenceError/invalidModel(_:)`` from ``checkLogJoint(at:)``;
  ///   ``InferenceError/nonFiniteInitialDensity(parameters:message:)``.
  public func checkInitialPoint(_ point: [Double]) throws(InferenceError) {
    try checkLogJoint(at: point)
    let layout = self.layout
    let start = Tensor<Double>(shape: [1, point.count], scalars: point)
    let (value, gradient) = valueWithGradient(at: start) { z in
      self.logDensity(unconstrained: z).sum().scalarized()
    }
    let initialValue = value
    let gradientScalars =
      gradient.shape == start.shape
      ? gradient.scalars : [Double](repeating: gradient.scalars[0], count: point.count)
    let gradientIsFinite = gradientScalars.allSatisfy { $0.isFinite }
    if initialValue.isFinite && gradientIsFinite { return }

    let constrained = layout.constrain(start)
    var offenders: [Int] = []
    for index in layout.declarations.indices {
      let block = layout.offsets[index]..<(layout.offsets[index] + layout.unconstrainedSizes[index])
      let valueIsFinite = constrained.tensors[index].scalars.allSatisfy { $0.isFinite }
      if !valueIsFinite {
        offenders.append(index)
      } else if initialValue.isFinite {
        if !gradientScalars[block].allSatisfy({ $0.isFinite }) { offenders.append(index) }
      } else if movingAloneHelps(index, from: point) {
        offenders.append(index)
      }
    }
    let names = offenders.map { layout.declarations[$0].name }
    let described = offenders.map { index in
      let scalars = constrained.tensors[index].scalars
      let shown = scalars.prefix(4).map { "\($0)" }.joined(separator: ", ")
      let more = scalars.count > 4 ? ", …" : ""
      let declaration = layout.declarations[index]
      return "\"\(declaration.name)\" (\(declaration.constraint), value "
        + (scalars.count == 1 ? shown : "[\(shown)\(more)]") + ")"
    }
    let what =
      initialValue.isFinite
      ? "the gradient of the log joint is not finite" : "the log joint is \(initialValue)"
    let culprits =
      described.isEmpty
      ? "; no single parameter could be blamed: moving any one of them does not help, so check "
        + "the data and the terms that do not depend on the parameters"
      : " because of " + (described.count == 1 ? "parameter " : "parameters ")
        + described.joined(separator: ", ")
    throw .nonFiniteInitialDensity(
      parameters: names,
      message: "\(what) at the initial point\(culprits). Check that each parameter's "
        + "constraint matches the support of the distributions it enters (a scale needs "
        + ".positive, a probability .unitInterval), that the data are finite, or start "
        + "elsewhere with FitOptions.initialization.")
  }

  /// Whether shifting only parameter `index` makes log p̃ finite.
  func movingAloneHelps(_ index: Int, from point: [Double]) -> Bool {
    let block = layout.offsets[index]..<(layout.offsets[index] + layout.unconstrainedSizes[index])
    for shift in [0.5, -0.5, 1, -1, 2, -2] {
      var moved = point
      for k in block { moved[k] += shift }
      let z = Tensor<Double>(shape: [1, moved.count], scalars: moved)
      if logDensity(unconstrained: z).scalars[0].isFinite { return true }
    }
    return false
  }
}
