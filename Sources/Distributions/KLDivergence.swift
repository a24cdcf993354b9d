import RealModule
import TensorCore
import _Differentiation

// Analytic Kullback–Leibler divergences. Throughout,
//
//   klDivergence(from: p, to: q) = KL(p ‖ q) = E_p[log p(x) − log q(x)] ≥ 0,
//
// the divergence of q from p, with expectations under the first argument: in variational
// inference, klDivergence(from: posterior, to: prior). Each is an overload for one pair of
// families, differentiable in both distributions' parameters, with the batch shapes of p and q
// broadcast. This file has the Gaussian families; the others are in KLDivergence+Continuous
// and KLDivergence+Discrete.
//
// Where a log-ratio δ of scales or rates appears, r − 1 − log r (with r = e^δ) is evaluated as
// expm1(δ) − δ: exactly 0 when the parameters agree, never negative, and accurate near 0.

/// e^δ − 1 − δ, computed without cancellation near δ = 0 (differentiable).
@inlinable
@differentiable(reverse)
func expMinusOneMinusIdentity<Scalar>(_ delta: Tensor<Scalar>) -> Tensor<Scalar> {
  expMinusOne(delta) - delta
}

/// KL(p ‖ q) between normal distributions:
/// ```
/// KL = log(σ_q/σ_p) + (σ_p² + (μ_p − μ_q)²)/(2σ_q²) − ½
///    = ½ (e^{2δ} − 1 − 2δ) + ½ ((μ_p − μ_q)/σ_q)²,   δ = log σ_p − log σ_q.
/// ```
@inlinable
@differentiable(reverse)
public func klDivergence<Scalar>(from p: Normal<Scalar>, to q: Normal<Scalar>) -> Tensor<Scalar> {
  let delta = log(p.standardDeviation) - log(q.standardDeviation)
  let standardizedDifference = (p.mean - q.mean) / q.standardDeviation
  return 0.5 * expMinusOneMinusIdentity(2 * delta) + 0.5 * standardizedDifference.squared()
}

/// KL(p ‖ N(0, 1)) for a normal p, elementwise: the closed-form regulariser of a VAE with a
/// diagonal Gaussian encoder (Kingma & Welling 2014, appendix B).
/// ```
/// KL = ½ (μ² + σ² − 1) − log σ
/// ```
/// Sum it over the latent axis for a diagonal Gaussian posterior. Computed as
/// ½ (e^{2 log σ} − 1 − 2 log σ) + ½ μ², exact at σ = 1.
@inlinable
@differentiable(reverse)
public func klDivergenceToStandardNormal<Scalar>(from p: Normal<Scalar>) -> Tensor<Scalar> {
  0.5 * expMinusOneMinusIdentity(2 * log(p.standardDeviation)) + 0.5 * p.mean.squared()
}

/// KL(p ‖ q) between multivariate normal distributions with Cholesky factors L_p, L_q:
/// ```
/// KL = ½ [tr(Σ_q⁻¹Σ_p) + (μ_q − μ_p)ᵀΣ_q⁻¹(μ_q − μ_p) − d + log det Σ_q − log det Σ_p]
///    = ½ [‖L_q⁻¹L_p‖²_F + ‖L_q⁻¹(μ_q − μ_p)‖² − d] + Σᵢ log |L_q,ii| − Σᵢ log |L_p,ii|
/// ```
/// using two triangular solves and no inverse; one value per (broadcast) batch element.
///
/// - Precondition: both have the same dimension d.
@inlinable
@differentiable(reverse)
public func klDivergence<Scalar>(
  from p: MultivariateNormal<Scalar>, to q: MultivariateNormal<Scalar>
) -> Tensor<Scalar> {
  let d = withoutDerivative(at: p.dimension)
  userPrecondition(
    d == withoutDerivative(at: q.dimension),
    "klDivergence(from:to:): dimensions \(d) and \(q.dimension) differ")
  let ratio = triangularSolve(q.scaleTril, p.scaleTril.lowerTriangularPart())
  let trace = ratio.squared().sum()
  let squaredDistance = mahalanobisSquared(q.mean - p.mean, scaleTril: q.scaleTril)
  let logDeterminants =
    q.scaleTril.triangularLogAbsDeterminant() - p.scaleTril.triangularLogAbsDeterminant()
  return 0.5 * (trace + squaredDistance - Scalar(d)) + logDeterminants
}

/// KL(p ‖ N(0, I)) for a multivariate normal p, one value per batch element:
/// ```
/// KL = ½ (‖L‖²_F + ‖μ‖² − d) − Σᵢ log |Lᵢᵢ|
/// ```
@inlinable
@differentiable(reverse)
public func klDivergenceToStandardNormal<Scalar>(
  from p: MultivariateNormal<Scalar>
) -> Tensor<Scalar> {
  let d = withoutDerivative(at: p.dimension)
  let trace = p.scaleTril.lowerTriangularPart().squared().sum()
  let squaredNorm = p.mean.squared().sum(squeezingAxes: [-1])
  return 0.5 * (trace + squaredNorm - Scalar(d)) - p.scaleTril.triangularLogAbsDeterminant()
}

/// KL(p ‖ q) between log-normal distributions: equal to the divergence between the normal
/// distributions of log x (KL is invariant under the bijection x ↦ log x).
@inlinable
@differentiable(reverse)
public func klDivergence<Scalar>(
  from p: LogNormal<Scalar>, to q: LogNormal<Scalar>
) -> Tensor<Scalar> {
  klDivergence(
    from: Normal(mean: p.location, standardDeviation: p.scale),
    to: Normal(mean: q.location, standardDeviation: q.scale))
}

/// KL(p ‖ q) between half-normal distributions, as between zero-mean normals:
/// ```
/// KL = log(σ_q/σ_p) + σ_p²/(2σ_q²) − ½ = ½ (e^{2δ} − 1 − 2δ),   δ = log σ_p − log σ_q.
/// ```
@inlinable
@differentiable(reverse)
public func klDivergence<Scalar>(
  from p: HalfNormal<Scalar>, to q: HalfNormal<Scalar>
) -> Tensor<Scalar> {
  0.5 * expMinusOneMinusIdentity(2 * (log(p.scale) - log(q.scale)))
}
