import RealModule
import _Differentiation

/// The binary cross-entropy between Bernoulli distributions with logits `l` and targets `x`,
/// elementwise: the negative log-likelihood −log p(x | l) of a Bernoulli decoder.
/// ```
/// −[x log σ(l) + (1 − x) log(1 − σ(l))] = softplus(l) − x·l
///                                       = max(l, 0) − x·l + log(1 + e^{−|l|})
/// ```
/// The last form is finite for every finite logit, and evaluated in that order it keeps the
/// tiny loss of a confident correct prediction (e^{−100} at l = 100, x = 1) that the first
/// form rounds to 0. Targets may be grey levels in [0, 1] (as in
/// the PyTorch VAE example), not only 0 and 1. Fused into one pass, with the gradient
/// ∂/∂l = σ(l) − x; the targets are data and get no gradient.
@inlinable
@differentiable(reverse, wrt: logits)
public func sigmoidCrossEntropy<Scalar>(
  logits: Tensor<Scalar>, labels: Tensor<Scalar>
) -> Tensor<Scalar> {
  precondition(
    logits.shape == labels.shape,
    "sigmoidCrossEntropy: logits \(logits.shape) and labels \(labels.shape) differ in shape")
  return logits._zip(labels, operation: "sigmoidCrossEntropy") { l, x in
    (Swift.max(l, 0) - x * l) + .log(onePlus: .exp(-Swift.abs(l)))
  }
}

@inlinable
@derivative(of: sigmoidCrossEntropy, wrt: logits)
func _vjpSigmoidCrossEntropy<Scalar>(
  logits: Tensor<Scalar>, labels: Tensor<Scalar>
) -> (value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> Tensor<Scalar>) {
  (
    sigmoidCrossEntropy(logits: logits, labels: labels),
    { g in .pullbackMap(g, logits, labels) { g, l, x in g * (Scalar.sigmoid(l) - x) } }
  )
}
