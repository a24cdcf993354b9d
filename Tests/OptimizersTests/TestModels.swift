import Optimizers
import TensorCore
import _Differentiation

/// A model with two tensors: the smallest thing an optimiser can update.
struct Pair<Scalar: TensorScalar>: Differentiable, Equatable {
  var weight: Tensor<Scalar>
  var bias: Tensor<Scalar>
}

extension Pair: ParameterGroup {
  var parameterKeyPaths: [WritableKeyPath<Pair, Tensor<Scalar>>] { [\.weight, \.bias] }
  var tangentKeyPaths: [WritableKeyPath<TangentVector, Tensor<Scalar>>] { [\.weight, \.bias] }
}

/// A nested model: a member, an array of members and a tensor of its own.
struct Nested: Differentiable {
  var head: Pair<Double>
  var blocks: [Pair<Double>]
  var scale: Tensor<Double>
}

extension Nested: ParameterGroup {
  var parameterKeyPaths: [WritableKeyPath<Nested, Tensor<Double>>] {
    parameterKeyPaths(of: \.head) + parameterKeyPaths(of: \.blocks) + [\.scale]
  }
  var tangentKeyPaths: [WritableKeyPath<TangentVector, Tensor<Double>>] {
    tangentKeyPaths(of: \.head, \.head) + tangentKeyPaths(of: \.blocks, \.blocks) + [\.scale]
  }
}

/// The quadratic f(θ) = ½ Σᵢ aᵢ (θᵢ − cᵢ)² in the weight, plus ½ (b − 1)² in the bias; its
/// gradient is a(θ − c) and b − 1, and its minimum is at θ = c, b = 1.
@differentiable(reverse)
func quadratic<Scalar: TensorScalar>(
  _ model: Pair<Scalar>, curvature: Tensor<Scalar>, center: Tensor<Scalar>
) -> Tensor<Scalar> {
  let offset = model.weight - center
  let bias = model.bias - 1
  return 0.5 * ((curvature * offset * offset).sum() + (bias * bias).sum())
}

/// The address of a tensor's storage, to tell an in-place update from a copy.
func storageAddress<Scalar>(_ tensor: Tensor<Scalar>) -> UnsafeRawPointer? {
  tensor.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
}

/// A nested model with distinct values in every tensor.
func makeNested() -> Nested {
  func pair(_ base: Double) -> Pair<Double> {
    Pair(weight: Tensor([base, base + 1]), bias: Tensor([base + 2]))
  }
  return Nested(
    head: pair(0), blocks: [pair(10), pair(20)], scale: Tensor(shape: [], scalars: [30]))
}
