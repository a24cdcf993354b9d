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
/// Computed as one matrix product per chunk of images, `columns = wᵀ · x`, followed by col2im.
/// The hand-written pullback (below) is a convolution of the output gradient:
/// ```
/// b̄ = Σ_{n,v,u} ȳ,   w̄ = x · im2col(ȳ)ᵀ,   x̄ = w · im2col(ȳ)
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
  let geometry = _transposedConvolutionGeometry(
    input, weight, bias, stride: stride, padding: padding, outputPadding: outputPadding)
  let (batch, inputChannels) = (input.shape[0], input.shape[1])
  let (patchSize, positions) = (geometry.patchSize, geometry.positions)
  var output = Tensor<Scalar>(
    zeros: [batch, geometry.channels, geometry.height, geometry.width])
  let chunk = geometry.imagesPerChunk(of: batch)
  let columns = UnsafeMutablePointer<Scalar>.allocate(capacity: patchSize * chunk * positions)
  let inputMatrix = UnsafeMutablePointer<Scalar>.allocate(
    capacity: inputChannels * chunk * positions)
  defer {
    columns.deallocate()
    inputMatrix.deallocate()
  }
  input.withUnsafeBufferPointer { x in
    weight.withUnsafeBufferPointer { w in
      bias.withUnsafeBufferPointer { b in
        output.withUnsafeMutableBufferPointer { y in
          for start in Swift.stride(from: 0, to: batch, by: chunk) {
            let count = Swift.min(chunk, batch - start)
            let width = count * positions
            ConvolutionGeometry.gather(
              x.baseAddress! + start * inputChannels * positions, count: count,
              channels: inputChannels, planeSize: positions, into: inputMatrix)
            // columns = wᵀ · x, with w as [inputChannels, patchSize].
            Scalar.gemm(
              transposeA: true, transposeB: false, m: patchSize, n: width, k: inputChannels,
              alpha: 1, a: w.baseAddress!, lda: patchSize, b: inputMatrix, ldb: width,
              beta: 0, c: columns, ldc: width)
            for image in 0..<count {
              geometry.col2im(
                columns + image * positions, rowStride: width,
                addingInto: y.baseAddress! + (start + image) * geometry.imageSize)
            }
          }
          let plane = geometry.height * geometry.width
          for image in 0..<batch {
            for o in 0..<geometry.channels {
              let target = y.baseAddress! + (image * geometry.channels + o) * plane
              for index in 0..<plane { target[index] += b[o] }
            }
          }
        }
      }
    }
  }
  return output
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
        gradient._expanded(to: outputShape), input, weight, stride: stride, padding: padding)
    }
  )
}

/// The gradients of ``transposedConv2D(_:weight:bias:stride:padding:outputPadding:)`` with
/// respect to input, weight and bias, for an output gradient `gradient` of the output's shape.
@inlinable
func _transposedConv2DPullback<Scalar: TensorScalar>(
  _ gradient: Tensor<Scalar>, _ input: Tensor<Scalar>, _ weight: Tensor<Scalar>,
  stride: Int, padding: Int
) -> (Tensor<Scalar>, Tensor<Scalar>, Tensor<Scalar>) {
  let geometry = ConvolutionGeometry(
    channels: gradient.shape[1], height: gradient.shape[2], width: gradient.shape[3],
    kernelSize: weight.shape[2], stride: stride, padding: padding,
    operation: "transposedConv2D")
  let (batch, inputChannels) = (input.shape[0], input.shape[1])
  let (patchSize, positions) = (geometry.patchSize, geometry.positions)
  var inputGradient = Tensor<Scalar>(zeros: input.shape)
  var weightGradient = Tensor<Scalar>(zeros: weight.shape)
  var biasGradient = Tensor<Scalar>(zeros: [geometry.channels])
  let chunk = geometry.imagesPerChunk(of: batch)
  let columns = UnsafeMutablePointer<Scalar>.allocate(capacity: patchSize * chunk * positions)
  let matrix = UnsafeMutablePointer<Scalar>.allocate(capacity: inputChannels * chunk * positions)
  defer {
    columns.deallocate()
    matrix.deallocate()
  }
  gradient.withUnsafeBufferPointer { g in
    input.withUnsafeBufferPointer { x in
      weight.withUnsafeBufferPointer { w in
        inputGradient.withUnsafeMutableBufferPointer { gx in
          weightGradient.withUnsafeMutableBufferPointer { gw in
            biasGradient.withUnsafeMutableBufferPointer { gb in
              let plane = geometry.height * geometry.width
              for image in 0..<batch {
                for o in 0..<geometry.channels {
                  let source = g.baseAddress! + (image * geometry.channels + o) * plane
                  var total: Scalar = 0
                  for index in 0..<plane { total += source[index] }
                  gb[o] += total
                }
              }
              for start in Swift.stride(from: 0, to: batch, by: chunk) {
                let count = Swift.min(chunk, batch - start)
                let width = count * positions
                for image in 0..<count {
                  geometry.im2col(
                    g.baseAddress! + (start + image) * geometry.imageSize,
                    into: columns + image * positions, rowStride: width)
                }
                // w̄ += x · im2col(ȳ)ᵀ, with x as [inputChannels, count · positions].
                ConvolutionGeometry.gather(
                  x.baseAddress! + start * inputChannels * positions, count: count,
                  channels: inputChannels, planeSize: positions, into: matrix)
                Scalar.gemm(
                  transposeA: false, transposeB: true, m: inputChannels, n: patchSize, k: width,
                  alpha: 1, a: matrix, lda: width, b: columns, ldb: width,
                  beta: 1, c: gw.baseAddress!, ldc: patchSize)
                // x̄ = w · im2col(ȳ), reusing the input matrix.
                Scalar.gemm(
                  transposeA: false, transposeB: false, m: inputChannels, n: width, k: patchSize,
                  alpha: 1, a: w.baseAddress!, lda: patchSize, b: columns, ldb: width,
                  beta: 0, c: matrix, ldc: width)
                ConvolutionGeometry.scatter(
                  matrix, count: count, channels: inputChannels, planeSize: positions, bias: nil,
                  into: gx.baseAddress! + start * inputChannels * positions)
              }
            }
          }
        }
      }
    }
  }
  return (inputGradient, weightGradient, biasGradient)
}

/// The geometry of the convolution that a transposed convolution is the adjoint of (its image
/// is the transposed convolution's output), after checking the operands' shapes.
@inlinable
func _transposedConvolutionGeometry<Scalar: TensorScalar>(
  _ input: Tensor<Scalar>, _ weight: Tensor<Scalar>, _ bias: Tensor<Scalar>,
  stride: Int, padding: Int, outputPadding: Int
) -> ConvolutionGeometry {
  let operation = "transposedConv2D"
  userPrecondition(
    input.rank == 4 && weight.rank == 4 && weight.shape[2] == weight.shape[3],
    "\(operation): input \(input.shape) and weight \(weight.shape) need shapes [n, c, h, w] "
      + "and [c, out, k, k]")
  userPrecondition(
    input.shape[1] == weight.shape[0],
    "\(operation): input has \(input.shape[1]) channels, weight \(weight.shape) expects "
      + "\(weight.shape[0])")
  userPrecondition(
    bias.shape == [weight.shape[1]],
    "\(operation): bias of shape \(bias.shape) for \(weight.shape[1]) output channels")
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
  return geometry
}
