import Optimizers
import TensorCore
import Testing
import _Differentiation

/// Float's and Double's dense Adam updates run in C with packed square roots; they must equal
/// the scalar formula bit for bit, including the tail that does not fill a vector.
@Suite struct AdamKernelTests {
  @Test(arguments: [1, 4, 7, 1027])
  func floatKernelEqualsTheScalarFormula(count: Int) {
    let (kernel, formula) = compare(Float.self, count: count)
    #expect(kernel.map(\.bitPattern) == formula.map(\.bitPattern))
  }

  @Test(arguments: [1, 2, 5, 1027])
  func doubleKernelEqualsTheScalarFormula(count: Int) {
    let (kernel, formula) = compare(Double.self, count: count)
    #expect(kernel.map(\.bitPattern) == formula.map(\.bitPattern))
  }

  /// Three steps of `Adam` with weight decay, and the same steps by the scalar formula.
  func compare<Scalar: TensorScalar & BinaryFloatingPoint>(
    _: Scalar.Type, count: Int
  ) -> (kernel: [Scalar], formula: [Scalar]) {
    var generator = Xoshiro256StarStar(seed: UInt64(count))
    var model = Pair<Scalar>(
      weight: Tensor(randomNormal: [count], using: &generator),
      bias: Tensor(randomNormal: [3], using: &generator))
    var optimizer = Adam(for: model, learningRate: 0.01, weightDecay: 0.1)
    var theta = model.weight.scalars
    var m = [Scalar](repeating: 0, count: count)
    var v = [Scalar](repeating: 0, count: count)
    for step in 1...3 {
      let g = Tensor<Scalar>(randomNormal: [count], using: &generator)
      var gradient = Pair<Scalar>.TangentVector.zero
      gradient.weight = g
      gradient.bias = Tensor(zeros: [3])
      optimizer.update(&model, along: gradient)
      let correction1 = 1 - Double.pow(0.9, Double(step))
      let correction2 = 1 - Double.pow(0.999, Double(step))
      let stepSize = Scalar(0.01 / correction1)
      let correction2Root = Scalar(correction2.squareRoot())
      for i in 0..<count {
        let gi = g.scalars[i] + Scalar(0.1) * theta[i]
        m[i] += Scalar(1 - 0.9) * (gi - m[i])
        let g2: Scalar = Scalar(1 - 0.999) * gi * gi
        v[i] = v[i] * Scalar(0.999) + g2
        let denominator: Scalar = v[i].squareRoot() / correction2Root + Scalar(1e-8)
        theta[i] -= stepSize * (m[i] / denominator)
      }
    }
    return (model.weight.scalars, theta)
  }
}
