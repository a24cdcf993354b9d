import TensorCore
import _Differentiation

/// The constrained values of a model's parameters for L Monte-Carlo draws, as the log joint
/// receives them: one `[L, size]` tensor per declared parameter, looked up by name or by
/// position.
///
/// Differentiable: gradients of the log joint flow back to every tensor, and from there through
/// the bijectors to the variational parameters.
public struct ParameterValues: Differentiable {
  /// One `[L, size]` tensor per parameter, in declaration order.
  public var tensors: [Tensor<Double>]
  /// Where each parameter is, by name.
  @noDerivative public let layout: ParameterLayout

  /// Wraps the tensors of the parameters of `layout`, in declaration order.
  @differentiable(reverse)
  public init(tensors: [Tensor<Double>], layout: ParameterLayout) {
    self.tensors = tensors
    self.layout = layout
  }

  /// The number of draws L.
  public var drawCount: Int { tensors.first?.shape[0] ?? 0 }

  /// The `[L, size]` values of the parameter called `name`.
  ///
  /// - Precondition: the model declares a parameter of that name.
  @differentiable(reverse)
  public subscript(name: String) -> Tensor<Double> {
    self[withoutDerivative(at: layout.index(of: name))]
  }

  /// The `[L, size]` values of the parameter declared at position `index`.
  @differentiable(reverse)
  public subscript(index: Int) -> Tensor<Double> {
    tensors[index]
  }

  /// The gradient of one parameter's values: that tensor's gradient, and the shared rank-0 zero
  /// for the others (the standard library's array-subscript derivative allocates a fresh zero
  /// for every entry at every evaluation).
  @usableFromInline
  @derivative(of: subscript(_:))
  func _vjpSubscript(index: Int) -> (
    value: Tensor<Double>, pullback: (Tensor<Double>) -> TangentVector
  ) {
    let count = tensors.count
    return (
      tensors[index],
      { g in
        var tangents = [Tensor<Double>](repeating: ParameterValues.zeroTangent, count: count)
        tangents[index] = g
        return TangentVector(tensors: Array.DifferentiableView(tangents))
      }
    )
  }

  /// The rank-0 zero that stands for the gradient of parameters a subscript did not read.
  static let zeroTangent = Tensor<Double>(0)
}
