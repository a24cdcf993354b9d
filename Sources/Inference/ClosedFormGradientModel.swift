import TensorCore

/// A model that computes the gradient of its log joint itself, for ADVI's fastest steps.
///
/// A step with the closed-form entropy needs, at the L draws θₗ of q, only
/// ```
/// log p(x, θₗ)   and   ∇θ log p(x, θₗ),
/// ```
/// and takes the chain rule through the family in closed form (Stan's `calc_grad`). Every
/// model gets them by reverse-mode differentiation of ``ProbabilisticModel/logJoint(_:)``,
/// which records its operations on the heap at every step. A model that conforms writes them
/// into buffers that the engine keeps from step to step, so that a step of
/// ``MeanFieldGaussian`` or ``FullRankGaussian`` (with at most 4 draws) allocates nothing.
///
/// The engine uses it when every parameter is unconstrained (the draws of q are then the
/// parameters themselves), the estimator is ``GradientEstimator/closedFormEntropy`` and no
/// minibatches are drawn (with minibatches, see ``ClosedFormGradientMinibatchModel``);
/// otherwise it differentiates ``ProbabilisticModel/logJoint(_:)``.
/// Both must describe the same density: ``LogisticRegression``'s give the same bits.
public protocol ClosedFormGradientModel: ProbabilisticModel {
  /// Writes log p(x, θₗ) for each draw θₗ, the rows of `draws` ([L, D], each parameter's
  /// scalars in declaration order), to `values` ([L]), and ∇θ log p(x, θₗ) to the rows of
  /// `gradients` ([L, D]). Both arrive with those shapes, uniquely referenced, holding
  /// anything; every scalar must be written.
  func logJointAndGradient(
    _ draws: Tensor<Double>, values: inout Tensor<Double>, gradients: inout Tensor<Double>)
}
