import TensorCore
import _Differentiation

extension Adam {
  /// The state as named tensors: the step count t as the rank-0 `"step"`, and the moment
  /// estimates as `"firstMoment.0"`, `"secondMoment.0"`, `"firstMoment.1"`, … in key-path
  /// order. Tensors share storage with the optimiser (copy-on-write), so exporting is free.
  ///
  /// The step count is stored in the scalar type, exact up to 2²⁴ steps for `Float`.
  public func exportState() -> [String: Tensor<Model.Scalar>] {
    var state = ["step": Tensor<Model.Scalar>(Model.Scalar(step))]
    for index in _firstMoments.indices {
      state["firstMoment.\(index)"] = firstMoments[index]
      state["secondMoment.\(index)"] = secondMoments[index]
    }
    return state
  }

  /// Restores a state saved by ``exportState()``; continuing then gives bit-identical
  /// parameters to a run that was never interrupted. Hyperparameters are not part of the state.
  ///
  /// - Throws: ``OptimizerStateError`` when `"step"` is missing or not a non-negative integer,
  ///   or when a moment estimate is missing or shaped unlike its parameter in `model`.
  public mutating func importState(
    _ state: [String: Tensor<Model.Scalar>], matching model: Model
  ) throws {
    let step = try OptimizerStateReader.step(in: state, optimizer: "Adam")
    var first: [Tensor<Model.Scalar>] = []
    var second: [Tensor<Model.Scalar>] = []
    if step > 0 {
      let shapes = model.parameters.map { $0.shape }
      first = try OptimizerStateReader.buffers(
        "firstMoment", in: state, shapes: shapes, optimizer: "Adam")
      second = try OptimizerStateReader.buffers(
        "secondMoment", in: state, shapes: shapes, optimizer: "Adam")
    }
    _step = step
    _firstMoments = first
    _secondMoments = second
  }
}
