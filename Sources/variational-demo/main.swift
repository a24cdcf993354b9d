// An end-to-end demo of the tensor and its gradients: variational inference for the
// Normal–Normal model by stochastic gradient ascent on the ELBO with reparameterised gradients.
//
//   z ~ N(0, 1),  x | z ~ N(z, 1),  x = 5   ⇒   p(z | x) = N(2.5, 1/2),  log p(x) = log N(5; 0, 2)
//
// The variational family is q(z) = N(m, e^{2s}); z = m + e^{s}·ε with ε ~ N(0, 1).
import Foundation
import Variational
import _Differentiation

let observation = 5.0
let samplesPerStep = 64
let steps = 3000
var generator = Xoshiro256StarStar(seed: 1)

/// The ELBO E_q[log p(x, z)] + H[q], with the Gaussian entropy H = s + ½ log(2πe) in closed
/// form and the expectation estimated with the noise ε.
@differentiable(reverse)
func elbo(_ parameters: Tensor<Double>, noise: Tensor<Double>) -> Double {
  let pieces = parameters.split(sizes: [1, 1])
  let (mean, logScale) = (pieces[0], pieces[1])
  let z = mean + exp(logScale) * noise
  let logJoint = -0.5 * z.squared() - 0.5 * (observation - z).squared() - Double.log(2 * .pi)
  let entropy = logScale + 0.5 * Double.log(2 * .pi * M_E)
  return (logJoint.mean() + entropy.sum()).scalarized()
}

var parameters = Tensor<Double>([0, 0])
print("Fitting q(z) = N(m, σ²) to p(z | x = 5) by gradient ascent on the ELBO")
for step in 1...steps {
  let noise = Tensor<Double>(randomNormal: [samplesPerStep], using: &generator)
  let (value, gradient) = valueWithGradient(at: parameters) { elbo($0, noise: noise) }
  let learningRate = 0.1 / (1 + Double(step) / 200)
  parameters += learningRate * gradient
  if step % 500 == 0 || step == 1 {
    let m = parameters.scalars[0]
    let sd = Double.exp(parameters.scalars[1])
    print(String(format: "  step %4d   ELBO %8.4f   m %.4f   σ %.4f", step, value, m, sd))
  }
}

let exactLogEvidence = -0.5 * Double.log(4 * .pi) - observation * observation / 4
let (m, sd) = (parameters.scalars[0], Double.exp(parameters.scalars[1]))
// For Gaussian q the ELBO has a closed form: E_q[z²] = m² + σ², E_q[(x − z)²] = (x − m)² + σ².
let exactELBO =
  -0.5 * (m * m + sd * sd) - 0.5 * ((observation - m) * (observation - m) + sd * sd)
  - Double.log(2 * .pi) + Double.log(sd) + 0.5 * Double.log(2 * .pi * M_E)
print(
  String(
    format: """
      Result:  m = %.4f (exact 2.5000),  σ = %.4f (exact %.4f)
               ELBO = %.5f ≤ log p(x) = %.5f   (the gap is KL(q ‖ p(z|x)) = %.5f nats)
      """, m, sd, 0.5.squareRoot(), exactELBO, exactLogEvidence, exactLogEvidence - exactELBO))
