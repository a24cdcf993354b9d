import CKernels
import TensorCore
import _Differentiation

/// A dense layer's whole forward pass, y = f(x·W + b), as one primitive:
/// ```
/// x: [batch, in],  W: [in, out],  b: [out],  y[i, j] = f((x·W)[i, j] + b[j])
/// ```
/// The product goes to BLAS `?gemm`; the bias and activation are applied in place on its
/// result (for Float with relu or identity: the bias before the product, the relu on each
/// block right after it), so the layer allocates its output and nothing else. The pullback,
/// with the incoming gradient ȳ and z = x·W + b, is
/// ```
/// z̄ = ȳ ⊙ f′(z)  (f′ from y, see `Activation.derivative(fromOutput:)`; z̄ = ȳ for identity),
/// b̄[j] = Σᵢ z̄[i, j],   W̄ = xᵀ·z̄,   x̄ = z̄·Wᵀ,
/// ```
/// the products with transpose flags passed to BLAS (x̄ and W̄ side by side on two cores, see
/// `matmuls(_:transposed:_:transposed:and:transposed:_:transposed:)`). When only the
/// parameters vary (the first layer of a network applied to data), a second derivative skips
/// x̄, the product of the backward pass that nobody reads.
///
/// A free function (see ``fusedBiasActivation(_:bias:activation:)`` for why not a method).
///
/// - Precondition: `x` is `[batch, in]`, `weight` `[in, out]` and `bias` `[out]`.
@inlinable
@differentiable(reverse, wrt: (x, weight, bias))
public func dense<Scalar: TensorScalar>(
  _ x: Tensor<Scalar>, weight: Tensor<Scalar>, bias: Tensor<Scalar>, activation: Activation
) -> Tensor<Scalar> {
  if Scalar.self == Float.self && (activation == .relu || activation == .identity)
    && x.rank == 2 && weight.rank == 2 && x.shape[1] == weight.shape[0]
  {
    // The bias goes in with the product (β = 1), the relu on each block of the product as
    // soon as it is done.
    userPrecondition(
      bias.shape == [weight.shape[1]],
      "dense: bias of shape \(bias.shape) for weight of shape \(weight.shape) (needs "
        + "[\(weight.shape[1])])")
    return matmul(x, weight, plusBias: bias, rectified: activation == .relu)
  }
  var y = matmul(x, weight)
  _ = y._checkBias(bias)
  bias.withUnsafeBufferPointer { b in
    y.withUnsafeMutableBufferPointer { y in
      switch activation {
      case .identity: _biasInPlace(b, y) { $0 }
      case .relu: _biasInPlace(b, y) { $0 > 0 ? $0 : 0 }
      case .leakyRelu, .sigmoid, .tanh, .softplus: _biasInPlace(b, y) { activation.value($0) }
      }
    }
  }
  return y
}

@inlinable
@derivative(of: dense, wrt: (x, weight, bias))
func _vjpDense<Scalar: TensorScalar>(
  _ x: Tensor<Scalar>, weight: Tensor<Scalar>, bias: Tensor<Scalar>, activation: Activation
) -> (
  value: Tensor<Scalar>,
  pullback: (Tensor<Scalar>) -> (Tensor<Scalar>, Tensor<Scalar>, Tensor<Scalar>)
) {
  let y = dense(x, weight: weight, bias: bias, activation: activation)
  return (
    y,
    { g in
      let (gz, gb) = _densePreactivationGradient(g, y, activation)
      let (gx, gw) = matmuls(
        gz, transposed: false, weight, transposed: true, and: x, transposed: true, gz,
        transposed: false)
      return (gx, gw, gb)
    }
  )
}

@inlinable
@derivative(of: dense, wrt: (weight, bias))
func _vjpDenseOfData<Scalar: TensorScalar>(
  _ x: Tensor<Scalar>, weight: Tensor<Scalar>, bias: Tensor<Scalar>, activation: Activation
) -> (value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> (Tensor<Scalar>, Tensor<Scalar>)) {
  let y = dense(x, weight: weight, bias: bias, activation: activation)
  return (
    y,
    { g in
      let (gz, gb) = _densePreactivationGradient(g, y, activation)
      return (matmul(x, transposed: true, gz), gb)
    }
  )
}

/// z̄ = ȳ ⊙ f′(z) and b̄ = Σ_rows z̄ for a dense layer's output `y`; z̄ is ȳ itself for the
/// identity.
@inlinable
func _densePreactivationGradient<Scalar: TensorScalar>(
  _ g: Tensor<Scalar>, _ y: Tensor<Scalar>, _ activation: Activation
) -> (Tensor<Scalar>, Tensor<Scalar>) {
  let g = g._expanded(to: y.shape)
  let columns = y.shape[y.rank - 1]
  let rows = columns == 0 ? 0 : y.scalarCount / columns
  if Scalar.self == Float.self && (activation == .relu || activation == .identity) {
    var gradientBias = Tensor<Scalar>(zeros: [columns])
    guard rows > 0 else { return (g, gradientBias) }
    let relu = activation == .relu
    let shape = y.shape
    let gradientZ = g.withUnsafeBufferPointer { g in
      y.withUnsafeBufferPointer { y in
        gradientBias.withUnsafeMutableBufferPointer { gb in
          let (g, y, gb) = (g.baseAddress!, y.baseAddress!, gb.baseAddress!)
          // Blocks of columns, split across the cores: each column's sum is the same.
          func blocks(_ gz: UnsafeMutablePointer<Scalar>?) {
            forEachChunk(of: columns, minimumChunk: Swift.max(1, (1 << 14) / rows)) { block in
              let j = block.lowerBound
              variational_bias_activation_gradient_float(
                _float(g + j), _float(y + j), gz.map { _float($0 + j) }, _float(gb + j), rows,
                block.count, columns, relu ? 1 : 0)
            }
          }
          if !relu {
            blocks(nil)
            return Optional<Tensor<Scalar>>.none
          }
          return Tensor<Scalar>(shape: shape) { gz in blocks(gz.baseAddress!) }
        }
      }
    }
    return (gradientZ ?? g, gradientBias)
  }
  var gradientBias = Tensor<Scalar>(zeros: [columns])
  if activation == .identity {
    g.withUnsafeBufferPointer { g in
      gradientBias.withUnsafeMutableBufferPointer { gb in
        guard columns > 0, let g = g.baseAddress, let gb = gb.baseAddress else { return }
        for row in 0..<(y.scalarCount / columns) {
          let g = g + row &* columns
          for j in 0..<columns { gb[j] += g[j] }
        }
      }
    }
    return (g, gradientBias)
  }
  var gradientZ = Tensor<Scalar>(zeros: y.shape)
  g.withUnsafeBufferPointer { g in
    y.withUnsafeBufferPointer { y in
      gradientZ.withUnsafeMutableBufferPointer { gz in
        gradientBias.withUnsafeMutableBufferPointer { gb in
          switch activation {
          case .identity: _biasPullbackLoop(g, y, gz, gb) { _ in 1 }
          case .relu: _biasPullbackLoop(g, y, gz, gb) { $0 > 0 ? 1 : 0 }
          case .leakyRelu, .sigmoid, .tanh, .softplus:
            _biasPullbackLoop(g, y, gz, gb) { activation.derivative(fromOutput: $0) }
          }
        }
      }
    }
  }
  return (gradientZ, gradientBias)
}

/// y[…, j] ← f(y[…, j] + b[j]) in place, over rows of `b.count` scalars. (Row pointers and
/// a plain inner range keep overflow checks out of the loop, so that it vectorises.)
@inlinable
@inline(__always)
func _biasInPlace<Scalar: TensorScalar>(
  _ b: UnsafeBufferPointer<Scalar>, _ y: UnsafeMutableBufferPointer<Scalar>,
  _ f: (Scalar) -> Scalar
) {
  let columns = b.count
  guard columns > 0, let bias = b.baseAddress, let base = y.baseAddress else { return }
  for row in 0..<(y.count / columns) {
    let y = base + row &* columns
    for j in 0..<columns { y[j] = f(y[j] + bias[j]) }
  }
}

/// A pointer to `Scalar` known to be `Float`, for the C kernels.
@inlinable
@inline(__always)
func _float<Scalar>(_ pointer: UnsafePointer<Scalar>) -> UnsafeMutablePointer<Float> {
  UnsafeMutableRawPointer(mutating: pointer).assumingMemoryBound(to: Float.self)
}

/// A pointer to `Scalar` known to be `Float`, for the C kernels.
@inlinable
@inline(__always)
func _float<Scalar>(_ pointer: UnsafeMutablePointer<Scalar>) -> UnsafeMutablePointer<Float> {
  UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: Float.self)
}
