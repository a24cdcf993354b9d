import TensorCore

/// A ``MinibatchModel`` that computes the gradient of its minibatch log joint itself, so that
/// stochastic VI's steps (``FitOptions/batchSize``) differentiate nothing either (see
/// ``ClosedFormGradientModel``). A step on the rows B, of N in all, needs
/// ```
/// log p(θₗ) + (N / |B|) Σ_{n ∈ B} log p(xₙ | θₗ)   and its gradient in θₗ
/// ```
/// at each draw θₗ. The engine uses it under the same conditions as
/// ``ClosedFormGradientModel``: every parameter unconstrained and the closed-form entropy.
public protocol ClosedFormGradientMinibatchModel: MinibatchModel, ClosedFormGradientModel {
  /// Writes log p(θₗ) + s Σ_{n ∈ rows} log p(xₙ | θₗ) for each draw θₗ, the rows of `draws`
  /// ([L, D]), to `values` ([L]), and its gradient in θₗ to the rows of `gradients` ([L, D]),
  /// with s = `likelihoodScale` and `rows` 0-based, possibly repeated. Both outputs arrive with
  /// those shapes, uniquely referenced, holding anything; every scalar must be written.
  func logJointAndGradient(
    _ draws: Tensor<Double>, rows: [Int], likelihoodScale: Double, values: inout Tensor<Double>,
    gradients: inout Tensor<Double>)
}
