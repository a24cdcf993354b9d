import CKernels
import RealModule

extension TensorScalar {
  /// A uniform draw from [0, 1) built from the top `significandBitCount + 1` bits of one
  /// 64-bit output (24 bits for `Float`, 53 for `Double`), so every value is exactly
  /// representable and 1 is never returned.
  @inlinable
  public static func unitUniform(_ bits: UInt64) -> Self {
    let precision = significandBitCount + 1
    let scale = Self(sign: .plus, exponent: Exponent(-precision), significand: 1)
    return Self(bits >> UInt64(64 - precision)) * scale
  }
}

extension UnsafeMutableBufferPointer where Element: TensorScalar {
  /// Fills the buffer with independent standard-normal draws, by the Box–Muller transform:
  /// ```
  /// z₀ = √(−2 log u₁) cos(2π u₂),   z₁ = √(−2 log u₁) sin(2π u₂),
  /// ```
  /// with u₁ uniform on (0, 1] and u₂ uniform on [0, 1). For reusing a buffer on hot paths
  /// (e.g. the reparameterisation noise of every minibatch).
  @inlinable
  public func fillStandardNormal(using generator: inout some RandomNumberGenerator) {
    if Element.self == Double.self {
      // Doubles (variational inference's noise) through the vectorised C transform, which
      // consumes the generator in the same order.
      let doubles = UnsafeMutableBufferPointer<Double>(
        start: UnsafeMutableRawPointer(baseAddress)?.assumingMemoryBound(to: Double.self),
        count: count)
      fillStandardNormalDoubles(doubles, using: &generator)
      return
    }
    let twoPi = 2 * Element.pi
    var i = 0
    while i < count {
      let u1 = 1 - Element.unitUniform(generator.next())
      let u2 = Element.unitUniform(generator.next())
      let radius = Element.sqrt(-2 * Element.log(u1))
      let angle = twoPi * u2
      self[i] = radius * Element.cos(angle)
      if i + 1 < count { self[i + 1] = radius * Element.sin(angle) }
      i += 2
    }
  }

  /// Fills the buffer with independent draws uniform on [0, 1).
  @inlinable
  public func fillUniform(using generator: inout some RandomNumberGenerator) {
    for i in 0..<count { self[i] = Element.unitUniform(generator.next()) }
  }
}

extension Tensor {
  /// A tensor of independent normal draws N(mean, standardDeviation²).
  @inlinable
  public init(
    randomNormal shape: [Int], mean: Scalar = 0, standardDeviation: Scalar = 1,
    using generator: inout some RandomNumberGenerator
  ) {
    self.init(uninitializedShape: shape)
    let values = UnsafeMutableBufferPointer(start: buffer.base, count: scalarCount)
    values.fillStandardNormal(using: &generator)
    if mean != 0 || standardDeviation != 1 {
      for i in 0..<values.count { values[i] = mean + standardDeviation * values[i] }
    }
  }

  /// A tensor of independent draws uniform on `range` (by default [0, 1)).
  @inlinable
  public init(
    randomUniform shape: [Int], in range: Range<Scalar> = 0..<1,
    using generator: inout some RandomNumberGenerator
  ) {
    self.init(uninitializedShape: shape)
    let values = UnsafeMutableBufferPointer(start: buffer.base, count: scalarCount)
    let (lower, width) = (range.lowerBound, range.upperBound - range.lowerBound)
    for i in 0..<values.count {
      values[i] = lower + width * Scalar.unitUniform(generator.next())
    }
  }

  /// A tensor of independent Bernoulli draws (1 with probability p, else 0), one for each
  /// probability in `probabilities`, which must lie in [0, 1].
  @inlinable
  public init(
    randomBernoulli probabilities: Tensor, using generator: inout some RandomNumberGenerator
  ) {
    self.init(uninitializedShape: probabilities.shape)
    let p = probabilities.buffer.base
    for i in 0..<scalarCount {
      userPrecondition(
        p[i] >= 0 && p[i] <= 1, "Tensor(randomBernoulli:): probability \(p[i]) is not in [0, 1]")
      buffer.base[i] = Scalar.unitUniform(generator.next()) < p[i] ? 1 : 0
    }
  }
}

extension RandomNumberGenerator {
  /// A uniformly random permutation of `0..<count` (Fisher–Yates).
  @inlinable
  public mutating func permutation(of count: Int) -> [Int] {
    var result: [Int] = []
    permutation(of: count, into: &result)
    return result
  }

  /// ``permutation(of:)`` written over `result`, which is resized only when its count differs
  /// (for a permutation drawn again and again, as each epoch's order of minibatches).
  @inlinable
  public mutating func permutation(of count: Int, into result: inout [Int]) {
    if result.count != count { result = Array(repeating: 0, count: count) }
    for i in result.indices { result[i] = i }
    shuffle(&result)
  }

  /// Shuffles `elements` in place, uniformly (Fisher–Yates with unbiased bounded draws). The
  /// same generator state gives the same order.
  @inlinable
  public mutating func shuffle<Element>(_ elements: inout [Element]) {
    guard elements.count > 1 else { return }
    // A counted loop over the buffer: the same swaps as `stride` and `Array.swapAt`, which
    // allocate at every swap in unoptimised builds (minibatch steps are checked for
    // allocations in the debug tests).
    elements.withUnsafeMutableBufferPointer { buffer in
      var i = buffer.count - 1
      while i > 0 {
        let j = Int(next(upperBound: UInt64(i + 1)))
        buffer.swapAt(i, j)
        i -= 1
      }
    }
  }
}

/// The Box–Muller transform for doubles, 256 pairs of uniforms at a time
/// (`variational_standard_normals` in CKernels).
@inlinable
func fillStandardNormalDoubles(
  _ values: UnsafeMutableBufferPointer<Double>, using generator: inout some RandomNumberGenerator
) {
  if values.isEmpty { return }
  // At most 256 pairs at a time, and no more than needed, so that small fills (a VI step's
  // noise) stay within the stack allocation limit instead of a 4 KB malloc.
  let block = Swift.min(256, (values.count + 1) / 2)
  withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * block) { uniforms in
    let u1 = uniforms.baseAddress!
    let u2 = u1 + block
    var start = 0
    while start < values.count {
      let count = Swift.min(2 * block, values.count - start)
      for i in 0..<(count + 1) / 2 {
        u1[i] = 1 - Double.unitUniform(generator.next())
        u2[i] = Double.unitUniform(generator.next())
      }
      variational_standard_normals(u1, u2, count, values.baseAddress! + start)
      start += count
    }
  }
}
