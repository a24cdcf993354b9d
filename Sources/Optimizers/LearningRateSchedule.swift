import RealModule
import TensorCore

/// A learning rate as a function of the step number, settable from a configuration file.
///
/// Steps are numbered from 0, as PyTorch's schedulers count them: `learningRate(at: 0)` is the
/// rate of the first update. A training loop sets the optimiser's rate before each update:
/// ```swift
/// optimizer.learningRate = schedule.learningRate(at: step)
/// ```
/// `Codable` with the case name as the key, e.g.
/// `{"cosine": {"learningRate": 0.001, "minimum": 0, "totalSteps": 10000}}`.
public enum LearningRateSchedule: Hashable, Codable, Sendable {
  /// ηₜ = η.
  case constant(learningRate: Double)

  /// ηₜ = η · γ^⌊t / s⌋: multiplied by `factor` γ every `stepsPerDecay` s steps (PyTorch's
  /// `StepLR`).
  case stepDecay(learningRate: Double, factor: Double, stepsPerDecay: Int)

  /// ηₜ = η · γᵗ: multiplied by `factor` γ every step (PyTorch's `ExponentialLR`).
  case exponentialDecay(learningRate: Double, factor: Double)

  /// Cosine annealing from η to `minimum` over `totalSteps` T (Loshchilov and Hutter, "SGDR:
  /// Stochastic gradient descent with warm restarts", ICLR 2017, without restarts):
  /// ```
  /// ηₜ = η_min + (η − η_min) · (1 + cos(π · t / T)) / 2     for t ≤ T,   η_min after.
  /// ```
  case cosine(learningRate: Double, minimum: Double, totalSteps: Int)

  /// The Robbins–Monro style decay of Stan's ADVI (Kucukelbir, Tran, Ranganath, Gelman and
  /// Blei, "Automatic differentiation variational inference", JMLR 2017, equation 10):
  /// ```
  /// ηₜ = η · (t + 1)^(−1/2 + ε)
  /// ```
  /// where t + 1 is Stan's 1-based iteration count and ε (Stan: 1e-16) keeps Σ ηₜ² finite.
  /// ADVI multiplies this by an adaptive per-coordinate factor 1 / (τ + √sₖ), which belongs to
  /// the optimiser, not the schedule.
  case robbinsMonro(learningRate: Double, epsilon: Double = 1e-16)

  /// The learning rate for the update numbered `step` (from 0).
  ///
  /// - Precondition: `step ≥ 0`.
  public func learningRate(at step: Int) -> Double {
    userPrecondition(step >= 0, "LearningRateSchedule: step \(step) must be ≥ 0")
    let t = Double(step)
    switch self {
    case .constant(let eta):
      return eta
    case .stepDecay(let eta, let factor, let stepsPerDecay):
      userPrecondition(stepsPerDecay > 0, "stepDecay: stepsPerDecay \(stepsPerDecay) must be > 0")
      return eta * Double.pow(factor, Double(step / stepsPerDecay))
    case .exponentialDecay(let eta, let factor):
      return eta * Double.pow(factor, t)
    case .cosine(let eta, let minimum, let totalSteps):
      userPrecondition(totalSteps > 0, "cosine: totalSteps \(totalSteps) must be > 0")
      guard step < totalSteps else { return minimum }
      return minimum + (eta - minimum) * (1 + Double.cos(Double.pi * t / Double(totalSteps))) / 2
    case .robbinsMonro(let eta, let epsilon):
      return eta * Double.pow(t + 1, -0.5 + epsilon)
    }
  }
}
