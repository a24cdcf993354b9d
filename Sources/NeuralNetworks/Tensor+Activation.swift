import TensorCore
import _Differentiation

// Activation primitives that TensorCore lacks, each with its vector–Jacobian product below it.

/// The leaky rectifier f(x) = x for x > 0 and slope·x otherwise, elementwise (Maas, Hannun
/// and Ng, "Rectifier nonlinearities improve neural network acoustic models", 2013). The
/// derivative at 0 is taken to be `slope`.
@inlinable
@differentiable(reverse, wrt: x)
public func leakyRelu<Scalar: TensorScalar>(
  _ x: Tensor<Scalar>, slope: Scalar = 0.01
) -> Tensor<Scalar> {
  x._mapScalars { $0 > 0 ? $0 : slope * $0 }
}

@inlinable
@derivative(of: leakyRelu, wrt: x)
func _vjpLeakyRelu<Scalar: TensorScalar>(_ x: Tensor<Scalar>, slope: Scalar) -> (
  value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> Tensor<Scalar>
) {
  let shape = x.shape
  return (
    leakyRelu(x, slope: slope),
    { g in
      Tensor._zipScalars(g._expanded(to: shape), x) { g, x in x > 0 ? g : slope * g }
    }
  )
}

extension Tensor {
  /// f(x + b) for an activation f and a bias b along the last axis, in one pass:
  /// ```
  /// y[…, j] = f(x[…, j] + b[j])
  /// ```
  /// This is the end of a dense layer after its matrix product. The pullback is one pass as
  /// well: with z = x + b and the incoming gradient ȳ,
  /// ```
  /// x̄ = ȳ ⊙ f′(z),   b̄[j] = Σ_rows x̄[…, j],
  /// ```
  /// where f′(z) is computed from y (see `Activation.derivative(fromOutput:)`), so nothing
  /// but the output is kept for the backward pass. Compared with `f(x + b)` from separate
  /// operations this saves two temporaries and two passes over the data.
  ///
  /// - Precondition: `bias` has shape `[n]`, where n is the size of the last axis of `self`.
  @inlinable
  @differentiable(reverse)
  public func addingBias(_ bias: Tensor, activation: Activation = .identity) -> Tensor {
    Tensor.biasActivation(self, bias, activation: activation)
  }

  /// The primitive behind ``addingBias(_:activation:)``, a static function so that its
  /// pullback returns the two tensors' gradients in parameter order, `(x̄, b̄)`.
  @inlinable
  @differentiable(reverse)
  static func biasActivation(_ input: Tensor, _ bias: Tensor, activation: Activation) -> Tensor {
    _ = input._checkBias(bias)
    var result = Tensor(zeros: input.shape)
    input.withUnsafeBufferPointer { x in
      bias.withUnsafeBufferPointer { b in
        result.withUnsafeMutableBufferPointer { y in
          switch activation {
          case .identity: Tensor._biasLoop(x, b, y) { $0 }
          case .relu: Tensor._biasLoop(x, b, y) { $0 > 0 ? $0 : 0 }
          case .leakyRelu, .sigmoid, .tanh, .softplus:
            Tensor._biasLoop(x, b, y) { activation.value($0) }
          }
        }
      }
    }
    return result
  }

  /// y[…, j] = f(x[…, j] + b[j]) over rows of `b.count` scalars.
  @inlinable
  @inline(__always)
  static func _biasLoop(
    _ x: UnsafeBufferPointer<Scalar>, _ b: UnsafeBufferPointer<Scalar>,
    _ y: UnsafeMutableBufferPointer<Scalar>, _ f: (Scalar) -> Scalar
  ) {
    let columns = b.count
    guard columns > 0 else { return }
    for row in 0..<(y.count / columns) {
      let offset = row * columns
      for j in 0..<columns { y[offset + j] = f(x[offset + j] + b[j]) }
    }
  }

  @inlinable
  @derivative(of: biasActivation)
  static func _vjpBiasActivation(_ input: Tensor, _ bias: Tensor, activation: Activation) -> (
    value: Tensor, pullback: (Tensor) -> (Tensor, Tensor)
  ) {
    let y = biasActivation(input, bias, activation: activation)
    let columns = bias.scalarCount
    return (
      y,
      { g in
        let g = g._expanded(to: y.shape)
        var gradientX = Tensor(zeros: y.shape)
        var gradientBias = Tensor(zeros: [columns])
        g.withUnsafeBufferPointer { g in
          y.withUnsafeBufferPointer { y in
            gradientX.withUnsafeMutableBufferPointer { gx in
              gradientBias.withUnsafeMutableBufferPointer { gb in
                switch activation {
                case .identity: Tensor._biasPullbackLoop(g, y, gx, gb) { _ in 1 }
                case .relu: Tensor._biasPullbackLoop(g, y, gx, gb) { $0 > 0 ? 1 : 0 }
                case .leakyRelu, .sigmoid, .tanh, .softplus:
                  Tensor._biasPullbackLoop(g, y, gx, gb) { activation.derivative(fromOutput: $0) }
                }
              }
            }
          }
        }
        return (gradientX, gradientBias)
      }
    )
  }

  /// x̄ = ȳ ⊙ f′ and b̄[j] = Σ_rows x̄[…, j], where `derivative` maps y to f′.
  @inlinable
  @inline(__always)
  static func _biasPullbackLoop(
    _ g: UnsafeBufferPointer<Scalar>, _ y: UnsafeBufferPointer<Scalar>,
    _ gx: UnsafeMutableBufferPointer<Scalar>, _ gb: UnsafeMutableBufferPointer<Scalar>,
    _ derivative: (Scalar) -> Scalar
  ) {
    let columns = gb.count
    guard columns > 0 else { return }
    for row in 0..<(gx.count / columns) {
      let offset = row * columns
      for j in 0..<columns {
        let value = g[offset + j] * derivative(y[offset + j])
        gx[offset + j] = value
        gb[j] += value
      }
    }
  }

  /// The size of the last axis, after checking that `bias` matches it.
  @inlinable
  func _checkBias(_ bias: Tensor) -> Int {
    precondition(rank >= 1, "addingBias: needs rank ≥ 1, got a scalar")
    let columns = shape[rank - 1]
    precondition(
      bias.shape == [columns],
      "addingBias: bias of shape \(bias.shape) for input of shape \(shape) (needs [\(columns)])")
    return columns
  }
}
