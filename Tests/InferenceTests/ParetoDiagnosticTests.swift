import Inference
import RealModule
import TensorCore
import Testing

@Suite struct ParetoDiagnosticTests {
  /// Ratios w = U^{−ξ} (U uniform) have a Pareto tail of shape ξ exactly, so log w = ξ E with E
  /// exponential; k̂ must recover ξ from 10,000 draws.
  @Test(arguments: [0.2, 0.5, 0.8, 1.2])
  func recoversTheTailShape(_ shape: Double) {
    var generator = Xoshiro256StarStar(seed: 99)
    let logWeights = (0..<10_000).map { _ in
      -shape * Double.log(1 - Double.unitUniform(generator.next()))
    }
    let diagnostic = ParetoDiagnostic(logWeights: logWeights)
    #expect(diagnostic.tailLength == 300)
    #expect(Swift.abs(diagnostic.k - shape) < 0.15, "k̂ \(diagnostic.k) for ξ = \(shape)")
  }

  /// A good approximation (log weights with a small spread) reads good; shifting all log
  /// weights changes nothing.
  @Test func goodApproximationReadsGood() {
    var generator = Xoshiro256StarStar(seed: 5)
    let logWeights = Tensor<Double>(randomNormal: [4000], standardDeviation: 0.3, using: &generator)
      .scalars
    let diagnostic = ParetoDiagnostic(logWeights: logWeights)
    #expect(diagnostic.k < 0.5)
    #expect(diagnostic.reading == .good)
    let shifted = ParetoDiagnostic(logWeights: logWeights.map { $0 - 1000 })
    #expect(Swift.abs(shifted.k - diagnostic.k) < 1e-9)
  }

  @Test func readingsAndEdgeCases() {
    #expect(ParetoDiagnostic.Reading.good == reading(0.3))
    #expect(ParetoDiagnostic.Reading.usable == reading(0.6))
    #expect(ParetoDiagnostic.Reading.unreliable == reading(0.9))
    let withNaN = ParetoDiagnostic(logWeights: [Double](repeating: 0, count: 100) + [.nan])
    #expect(withNaN.k == .infinity && withNaN.reading == .unreliable)
    #expect(ParetoDiagnostic(logWeights: [0, 1, 2]).k.isNaN)
    #expect(ParetoDiagnostic(logWeights: [Double](repeating: 1, count: 200)).k == 0)
    var logWeights: [Double] = []
    for index in 0..<200 {
      let value: Double = index % 10 == 0 ? -Double.infinity : Double(index) / 400
      logWeights.append(value)
    }
    let withZeros = ParetoDiagnostic(logWeights: logWeights)
    #expect(withZeros.k.isFinite)
    #expect(
      ParetoDiagnostic(logWeights: [Double](repeating: 0.2, count: 200)).description.contains(
        "good"))
  }

  func reading(_ k: Double) -> ParetoDiagnostic.Reading {
    var diagnostic = ParetoDiagnostic(logWeights: [Double](repeating: 0, count: 100))
    diagnostic.k = k
    return diagnostic.reading
  }
}
