import TensorCore
import _Differentiation

/// Updates a model's parameters from a gradient of the loss.
///
/// An optimiser holds its hyperparameters and whatever state it accumulates (momentum, moment
/// estimates, the step count); the model and the gradient are passed in at every step. A
/// training step reads:
/// ```swift
/// let gradient = gradient(at: model) { model in loss(model(x), y) }
/// optimizer.learningRate = schedule.learningRate(at: step)
/// optimizer.update(&model, along: gradient)
/// ```
/// The model's parameters are changed in place (see TensorCore's
/// `modifyInPlace(_:at:placeholder:_:)`), so the model should not be copied elsewhere while it
/// trains, or each step copies its storage.
///
/// `Model` is the primary associated type, so an optimiser for a given model can be named
/// `some Optimizer<MeanFieldGaussian>`; Inference's `VariationalInference` takes one of your
/// own that way.
public protocol Optimizer<Model> {
  /// The model this optimiser updates.
  associatedtype Model: ParameterGroup

  /// The step size η of the next update, which a ``LearningRateSchedule`` may change between
  /// steps.
  var learningRate: Double { get set }

  /// Moves `model` one step against `gradient`, the gradient of the loss at `model`.
  mutating func update(_ model: inout Model, along gradient: Model.TangentVector)
}

/// An optimiser whose accumulated state can be saved and restored, so that a training run can
/// be checkpointed and resumed with bit-identical results.
public protocol CheckpointableOptimizer: Optimizer {
  /// The state (step count and per-parameter buffers) as named tensors, e.g. for an NPY or
  /// safetensors-style file. Hyperparameters are not included.
  func exportState() -> [String: Tensor<Model.Scalar>]

  /// Restores the state saved by ``exportState()``, checking it against `model`'s parameters.
  ///
  /// - Throws: ``OptimizerStateError`` when a tensor is missing or its shape does not match.
  mutating func importState(_ state: [String: Tensor<Model.Scalar>], matching model: Model) throws
}
