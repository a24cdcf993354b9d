/// A fast, seeded pseudo-random number generator: xoshiro256** by Blackman and Vigna
/// ("Scrambled linear pseudorandom number generators", ACM TOMS 2021).
///
/// Period 2²⁵⁶ − 1, 64-bit outputs that pass BigCrush. The 256-bit state is filled from the
/// seed with SplitMix64, as the authors recommend, so nearby seeds give unrelated streams.
/// The same seed gives the same numbers on every platform and every run.
///
/// Every sampling API in Variational takes its generator explicitly (`using: &generator`);
/// there is no hidden global state.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable, Hashable, Codable {
  /// The generator's 256-bit state. Exposed so training runs can be checkpointed and resumed
  /// with exactly the same stream; it must not be all zeros.
  public var state: (UInt64, UInt64, UInt64, UInt64) {
    get { (s0, s1, s2, s3) }
    set {
      userPrecondition(
        newValue != (0, 0, 0, 0), "Xoshiro256StarStar: the state must not be all zeros")
      (s0, s1, s2, s3) = newValue
    }
  }

  @usableFromInline var s0: UInt64
  @usableFromInline var s1: UInt64
  @usableFromInline var s2: UInt64
  @usableFromInline var s3: UInt64

  /// Creates a generator whose stream is determined by `seed`.
  @inlinable
  public init(seed: UInt64) {
    var mixer = SplitMix64(seed: seed)
    s0 = mixer.next()
    s1 = mixer.next()
    s2 = mixer.next()
    s3 = mixer.next()
  }

  /// The next 64 random bits.
  @inlinable
  public mutating func next() -> UInt64 {
    let result = (s1 &* 5).rotatedLeft(by: 7) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = s3.rotatedLeft(by: 45)
    return result
  }

  /// A new generator whose stream does not overlap this one's for 2¹²⁸ draws (the xoshiro
  /// jump function), for handing independent streams to parallel work.
  public mutating func split() -> Xoshiro256StarStar {
    let copy = self
    let jump: [UInt64] = [
      0x180e_c6d3_3cfd_0aba, 0xd5a6_1266_f0c9_392c, 0xa958_2618_e03f_c9aa, 0x39ab_dc45_29b1_661c,
    ]
    var (t0, t1, t2, t3): (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    for word in jump {
      for bit in 0..<64 {
        if word & (1 << UInt64(bit)) != 0 {
          t0 ^= s0
          t1 ^= s1
          t2 ^= s2
          t3 ^= s3
        }
        _ = next()
      }
    }
    (s0, s1, s2, s3) = (t0, t1, t2, t3)
    return copy
  }

  /// Whether two generators are in the same state, and so give the same numbers.
  public static func == (lhs: Self, rhs: Self) -> Bool { lhs.state == rhs.state }

  /// Hashes the state.
  public func hash(into hasher: inout Hasher) {
    hasher.combine(s0)
    hasher.combine(s1)
    hasher.combine(s2)
    hasher.combine(s3)
  }

  /// Reads a state written by ``encode(to:)``; an all-zero state is refused.
  public init(from decoder: any Decoder) throws {
    var container = try decoder.unkeyedContainer()
    s0 = try container.decode(UInt64.self)
    s1 = try container.decode(UInt64.self)
    s2 = try container.decode(UInt64.self)
    s3 = try container.decode(UInt64.self)
    if state == (0, 0, 0, 0) {
      throw DecodingError.dataCorruptedError(
        in: container, debugDescription: "Xoshiro256StarStar: the state must not be all zeros")
    }
  }

  /// Writes the state as four 64-bit words, so that a run can resume the same sequence.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.unkeyedContainer()
    try container.encode(contentsOf: [s0, s1, s2, s3])
  }
}

/// SplitMix64 (Steele, Lea and Flood 2014): a tiny generator used to expand one 64-bit seed
/// into the state of ``Xoshiro256StarStar``.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  @usableFromInline var state: UInt64

  /// The generator whose state is `seed`.
  @inlinable
  public init(seed: UInt64) { state = seed }

  /// The next 64 random bits.
  @inlinable
  public mutating func next() -> UInt64 {
    state &+= 0x9e37_79b9_7f4a_7c15
    var z = state
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 31)
  }
}

extension UInt64 {
  @inlinable
  func rotatedLeft(by k: UInt64) -> UInt64 { (self << k) | (self >> (64 - k)) }
}
