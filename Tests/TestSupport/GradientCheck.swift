import TensorCore
import Testing
import _Differentiation

/// The outcome of comparing a gradient from automatic differentiation with central finite
/// differences.
public struct GradientComparison<Scalar: TensorScalar>: CustomStringConvertible {
  /// The gradient from automatic differentiation.
  public var analytic: [Scalar]
  /// The central-difference estimate.
  public var numerical: [Scalar]

  public init(analytic: [Scalar], numerical: [Scalar]) {
    precondition(analytic.count == numerical.count, "GradientComparison: counts differ")
    self.analytic = analytic
    self.numerical = numerical
  }

  /// ‖analytic − numerical‖₂ / max(‖analytic‖₂, ‖numerical‖₂, 1e-3): relative where the
  /// gradient is large, absolute (scaled by 1e3) where it vanishes.
  public var relativeError: Scalar {
    var difference: Scalar = 0
    var normA: Scalar = 0
    var normN: Scalar = 0
    for i in analytic.indices {
      let d = analytic[i] - numerical[i]
      difference += d * d
      normA += analytic[i] * analytic[i]
      normN += numerical[i] * numerical[i]
    }
    if difference.isNaN { return .nan }
    return difference.squareRoot() / Swift.max(normA.squareRoot(), normN.squareRoot(), 1e-3)
  }

  public var description: String {
    "relative error \(relativeError)\n  analytic  \(analytic.prefix(8))\n  numerical "
      + "\(numerical.prefix(8))"
  }
}

/// The default finite-difference step: the cube root of machine epsilon, which balances the
/// O(h²) truncation error of central differences against the O(ε/h) rounding error.
public func defaultStep<Scalar: TensorScalar>(for: Scalar.Type) -> Scalar {
  Scalar.exp(Scalar.log(Scalar.ulpOfOne) / 3)
}

/// Compares the gradient of `f` at `inputs` with central differences, for a function of any
/// number of tensors with any output shape.
///
/// The output is reduced to a scalar with fixed pseudo-random weights, L = Σ wᵢ f(x)ᵢ, so the
/// check exercises the whole vector–Jacobian product with a non-trivial cotangent, including
/// broadcasting and reductions. Each input scalar is perturbed by ±h(1 + |x|).
public func compareGradients<Scalar: TensorScalar>(
  of f: @escaping @differentiable(reverse) ([Tensor<Scalar>]) -> Tensor<Scalar>,
  at inputs: [Tensor<Scalar>], step: Scalar? = nil, seed: UInt64 = 7
) -> [GradientComparison<Scalar>] {
  let h = step ?? defaultStep(for: Scalar.self)
  var generator = Xoshiro256StarStar(seed: seed)
  let output = f(inputs)
  let weights = Tensor<Scalar>(
    randomUniform: output.shape, in: 0.5..<1.5, using: &generator)
  let loss: @differentiable(reverse) ([Tensor<Scalar>]) -> Scalar = { x in
    (f(x) * weights).sum().scalarized()
  }
  let gradient = _Differentiation.gradient(at: inputs, of: loss)
  var comparisons: [GradientComparison<Scalar>] = []
  for (k, input) in inputs.enumerated() {
    var analytic = [Scalar](repeating: 0, count: input.scalarCount)
    if k < gradient.base.count {
      let g = gradient.base[k]
      analytic =
        g.shape == input.shape
        ? g.scalars : [Scalar](repeating: g.scalars.first ?? 0, count: input.scalarCount)
    }
    var numerical = [Scalar](repeating: 0, count: input.scalarCount)
    for i in 0..<input.scalarCount {
      var plus = inputs
      var minus = inputs
      let x = input.scalars[i]
      let delta = h * (1 + Swift.abs(x))
      plus[k].withUnsafeMutableBufferPointer { $0[i] = x + delta }
      minus[k].withUnsafeMutableBufferPointer { $0[i] = x - delta }
      numerical[i] = (loss(plus) - loss(minus)) / (2 * delta)
    }
    comparisons.append(GradientComparison(analytic: analytic, numerical: numerical))
  }
  return comparisons
}

/// Records a test issue at the caller unless, for every input, the gradient of `f` from
/// automatic differentiation matches central finite differences within `tolerance`
/// (relative error as in ``GradientComparison/relativeError``).
public func checkGradients<Scalar: TensorScalar>(
  of f: @escaping @differentiable(reverse) ([Tensor<Scalar>]) -> Tensor<Scalar>,
  at inputs: [Tensor<Scalar>], tolerance: Scalar, step: Scalar? = nil,
  _ comment: String = "", sourceLocation: SourceLocation = #_sourceLocation
) {
  let comparisons = compareGradients(of: f, at: inputs, step: step)
  for (k, comparison) in comparisons.enumerated() {
    let error = comparison.relativeError
    if !(error <= tolerance) {
      Issue.record(
        Comment(
          rawValue:
            "\(comment.isEmpty ? "" : comment + ": ")gradient of input \(k) "
            + "(shape \(inputs[k].shape)): \(comparison)"),
        sourceLocation: sourceLocation)
    }
  }
}
