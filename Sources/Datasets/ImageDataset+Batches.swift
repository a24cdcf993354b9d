import TensorCore

extension ImageDataset {
  /// `intensityTable[b] == Float(b) / 255`: pixel bytes scaled to [0, 1].
  @usableFromInline static let intensityTable: [Float] = (0...255).map { Float($0) / 255 }

  /// `binarisationThresholds[b]` is `b / 255` in units of 2^-32, rounded to nearest, so that a
  /// uniform 32-bit integer `r` satisfies `r < threshold` with probability `b / 255` (to within
  /// 2^-33). Byte 0 never turns on and byte 255 always does.
  @usableFromInline static let binarisationThresholds: [UInt64] = (0...255).map {
    (UInt64($0) << 32 + 127) / 255
  }

  /// Writes the images at `indices` into `buffer` as floats in [0, 1] (`byte / 255`), one
  /// image after another, each row-major: image `indices[k]` fills
  /// `buffer[k * pixelsPerImage ..< (k + 1) * pixelsPerImage]`.
  ///
  /// Elements of `buffer` beyond `indices.count * pixelsPerImage` are left untouched, so one
  /// buffer sized for a full minibatch can be reused for a smaller final one.
  ///
  /// - Precondition: every index is in `0..<count`, and
  ///   `buffer.count >= indices.count * pixelsPerImage`.
  public func writeBatch(
    indices: some Collection<Int>, into buffer: UnsafeMutableBufferPointer<Float>
  ) {
    let size = pixelsPerImage
    checkBatch(indices: indices, buffer: buffer.count)
    pixels.withUnsafeBufferPointer { source in
      guard size > 0, let target = buffer.baseAddress, let source = source.baseAddress else {
        return
      }
      var offset = 0
      for index in indices {
        userPrecondition(self.indices.contains(index), "image index \(index) out of range")
        // Row pointers keep overflow checks out of the inner loop, which then vectorises;
        // the division equals the table's `Float(b) / 255` exactly.
        let (image, row) = (source + index &* size, target + offset)
        for pixel in 0..<size { row[pixel] = Float(image[pixel]) / 255 }
        offset += size
      }
    }
  }

  /// The images at `indices` as floats in [0, 1], `indices.count × pixelsPerImage` of them,
  /// row-major. See `writeBatch(indices:into:)`, which avoids the allocation.
  ///
  /// - Precondition: every index is in `0..<count`.
  public func batch(indices: some Collection<Int>) -> [Float] {
    [Float](unsafeUninitializedCapacity: indices.count * pixelsPerImage) { buffer, initialized in
      writeBatch(indices: indices, into: buffer)
      initialized = buffer.count
    }
  }

  /// Writes the images at `indices` into `buffer` with dynamic binarisation: each pixel becomes
  /// 1 with probability `byte / 255` and 0 otherwise, drawn afresh on every call, so that a
  /// model with Bernoulli outputs sees a new binary sample of each image every epoch.
  ///
  /// Each 64-bit output of `generator` supplies two 32-bit uniforms `r`; a pixel is 1 when
  /// `r / 2^32 < byte / 255` (the probability is exact to within 2^-33). Layout and buffer
  /// reuse are as in `writeBatch(indices:into:)`.
  ///
  /// Use a fast pseudo-random generator: `SystemRandomNumberGenerator` asks the operating
  /// system for every 64 bits, which makes this loop about a hundred times slower.
  ///
  /// - Precondition: every index is in `0..<count`, and
  ///   `buffer.count >= indices.count * pixelsPerImage`.
  @inlinable
  public func writeBinarisedBatch(
    indices: some Collection<Int>, into buffer: UnsafeMutableBufferPointer<Float>,
    using generator: inout some RandomNumberGenerator
  ) {
    let size = pixelsPerImage
    checkBatch(indices: indices, buffer: buffer.count)
    pixels.withUnsafeBufferPointer { source in
      Self.binarisationThresholds.withUnsafeBufferPointer { thresholds in
        var offset = 0
        for index in indices {
          userPrecondition(self.indices.contains(index), "image index \(index) out of range")
          let start = index * size
          var pixel = 0
          // Branch-free: `(r &- threshold) >> 63` is 1 exactly when r < threshold, as both are
          // below 2^33. Comparisons with `?:` mispredict half the time on grey pixels.
          while pixel + 1 < size {
            let random = generator.next()
            let low = (random & 0xFFFF_FFFF) &- thresholds[Int(source[start + pixel])]
            let high = (random >> 32) &- thresholds[Int(source[start + pixel + 1])]
            buffer[offset + pixel] = Float(UInt32(truncatingIfNeeded: low >> 63))
            buffer[offset + pixel + 1] = Float(UInt32(truncatingIfNeeded: high >> 63))
            pixel += 2
          }
          if pixel < size {
            let random = (generator.next() >> 32) &- thresholds[Int(source[start + pixel])]
            buffer[offset + pixel] = Float(UInt32(truncatingIfNeeded: random >> 63))
          }
          offset += size
        }
      }
    }
  }

  /// Writes the images at `indices` into `buffer` with dynamic binarisation, drawing one
  /// uniform number `u` in [0, 1) from `uniform` per pixel: the pixel is 1 if
  /// `u < byte / 255`, else 0. Layout and buffer reuse are as in `writeBatch(indices:into:)`.
  ///
  /// - Precondition: every index is in `0..<count`, and
  ///   `buffer.count >= indices.count * pixelsPerImage`.
  @inlinable
  public func writeBinarisedBatch(
    indices: some Collection<Int>, into buffer: UnsafeMutableBufferPointer<Float>,
    uniform: () -> Float
  ) {
    let size = pixelsPerImage
    checkBatch(indices: indices, buffer: buffer.count)
    pixels.withUnsafeBufferPointer { source in
      Self.intensityTable.withUnsafeBufferPointer { table in
        var offset = 0
        for index in indices {
          userPrecondition(self.indices.contains(index), "image index \(index) out of range")
          let start = index * size
          for pixel in 0..<size {
            let isOn = uniform() < table[Int(source[start + pixel])]
            buffer[offset + pixel] = isOn ? 1 : 0
          }
          offset += size
        }
      }
    }
  }

  /// Checks that a buffer of `bufferCount` floats can hold the images at `indices`.
  @usableFromInline
  func checkBatch(indices: some Collection<Int>, buffer bufferCount: Int) {
    userPrecondition(
      bufferCount >= indices.count * pixelsPerImage,
      "the buffer holds \(bufferCount) floats; \(indices.count) images of \(pixelsPerImage) "
        + "pixels need \(indices.count * pixelsPerImage)")
  }
}
