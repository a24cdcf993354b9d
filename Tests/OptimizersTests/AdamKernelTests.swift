import Optimizers
import TensorCore
import Testing
import _Differentiation

/// Float's dense Adam update runs in C with packed square roots; it must equal the scalar
/// formula bit for bit, including the tail that does not fill a vector.
@Suite struct AdamKernelTests {
  @Test(arguments: [1, 4, 7, 1027])
  func floatKernelEqualsTheScalarFormula(count: Int) {
    var generator = Xoshiro256StarStar(seed: UInt64(count))
    var model = Pair<Float>(
      weight: Tensor(randomNormal: [count], using: &generator),
      bias: Tensor(randomNormal: [3], using: &generator))
    var optimizer = Adam(for: model, learningRate: 0.01, weightDecay: 0.1)
    var theta = model.weight.scalars
    var m = [Float](repeating: 0, count: count)
    var v = [Float](repeating: 0, count: count)
    for step in 1...3 {
      let g = Tensor<Float>(randomNormal: [count], using: &generator)
      var gradient = Pair<Float>.TangentVector.zero
      gradient.weight = g
      gradient.bias = Tensor(zeros: [3])
      optimizer.update(&model, along: gradient)
      let correction1 = 1 - Double.pow(0.9, Double(step))
      let correction2 = 1 - Double.pow(0.999, Double(step))
      let stepSize = Float(0.01 / correction1)
      let correction2Root = Float(correction2.squareRoot())
      for i in 0..<count {
        let gi = g.scalars[i] + Float(0.1) * theta[i]
        m[i] += Float(1 - 0.9) * (gi - m[i])
        let g2: Float = Float(1 - 0.999) * gi * gi
        v[i] = v[i] * Float(0.999) + g2
        let denominator: Float = v[i].squareRoot() / correction2Root + Float(1e-8)
        theta[i] -= stepSize * (m[i] / denominator)
      }
    }
    #expect(model.weight.scalars.map(\.bitPattern) == theta.map(\.bitPattern))
  }
}
