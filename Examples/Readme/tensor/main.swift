// Generated from a ```swift block of README.md or Variational.docc by scripts/readme-examples:
// edit the block, not this file.
// readme-example: run

import Variational
import _Differentiation

var generator = Xoshiro256StarStar(seed: 1)          // every sampler takes its generator
let x = Tensor<Float>(randomNormal: [128, 784], using: &generator)
var weight = Tensor<Float>(randomNormal: [784, 400], standardDeviation: 0.05, using: &generator)
let bias = Tensor<Float>(zeros: [400])

// A differentiable function of tensors; broadcasting adds the bias to every row.
@differentiable(reverse)
func loss(_ weight: Tensor<Float>, _ bias: Tensor<Float>, _ x: Tensor<Float>) -> Float {
  softplus(matmul(x, weight) + bias).mean().scalarized()
}

let (value, gradient) = valueWithGradient(at: weight, bias) { loss($0, $1, x) }
weight -= 0.1 * gradient.0                             // gradients have the parameters' shapes
print(gradient.0.shape, gradient.1.shape)
// prints: [784, 400] [400]
