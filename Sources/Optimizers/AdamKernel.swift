import CKernels
import TensorCore

/// The elementwise part of one ``Adam`` step, with the step's coefficients in the parameters'
/// scalar type (see ``Adam`` for the formulas).
@usableFromInline
struct AdamKernel<Scalar: TensorScalar> {
  /// η / (1 − β₁ᵗ).
  @usableFromInline let stepSize: Scalar
  /// √(1 − β₂ᵗ).
  @usableFromInline let correction2Root: Scalar
  @usableFromInline let oneMinusBeta1: Scalar
  @usableFromInline let beta2: Scalar
  @usableFromInline let oneMinusBeta2: Scalar
  @usableFromInline let epsilon: Scalar
  /// λ.
  @usableFromInline let weightDecay: Scalar

  @inlinable
  init(
    stepSize: Scalar, correction2Root: Scalar, oneMinusBeta1: Scalar, beta2: Scalar,
    oneMinusBeta2: Scalar, epsilon: Scalar, weightDecay: Scalar
  ) {
    self.stepSize = stepSize
    self.correction2Root = correction2Root
    self.oneMinusBeta1 = oneMinusBeta1
    self.beta2 = beta2
    self.oneMinusBeta2 = oneMinusBeta2
    self.epsilon = epsilon
    self.weightDecay = weightDecay
  }

  /// Updates θ, m and v of one parameter in place from its gradient: `count` scalars of
  /// gradient if `dense`, else one scalar standing for all.
  @inlinable
  func callAsFunction(
    theta: UnsafeMutablePointer<Scalar>, m: UnsafeMutablePointer<Scalar>,
    v: UnsafeMutablePointer<Scalar>, gradient: UnsafePointer<Scalar>, count: Int, dense: Bool
  ) {
    // Float's and Double's dense loops run in C with packed square roots (see CKernels.h), also
    // keeping unspecialised generic callers off the scalar protocol witnesses; the others are
    // separate loops so that the dense one can vectorise where the compiler manages.
    if dense && Scalar.self == Float.self {
      func float(_ pointer: UnsafeMutablePointer<Scalar>) -> UnsafeMutablePointer<Float> {
        UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: Float.self)
      }
      func float(_ scalar: Scalar) -> Float { Float(scalar) }
      let g = UnsafeRawPointer(gradient).assumingMemoryBound(to: Float.self)
      // Large tensors are split across the cores (each scalar's update is independent).
      forEachChunk(of: count, minimumChunk: 1 << 15) { range in
        let i = range.lowerBound
        variational_adam_update_float(
          float(theta) + i, float(m) + i, float(v) + i, g + i, range.count,
          float(oneMinusBeta1), float(beta2), float(oneMinusBeta2), float(correction2Root),
          float(epsilon), float(stepSize), float(weightDecay))
      }
    } else if dense && Scalar.self == Double.self {
      func double(_ pointer: UnsafeMutablePointer<Scalar>) -> UnsafeMutablePointer<Double> {
        UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: Double.self)
      }
      func double(_ scalar: Scalar) -> Double { Double(scalar) }
      variational_adam_update_double(
        double(theta), double(m), double(v),
        UnsafeRawPointer(gradient).assumingMemoryBound(to: Double.self), count,
        double(oneMinusBeta1), double(beta2), double(oneMinusBeta2), double(correction2Root),
        double(epsilon), double(stepSize), double(weightDecay))
    } else if dense {
      for i in 0..<count { update(&theta[i], &m[i], &v[i], gradient[i]) }
    } else {
      let g = gradient[0]
      for i in 0..<count { update(&theta[i], &m[i], &v[i], g) }
    }
  }

  /// One scalar of the step, in PyTorch's order of operations.
  @inlinable
  @inline(__always)
  func update(_ theta: inout Scalar, _ m: inout Scalar, _ v: inout Scalar, _ gradient: Scalar) {
    let g = gradient + weightDecay * theta
    m += oneMinusBeta1 * (g - m)
    let g2: Scalar = oneMinusBeta2 * g * g
    v = v * beta2 + g2
    let denominator: Scalar = v.squareRoot() / correction2Root + epsilon
    theta -= stepSize * (m / denominator)
  }
}
