import Optimizers
import TensorCore
import _Differentiation

/// The stochastic-gradient engine of ADVI: a variational family, an objective, an optimiser and
/// a seeded generator, advanced one step at a time. ``fit(_:family:options:progress:)-(ProbabilisticModel,_,_,_)`` drives
/// it with Stan's convergence rule; use it directly for custom loops and benchmarks:
/// ```swift
/// var engine = VariationalInference(
///   objective: try VariationalObjective(model), family: MeanFieldGaussian(mean: start),
///   optimizer: .adam(learningRate: 0.01), seed: 1)
/// for _ in 0..<10_000 { _ = engine.step() }
/// let elbo = engine.estimateELBO(samples: 1000)
/// ```
/// Each step draws noise ε ∈ ℝ^{L × noiseDimension}, takes the gradient of −ELBO with respect
/// to the variational parameters by reverse-mode automatic differentiation through the family,
/// the bijectors and the log joint, and hands it to the optimiser.
public struct VariationalInference<Family: VariationalFamily> {
  /// The ELBO's ingredients, with every data row.
  public let objective: VariationalObjective
  /// The current variational parameters.
  public var family: Family
  /// The source of every random draw.
  public var generator: Xoshiro256StarStar
  /// The gradient estimator.
  public var estimator: GradientEstimator
  /// L, the draws per gradient.
  public var gradientSamples: Int
  /// An optional schedule for the learning rate of Adam or SGD.
  public var learningRateSchedule: LearningRateSchedule?
  /// The steps taken, including rejected ones.
  public private(set) var iteration = 0
  /// The updates applied (steps whose ELBO and gradient were finite).
  public private(set) var updates = 0

  var optimizer: OptimizerSlot<Family>
  var minibatches: MinibatchSource?
  var buffers = StepBuffers<Family>()

  /// An engine at `family` with the given optimiser (an adaptive step-size sequence needs its
  /// η here; see ``StepSizeAdaptation`` to choose it).
  ///
  /// - Precondition: `gradientSamples ≥ 1`, and η is given for `.adaptiveStepSize`.
  public init(
    objective: VariationalObjective, family: Family, optimizer: OptimizerChoice,
    estimator: GradientEstimator = .closedFormEntropy, gradientSamples: Int = 1, seed: UInt64
  ) {
    self.init(
      objective: objective, family: family, slot: OptimizerSlot(optimizer, for: family),
      estimator: estimator, gradientSamples: gradientSamples, seed: seed)
  }

  /// An engine at `family` with an optimiser of your own: any type conforming to Optimizers'
  /// `Optimizer` for this family, e.g. `Adam(for: family, learningRate: 0.01, beta1: 0.8)`
  /// with settings ``OptimizerChoice`` does not offer, or an optimiser you write. The
  /// built-in choices of the other initialiser update through code specialised for the
  /// family; this one costs a dynamic call per step.
  ///
  /// - Precondition: `gradientSamples ≥ 1`.
  public init(
    objective: VariationalObjective, family: Family, optimizer: some Optimizer<Family>,
    estimator: GradientEstimator = .closedFormEntropy, gradientSamples: Int = 1, seed: UInt64
  ) {
    self.init(
      objective: objective, family: family, slot: .custom(optimizer), estimator: estimator,
      gradientSamples: gradientSamples, seed: seed)
  }

  private init(
    objective: VariationalObjective, family: Family, slot: OptimizerSlot<Family>,
    estimator: GradientEstimator, gradientSamples: Int, seed: UInt64
  ) {
    userPrecondition(gradientSamples >= 1, "VariationalInference: gradientSamples must be ≥ 1")
    userPrecondition(
      family.dimension == objective.layout.dimension,
      "VariationalInference: the family has dimension \(family.dimension), the model "
        + "\(objective.layout.dimension)")
    self.objective = objective
    self.family = family
    self.optimizer = slot
    self.estimator = estimator
    self.gradientSamples = gradientSamples
    self.generator = Xoshiro256StarStar(seed: seed)
  }

  /// Evaluates the log joint of a ``MinibatchModel`` on `batchSize` rows per step (drawn
  /// without replacement, epoch by epoch), scaled by N / batchSize.
  ///
  /// - Precondition: `1 ≤ batchSize`.
  public mutating func useMinibatches(of model: some MinibatchModel, batchSize: Int) {
    minibatches = MinibatchSource(model: model, layout: objective.layout, batchSize: batchSize)
  }

  /// The optimiser's current learning rate (η for the adaptive sequence).
  public var learningRate: Double {
    get { optimizer.learningRate }
    set { optimizer.learningRate = newValue }
  }

  /// What a step did.
  public struct StepOutcome: Hashable, Sendable {
    /// The −ELBO estimate of the step's draws (on the step's minibatch, scaled).
    public var negativeELBO: Double
    /// Whether the estimate and its gradient were finite and the parameters were updated.
    public var accepted: Bool
  }

  /// Draws noise (and a minibatch), computes the gradient of −ELBO and updates the family; a
  /// step whose estimate or gradient is not finite leaves the family unchanged.
  ///
  /// With a ``ClosedFormGradientModel`` whose parameters are all unconstrained and the
  /// closed-form entropy (with minibatches, a ``ClosedFormGradientMinibatchModel``), a step
  /// differentiates nothing: it writes the noise, the draws, the model's log densities and
  /// gradients and the family's gradient over buffers kept from the previous step (the same
  /// numbers as differentiating the model). With ``MeanFieldGaussian`` or
  /// ``FullRankGaussian`` and at most 4 draws it then allocates nothing.
  @discardableResult
  public mutating func step() -> StepOutcome {
    iteration += 1
    if takesClosedFormSteps {
      let loss = closedFormStepLoss()
      guard loss.isFinite, family.isFinite(buffers.gradient) else {
        return StepOutcome(negativeELBO: loss, accepted: false)
      }
      update(along: buffers.gradient)
      return StepOutcome(negativeELBO: loss, accepted: true)
    }
    let noise = Tensor<Double>(
      randomNormal: [gradientSamples, family.noiseDimension], using: &generator)
    let stepObjective = minibatches?.nextObjective(using: &generator) ?? objective
    let (loss, gradient) = Self.lossAndGradient(
      stepObjective, family, noise: noise, estimator: estimator)
    guard loss.isFinite, family.isFinite(gradient) else {
      return StepOutcome(negativeELBO: loss, accepted: false)
    }
    update(along: gradient)
    return StepOutcome(negativeELBO: loss, accepted: true)
  }

  /// One optimiser update, at the learning rate of the schedule if there is one.
  mutating func update(along gradient: Family.TangentVector) {
    if let learningRateSchedule {
      optimizer.learningRate = learningRateSchedule.learningRate(at: updates)
    }
    optimizer.update(&family, along: gradient)
    updates += 1
  }

  /// Whether steps take the model's own gradient: with the closed-form entropy, a
  /// ``ClosedFormGradientModel`` (or ``ClosedFormGradientMinibatchModel`` with minibatches)
  /// and every parameter unconstrained.
  var takesClosedFormSteps: Bool {
    guard estimator == .closedFormEntropy else { return false }
    // Pattern matching rather than `!= nil`: the generic comparison would wrap the closure
    // in a reabstraction thunk, an allocation at every step.
    if case .none = minibatches {
      if case .some = objective.logDensityAndGradient { return true }
      return false
    }
    if case .some = minibatches?.logDensityAndGradient { return true }
    return false
  }

  /// −ELBO with the closed-form entropy from fresh noise (and a minibatch), with its gradient
  /// written to `buffers.gradient` (when the estimate is finite): the model's log densities and
  /// gradients at the draws, then the chain rule through the family in closed form, all written
  /// over `buffers`. The randomness is drawn in the order of the differentiated steps: the
  /// noise, then the rows.
  ///
  /// - Precondition: ``takesClosedFormSteps``.
  mutating func closedFormStepLoss() -> Double {
    let (rows, width) = (gradientSamples, family.noiseDimension)
    prepareBuffer(&buffers.noise, rows: rows, columns: width)
    buffers.noise.withUnsafeMutableBufferPointer { $0.fillStandardNormal(using: &generator) }
    family.reparameterizedSample(noise: buffers.noise, into: &buffers.draws)
    prepareBuffer(&buffers.logDensities, count: rows)
    prepareBuffer(&buffers.logDensityGradients, rows: rows, columns: family.dimension)
    if minibatches != nil {
      minibatches!.drawRows(using: &generator)
      minibatches!.logDensityAndGradient!(
        buffers.draws, minibatches!.rows, minibatches!.likelihoodScale, &buffers.logDensities,
        &buffers.logDensityGradients)
    } else {
      objective.logDensityAndGradient!(
        buffers.draws, &buffers.logDensities, &buffers.logDensityGradients)
    }
    let total = buffers.logDensities.withUnsafeBufferPointer { $0.reduce(0, +) }
    let loss = -(total / Double(rows) + family.entropyValue)
    guard loss.isFinite else { return loss }
    family.negativeELBOGradient(
      noise: buffers.noise, draws: buffers.draws,
      logDensityGradients: buffers.logDensityGradients, into: &buffers.gradient)
    return loss
  }

  /// −ELBO and its gradient, in a function of its own so that the pullback (which holds the
  /// family's tensors) is released before the optimiser updates them in place.
  static func lossAndGradient(
    _ objective: VariationalObjective, _ family: Family, noise: Tensor<Double>,
    estimator: GradientEstimator
  ) -> (Double, Family.TangentVector) {
    // The estimator is chosen here, outside the differentiated code (see
    // `VariationalObjective.unconstrainedLogDensity` for why branches there cost).
    switch estimator {
    case .closedFormEntropy:
      return closedFormLossAndGradient(objective, family, noise: noise)
    case .monteCarlo:
      return differentiatedLossAndGradient(family) {
        objective.monteCarloNegativeELBO($0, noise: noise)
      }
    case .stickingTheLanding:
      return differentiatedLossAndGradient(family) {
        objective.stickingTheLandingNegativeELBO($0, noise: noise)
      }
    }
  }

  /// −ELBO and its gradient by reverse mode through the whole estimate, family included.
  static func differentiatedLossAndGradient(
    _ family: Family, _ negativeELBO: @differentiable(reverse) (Family) -> Tensor<Double>
  ) -> (Double, Family.TangentVector) {
    let (value, pullback) = valueWithPullback(at: family, of: negativeELBO)
    let loss = value.scalarized()
    guard loss.isFinite else { return (loss, .zero) }
    return (loss, pullback(Tensor(1)))
  }

  /// −ELBO with the closed-form entropy and its gradient, differentiating only the model: the
  /// gradients ∇ζ log p̃ of the draws by reverse mode, then the chain rule through the family
  /// in closed form (``VariationalFamily/negativeELBOGradient(noise:draws:logDensityGradients:)``).
  /// The same value and gradient as differentiating
  /// ``VariationalObjective/negativeELBO(_:noise:estimator:)``, with less bookkeeping.
  static func closedFormLossAndGradient(
    _ objective: VariationalObjective, _ family: Family, noise: Tensor<Double>
  ) -> (Double, Family.TangentVector) {
    let draws = family.reparameterizedSample(noise: noise)
    let (logDensity, pullback) = valueWithPullback(at: draws) {
      objective.logDensity(unconstrained: $0)
    }
    let total = logDensity.withUnsafeBufferPointer { $0.reduce(0, +) }
    let loss = -(total / Double(noise.shape[0]) + family.entropy().scalarized())
    guard loss.isFinite else { return (loss, .zero) }
    let gradients = pullback(Tensor(repeating: 1, shape: logDensity.shape))
    let gradient = family.negativeELBOGradient(
      noise: noise, draws: draws, logDensityGradients: gradients)
    return (loss, gradient)
  }

  /// The ELBO of the current family estimated from `samples` fresh draws, with every data row.
  public mutating func estimateELBO(samples: Int) -> ELBOEstimate {
    let noise = Tensor<Double>(randomNormal: [samples, family.noiseDimension], using: &generator)
    return objective.estimateELBO(family, noise: noise)
  }
}

extension VariationalFamily {
  /// Whether every variational parameter is finite.
  var hasFiniteParameters: Bool {
    parameterKeyPaths.allSatisfy { self[keyPath: $0].isFinite }
  }
}

/// The tensors a step without differentiation writes over, kept from step to step (see
/// ``VariationalInference/closedFormStepLoss()``); each takes its shape at the first step.
struct StepBuffers<Family: VariationalFamily> {
  /// ε, [L, noiseDimension].
  var noise = Tensor<Double>(zeros: [0])
  /// ζ = g(ε; λ), [L, D].
  var draws = Tensor<Double>(zeros: [0])
  /// log p̃(ζₗ), [L].
  var logDensities = Tensor<Double>(zeros: [0])
  /// ∇ζ log p̃(ζₗ), [L, D].
  var logDensityGradients = Tensor<Double>(zeros: [0])
  /// The gradient of −ELBO with respect to λ.
  var gradient = Family.TangentVector.zero
}

/// Minibatches of rows for a ``MinibatchModel``: epochs of a random permutation, `batchSize`
/// rows at a time, each batch's log likelihood scaled by N / batchSize.
struct MinibatchSource {
  let rowCount: Int
  let batchSize: Int
  let makeObjective: ([Int], Double) -> VariationalObjective
  /// The minibatch log joint and its gradient, written over an [L] and an [L, D] tensor, when
  /// the model computes them itself (``ClosedFormGradientMinibatchModel``) and every parameter
  /// is unconstrained: the draws, the rows, and the likelihood's scale N / |B|.
  let logDensityAndGradient:
    ((Tensor<Double>, [Int], Double, inout Tensor<Double>, inout Tensor<Double>) -> Void)?
  /// The current epoch's permutation of the rows.
  var order: [Int] = []
  var position = 0
  /// The current batch, rewritten by every draw.
  var rows: [Int] = []

  /// Minibatches of `batchSize` rows of `model`; with several `processes`, each evaluates the
  /// likelihood of its share of every minibatch
  /// (`VariationalObjective.partitioned(_:layout:rows:scale:processes:)`), and steps differentiate
  /// the shared objective.
  init(
    model: some MinibatchModel, layout: ParameterLayout, batchSize: Int,
    processes: any ProcessGroup = SingleProcess()
  ) {
    precondition(batchSize >= 1, "minibatches: batchSize \(batchSize) must be ≥ 1")
    rowCount = model.rowCount
    self.batchSize = Swift.min(batchSize, model.rowCount)
    if processes.size > 1 {
      makeObjective = { rows, scale in
        VariationalObjective.partitioned(
          model, layout: layout, rows: rows, scale: scale, processes: processes)
      }
      logDensityAndGradient = nil
      return
    }
    makeObjective = { rows, scale in
      VariationalObjective(layout: layout) { values in
        model.logPrior(values) + scale * model.logLikelihood(values, rows: rows)
      }
    }
    if layout.isIdentity, let model = model as? any ClosedFormGradientMinibatchModel {
      logDensityAndGradient = {
        model.logJointAndGradient(
          $0, rows: $1, likelihoodScale: $2, values: &$3, gradients: &$4)
      }
    } else {
      logDensityAndGradient = nil
    }
    rows.reserveCapacity(self.batchSize)
  }

  /// N / |B|, the scale of the current batch's log likelihood.
  var likelihoodScale: Double { Double(rowCount) / Double(rows.count) }

  /// Draws the next batch into `rows`: rows of the current permutation; a new permutation
  /// (shuffled in place) once it runs out.
  mutating func drawRows(using generator: inout Xoshiro256StarStar) {
    rows.removeAll(keepingCapacity: true)
    while rows.count < batchSize {
      if position == order.count {
        generator.permutation(of: rowCount, into: &order)
        position = 0
      }
      let take = Swift.min(batchSize - rows.count, order.count - position)
      rows.append(contentsOf: order[position..<(position + take)])
      position += take
    }
  }

  /// The objective of the next batch (for steps that differentiate it).
  mutating func nextObjective(using generator: inout Xoshiro256StarStar) -> VariationalObjective {
    drawRows(using: &generator)
    return makeObjective(rows, likelihoodScale)
  }
}
