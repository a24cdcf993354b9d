import RealModule
import TensorCore
import _Differentiation

/// The log likelihood of data y₁, …, y_N under a mixture of K normals, for each draw of the
/// components' means μ, standard deviations σ and log weights log w (each [L, K]), as [L]:
/// ```
/// ℓ = Σₙ log Σₖ wₖ N(yₙ; μₖ, σₖ²) = Σₙ (mₙ + log Σₖ exp(aₙₖ − mₙ)),
/// aₙₖ = log wₖ − log σₖ − ½ zₙₖ² − ½ log 2π,   zₙₖ = (yₙ − μₖ)/σₖ,   mₙ = maxₖ aₙₖ
/// ```
/// Stan's `log_mix` summed over the data. One pass over the N × K terms per draw, with K − 1
/// exponentials per point (the largest term is e⁰) and one logarithm per 32 points: the sums
/// sₙ = Σₖ exp(aₙₖ − mₙ) lie in [1, K], so Σₙ log sₙ is taken as the logarithm of products
/// of 32 of them. As tensor operations the same likelihood is ~15 operations on [L, N]
/// tensors, a softplus among them, each recorded for the pullback: ~5× the time.
///
/// Its vector–Jacobian product uses the responsibilities rₙₖ = exp(aₙₖ − mₙ)/sₙ, accumulated
/// in the same pass as the value (the pullback only scales them by the draw's cotangent):
/// ```
/// μ̄ₖ = Σₙ rₙₖ zₙₖ/σₖ,   σ̄ₖ = Σₙ rₙₖ (zₙₖ² − 1)/σₖ,   (log w)‾ₖ = Σₙ rₙₖ
/// ```
///
/// - Precondition: `values` is [N]; the means, standard deviations and log weights are [L, K]
///   with K ≥ 1.
@differentiable(reverse, wrt: (means, standardDeviations, logWeights))
public func normalMixtureLogLikelihood(
  _ values: Tensor<Double>, means: Tensor<Double>, standardDeviations: Tensor<Double>,
  logWeights: Tensor<Double>
) -> Tensor<Double> {
  mixturePass(values, means, standardDeviations, logWeights, gradients: false).value
}

@usableFromInline
@derivative(of: normalMixtureLogLikelihood, wrt: (means, standardDeviations, logWeights))
func _vjpNormalMixtureLogLikelihood(
  _ values: Tensor<Double>, means: Tensor<Double>, standardDeviations: Tensor<Double>,
  logWeights: Tensor<Double>
) -> (
  value: Tensor<Double>,
  pullback: (Tensor<Double>) -> (Tensor<Double>, Tensor<Double>, Tensor<Double>)
) {
  let pass = mixturePass(values, means, standardDeviations, logWeights, gradients: true)
  let shape = means.shape
  return (
    pass.value,
    { g in
      let g = g.shape == [shape[0]] ? g : g.broadcasted(to: [shape[0]])
      let scale = g.reshaped(to: [shape[0], 1])
      return (scale * pass.means, scale * pass.standardDeviations, scale * pass.logWeights)
    }
  )
}

/// The value of ``normalMixtureLogLikelihood(_:means:standardDeviations:logWeights:)`` and,
/// when `gradients`, its gradients with respect to the three [L, K] inputs (else empty
/// tensors); not differentiable.
func mixturePass(
  _ values: Tensor<Double>, _ means: Tensor<Double>, _ standardDeviations: Tensor<Double>,
  _ logWeights: Tensor<Double>, gradients: Bool
) -> (
  value: Tensor<Double>, means: Tensor<Double>, standardDeviations: Tensor<Double>,
  logWeights: Tensor<Double>
) {
  let shape = means.shape
  precondition(
    values.rank == 1 && shape.count == 2 && shape[1] >= 1 && standardDeviations.shape == shape
      && logWeights.shape == shape,
    "normalMixtureLogLikelihood: values \(values.shape) must be [N] and the means, standard "
      + "deviations and log weights (\(shape), \(standardDeviations.shape), "
      + "\(logWeights.shape)) [L, K]")
  let (draws, components, count) = (shape[0], shape[1], values.shape[0])
  let halfLogTwoPi = Double.log(2 * Double.pi) / 2
  var result = Tensor<Double>(zeros: [draws])
  // μ̄, σ̄ and (log w)‾, draw after draw, K each.
  var bars = Tensor<Double>(zeros: gradients ? [3, draws, components] : [0])
  values.withUnsafeBufferPointer { y in
    means.withUnsafeBufferPointer { mu in
      standardDeviations.withUnsafeBufferPointer { sigma in
        logWeights.withUnsafeBufferPointer { logWeight in
          result.withUnsafeMutableBufferPointer { result in
            bars.withUnsafeMutableBufferPointer { bars in
              // Per component: 1/σ, log w − log σ − ½ log 2π, and the terms of one point.
              withUnsafeTemporaryAllocation(of: Double.self, capacity: 4 * components) {
                scratch in
                let (inverse, offset) = (scratch.baseAddress!, scratch.baseAddress! + components)
                let (terms, scaled) = (offset + components, offset + 2 * components)
                for l in 0..<draws {
                  let row = l * components
                  for k in 0..<components {
                    inverse[k] = 1 / sigma[row + k]
                    offset[k] = logWeight[row + k] - Double.log(sigma[row + k]) - halfLogTwoPi
                  }
                  var maxima = 0.0
                  var logSums = 0.0
                  var product = 1.0
                  for n in 0..<count {
                    var largest = 0
                    for k in 0..<components {
                      scaled[k] = (y[n] - mu[row + k]) * inverse[k]
                      terms[k] = offset[k] - 0.5 * scaled[k] * scaled[k]
                      if terms[k] > terms[largest] { largest = k }
                    }
                    let m = terms[largest]
                    var sum = 1.0
                    for k in 0..<components where k != largest {
                      terms[k] = Double.exp(terms[k] - m)
                      sum += terms[k]
                    }
                    terms[largest] = 1
                    maxima += m
                    product *= sum
                    if n % 32 == 31 {
                      logSums += Double.log(product)
                      product = 1
                    }
                    guard gradients else { continue }
                    let share = 1 / sum
                    for k in 0..<components {
                      let r = terms[k] * share
                      let z = scaled[k]
                      bars[row + k] += r * z * inverse[k]
                      bars[(draws + l) * components + k] += r * (z * z - 1) * inverse[k]
                      bars[(2 * draws + l) * components + k] += r
                    }
                  }
                  result[l] = maxima + logSums + Double.log(product)
                }
              }
            }
          }
        }
      }
    }
  }
  guard gradients else {
    let empty = Tensor<Double>(zeros: [0])
    return (result, empty, empty, empty)
  }
  let parts = bars.split(sizes: [1, 1, 1], alongAxis: 0).map { $0.reshaped(to: shape) }
  return (result, parts[0], parts[1], parts[2])
}
