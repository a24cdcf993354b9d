import TensorCore

/// The index arithmetic of a 2-D convolution over one image in NCHW layout, and the two
/// memory rearrangements that turn a convolution into a matrix product (Chellapilla, Puri and
/// Simard, "High performance convolutional neural networks for document processing", 2006):
///
/// - **im2col** copies every k×k patch the kernel visits into a column of a matrix of shape
///   `[channels·k·k, outputHeight·outputWidth]`:
///   ```
///   columns[(c·k + i)·k + j, y·outputWidth + x] = image[c, y·s − p + i, x·s − p + j]
///   ```
///   (zero where the index falls into the padding), so that the convolution is
///   `weight[out, channels·k·k] · columns`.
/// - **col2im** is its adjoint: it adds every entry of such a matrix back to the pixel it came
///   from. It gives the input gradient of a convolution and the forward pass of a transposed
///   convolution.
///
/// Output sizes follow PyTorch: `outputHeight = (height + 2p − k) / s + 1` (rounded down).
@usableFromInline
struct ConvolutionGeometry {
  @usableFromInline let channels: Int
  @usableFromInline let height: Int
  @usableFromInline let width: Int
  @usableFromInline let kernelSize: Int
  @usableFromInline let stride: Int
  @usableFromInline let padding: Int
  @usableFromInline let outputHeight: Int
  @usableFromInline let outputWidth: Int

  /// The geometry of a k×k kernel sliding with stride s over an image of `channels × height ×
  /// width` padded by p on every side.
  @inlinable
  init(
    channels: Int, height: Int, width: Int, kernelSize: Int, stride: Int, padding: Int,
    operation: String
  ) {
    userPrecondition(
      kernelSize > 0 && stride > 0 && padding >= 0,
      "\(operation): kernel size \(kernelSize) and stride \(stride) must be positive, padding "
        + "\(padding) non-negative")
    let paddedHeight = height + 2 * padding
    let paddedWidth = width + 2 * padding
    userPrecondition(
      paddedHeight >= kernelSize && paddedWidth >= kernelSize,
      "\(operation): kernel \(kernelSize)×\(kernelSize) is larger than the padded image "
        + "\(paddedHeight)×\(paddedWidth)")
    self.channels = channels
    self.height = height
    self.width = width
    self.kernelSize = kernelSize
    self.stride = stride
    self.padding = padding
    outputHeight = (paddedHeight - kernelSize) / stride + 1
    outputWidth = (paddedWidth - kernelSize) / stride + 1
  }

  /// The rows of the column matrix: channels · k · k.
  @inlinable var patchSize: Int { channels * kernelSize * kernelSize }

  /// The columns of the column matrix for one image: outputHeight · outputWidth.
  @inlinable var positions: Int { outputHeight * outputWidth }

  /// The scalars of one image: channels · height · width.
  @inlinable var imageSize: Int { channels * height * width }

  /// How many images to rearrange at once so that the column matrix holds at most about 8 Mi
  /// scalars (32 MB of `Float`), at least one image and at most `count`.
  @inlinable
  func imagesPerChunk(of count: Int) -> Int {
    Swift.max(1, Swift.min(count, (1 << 23) / Swift.max(1, patchSize * positions)))
  }

  /// The range of output positions x (or y) for which x·s − p + offset lies in 0..<size.
  @inlinable
  func validRange(offset: Int, size: Int, count: Int) -> Range<Int> {
    // x·s ≥ p − offset  and  x·s ≤ size − 1 + p − offset.
    let low = padding - offset
    let lower = low <= 0 ? 0 : (low + stride - 1) / stride
    let high = size - 1 + padding - offset
    let upper = high < 0 ? 0 : Swift.min(count, high / stride + 1)
    return lower..<Swift.max(lower, upper)
  }

  /// Copies `count` images of `channels` planes of `planeSize` scalars from NCHW `images`
  /// into a matrix `[channels, count · planeSize]` (channel-major, images side by side): the
  /// layout in which one matrix product handles several images.
  @inlinable
  static func gather<Scalar: TensorScalar>(
    _ images: UnsafePointer<Scalar>, count: Int, channels: Int, planeSize: Int,
    into matrix: UnsafeMutablePointer<Scalar>
  ) {
    let rowStride = count * planeSize
    for image in 0..<count {
      for c in 0..<channels {
        (matrix + c * rowStride + image * planeSize).update(
          from: images + (image * channels + c) * planeSize, count: planeSize)
      }
    }
  }

  /// The inverse of ``gather(_:count:channels:planeSize:into:)``: writes the matrix
  /// `[channels, count · planeSize]` back to `count` NCHW images, adding `bias[c]` (if given)
  /// to every scalar of channel c.
  @inlinable
  static func scatter<Scalar: TensorScalar>(
    _ matrix: UnsafePointer<Scalar>, count: Int, channels: Int, planeSize: Int,
    bias: UnsafeBufferPointer<Scalar>?, into images: UnsafeMutablePointer<Scalar>
  ) {
    let rowStride = count * planeSize
    for image in 0..<count {
      for c in 0..<channels {
        let source = matrix + c * rowStride + image * planeSize
        let target = images + (image * channels + c) * planeSize
        let offset = bias?[c] ?? 0
        for index in 0..<planeSize { target[index] = source[index] + offset }
      }
    }
  }

  /// Writes the column matrix of `image` into `columns`, whose rows are `rowStride` scalars
  /// apart (so that several images can sit side by side).
  @inlinable
  func im2col<Scalar: TensorScalar>(
    _ image: UnsafePointer<Scalar>, into columns: UnsafeMutablePointer<Scalar>, rowStride: Int
  ) {
    let k = kernelSize
    for c in 0..<channels {
      for i in 0..<k {
        let rows = validRange(offset: i, size: height, count: outputHeight)
        for j in 0..<k {
          let target = columns + ((c * k + i) * k + j) * rowStride
          let xs = validRange(offset: j, size: width, count: outputWidth)
          for y in 0..<outputHeight {
            let row = target + y * outputWidth
            guard rows.contains(y) else {
              row.update(repeating: 0, count: outputWidth)
              continue
            }
            let base = (c * height + y * stride - padding + i) * width - padding + j
            if xs.lowerBound > 0 { row.update(repeating: 0, count: xs.lowerBound) }
            for x in xs { row[x] = image[base + x * stride] }
            if xs.upperBound < outputWidth {
              (row + xs.upperBound).update(repeating: 0, count: outputWidth - xs.upperBound)
            }
          }
        }
      }
    }
  }

  /// Adds every entry of the column matrix `columns` (rows `rowStride` apart) to the pixel of
  /// `image` it was taken from: the adjoint of ``im2col(_:into:rowStride:)``.
  @inlinable
  func col2im<Scalar: TensorScalar>(
    _ columns: UnsafePointer<Scalar>, rowStride: Int, addingInto image: UnsafeMutablePointer<Scalar>
  ) {
    let k = kernelSize
    for c in 0..<channels {
      for i in 0..<k {
        let rows = validRange(offset: i, size: height, count: outputHeight)
        for j in 0..<k {
          let source = columns + ((c * k + i) * k + j) * rowStride
          let xs = validRange(offset: j, size: width, count: outputWidth)
          for y in rows {
            let row = source + y * outputWidth
            let base = (c * height + y * stride - padding + i) * width - padding + j
            for x in xs { image[base + x * stride] += row[x] }
          }
        }
      }
    }
  }
}
