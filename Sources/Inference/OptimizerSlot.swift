import Optimizers
import TensorCore

/// The optimiser of a ``VariationalInference`` engine. The built-in kinds are held by their
/// concrete types, so that a step's update is the optimiser's code specialised for the family
/// (through an existential it would run `Adam`'s generic code, key paths and all); one that a
/// user brings is held as `any Optimizer<Family>`, one dynamic call per step.
enum OptimizerSlot<Family: ParameterGroup> {
  case adam(Adam<Family>)
  case sgd(SGD<Family>)
  case adaptive(AdaptiveStepSize<Family>)
  case custom(any Optimizer<Family>)

  /// The optimiser of `choice`, for families like `family`.
  init(_ choice: OptimizerChoice, for family: Family) {
    switch choice {
    case .adam(let rate, let beta2):
      self = .adam(Adam(for: family, learningRate: rate, beta2: beta2))
    case .sgd(let rate, let momentum):
      self = .sgd(SGD(for: family, learningRate: rate, momentum: momentum))
    case .adaptiveStepSize(let eta):
      guard let eta else {
        userPreconditionFailure(
          "VariationalInference: give η, or choose it with StepSizeAdaptation")
      }
      self = .adaptive(AdaptiveStepSize(for: family, learningRate: eta))
    }
  }

  /// The optimiser's learning rate.
  var learningRate: Double {
    get {
      switch self {
      case .adam(let optimizer): return optimizer.learningRate
      case .sgd(let optimizer): return optimizer.learningRate
      case .adaptive(let optimizer): return optimizer.learningRate
      case .custom(let optimizer): return optimizer.learningRate
      }
    }
    set {
      // `consume` moves the optimiser out, so that its state is not shared while it changes.
      switch consume self {
      case .adam(var optimizer):
        optimizer.learningRate = newValue
        self = .adam(optimizer)
      case .sgd(var optimizer):
        optimizer.learningRate = newValue
        self = .sgd(optimizer)
      case .adaptive(var optimizer):
        optimizer.learningRate = newValue
        self = .adaptive(optimizer)
      case .custom(var optimizer):
        optimizer.learningRate = newValue
        self = .custom(optimizer)
      }
    }
  }

  /// One step of the optimiser on `family`. The optimiser is moved out of the slot for the
  /// step, so that its state (Adam's moments) is uniquely referenced and updated in place.
  mutating func update(_ family: inout Family, along gradient: Family.TangentVector) {
    switch consume self {
    case .adam(var optimizer):
      optimizer.update(&family, along: gradient)
      self = .adam(optimizer)
    case .sgd(var optimizer):
      optimizer.update(&family, along: gradient)
      self = .sgd(optimizer)
    case .adaptive(var optimizer):
      optimizer.update(&family, along: gradient)
      self = .adaptive(optimizer)
    case .custom(var optimizer):
      optimizer.update(&family, along: gradient)
      self = .custom(optimizer)
    }
  }
}
