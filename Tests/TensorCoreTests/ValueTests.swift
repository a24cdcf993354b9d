import TensorCore
import TestSupport
import Testing
import _Differentiation

/// Values against known numbers: special functions, the numerically delicate elementwise
/// functions at extreme inputs, and broadcasting results.
@Suite struct ValueTests {
  /// log Γ(x) at known points: log √π, log 9!, and log 99! (Abramowitz & Stegun).
  @Test(arguments: [
    (0.5, 0.5723649429247001), (1, 0), (2, 0), (10, 12.801827480081469),
    (100, 359.13420536957540), (-0.5, 1.2655121234846454),
  ])
  func logGamma(x: Double, expected: Double) {
    assertClose(
      TensorCore.logGamma(Tensor([x])).scalars[0], expected, relativeTolerance: 1e-13,
      absoluteTolerance: 1e-15)
  }

  /// ψ(1) = −γ, ψ(½) = −γ − 2 log 2, ψ(10) = H₉ − γ, ψ(−½) = ψ(½) + 2 (reflection), and a
  /// large argument where the asymptotic series alone applies.
  @Test(arguments: [
    (1, -0.5772156649015329), (0.5, -1.9635100260214235), (10, 2.251752589066721),
    (-0.5, 0.03648997397857652), (1000, 6.907255195648812), (0.001, -1000.5755719318103),
  ])
  func digamma(x: Double, expected: Double) {
    assertClose(TensorCore.digamma(Tensor([x])).scalars[0], expected, relativeTolerance: 1e-12)
  }

  /// ψ₁(1) = π²/6 and ψ₁(½) = π²/2.
  /// `isFinite` is false exactly when some scalar is ±∞ or NaN, for doubles (a bit test) and
  /// floats, wherever that scalar sits.
  @Test func isFiniteFindsEveryInfinityAndNaN() {
    let finite: [Double] = [0, -0.0, 1, -1e308, .greatestFiniteMagnitude, .leastNonzeroMagnitude]
    #expect(Tensor<Double>(finite).isFinite)
    #expect(
      Tensor<Float>([0, -0.0, 1, -1e38, .greatestFiniteMagnitude, .leastNonzeroMagnitude]).isFinite)
    for bad in [Double.infinity, -.infinity, .nan, -.nan, .signalingNaN] {
      for position in 0..<7 {
        var values = Array(repeating: 1.5, count: 7)
        values[position] = bad
        #expect(!Tensor<Double>(values).isFinite, "\(bad) at \(position)")
        #expect(!Tensor<Float>(values.map { Float($0) }).isFinite, "\(bad) at \(position)")
      }
    }
  }

  @Test func trigamma() {
    assertClose(Double.trigamma(1), Double.pi * Double.pi / 6, relativeTolerance: 1e-12)
    assertClose(Double.trigamma(0.5), Double.pi * Double.pi / 2, relativeTolerance: 1e-12)
    assertClose(Double.trigamma(-0.5), 8.934802200544679, relativeTolerance: 1e-12)
  }

  @Test func digammaPolesAreNaN() {
    #expect(Double.digamma(0).isNaN)
    #expect(Double.digamma(-3).isNaN)
  }

  /// log Σ exp with ±1000 inputs: the naive formula overflows to ∞ or underflows to −∞.
  @Test func logSumExpIsStable() {
    let x = Tensor<Double>(shape: [3, 2], scalars: [1000, 1000, -1000, -1000, 1000, -1000])
    let rows = x.logSumExp(alongAxis: 1)
    #expect(rows.shape == [3, 1])
    assertClose(rows.scalars[0], 1000 + Double.log(2), relativeTolerance: 1e-15)
    assertClose(rows.scalars[1], -1000 + Double.log(2), relativeTolerance: 1e-15)
    assertClose(rows.scalars[2], 1000, relativeTolerance: 1e-15)
    assertClose(x.logSumExp().scalarized(), 1000 + Double.log(3), relativeTolerance: 1e-15)
    let allNegativeInfinity = Tensor<Double>([-.infinity, -.infinity]).logSumExp()
    #expect(allNegativeInfinity.scalarized() == -.infinity)
    let float = Tensor<Float>([1000, 1000]).logSumExp().scalarized()
    assertClose(float, 1000 + Float.log(2), relativeTolerance: 1e-6)
  }

  /// log((1/n) Σ exp(x)) = log Σ exp(x) − log n, stable at ±1000, along a negative axis too.
  @Test func logMeanExpIsTheLogOfTheMeanOfExponentials() {
    let x = Tensor<Double>(
      shape: [2, 3], scalars: [0, Double.log(2), Double.log(3), 1000, 1000, 1000])
    let rows = x.logMeanExp(alongAxis: -1)
    #expect(rows.shape == [2, 1])
    assertClose(rows.scalars[0], Double.log(2), relativeTolerance: 1e-15)
    assertClose(rows.scalars[1], 1000, relativeTolerance: 1e-15)
    // Down a column: log((2 + e¹⁰⁰⁰) / 2) = 1000 − log 2 to double precision.
    assertClose(
      x.logMeanExp(alongAxis: 0).scalars[1], 1000 - Double.log(2), relativeTolerance: 1e-15)
  }

  /// softplus, sigmoid and log σ at ±100, where e^{100} ≈ 2.7e43 and e^{−100} ≈ 3.7e-44.
  @Test func saturatingFunctionsAtExtremes() {
    let x = Tensor<Double>([-100, 100])
    let tiny = 3.720075976020836e-44  // e^{−100}
    assertClose(softplus(x).scalars[0], tiny, relativeTolerance: 1e-12)
    assertClose(softplus(x).scalars[1], 100, relativeTolerance: 1e-15)
    assertClose(sigmoid(x).scalars[0], tiny, relativeTolerance: 1e-12)
    assertClose(sigmoid(x).scalars[1], 1, relativeTolerance: 1e-15)
    assertClose(logSigmoid(x).scalars[0], -100, relativeTolerance: 1e-15)
    assertClose(logSigmoid(x).scalars[1], -tiny, relativeTolerance: 1e-12)
    let float = Tensor<Float>([-100, 100])
    #expect(softplus(float).scalars[1] == 100)
    #expect(sigmoid(float).scalars.allSatisfy { $0.isFinite })
    assertClose(logSigmoid(float).scalars[0], -100, relativeTolerance: 1e-6)
  }

  /// softplus(l) − x·l equals −[x log σ(l) + (1 − x) log(1 − σ(l))], and stays finite at ±100.
  @Test func sigmoidCrossEntropyValues() {
    let logits = Tensor<Double>([-100, -1, 0, 2, 100])
    let labels = Tensor<Double>([0, 0.3, 1, 0.5, 1])
    let value = sigmoidCrossEntropy(logits: logits, labels: labels).scalars
    let p = sigmoid(logits).scalars
    for i in 1..<4 {
      let expected =
        -(labels.scalars[i] * Double.log(p[i]) + (1 - labels.scalars[i]) * Double.log(1 - p[i]))
      assertClose(value[i], expected, relativeTolerance: 1e-14)
    }
    assertClose(value[0], 3.720075976020836e-44, relativeTolerance: 1e-12)
    assertClose(value[4], 3.720075976020836e-44, relativeTolerance: 1e-12)
  }

  @Test func elementwiseValues() {
    let x = Tensor<Double>([-2, -0.5, 0, 0.5, 2])
    assertClose(relu(x), Tensor([0, 0, 0, 0.5, 2]))
    assertClose(abs(x), Tensor([2, 0.5, 0, 0.5, 2]))
    assertClose(x.clamped(to: -1...1), Tensor([-1, -0.5, 0, 0.5, 1]))
    assertClose(pow(x, 3), Tensor([-8, -0.125, 0, 0.125, 8]), relativeTolerance: 1e-15)
    assertClose(tanh(x).scalars[4], 0.9640275800758169, relativeTolerance: 1e-15)
    assertClose(log(onePlus: Tensor<Double>([1e-20])).scalars[0], 1e-20, relativeTolerance: 1e-15)
    assertClose(expMinusOne(Tensor<Double>([1e-20])).scalars[0], 1e-20, relativeTolerance: 1e-15)
  }

  @Test func broadcastingValues() {
    let column = Tensor<Double>(shape: [2, 1], scalars: [10, 20])
    let row = Tensor<Double>([1, 2, 3])
    #expect((column + row) == Tensor(shape: [2, 3], scalars: [11, 12, 13, 21, 22, 23]))
    #expect((row - column) == Tensor(shape: [2, 3], scalars: [-9, -8, -7, -19, -18, -17]))
    let batch = Tensor<Double>(shape: [2, 1, 2], scalars: [1, 2, 3, 4])
    let matrix = Tensor<Double>(shape: [3, 1], scalars: [1, 10, 100])
    let product = batch * matrix
    #expect(product.shape == [2, 3, 2])
    #expect(product.scalars == [1, 2, 10, 20, 100, 200, 3, 4, 30, 40, 300, 400])
    #expect((Tensor<Double>(2) * row).scalars == [2, 4, 6])
    #expect(broadcastShape([5, 1, 4], [3, 1]) == [5, 3, 4])
  }

  /// Comparisons give masks, which are not differentiable; `replacing(with:where:)` routes
  /// each element's gradient to the tensor that supplied it.
  @Test func masks() {
    let x = Tensor<Double>([1, 5, 3])
    let y = Tensor<Double>([2, 2, 3])
    #expect((x .< y).values == [true, false, false])
    #expect((x .>= y).values == [false, true, true])
    #expect((x .== Tensor(3)).values == [false, false, true])
    #expect((!(x .> y) && (x .!= y)).values == [true, false, false])
    let chosen = x.replacing(with: y, where: x .> y)
    #expect(chosen.scalars == [1, 2, 3])
    let (gx, gy) = gradient(at: x, y) { x, y in
      (x.replacing(with: y, where: withoutDerivative(at: x .> y)) * Tensor([1, 10, 100])).sum()
        .scalarized()
    }
    #expect(gx.scalars == [1, 0, 100])
    #expect(gy.scalars == [0, 10, 0])
  }

  @Test func reductionValues() {
    let x = Tensor<Double>(shape: [2, 3], scalars: [1, 5, 3, 4, 2, 6])
    #expect(x.sum().scalarized() == 21)
    #expect(x.sum(alongAxes: [0]) == Tensor(shape: [1, 3], scalars: [5, 7, 9]))
    #expect(x.sum(squeezingAxes: [1]) == Tensor([9, 12]))
    #expect(x.mean(alongAxes: [1]) == Tensor(shape: [2, 1], scalars: [3, 4]))
    #expect(x.max(alongAxes: [1]) == Tensor(shape: [2, 1], scalars: [5, 6]))
    #expect(x.max().scalarized() == 6)
  }

  /// Ties in `max` share the gradient equally (the documented subgradient convention).
  @Test func maxTiesShareTheGradient() {
    let x = Tensor<Double>([3, 1, 3])
    let g = gradient(at: x) { $0.max().scalarized() }
    #expect(g.scalars == [0.5, 0, 0.5])
  }

  @Test func shapeOperations() {
    let x = Tensor<Double>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
    #expect(x.transposed() == Tensor(shape: [3, 2], scalars: [1, 4, 2, 5, 3, 6]))
    #expect(x.reshaped(to: [3, -1]).shape == [3, 2])
    #expect(x.expandingShape(at: 0).shape == [1, 2, 3])
    #expect(x.rows(1..<2) == Tensor(shape: [1, 3], scalars: [4, 5, 6]))
    #expect(x.gathering(rows: [1, 1, 0]).scalars == [4, 5, 6, 4, 5, 6, 1, 2, 3])
    let joined = Tensor(concatenating: [x, x.rows(0..<1)], alongAxis: 0)
    #expect(joined.shape == [3, 3])
    let columns = Tensor(concatenating: [x, x], alongAxis: 1)
    #expect(columns.scalars == [1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6])
    let pieces = columns.split(sizes: [1, 5], alongAxis: 1)
    #expect(pieces[0].scalars == [1, 4])
    #expect(pieces[1].shape == [2, 5])
    #expect(x.broadcasted(to: [2, 2, 3]).scalars == x.scalars + x.scalars)
  }

  /// Copy-on-write: mutating a copy leaves the original alone.
  @Test func valueSemantics() {
    let original = Tensor<Float>([1, 2, 3])
    var copy = original
    copy[1] = 20
    #expect(original.scalars == [1, 2, 3])
    #expect(copy.scalars == [1, 20, 3])
    copy += Tensor([1, 1, 1])
    #expect(original.scalars == [1, 2, 3])
  }

  /// Float and Double tensors convert to each other.
  @Test func conversion() {
    let x = Tensor<Double>([0.1, 1e40])
    let y = Tensor<Float>(x)
    #expect(y.scalars[0] == Float(0.1))
    #expect(y.scalars[1] == .infinity)
  }
}
