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

/// f(x + b) for an activation f and a bias b along the last axis, in one pass:
/// ```
/// y[…, j] = f(x[…, j] + b[j])
/// ```
/// This is the end of a dense layer after its matrix product. The pullback is one pass as
/// well: with z = x + b and the incoming gradient ȳ,
/// ```
/// x̄ = ȳ ⊙ f′(z),   b̄[j] = Σ_rows x̄[…, j],
/// ```
/// where f′(z) is computed from y (see `Activation.derivative(fromOutput:)`), so nothing but
/// the output is kept for the backward pass. Compared with `f(x + b)` from separate operations
/// this saves two temporaries and two passes over the data.
///
/// A free function rather than a method on `x`: in Swift 6.3, a method differentiable with
/// respect to `self` and an argument, with a custom derivative, had its two gradients swapped
/// when specialised in another module in release builds.
///
/// - Precondition: `bias` has shape `[n]`, where n is the size of the last axis of `x`.
@inlinable
@differentiable(reverse, wrt: (x, bias))
public func fusedBiasActivation<Scalar: TensorScalar>(
  _ x: Tensor<Scalar>, bias: Tensor<Scalar>, activation: Activation
) -> Tensor<Scalar> {
  _ = x._checkBias(bias)
  var result = Tensor<Scalar>(zeros: x.shape)
  x.withUnsafeBufferPointer { x in
    bias.withUnsafeBufferPointer { b in
      result.withUnsafeMutableBufferPointer { y in
        switch activation {
        case .identity: _biasLoop(x, b, y) { $0 }
        case .relu: _biasLoop(x, b, y) { $0 > 0 ? $0 : 0 }
        case .leakyRelu, .sigmoid, .tanh, .softplus: _biasLoop(x, b, y) { activation.value($0) }
        }
      }
    }
  }
  return result
}

@inlinable
@derivative(of: fusedBiasActivation, wrt: (x, bias))
func _vjpFusedBiasActivation<Scalar: TensorScalar>(
  _ x: Tensor<Scalar>, bias: Tensor<Scalar>, activation: Activation
) -> (value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> (Tensor<Scalar>, Tensor<Scalar>)) {
  let y = fusedBiasActivation(x, bias: bias, activation: activation)
  // The same gradients as a dense layer's bias and activation (`_densePreactivationGradient`).
  return (y, { g in _densePreactivationGradient(g, y, activation) })
}

/// y[…, j] = f(x[…, j] + b[j]) over rows of `b.count` scalars.
@inlinable
@inline(__always)
func _biasLoop<Scalar: TensorScalar>(
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

/// x̄ = ȳ ⊙ f′ and b̄[j] = Σ_rows x̄[…, j], where `derivative` maps y to f′.
@inlinable
@inline(__always)
func _biasPullbackLoop<Scalar: TensorScalar>(
  _ g: UnsafeBufferPointer<Scalar>, _ y: UnsafeBufferPointer<Scalar>,
  _ gx: UnsafeMutableBufferPointer<Scalar>, _ gb: UnsafeMutableBufferPointer<Scalar>,
  _ derivative: (Scalar) -> Scalar
) {
  let (columns, count) = (gb.count, gx.count)
  guard columns > 0, let g = g.baseAddress, let y = y.baseAddress, let gx = gx.baseAddress,
    let gb = gb.baseAddress
  else { return }
  // Row pointers and a plain inner range keep overflow checks out, so the loop vectorises.
  for row in 0..<(count / columns) {
    let (g, y, gx) = (g + row &* columns, y + row &* columns, gx + row &* columns)
    for j in 0..<columns {
      let value = g[j] * derivative(y[j])
      gx[j] = value
      gb[j] += value
    }
  }
}

extension Tensor {
  /// The size of the last axis, after checking that `bias` matches it.
  @inlinable
  func _checkBias(_ bias: Tensor) -> Int {
    userPrecondition(rank >= 1, "fusedBiasActivation: needs rank ≥ 1, got a scalar")
    let columns = shape[rank - 1]
    userPrecondition(
      bias.shape == [columns],
      "fusedBiasActivation: bias of shape \(bias.shape) for input of shape \(shape) (needs "
        + "[\(columns)])")
    return columns
  }
}

extension Tensor {
  /// f(self + bias) for a bias along the last axis, in one pass: the method form of
  /// ``fusedBiasActivation(_:bias:activation:)`` (differentiated through it).
  @inlinable
  @differentiable(reverse)
  public func addingBias(_ bias: Tensor, activation: Activation = .identity) -> Tensor {
    fusedBiasActivation(self, bias: bias, activation: activation)
  }
}
