/// How the gradient of the ELBO is estimated from L reparameterised draws ζₗ = g(εₗ; λ),
/// where log p̃(ζ) = log p(x, T(ζ)) + log |det J_T(ζ)| is the log joint in the unconstrained
/// space.
///
/// ```
/// closedFormEntropy:   ELBO ≈ (1/L) Σₗ log p̃(ζₗ) + H[q_λ]
/// monteCarlo:          ELBO ≈ (1/L) Σₗ [log p̃(ζₗ) − log q_λ(ζₗ)]
/// stickingTheLanding:  ELBO ≈ (1/L) Σₗ [log p̃(ζₗ) − log q_⊥λ(ζₗ)]
/// ```
/// All three have the same expectation and the same value; they differ in their gradients.
/// The closed-form entropy is Stan's choice and the default (Kucukelbir et al. 2017, eq. 8).
/// Sticking the landing (Roeder, Wu & Duvenaud 2017, "Sticking the landing: simple,
/// lower-variance gradient estimators for variational inference", NeurIPS) stops the gradient
/// through the variational parameters inside log q (⊥λ) but keeps it through ζₗ; its variance
/// vanishes when q equals the posterior, which makes it the better choice when the family
/// contains the posterior, such as a full-rank Gaussian for a Gaussian posterior.
public enum GradientEstimator: String, Hashable, Sendable, CaseIterable {
  /// Monte-Carlo log joint plus the closed-form entropy (the default, as Stan).
  case closedFormEntropy
  /// Monte-Carlo log joint minus Monte-Carlo log q.
  case monteCarlo
  /// The path-derivative estimator of Roeder et al. (2017).
  case stickingTheLanding
}
