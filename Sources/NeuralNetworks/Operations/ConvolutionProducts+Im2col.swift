import TensorCore

/// The products of ``ConvolutionProducts`` as im2col and one matrix product per chunk of
/// images (Chellapilla, Puri & Simard 2006): for `Double`, and for `Float` where oneDNN is not
/// available. Each works on a range of the batch's images and overwrites its results there.
extension ConvolutionProducts {
  /// y = w · im2col(x), with w as `[outputChannels, patchSize]`.
  @inlinable
  func _im2colForward<Scalar: TensorScalar>(
    _ x: UnsafePointer<Scalar>, weight w: UnsafePointer<Scalar>,
    into y: UnsafeMutablePointer<Scalar>, images: Range<Int>
  ) {
    _forEachChunk(of: images, rows: outputChannels) { start, count, columns, matrix in
      let width = count * geometry.positions
      for image in 0..<count {
        geometry.im2col(
          x + (start + image) * geometry.imageSize, into: columns + image * geometry.positions,
          rowStride: width)
      }
      Scalar.gemm(
        transposeA: false, transposeB: false, m: outputChannels, n: width,
        k: geometry.patchSize, alpha: 1, a: w, lda: geometry.patchSize, b: columns, ldb: width,
        beta: 0, c: matrix, ldc: width)
      ConvolutionGeometry.scatter(
        matrix, count: count, channels: outputChannels, planeSize: geometry.positions,
        bias: nil, into: y + start * outputImageSize)
    }
  }

  /// x̄ = col2im(wᵀ · ȳ).
  @inlinable
  func _im2colInputGradient<Scalar: TensorScalar>(
    _ outputGradient: UnsafePointer<Scalar>, weight w: UnsafePointer<Scalar>,
    into inputGradient: UnsafeMutablePointer<Scalar>, images: Range<Int>
  ) {
    (inputGradient + images.lowerBound * geometry.imageSize).update(
      repeating: 0, count: images.count * geometry.imageSize)
    _forEachChunk(of: images, rows: outputChannels) { start, count, columns, matrix in
      let width = count * geometry.positions
      ConvolutionGeometry.gather(
        outputGradient + start * outputImageSize, count: count, channels: outputChannels,
        planeSize: geometry.positions, into: matrix)
      Scalar.gemm(
        transposeA: true, transposeB: false, m: geometry.patchSize, n: width, k: outputChannels,
        alpha: 1, a: w, lda: geometry.patchSize, b: matrix, ldb: width,
        beta: 0, c: columns, ldc: width)
      for image in 0..<count {
        geometry.col2im(
          columns + image * geometry.positions, rowStride: width,
          addingInto: inputGradient + (start + image) * geometry.imageSize)
      }
    }
  }

  /// w̄ = ȳ · im2col(x)ᵀ, summed over the images' chunks in order.
  @inlinable
  func _im2colWeightGradient<Scalar: TensorScalar>(
    _ x: UnsafePointer<Scalar>, outputGradient: UnsafePointer<Scalar>,
    into weightGradient: UnsafeMutablePointer<Scalar>, images: Range<Int>
  ) {
    weightGradient.update(repeating: 0, count: outputChannels * geometry.patchSize)
    _forEachChunk(of: images, rows: outputChannels) { start, count, columns, matrix in
      let width = count * geometry.positions
      ConvolutionGeometry.gather(
        outputGradient + start * outputImageSize, count: count, channels: outputChannels,
        planeSize: geometry.positions, into: matrix)
      for image in 0..<count {
        geometry.im2col(
          x + (start + image) * geometry.imageSize, into: columns + image * geometry.positions,
          rowStride: width)
      }
      Scalar.gemm(
        transposeA: false, transposeB: true, m: outputChannels, n: geometry.patchSize, k: width,
        alpha: 1, a: matrix, lda: width, b: columns, ldb: width,
        beta: 1, c: weightGradient, ldc: geometry.patchSize)
    }
  }

  /// Calls `body(start, count, columns, matrix)` for consecutive chunks of `images`, with a
  /// column buffer of `patchSize × count · positions` scalars and a matrix buffer of `rows ×
  /// count · positions`, reused from chunk to chunk.
  @inlinable
  func _forEachChunk<Scalar: TensorScalar>(
    of images: Range<Int>, rows: Int,
    _ body: (
      _ start: Int, _ count: Int, _ columns: UnsafeMutablePointer<Scalar>,
      _ matrix: UnsafeMutablePointer<Scalar>
    ) -> Void
  ) {
    let chunk = geometry.imagesPerChunk(of: images.count)
    let columns = UnsafeMutablePointer<Scalar>.allocate(
      capacity: geometry.patchSize * chunk * geometry.positions)
    let matrix = UnsafeMutablePointer<Scalar>.allocate(capacity: rows * chunk * geometry.positions)
    defer {
      columns.deallocate()
      matrix.deallocate()
    }
    for start in Swift.stride(from: images.lowerBound, to: images.upperBound, by: chunk) {
      body(start, Swift.min(chunk, images.upperBound - start), columns, matrix)
    }
  }
}

/// `pointer` as a pointer to `Float`, for the oneDNN calls made only when `Scalar` is `Float`.
@inlinable
func _float<Scalar>(_ pointer: UnsafePointer<Scalar>) -> UnsafePointer<Float> {
  UnsafeRawPointer(pointer).assumingMemoryBound(to: Float.self)
}

/// `pointer` as a mutable pointer to `Float`, for the oneDNN calls made only when `Scalar` is
/// `Float`.
@inlinable
func _mutableFloat<Scalar>(_ pointer: UnsafeMutablePointer<Scalar>) -> UnsafeMutablePointer<Float> {
  UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: Float.self)
}
