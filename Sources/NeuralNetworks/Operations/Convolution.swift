import TensorCore
import _Differentiation

/// The 2-D convolution (cross-correlation, as in every deep-learning library) of a batch of
/// images with a bank of filters, plus a bias per output channel:
/// ```
/// y[n, o, v, u] = b[o] + Σ_c Σ_i Σ_j w[o, c, i, j] · x[n, c, v·s − p + i, u·s − p + j]
/// ```
/// with x zero outside the image (padding p) and output size
/// ```
/// outputHeight = ⌊(height + 2p − k) / s⌋ + 1   (PyTorch's `nn.Conv2d`, no dilation)
/// ```
/// Computed by `ConvolutionProducts` (oneDNN for `Float`, else im2col and matrix products).
/// The hand-written pullback (below) gives the three gradients from the two other products:
/// ```
/// b̄ = Σ_{n,v,u} ȳ,   w̄ = Σₙ ȳₙ ⋆ xₙ,   x̄ = convᵀ(ȳ, w)
/// ```
/// and skips x̄ when the input needs no gradient (a network's first layer).
///
/// - Parameters:
///   - input: images `[batch, inputChannels, height, width]` (NCHW).
///   - weight: filters `[outputChannels, inputChannels, k, k]`, PyTorch's layout.
///   - bias: `[outputChannels]`.
///   - stride: s ≥ 1, the step between kernel positions.
///   - padding: p ≥ 0, zeros added on every side.
/// - Returns: `[batch, outputChannels, outputHeight, outputWidth]`.
@inlinable
@differentiable(reverse, wrt: (input, weight, bias))
public func conv2D<Scalar: TensorScalar>(
  _ input: Tensor<Scalar>, weight: Tensor<Scalar>, bias: Tensor<Scalar>,
  stride: Int = 1, padding: Int = 0
) -> Tensor<Scalar> {
  _convolutionProducts(input, weight, bias, stride: stride, padding: padding)
    .forward(input, weight: weight, bias: bias)
}

@inlinable
@derivative(of: conv2D, wrt: (input, weight, bias))
func _vjpConv2D<Scalar: TensorScalar>(
  _ input: Tensor<Scalar>, weight: Tensor<Scalar>, bias: Tensor<Scalar>,
  stride: Int, padding: Int
) -> (
  value: Tensor<Scalar>,
  pullback: (Tensor<Scalar>) -> (Tensor<Scalar>, Tensor<Scalar>, Tensor<Scalar>)
) {
  let output = conv2D(input, weight: weight, bias: bias, stride: stride, padding: padding)
  let outputShape = output.shape
  return (
    output,
    { gradient in
      let gradient = gradient._expanded(to: outputShape)
      let (weightGradient, biasGradient) = _conv2DParameterGradients(
        gradient, input, weight, stride: stride, padding: padding)
      return (
        _conv2DInputGradient(gradient, input, weight, stride: stride, padding: padding),
        weightGradient, biasGradient
      )
    }
  )
}

/// The derivative used when the input needs no gradient, as for a network's first layer on
/// the data: it skips the input gradient's product.
@inlinable
@derivative(of: conv2D, wrt: (weight, bias))
func _vjpConv2DParameters<Scalar: TensorScalar>(
  _ input: Tensor<Scalar>, weight: Tensor<Scalar>, bias: Tensor<Scalar>,
  stride: Int, padding: Int
) -> (
  value: Tensor<Scalar>,
  pullback: (Tensor<Scalar>) -> (Tensor<Scalar>, Tensor<Scalar>)
) {
  let output = conv2D(input, weight: weight, bias: bias, stride: stride, padding: padding)
  let outputShape = output.shape
  return (
    output,
    { gradient in
      _conv2DParameterGradients(
        gradient._expanded(to: outputShape), input, weight, stride: stride, padding: padding)
    }
  )
}

/// x̄ = convᵀ(ȳ, w), the gradient of ``conv2D(_:weight:bias:stride:padding:)`` with respect
/// to its input for an output gradient of the output's shape.
@inlinable
func _conv2DInputGradient<Scalar: TensorScalar>(
  _ gradient: Tensor<Scalar>, _ input: Tensor<Scalar>, _ weight: Tensor<Scalar>,
  stride: Int, padding: Int
) -> Tensor<Scalar> {
  _convolutionProducts(input, weight, stride: stride, padding: padding)
    .inputGradient(gradient, weight: weight, bias: nil)
}

/// w̄ = Σ ȳ ⋆ x and b̄ = Σ ȳ per channel, the gradients of
/// ``conv2D(_:weight:bias:stride:padding:)`` with respect to its weight and bias.
@inlinable
func _conv2DParameterGradients<Scalar: TensorScalar>(
  _ gradient: Tensor<Scalar>, _ input: Tensor<Scalar>, _ weight: Tensor<Scalar>,
  stride: Int, padding: Int
) -> (Tensor<Scalar>, Tensor<Scalar>) {
  let products = _convolutionProducts(input, weight, stride: stride, padding: padding)
  var weightGradient = Tensor<Scalar>(zeros: weight.shape)
  var biasGradient = Tensor<Scalar>(zeros: [weight.shape[0]])
  gradient.withUnsafeBufferPointer { g in
    input.withUnsafeBufferPointer { x in
      weightGradient.withUnsafeMutableBufferPointer { gw in
        biasGradient.withUnsafeMutableBufferPointer { gb in
          products.weightGradient(
            x.baseAddress!, outputGradient: g.baseAddress!, into: gw.baseAddress!,
            bias: (
              g.baseAddress!, products.outputChannels, products.geometry.positions,
              gb.baseAddress!
            ))
        }
      }
    }
  }
  return (weightGradient, biasGradient)
}

/// The products of a convolution after checking the operands' shapes (and the bias's, when
/// given).
@inlinable
func _convolutionProducts<Scalar: TensorScalar>(
  _ input: Tensor<Scalar>, _ weight: Tensor<Scalar>, _ bias: Tensor<Scalar>? = nil,
  stride: Int, padding: Int
) -> ConvolutionProducts {
  _checkConvolutionOperands(
    "conv2D", input: input, weight: weight, bias: bias, inputChannelAxis: 1,
    weightLayout: "[out, c, k, k]")
  let geometry = ConvolutionGeometry(
    channels: input.shape[1], height: input.shape[2], width: input.shape[3],
    kernelSize: weight.shape[2], stride: stride, padding: padding, operation: "conv2D")
  return ConvolutionProducts(
    geometry: geometry, batch: input.shape[0], outputChannels: weight.shape[0])
}
