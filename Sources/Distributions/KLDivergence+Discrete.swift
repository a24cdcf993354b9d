import RealModule
import TensorCore
import _Differentiation

// Analytic KL(p ‖ q) = klDivergence(from: p, to: q) for discrete families (see
// KLDivergence.swift for the conventions).

/// KL(p ‖ q) between Bernoulli distributions with logits l_p, l_q:
/// ```
/// KL = π (log π − log ρ) + (1 − π)(log(1 − π) − log(1 − ρ)),   π = σ(l_p), ρ = σ(l_q),
///    = π (softplus(−l_q) − softplus(−l_p)) + (1 − π)(softplus(l_q) − softplus(l_p)),
/// ```
/// using log σ(l) = −softplus(−l), so extreme logits stay finite.
@inlinable
@differentiable(reverse)
public func klDivergence<Scalar>(
  from p: Bernoulli<Scalar>, to q: Bernoulli<Scalar>
) -> Tensor<Scalar> {
  let probability = sigmoid(p.logits)
  return probability * (softplus(-q.logits) - softplus(-p.logits))
    + (1 - probability) * (softplus(q.logits) - softplus(p.logits))
}

/// KL(p ‖ q) between binomial distributions with the same numbers of trials n: n times the
/// divergence between the Bernoulli distributions of one trial.
///
/// - Precondition: `p.count` and `q.count` are equal (after broadcasting).
@inlinable
@differentiable(reverse)
public func klDivergence<Scalar>(
  from p: Binomial<Scalar>, to q: Binomial<Scalar>
) -> Tensor<Scalar> {
  userPrecondition(
    withoutDerivative(at: p.count - q.count).scalars.allSatisfy { $0 == 0 },
    "klDivergence(from:to:): binomial distributions with different counts")
  let perTrial = klDivergence(
    from: Bernoulli(logits: p.logits), to: Bernoulli(logits: q.logits))
  return p.count * perTrial
}

/// KL(p ‖ q) between Poisson distributions with log rates a_p, a_q:
/// ```
/// KL = λ_p log(λ_p/λ_q) + λ_q − λ_p = λ_p (e^δ − 1 − δ),   δ = a_q − a_p.
/// ```
@inlinable
@differentiable(reverse)
public func klDivergence<Scalar>(
  from p: Poisson<Scalar>, to q: Poisson<Scalar>
) -> Tensor<Scalar> {
  exp(p.logRate) * expMinusOneMinusIdentity(q.logRate - p.logRate)
}

/// KL(p ‖ q) between categorical distributions over the same K classes:
/// ```
/// KL = Σₖ pₖ (log pₖ − log qₖ)
/// ```
/// from the normalised log probabilities (log-sum-exp); classes impossible under p contribute
/// 0, classes possible under p but impossible under q make the divergence +∞.
///
/// - Precondition: both have the same number of classes.
@inlinable
@differentiable(reverse)
public func klDivergence<Scalar>(
  from p: Categorical<Scalar>, to q: Categorical<Scalar>
) -> Tensor<Scalar> {
  userPrecondition(
    withoutDerivative(at: p.classCount) == withoutDerivative(at: q.classCount),
    "klDivergence(from:to:): \(p.classCount) and \(q.classCount) classes")
  let logP = p.logProbabilities
  let logQ = q.logProbabilities
  let shape = broadcastShape(logP.shape, logQ.shape, operation: "klDivergence(from:to:)")
  let broadcastLogP = logP.broadcasted(to: shape)
  let possible = Categorical<Scalar>.possibleClasses(withoutDerivative(at: broadcastLogP))
  let difference =
    broadcastLogP.replacing(outside: possible, with: 0)
    - logQ.broadcasted(to: shape).replacing(outside: possible, with: 0)
  return (exp(broadcastLogP) * difference).sum(squeezingAxes: [-1])
}
