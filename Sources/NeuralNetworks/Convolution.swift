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
/// Computed as im2col and one matrix product for a chunk of images (see
/// `ConvolutionGeometry`). The hand-written pullback (below) gives all three gradients from
/// two more products and a col2im:
/// ```
/// b̄ = Σ_{n,v,u} ȳ,   w̄ = ȳ · columnsᵀ,   x̄ = col2im(wᵀ · ȳ)
/// ```
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
  let geometry = _convolutionGeometry(input, weight, bias, stride: stride, padding: padding)
  let (batch, outputChannels) = (input.shape[0], weight.shape[0])
  let (patchSize, positions) = (geometry.patchSize, geometry.positions)
  var output = Tensor<Scalar>(
    zeros: [batch, outputChannels, geometry.outputHeight, geometry.outputWidth])
  let chunk = geometry.imagesPerChunk(of: batch)
  let columns = UnsafeMutablePointer<Scalar>.allocate(capacity: patchSize * chunk * positions)
  let product = UnsafeMutablePointer<Scalar>.allocate(capacity: outputChannels * chunk * positions)
  defer {
    columns.deallocate()
    product.deallocate()
  }
  input.withUnsafeBufferPointer { x in
    weight.withUnsafeBufferPointer { w in
      bias.withUnsafeBufferPointer { b in
        output.withUnsafeMutableBufferPointer { y in
          for start in Swift.stride(from: 0, to: batch, by: chunk) {
            let count = Swift.min(chunk, batch - start)
            let width = count * positions
            for image in 0..<count {
              geometry.im2col(
                x.baseAddress! + (start + image) * geometry.imageSize,
                into: columns + image * positions, rowStride: width)
            }
            // product[o, ·] = w[o, ·] · columns
            Scalar.gemm(
              transposeA: false, transposeB: false, m: outputChannels, n: width, k: patchSize,
              alpha: 1, a: w.baseAddress!, lda: patchSize, b: columns, ldb: width,
              beta: 0, c: product, ldc: width)
            ConvolutionGeometry.scatter(
              product, count: count, channels: outputChannels, planeSize: positions, bias: b,
              into: y.baseAddress! + start * outputChannels * positions)
          }
        }
      }
    }
  }
  return output
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
      _conv2DPullback(
        gradient._expanded(to: outputShape), input, weight, stride: stride, padding: padding)
    }
  )
}

/// The gradients of ``conv2D(_:weight:bias:stride:padding:)`` with respect to input, weight
/// and bias, for an output gradient `gradient` of the output's shape.
@inlinable
func _conv2DPullback<Scalar: TensorScalar>(
  _ gradient: Tensor<Scalar>, _ input: Tensor<Scalar>, _ weight: Tensor<Scalar>,
  stride: Int, padding: Int
) -> (Tensor<Scalar>, Tensor<Scalar>, Tensor<Scalar>) {
  let geometry = ConvolutionGeometry(
    channels: input.shape[1], height: input.shape[2], width: input.shape[3],
    kernelSize: weight.shape[2], stride: stride, padding: padding, operation: "conv2D")
  let (batch, outputChannels) = (input.shape[0], weight.shape[0])
  let (patchSize, positions) = (geometry.patchSize, geometry.positions)
  var inputGradient = Tensor<Scalar>(zeros: input.shape)
  var weightGradient = Tensor<Scalar>(zeros: weight.shape)
  var biasGradient = Tensor<Scalar>(zeros: [outputChannels])
  let chunk = geometry.imagesPerChunk(of: batch)
  let columns = UnsafeMutablePointer<Scalar>.allocate(capacity: patchSize * chunk * positions)
  let outputMatrix = UnsafeMutablePointer<Scalar>.allocate(
    capacity: outputChannels * chunk * positions)
  defer {
    columns.deallocate()
    outputMatrix.deallocate()
  }
  gradient.withUnsafeBufferPointer { g in
    input.withUnsafeBufferPointer { x in
      weight.withUnsafeBufferPointer { w in
        inputGradient.withUnsafeMutableBufferPointer { gx in
          weightGradient.withUnsafeMutableBufferPointer { gw in
            biasGradient.withUnsafeMutableBufferPointer { gb in
              for start in Swift.stride(from: 0, to: batch, by: chunk) {
                let count = Swift.min(chunk, batch - start)
                let width = count * positions
                // ȳ as a matrix [outputChannels, count · positions]; b̄ sums its rows.
                ConvolutionGeometry.gather(
                  g.baseAddress! + start * outputChannels * positions, count: count,
                  channels: outputChannels, planeSize: positions, into: outputMatrix)
                for o in 0..<outputChannels {
                  var total: Scalar = 0
                  for index in 0..<width { total += outputMatrix[o * width + index] }
                  gb[o] += total
                }
                // w̄ += ȳ · columnsᵀ
                for image in 0..<count {
                  geometry.im2col(
                    x.baseAddress! + (start + image) * geometry.imageSize,
                    into: columns + image * positions, rowStride: width)
                }
                Scalar.gemm(
                  transposeA: false, transposeB: true, m: outputChannels, n: patchSize, k: width,
                  alpha: 1, a: outputMatrix, lda: width, b: columns, ldb: width,
                  beta: 1, c: gw.baseAddress!, ldc: patchSize)
                // x̄ = col2im(wᵀ · ȳ), reusing the column buffer.
                Scalar.gemm(
                  transposeA: true, transposeB: false, m: patchSize, n: width, k: outputChannels,
                  alpha: 1, a: w.baseAddress!, lda: patchSize, b: outputMatrix, ldb: width,
                  beta: 0, c: columns, ldc: width)
                for image in 0..<count {
                  geometry.col2im(
                    columns + image * positions, rowStride: width,
                    addingInto: gx.baseAddress! + (start + image) * geometry.imageSize)
                }
              }
            }
          }
        }
      }
    }
  }
  return (inputGradient, weightGradient, biasGradient)
}

/// The geometry of a convolution after checking the operands' shapes.
@inlinable
func _convolutionGeometry<Scalar: TensorScalar>(
  _ input: Tensor<Scalar>, _ weight: Tensor<Scalar>, _ bias: Tensor<Scalar>,
  stride: Int, padding: Int
) -> ConvolutionGeometry {
  userPrecondition(
    input.rank == 4 && weight.rank == 4 && weight.shape[2] == weight.shape[3],
    "conv2D: input \(input.shape) and weight \(weight.shape) need shapes [n, c, h, w] and "
      + "[out, c, k, k]")
  userPrecondition(
    input.shape[1] == weight.shape[1],
    "conv2D: input has \(input.shape[1]) channels, weight \(weight.shape) expects "
      + "\(weight.shape[1])")
  userPrecondition(
    bias.shape == [weight.shape[0]],
    "conv2D: bias of shape \(bias.shape) for \(weight.shape[0]) output channels")
  return ConvolutionGeometry(
    channels: input.shape[1], height: input.shape[2], width: input.shape[3],
    kernelSize: weight.shape[2], stride: stride, padding: padding, operation: "conv2D")
}
