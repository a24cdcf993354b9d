import RealModule
import TensorCore
import _Differentiation

// Analytic KL(p ‖ q) = klDivergence(from: p, to: q) for continuous families other than the
// Gaussian ones (see KLDivergence.swift for the conventions).

/// KL(p ‖ q) between exponential distributions with rates λ_p, λ_q:
/// ```
/// KL = log(λ_p/λ_q) + λ_q/λ_p − 1 = e^δ − 1 − δ,   δ = log λ_q − log λ_p.
/// ```
@inlinable
@differentiable(reverse)
public func klDivergence<Scalar>(
  from p: Exponential<Scalar>, to q: Exponential<Scalar>
) -> Tensor<Scalar> {
  expMinusOneMinusIdentity(log(q.rate) - log(p.rate))
}

/// KL(p ‖ q) between gamma distributions (concentration α, rate β):
/// ```
/// KL = (α_p − α_q) ψ(α_p) − log Γ(α_p) + log Γ(α_q)
///      + α_q (log β_p − log β_q) + α_p (β_q − β_p)/β_p
/// ```
/// with ψ the digamma function.
@inlinable
@differentiable(reverse)
public func klDivergence<Scalar>(from p: Gamma<Scalar>, to q: Gamma<Scalar>) -> Tensor<Scalar> {
  let (alphaP, alphaQ) = (p.concentration, q.concentration)
  return (alphaP - alphaQ) * digamma(alphaP) - logGamma(alphaP) + logGamma(alphaQ)
    + alphaQ * (log(p.rate) - log(q.rate)) + alphaP * (q.rate - p.rate) / p.rate
}

/// KL(p ‖ q) between inverse-gamma distributions (concentration α, scale β): equal to the
/// divergence between the gamma distributions of 1/x, Gamma(α_p, β_p) and Gamma(α_q, β_q)
/// (KL is invariant under the bijection x ↦ 1/x).
@inlinable
@differentiable(reverse)
public func klDivergence<Scalar>(
  from p: InverseGamma<Scalar>, to q: InverseGamma<Scalar>
) -> Tensor<Scalar> {
  klDivergence(
    from: Gamma(concentration: p.concentration, rate: p.scale),
    to: Gamma(concentration: q.concentration, rate: q.scale))
}

/// KL(p ‖ q) between beta distributions:
/// ```
/// KL = log B(α_q, β_q) − log B(α_p, β_p) + (α_p − α_q) ψ(α_p) + (β_p − β_q) ψ(β_p)
///      + (α_q − α_p + β_q − β_p) ψ(α_p + β_p)
/// ```
/// with B the beta function and ψ the digamma function.
@inlinable
@differentiable(reverse)
public func klDivergence<Scalar>(from p: Beta<Scalar>, to q: Beta<Scalar>) -> Tensor<Scalar> {
  logBeta(q.alpha, q.beta) - logBeta(p.alpha, p.beta)
    + (p.alpha - q.alpha) * digamma(p.alpha) + (p.beta - q.beta) * digamma(p.beta)
    + (q.alpha - p.alpha + q.beta - p.beta) * digamma(p.alpha + p.beta)
}

/// KL(p ‖ q) between Cauchy distributions (Chyzak & Nielsen 2019, "A closed-form formula for
/// the Kullback–Leibler divergence between Cauchy distributions"):
/// ```
/// KL = log[((γ_p + γ_q)² + (x_p − x_q)²) / (4 γ_p γ_q)]
/// ```
/// It is symmetric in p and q.
@inlinable
@differentiable(reverse)
public func klDivergence<Scalar>(from p: Cauchy<Scalar>, to q: Cauchy<Scalar>) -> Tensor<Scalar> {
  let numerator = (p.scale + q.scale).squared() + (p.location - q.location).squared()
  return log(numerator) - log(4 * p.scale * q.scale)
}

/// Whether each interval [low_p, high_p] lies inside [low_q, high_q], as 0 or +∞ (not
/// differentiable).
@inlinable
func uniformContainmentPenalty<Scalar>(
  _ p: Uniform<Scalar>, _ q: Uniform<Scalar>
) -> Tensor<Scalar> {
  let shape = broadcastShape([p.batchShape, q.batchShape], operation: "klDivergence(from:to:)")
  let lowP = p.low.broadcasted(to: shape).scalars
  let highP = p.high.broadcasted(to: shape).scalars
  let lowQ = q.low.broadcasted(to: shape).scalars
  let highQ = q.high.broadcasted(to: shape).scalars
  let penalties = lowP.indices.map { i in
    lowQ[i] <= lowP[i] && highP[i] <= highQ[i] ? Scalar(0) : Scalar.infinity
  }
  return Tensor(shape: shape, scalars: penalties)
}

/// KL(p ‖ q) between uniform distributions:
/// ```
/// KL = log[(high_q − low_q)/(high_p − low_p)]   if [low_p, high_p] ⊆ [low_q, high_q],
///      +∞                                       otherwise.
/// ```
@inlinable
@differentiable(reverse)
public func klDivergence<Scalar>(
  from p: Uniform<Scalar>, to q: Uniform<Scalar>
) -> Tensor<Scalar> {
  let penalty = uniformContainmentPenalty(withoutDerivative(at: p), withoutDerivative(at: q))
  return log(q.high - q.low) - log(p.high - p.low) + penalty
}
