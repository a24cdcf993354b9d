import Foundation
import TensorCore
import Testing
import _Differentiation

/// Matrix products large enough to be split in halves over two threads, and elementwise passes
/// cut into chunks: every element computed once, with the same numbers on any thread.
@Suite struct PairedThreadsTests {
  /// A matrix of small integers, whose products (sums of at most a few hundred terms below
  /// 2²⁴) are exact in `Float` in any order of summation.
  static func integers(_ rows: Int, _ columns: Int, seed: Int) -> Tensor<Float> {
    Tensor(shape: [rows, columns], scalars: (0..<(rows * columns)).map {
      Float(($0 &* 7919 &+ seed &* 104_729) % 7 - 3)
    })
  }

  /// C = A·B by the definition, in `Double`.
  static func reference(_ a: Tensor<Float>, _ b: Tensor<Float>) -> [Float] {
    let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
    let (x, y) = (a.scalars, b.scalars)
    var c = [Float](repeating: 0, count: m * n)
    for i in 0..<m {
      for j in 0..<n {
        var total = 0.0
        for l in 0..<k { total += Double(x[i * k + l]) * Double(y[l * n + j]) }
        c[i * n + j] = Float(total)
      }
    }
    return c
  }

  /// Tall (split by rows) and wide (split by columns) products, with every transposition and
  /// with a bias, equal the definition exactly.
  @Test(arguments: [(300, 170, 90), (90, 170, 300), (129, 64, 65), (64, 20, 400)])
  func splitProductsEqualTheDefinition(m: Int, k: Int, n: Int) {
    let a = Self.integers(m, k, seed: 1)
    let b = Self.integers(k, n, seed: 2)
    let expected = Self.reference(a, b)
    // The number of elements that differ, so that a failure prints a count, not the matrices.
    func wrong(_ c: Tensor<Float>, _ expected: [Float] = expected) -> Int {
      zip(c.scalars, expected).count { $0 != $1 } + Swift.abs(c.scalarCount - expected.count)
    }
    #expect(wrong(matmul(a, b)) == 0)
    #expect(wrong(matmul(a.transposed(), transposed: true, b)) == 0)
    #expect(wrong(matmul(a, transposed: false, b.transposed(), transposed: true)) == 0)
    #expect(wrong(matmul(a.transposed(), transposed: true, b.transposed(), transposed: true)) == 0)
    let bias = Tensor<Float>((0..<n).map { Float($0 % 5) })
    let withBias = expected.indices.map { expected[$0] + Float($0 % n % 5) }
    #expect(wrong(matmul(a, b, plusBias: bias), withBias) == 0)
  }

  /// A bias and a relu on each block of a split product (tall: rows; wide: columns), in Float
  /// (the C kernel) and Double, equal max(A·B + b, 0) exactly.
  @Test(arguments: [(300, 170, 90), (90, 170, 300)])
  func rectifiedProductsEqualTheDefinition(m: Int, k: Int, n: Int) {
    let a = Self.integers(m, k, seed: 3)
    let b = Self.integers(k, n, seed: 4)
    let bias = Tensor<Float>((0..<n).map { Float($0 % 5 - 2) })
    let product = Self.reference(a, b)
    let expected = product.indices.map { Swift.max(product[$0] + Float($0 % n % 5 - 2), 0) }
    #expect(matmul(a, b, plusBias: bias, rectified: true).scalars == expected)
    let double = matmul(
      Tensor<Double>(shape: a.shape, scalars: a.scalars.map(Double.init)),
      Tensor<Double>(shape: b.shape, scalars: b.scalars.map(Double.init)),
      plusBias: Tensor<Double>(bias.scalars.map(Double.init)), rectified: true)
    #expect(double.scalars == expected.map(Double.init))
    #expect(expected.contains(0) && expected.contains { $0 > 0 })
  }

  /// Two products side by side (large enough, and equal work, as in a dense layer's backward
  /// pass), with every transposition, and a pair of unequal work (one after the other): each
  /// equals its definition exactly.
  @Test func productPairsEqualTheDefinition() {
    let (m, k, n) = (128, 64, 40)
    let g = Self.integers(m, n, seed: 5)
    let w = Self.integers(k, n, seed: 6)
    let x = Self.integers(m, k, seed: 7)
    // x̄ = ḡ·Wᵀ and W̄ = xᵀ·ḡ, each written four ways.
    let gx = Self.reference(g, w.transposed())
    let gw = Self.reference(x.transposed(), g)
    let pairs = [
      matmuls(
        g, transposed: false, w, transposed: true, and: x, transposed: true, g,
        transposed: false),
      matmuls(
        g.transposed(), transposed: true, w.transposed(), transposed: false,
        and: x.transposed(), transposed: false, g.transposed(), transposed: true),
      matmuls(
        x, transposed: true, g, transposed: false, and: g.transposed(), transposed: true,
        w.transposed(), transposed: false),
    ]
    for (first, second) in pairs.prefix(2) {
      #expect(first.shape == [m, k] && second.shape == [k, n])
      #expect(first.scalars == gx)
      #expect(second.scalars == gw)
    }
    #expect(pairs[2].0.scalars == gw && pairs[2].1.scalars == gx)
    let small = Self.integers(4, m, seed: 8)
    let unequal = matmuls(
      small, transposed: false, x, transposed: false, and: g, transposed: false, w,
      transposed: true)
    #expect(unequal.0.scalars == Self.reference(small, x))
    #expect(unequal.1.scalars == gx)
  }

  /// The gradients of a product large enough to be computed side by side, for each
  /// transposition, equal Ā = C̄·op(B)ᵀ and B̄ = op(A)ᵀ·C̄ (transposed back where the operand
  /// was passed transposed) exactly.
  @Test(arguments: [false, true], [false, true])
  func productGradientsEqualTheDefinition(transposeA: Bool, transposeB: Bool) {
    let (m, k, n) = (128, 64, 40)
    let opA = Self.integers(m, k, seed: 9)
    let opB = Self.integers(k, n, seed: 10)
    let a = transposeA ? opA.transposed() : opA
    let b = transposeB ? opB.transposed() : opB
    let upstream = Self.integers(m, n, seed: 11)
    let (ga, gb) = pullback(at: a, b) {
      matmul($0, transposed: transposeA, $1, transposed: transposeB)
    }(upstream)
    let gOpA = Tensor(shape: [m, k], scalars: Self.reference(upstream, opB.transposed()))
    let gOpB = Tensor(shape: [k, n], scalars: Self.reference(opA.transposed(), upstream))
    #expect(ga.scalars == (transposeA ? gOpA.transposed() : gOpA).scalars)
    #expect(gb.scalars == (transposeB ? gOpB.transposed() : gOpB).scalars)
  }

  /// The blocks a product hands to `preparing` cover C exactly once.
  @Test func preparedBlocksCoverTheResult() {
    let (m, n, k) = (250, 130, 40)
    let a = [Float](repeating: 1, count: m * k)
    let b = [Float](repeating: 1, count: k * n)
    var c = [Float](repeating: .nan, count: m * n)
    let visits = Visits(count: m * n)
    a.withUnsafeBufferPointer { a in
      b.withUnsafeBufferPointer { b in
        c.withUnsafeMutableBufferPointer { c in
          let base = c.baseAddress!
          Float.gemm(
            transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1,
            a: a.baseAddress!, lda: k, b: b.baseAddress!, ldb: n, beta: 1, c: base, ldc: n
          ) { rows, columns in
            for row in rows {
              for column in columns {
                visits.add(row * n + column)
                base[row * n + column] = 0
              }
            }
          }
        }
      }
    }
    #expect(visits.counts.allSatisfy { $0 == 1 })
    #expect(c.allSatisfy { $0 == Float(k) })
  }

  /// A product of random numbers gives the same bits with the helper thread off, where the
  /// calling thread computes both halves.
  @Test func sameBitsWithoutTheHelperThread() {
    var generator = Xoshiro256StarStar(seed: 11)
    let a = Tensor<Float>(randomNormal: [256, 300], using: &generator)
    let b = Tensor<Float>(randomNormal: [300, 200], using: &generator)
    let paired = matmul(a, transposed: true, a, transposed: false)
    let product = matmul(a, b)
    let enabled = helperThreadEnabled
    helperThreadEnabled = false
    let single = matmul(a, transposed: true, a, transposed: false)
    let singleProduct = matmul(a, b)
    helperThreadEnabled = enabled
    #expect(paired.scalars.map(\.bitPattern) == single.scalars.map(\.bitPattern))
    #expect(product.scalars.map(\.bitPattern) == singleProduct.scalars.map(\.bitPattern))
  }

  /// Products side by side give the same bits with the helper thread off, and each the bits of
  /// one BLAS call over the whole product (not of halves).
  @Test func productPairsAreOneCallEachOnAnyThread() {
    var generator = Xoshiro256StarStar(seed: 12)
    let g = Tensor<Float>(randomNormal: [128, 400], using: &generator)
    let w = Tensor<Float>(randomNormal: [784, 400], using: &generator)
    let x = Tensor<Float>(randomNormal: [128, 784], using: &generator)
    func pair() -> [[UInt32]] {
      let (gx, gw) = matmuls(
        g, transposed: false, w, transposed: true, and: x, transposed: true, g,
        transposed: false)
      return [gx.scalars.map(\.bitPattern), gw.scalars.map(\.bitPattern)]
    }
    // The number of scalars whose bits differ, so that a failure prints a count.
    func differences(_ x: [[UInt32]], _ y: [[UInt32]]) -> Int {
      zip(x, y).map { zip($0, $1).count { $0 != $1 } + Swift.abs($0.count - $1.count) }
        .reduce(0, +)
    }
    let paired = pair()
    let enabled = helperThreadEnabled
    helperThreadEnabled = false
    let single = pair()
    helperThreadEnabled = enabled
    #expect(differences(paired, single) == 0)
    func oneCall(_ transposeA: Bool, _ a: Tensor<Float>, _ transposeB: Bool, _ b: Tensor<Float>)
      -> [UInt32]
    {
      let (m, k) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
      let n = transposeB ? b.shape[0] : b.shape[1]
      var c = [Float](repeating: 0, count: m * n)
      a.scalars.withUnsafeBufferPointer { a2 in
        b.scalars.withUnsafeBufferPointer { b2 in
          Float.singleCallGEMM(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1,
            a: a2.baseAddress!, lda: a.shape[1], b: b2.baseAddress!, ldb: b.shape[1], beta: 0,
            c: &c, ldc: n)
        }
      }
      return c.map(\.bitPattern)
    }
    #expect(differences(paired, [oneCall(false, g, true, w), oneCall(true, x, false, g)]) == 0)
  }

  /// `forEachChunk` hands out every index exactly once, whatever the count.
  @Test(arguments: [0, 1, 7, 65_535, 65_536, 100_003])
  func chunksCoverEveryIndexOnce(count: Int) {
    var visits = [Int](repeating: 0, count: count)
    visits.withUnsafeMutableBufferPointer { visits in
      forEachChunk(of: count, minimumChunk: 1 << 15) { range in
        for index in range { visits[index] += 1 }
      }
    }
    #expect(visits.allSatisfy { $0 == 1 })
  }

  /// Many threads cutting work at once (only one of them has the helper at a time; the others
  /// run all their pieces themselves): still every index once, and the same product bits.
  @Test func concurrentCallersEachGetEveryPieceOnce() {
    var generator = Xoshiro256StarStar(seed: 5)
    let a = Tensor<Float>(randomNormal: [200, 150], using: &generator)
    let b = Tensor<Float>(randomNormal: [150, 120], using: &generator)
    let expected = matmul(a, b).scalars.map(\.bitPattern)
    let failures = Visits(count: 1)
    DispatchQueue.concurrentPerform(iterations: 32) { _ in
      var visits = [Int](repeating: 0, count: 70_001)
      visits.withUnsafeMutableBufferPointer { visits in
        forEachChunk(of: visits.count, minimumChunk: 1 << 10) { range in
          for index in range { visits[index] += 1 }
        }
      }
      if !visits.allSatisfy({ $0 == 1 }) { failures.add(0) }
      if matmul(a, b).scalars.map(\.bitPattern) != expected { failures.add(0) }
    }
    #expect(failures.counts == [0])
  }
}

/// Counts of visits to each element, from any thread.
final class Visits: @unchecked Sendable {
  private let lock = NSLock()
  private(set) var counts: [Int]

  init(count: Int) { counts = Array(repeating: 0, count: count) }

  func add(_ index: Int) {
    lock.lock()
    counts[index] += 1
    lock.unlock()
  }
}
