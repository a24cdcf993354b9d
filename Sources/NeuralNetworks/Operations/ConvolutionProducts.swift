import CCompute
import TensorCore

/// The three products of a 2-D convolution `y = conv(x, w)`, which the convolution and the
/// transposed convolution share, each with the bias step that belongs to it (added to the
/// output of the forward pass or of the input gradient, summed beside the weight gradient):
/// ```
/// forward         y  = conv(x, w)        conv2D's output; transposedConv2D's input gradient
/// inputGradient   x̄  = convᵀ(ȳ, w)       conv2D's input gradient; transposedConv2D's output
/// weightGradient  w̄  = Σₙ ȳₙ ⋆ xₙ         both weight gradients (with x and ȳ swapped for the
///                                         transposed convolution)
/// ```
/// A transposed convolution is the adjoint of a convolution in its input, so its forward pass
/// is the convolution's input gradient and its input gradient is the convolution's forward
/// pass (Dumoulin & Visin, "A guide to convolution arithmetic for deep learning", 2016).
///
/// `Float` runs on oneDNN where it is available (``ComputeBackend``): on two cores the batch is
/// cut in two halves, one for each of the library's threads, each computed by oneDNN on one
/// thread, which then adds the bias to its half or sums its half's bias gradient while the
/// results are in cache; the two halves' gradients are added in a fixed order. Otherwise (`Double`,
/// Apple platforms) each product is im2col and one matrix product per chunk of images (see
/// ``ConvolutionGeometry``).
@usableFromInline
struct ConvolutionProducts {
  /// The geometry of x and the kernel; its output size is y's.
  @usableFromInline let geometry: ConvolutionGeometry
  /// The images in x and y.
  @usableFromInline let batch: Int
  /// The channels of y (the filters of w).
  @usableFromInline let outputChannels: Int

  @inlinable
  init(geometry: ConvolutionGeometry, batch: Int, outputChannels: Int) {
    self.geometry = geometry
    self.batch = batch
    self.outputChannels = outputChannels
  }

  /// The scalars of one image of y.
  @inlinable var outputImageSize: Int { outputChannels * geometry.positions }

  /// The shape of x: `[batch, channels, height, width]`.
  @inlinable var inputShape: [Int] {
    [batch, geometry.channels, geometry.height, geometry.width]
  }

  /// The shape of y: `[batch, outputChannels, outputHeight, outputWidth]`.
  @inlinable var outputShape: [Int] {
    [batch, outputChannels, geometry.outputHeight, geometry.outputWidth]
  }

  /// The oneDNN description of the convolution over `images` images.
  @inlinable
  func _description(images: Int) -> variational_convolution {
    variational_convolution(
      batch: images, input_channels: geometry.channels, height: geometry.height,
      width: geometry.width, output_channels: outputChannels,
      kernel_size: geometry.kernelSize, stride: geometry.stride, padding: geometry.padding,
      output_height: geometry.outputHeight, output_width: geometry.outputWidth)
  }

  /// Runs `oneDNN(description, images)` on pieces of the batch when `Scalar` is `Float` and
  /// oneDNN is available, `fallback(images)` for any piece it did not compute, and then
  /// `finish(images)` on the same thread, while the piece's results are in its cache.
  @inlinable
  func _forEachPiece<Scalar: TensorScalar>(
    _ type: Scalar.Type,
    oneDNN: (_ description: inout variational_convolution, _ images: Range<Int>) -> Int32,
    fallback: (_ images: Range<Int>) -> Void,
    finish: (_ images: Range<Int>) -> Void
  ) {
    guard Scalar.self == Float.self, ComputeBackend.usesOneDNN else {
      fallback(0..<batch)
      finish(0..<batch)
      return
    }
    ComputeBackend.forEachPiece(of: batch) { images in
      var description = _description(images: images.count)
      if oneDNN(&description, images) == 0 { fallback(images) }
      finish(images)
    }
  }

  /// y = conv(x, w) + b, overwriting `y` (`[batch, outputChannels, outputHeight,
  /// outputWidth]`); b (one value per output channel) only when given.
  @inlinable
  func forward<Scalar: TensorScalar>(
    _ x: UnsafePointer<Scalar>, weight w: UnsafePointer<Scalar>, bias: UnsafePointer<Scalar>?,
    into y: UnsafeMutablePointer<Scalar>
  ) {
    _forEachPiece(
      Scalar.self,
      oneDNN: { description, images in
        variational_convolution_forward(
          &description, _float(x + images.lowerBound * geometry.imageSize), _float(w),
          _mutableFloat(y + images.lowerBound * outputImageSize))
      },
      fallback: { images in _im2colForward(x, weight: w, into: y, images: images) },
      finish: { images in
        guard let bias else { return }
        Self.addBias(
          bias, to: y, images: images, channels: outputChannels, planeSize: geometry.positions)
      })
  }

  /// x̄ = convᵀ(ȳ, w) + b, overwriting `inputGradient` (`[batch, channels, height, width]`); b
  /// (one value per input channel, for the transposed convolution) only when given.
  @inlinable
  func inputGradient<Scalar: TensorScalar>(
    _ outputGradient: UnsafePointer<Scalar>, weight w: UnsafePointer<Scalar>,
    bias: UnsafePointer<Scalar>?, into inputGradient: UnsafeMutablePointer<Scalar>
  ) {
    _forEachPiece(
      Scalar.self,
      oneDNN: { description, images in
        variational_convolution_backward_data(
          &description, _float(outputGradient + images.lowerBound * outputImageSize),
          _float(w), _mutableFloat(inputGradient + images.lowerBound * geometry.imageSize))
      },
      fallback: { images in
        _im2colInputGradient(outputGradient, weight: w, into: inputGradient, images: images)
      },
      finish: { images in
        guard let bias else { return }
        Self.addBias(
          bias, to: inputGradient, images: images, channels: geometry.channels,
          planeSize: geometry.height * geometry.width)
      })
  }

  /// w̄ = Σₙ ȳₙ ⋆ xₙ over the batch, overwriting `weightGradient` (`[outputChannels,
  /// channels, k, k]`), and the bias gradient b̄[c] = Σ over images and pixels of channel c of
  /// the NCHW `bias.of` (ȳ for a convolution, x for a transposed one, with `bias.channels`
  /// planes of `bias.planeSize` scalars per image), overwriting `bias.into`.
  @inlinable
  func weightGradient<Scalar: TensorScalar>(
    _ x: UnsafePointer<Scalar>, outputGradient: UnsafePointer<Scalar>,
    into weightGradient: UnsafeMutablePointer<Scalar>,
    bias: (
      of: UnsafePointer<Scalar>, channels: Int, planeSize: Int, into: UnsafeMutablePointer<Scalar>
    )
  ) {
    let count = outputChannels * geometry.patchSize
    // The second half's gradients (zero when the batch is not cut), added to the first's after
    // both are done, so the sums have the same order whichever thread finishes first.
    let secondHalf = UnsafeMutablePointer<Scalar>.allocate(capacity: count + bias.channels)
    secondHalf.initialize(repeating: 0, count: count + bias.channels)
    defer { secondHalf.deallocate() }
    _forEachPiece(
      Scalar.self,
      oneDNN: { description, images in
        let target = images.lowerBound == 0 ? weightGradient : secondHalf
        return variational_convolution_backward_weights(
          &description, _float(x + images.lowerBound * geometry.imageSize),
          _float(outputGradient + images.lowerBound * outputImageSize), _mutableFloat(target))
      },
      fallback: { images in
        let target = images.lowerBound == 0 ? weightGradient : secondHalf
        _im2colWeightGradient(x, outputGradient: outputGradient, into: target, images: images)
      },
      finish: { images in
        Self.biasGradient(
          bias.of, images: images, channels: bias.channels, planeSize: bias.planeSize,
          into: images.lowerBound == 0 ? bias.into : secondHalf + count)
      })
    for index in 0..<count { weightGradient[index] += secondHalf[index] }
    for c in 0..<bias.channels { bias.into[c] += secondHalf[count + c] }
  }
}

extension ConvolutionProducts {
  /// conv(x, w) + b as a new tensor `[batch, outputChannels, outputHeight, outputWidth]`; b
  /// only when given.
  @inlinable
  func forward<Scalar: TensorScalar>(
    _ x: Tensor<Scalar>, weight: Tensor<Scalar>, bias: Tensor<Scalar>?
  ) -> Tensor<Scalar> {
    Self.result(shape: outputShape, x, weight, bias: bias) {
      forward($0, weight: $1, bias: $2, into: $3)
    }
  }

  /// convᵀ(ȳ, w) + b as a new tensor `[batch, channels, height, width]`; b only when given.
  @inlinable
  func inputGradient<Scalar: TensorScalar>(
    _ outputGradient: Tensor<Scalar>, weight: Tensor<Scalar>, bias: Tensor<Scalar>?
  ) -> Tensor<Scalar> {
    Self.result(shape: inputShape, outputGradient, weight, bias: bias) {
      inputGradient($0, weight: $1, bias: $2, into: $3)
    }
  }

  /// A new tensor of `shape` that `product(a, b, bias, result)` writes in full, called with the
  /// buffers of `a`, `b` and `bias` (nil when not given): the output of a forward pass or an
  /// input gradient.
  @inlinable
  static func result<Scalar: TensorScalar>(
    shape: [Int], _ a: Tensor<Scalar>, _ b: Tensor<Scalar>, bias: Tensor<Scalar>?,
    _ product: (
      UnsafePointer<Scalar>, UnsafePointer<Scalar>, UnsafePointer<Scalar>?,
      UnsafeMutablePointer<Scalar>
    ) -> Void
  ) -> Tensor<Scalar> {
    Tensor(unsafeUninitializedShape: shape) { result in
      a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
          guard let bias else {
            return product(a.baseAddress!, b.baseAddress!, nil, result.baseAddress!)
          }
          bias.withUnsafeBufferPointer { bias in
            product(a.baseAddress!, b.baseAddress!, bias.baseAddress!, result.baseAddress!)
          }
        }
      }
    }
  }
}

extension ConvolutionProducts {
  /// Adds `bias[c]` to every scalar of channel c of the NCHW images `images` of `y`.
  @inlinable
  static func addBias<Scalar: TensorScalar>(
    _ bias: UnsafePointer<Scalar>, to y: UnsafeMutablePointer<Scalar>, images: Range<Int>,
    channels: Int, planeSize: Int
  ) {
    for image in images {
      for c in 0..<channels {
        let plane = y + (image * channels + c) * planeSize
        let offset = bias[c]
        for index in 0..<planeSize { plane[index] += offset }
      }
    }
  }

  /// b̄[c] = Σ over `images` and the pixels of channel c of the NCHW gradient ȳ, in a fixed
  /// order, overwriting `biasGradient`.
  @inlinable
  static func biasGradient<Scalar: TensorScalar>(
    _ gradient: UnsafePointer<Scalar>, images: Range<Int>, channels: Int, planeSize: Int,
    into biasGradient: UnsafeMutablePointer<Scalar>
  ) {
    biasGradient.update(repeating: 0, count: channels)
    for image in images {
      for c in 0..<channels {
        biasGradient[c] += _sum(gradient + (image * channels + c) * planeSize, count: planeSize)
      }
    }
  }

  /// The sum of `count` scalars in eight interleaved partial sums, combined pairwise: one
  /// vector of additions per eight scalars, where a single running total waits on each
  /// addition in turn. The order is fixed, so the result is the same run to run.
  @inlinable
  static func _sum<Scalar: TensorScalar>(_ values: UnsafePointer<Scalar>, count: Int) -> Scalar {
    var (s0, s1, s2, s3, s4, s5, s6, s7) = (Scalar.zero, Scalar.zero, Scalar.zero, Scalar.zero,
      Scalar.zero, Scalar.zero, Scalar.zero, Scalar.zero)
    var index = 0
    while index + 8 <= count {
      s0 += values[index]
      s1 += values[index + 1]
      s2 += values[index + 2]
      s3 += values[index + 3]
      s4 += values[index + 4]
      s5 += values[index + 5]
      s6 += values[index + 6]
      s7 += values[index + 7]
      index += 8
    }
    while index < count {
      s0 += values[index]
      index += 1
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
  }
}

/// Checks the shapes of a convolution's operands for `operation`: input `[n, c, h, w]`, a
/// square kernel whose weight (`weightLayout`) holds the c input channels on axis
/// `inputChannelAxis` and the output channels on the other of its first two axes, and a bias
/// (when given) of one value per output channel.
@inlinable
func _checkConvolutionOperands<Scalar: TensorScalar>(
  _ operation: String, input: Tensor<Scalar>, weight: Tensor<Scalar>, bias: Tensor<Scalar>?,
  inputChannelAxis: Int, weightLayout: String
) {
  userPrecondition(
    input.rank == 4 && weight.rank == 4 && weight.shape[2] == weight.shape[3],
    "\(operation): input \(input.shape) and weight \(weight.shape) need shapes [n, c, h, w] "
      + "and \(weightLayout)")
  userPrecondition(
    input.shape[1] == weight.shape[inputChannelAxis],
    "\(operation): input has \(input.shape[1]) channels, weight \(weight.shape) expects "
      + "\(weight.shape[inputChannelAxis])")
  if let bias {
    let outputChannels = weight.shape[1 - inputChannelAxis]
    userPrecondition(
      bias.shape == [outputChannels],
      "\(operation): bias of shape \(bias.shape) for \(outputChannels) output channels")
  }
}
