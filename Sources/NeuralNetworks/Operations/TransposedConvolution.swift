import TensorCore
import _Differentiation

/// The 2-D transposed convolution of a batch of images, plus a bias per output channel: the
/// adjoint (with respect to the input) of ``conv2D(_:weight:bias:stride:padding:)`` with the
/// same weight, stride and padding, which upsamples by the stride.
///
/// Each input pixel scatters a weighted k×k kernel into the output:
/// ```
/// y[n, o, v·s − p + i, u·s − p + j] += Σ_c x[n, c, v, u] · w[c, o, i, j],   then y += b[o],
/// ```
/// dropping what lands in the padding, with output size (PyTorch's `nn.ConvTranspose2d`, no
/// dilation)
/// ```
/// outputHeight = (height − 1)·s − 2p + k + outputPadding.
/// ```
/// `outputPadding` (< s) adds rows and columns at the bottom and right, to pick one of the s
/// input sizes that a stride-s convolution maps to the same output size.
///
/// Computed as the input gradient of that convolution (`ConvolutionProducts`: oneDNN for
/// `Float`, else matrix products and col2im). The hand-written pullback (below) is the
/// convolution itself, of the output gradient:
/// ```
/// b̄ = Σ_{n,v,u} ȳ,   w̄ = Σₙ xₙ ⋆ ȳₙ,   x̄ = conv(ȳ, w)
/// ```
///
/// - Parameters:
///   - input: images `[batch, inputChannels, height, width]` (NCHW).
///   - weight: filters `[inputChannels, outputChannels, k, k]`, PyTorch's layout.
///   - bias: `[outputChannels]`.
///   - stride: s ≥ 1.
///   - padding: p ≥ 0, removed from every side of the full output.
///   - outputPadding: 0 ≤ outputPadding < s.
/// - Returns: `[batch, outputChannels, outputHeight, outputWidth]`.
@inlinable
@differentiable(reverse, wrt: (input, weight, bias))
public func transposedConv2D<Scalar: TensorScalar>(
  _ input: Tensor<Scalar>, weight: Tensor<Scalar>, bias: Tensor<Scalar>,
  stride: Int = 1, padding: Int = 0, outputPadding: Int = 0
) -> Tensor<Scalar> {
  // The transposed convolution's output is the convolution's input.
  _transposedConvolutionProducts(
    input, weight, bias, stride: stride, padding: padding, outputPadding: outputPadding
  ).inputGradient(input, weight: weight, bias: bias)
}

@inlinable
@derivative(of: transposedConv2D, wrt: (input, weight, bias))
func _vjpTransposedConv2D<Scalar: TensorScalar>(
  _ input: Tensor<Scalar>, weight: Tensor<Scalar>, bias: Tensor<Scalar>,
  stride: Int, padding: Int, outputPadding: Int
) -> (
  value: Tensor<Scalar>,
  pullback: (Tensor<Scalar>) -> (Tensor<Scalar>, Tensor<Scalar>, Tensor<Scalar>)
) {
  let output = transposedConv2D(
    input, weight: weight, bias: bias, stride: stride, padding: padding,
    outputPadding: outputPadding)
  let outputShape = output.shape
  return (
    output,
    { gradient in
      _transposedConv2DPullback(
        gradient._expanded(to: outputShape), input, weight, stride: stride, padding: padding,
        outputPadding: outputPadding)
    }
  )
}

/// The gradients of ``transposedConv2D(_:weight:bias:stride:padding:outputPadding:)`` with
/// respect to input, weight and bias, for an output gradient `gradient` of the output's shape:
/// the convolution's forward product and its weight gradient with input and output swapped.
@inlinable
func _transposedConv2DPullback<Scalar: TensorScalar>(
  _ gradient: Tensor<Scalar>, _ input: Tensor<Scalar>, _ weight: Tensor<Scalar>,
  stride: Int, padding: Int, outputPadding: Int
) -> (Tensor<Scalar>, Tensor<Scalar>, Tensor<Scalar>) {
  let products = _transposedConvolutionProducts(
    input, weight, nil, stride: stride, padding: padding, outputPadding: outputPadding)
  let geometry = products.geometry
  let inputGradient = products.forward(gradient, weight: weight, bias: nil)
  var weightGradient = Tensor<Scalar>(zeros: weight.shape)
  var biasGradient = Tensor<Scalar>(zeros: [geometry.channels])
  gradient.withUnsafeBufferPointer { g in
    input.withUnsafeBufferPointer { x in
      weightGradient.withUnsafeMutableBufferPointer { gw in
        biasGradient.withUnsafeMutableBufferPointer { gb in
          products.weightGradient(
            g.baseAddress!, outputGradient: x.baseAddress!, into: gw.baseAddress!,
            bias: (
              g.baseAddress!, geometry.channels, geometry.height * geometry.width,
              gb.baseAddress!
            ))
        }
      }
    }
  }
  return (inputGradient, weightGradient, biasGradient)
}

/// The products of the convolution that a transposed convolution is the adjoint of (its input
/// is the transposed convolution's output, its output the transposed convolution's input),
/// after checking the operands' shapes (and the bias's, when given).
@inlinable
func _transposedConvolutionProducts<Scalar: TensorScalar>(
  _ input: Tensor<Scalar>, _ weight: Tensor<Scalar>, _ bias: Tensor<Scalar>?,
  stride: Int, padding: Int, outputPadding: Int
) -> ConvolutionProducts {
  let operation = "transposedConv2D"
  _checkConvolutionOperands(
    operation, input: input, weight: weight, bias: bias, inputChannelAxis: 0,
    weightLayout: "[c, out, k, k]")
  userPrecondition(
    outputPadding >= 0 && outputPadding < stride,
    "\(operation): outputPadding \(outputPadding) must be in 0..<stride (\(stride))")
  let k = weight.shape[2]
  let height = (input.shape[2] - 1) * stride - 2 * padding + k + outputPadding
  let width = (input.shape[3] - 1) * stride - 2 * padding + k + outputPadding
  userPrecondition(
    height > 0 && width > 0,
    "\(operation): input \(input.shape) gives an empty output (\(height)×\(width))")
  let geometry = ConvolutionGeometry(
    channels: weight.shape[1], height: height, width: width, kernelSize: k, stride: stride,
    padding: padding, operation: operation)
  assert(geometry.outputHeight == input.shape[2] && geometry.outputWidth == input.shape[3])
  return ConvolutionProducts(
    geometry: geometry, batch: input.shape[0], outputChannels: input.shape[1])
}
