import RealModule
import TensorCore
import TestSupport
import Testing

@Suite struct RandomTests {
  /// Known answers, from an independent Python implementation of the published algorithms.
  @Test func knownAnswers() {
    var splitMix = SplitMix64(seed: 0)
    #expect(splitMix.next() == 0xe220_a839_7b1d_cdaf)
    #expect(splitMix.next() == 0x6e78_9e6a_a1b9_65f4)
    var generator = Xoshiro256StarStar(seed: 0)
    generator.state = (1, 2, 3, 4)
    let outputs = (0..<4).map { _ in generator.next() }
    #expect(outputs == [0x2d00, 0, 0x5a00_7080, 0x10e0_0000_0000_9d80])
    var seeded = Xoshiro256StarStar(seed: 42)
    #expect(seeded.next() == 0x1578_0b2e_0c2e_c716)
  }

  @Test func sameSeedSameNumbersDifferentSeedDifferentNumbers() {
    var a = Xoshiro256StarStar(seed: 2024)
    var b = Xoshiro256StarStar(seed: 2024)
    var c = Xoshiro256StarStar(seed: 2025)
    let x = Tensor<Float>(randomNormal: [128, 20], using: &a)
    let y = Tensor<Float>(randomNormal: [128, 20], using: &b)
    let z = Tensor<Float>(randomNormal: [128, 20], using: &c)
    #expect(x.scalars.map(\.bitPattern) == y.scalars.map(\.bitPattern))
    #expect(x != z)
    #expect(a.permutation(of: 100) == b.permutation(of: 100))
  }

  @Test func uniformMomentsAndRange() {
    var generator = Xoshiro256StarStar(seed: 1)
    let n = 100_000
    let u = Tensor<Double>(randomUniform: [n], using: &generator).scalars
    #expect(u.allSatisfy { $0 >= 0 && $0 < 1 })
    let mean = u.reduce(0, +) / Double(n)
    let variance = u.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n - 1)
    // Standard errors: √(1/12/n) ≈ 9.1e-4 for the mean; √((1/80 − 1/144)/n) ≈ 2.4e-4 for the
    // variance. Five standard errors.
    assertClose(mean, 0.5, absoluteTolerance: 5 * 9.1e-4)
    assertClose(variance, 1.0 / 12, absoluteTolerance: 5 * 2.4e-4)
  }

  /// Normal draws: mean, variance and a Kolmogorov–Smirnov test against Φ.
  @Test(arguments: [1, 2, 3] as [UInt64])
  func normalDistribution(seed: UInt64) {
    var generator = Xoshiro256StarStar(seed: seed)
    let n = 20_000
    let z = Tensor<Double>(randomNormal: [n], using: &generator).scalars
    let mean = z.reduce(0, +) / Double(n)
    let variance = z.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n - 1)
    // Standard errors 1/√n ≈ 7.1e-3 (mean) and √(2/n) = 0.01 (variance); five of them.
    assertClose(mean, 0, absoluteTolerance: 5 * 7.1e-3)
    assertClose(variance, 1, absoluteTolerance: 5 * 0.01)
    // KS statistic D = sup |F_n − Φ|; the 0.1% critical value is 1.95/√n ≈ 0.0138.
    let sorted = z.sorted()
    var statistic = 0.0
    for (i, x) in sorted.enumerated() {
      let cdf = 0.5 * (1 + Double.erf(x / 2.0.squareRoot()))
      statistic = Swift.max(
        statistic, Swift.abs(cdf - Double(i) / Double(n)),
        Swift.abs(Double(i + 1) / Double(n) - cdf))
    }
    #expect(statistic < 1.95 / Double(n).squareRoot(), "KS statistic \(statistic)")
  }

  /// Doubles go through the vectorised C transform: the same uniforms, consumed in the same
  /// order, as the libm Box–Muller transform, and draws within a few ulp of it (|z| < 9, so
  /// 4e-15 is about 8 ulp of the largest draws). Counts cover the 4-pair vector steps, the
  /// padded rest, an odd count's dropped sine and the 512-draw blocks.
  @Test(arguments: [1, 3, 8, 9, 511, 513, 1025, 20_000])
  func doublesMatchTheLibmTransform(count: Int) {
    var generator = Xoshiro256StarStar(seed: UInt64(count))
    var reference = generator
    let z = Tensor<Double>(randomNormal: [count], using: &generator).scalars
    var expected: [Double] = []
    while expected.count < count {
      let u1 = 1 - Double.unitUniform(reference.next())
      let u2 = Double.unitUniform(reference.next())
      let radius = (-2 * Double.log(u1)).squareRoot()
      expected.append(radius * Double.cos(2 * .pi * u2))
      if expected.count < count { expected.append(radius * Double.sin(2 * .pi * u2)) }
    }
    #expect(generator.next() == reference.next(), "the generators must end in the same state")
    let worst = zip(z, expected).map { Swift.abs($0 - $1) }.max() ?? 0
    #expect(worst < 4e-15, "largest difference \(worst)")
  }

  @Test func normalWithParametersAndFloat() {
    var generator = Xoshiro256StarStar(seed: 9)
    let z = Tensor<Float>(randomNormal: [50_000], mean: 3, standardDeviation: 2, using: &generator)
    let mean = z.mean().scalarized()
    assertClose(mean, 3, absoluteTolerance: 5 * 2 / Float(50_000).squareRoot())
    #expect(z.scalars.allSatisfy { $0.isFinite })
  }

  @Test func bernoulli() {
    var generator = Xoshiro256StarStar(seed: 5)
    let p = Tensor<Double>(repeating: 0.3, shape: [100_000])
    let draws = Tensor<Double>(randomBernoulli: p, using: &generator)
    #expect(draws.scalars.allSatisfy { $0 == 0 || $0 == 1 })
    // Standard error √(0.3·0.7/n) ≈ 1.45e-3; five of them.
    assertClose(draws.mean().scalarized(), 0.3, absoluteTolerance: 5 * 1.45e-3)
    let certain = Tensor<Double>(randomBernoulli: Tensor([0, 1]), using: &generator)
    #expect(certain.scalars == [0, 1])
  }

  @Test func permutationIsUniformlyAPermutation() {
    var generator = Xoshiro256StarStar(seed: 8)
    let p = generator.permutation(of: 1000)
    #expect(p.sorted() == Array(0..<1000))
    #expect(p != Array(0..<1000))
    // Position of element 0 over many shuffles of 4 items: each of 4 places with p = 1/4.
    var counts = [0, 0, 0, 0]
    for _ in 0..<40_000 { counts[generator.permutation(of: 4).firstIndex(of: 0)!] += 1 }
    // Standard error √(40000·¼·¾) ≈ 87; five of them.
    for count in counts { #expect(Swift.abs(count - 10_000) < 5 * 87) }
  }

  @Test func splitGivesAnIndependentStream() {
    var generator = Xoshiro256StarStar(seed: 4)
    var other = generator.split()
    let a = (0..<8).map { _ in generator.next() }
    let b = (0..<8).map { _ in other.next() }
    #expect(Set(a).isDisjoint(with: b))
  }
}
