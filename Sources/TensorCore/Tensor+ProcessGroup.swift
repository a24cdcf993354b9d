import _Differentiation

// The two differentiable operations that let a function be shared among processes
// (ProcessGroup): each process evaluates its part fᵣ of f(x) = Σᵣ fᵣ(x) at the same x, as
//   summed(fᵣ(shared(x)))
// Forward, `shared` is the identity and `summed` adds the parts; backward, `summed` hands
// every process the same ȳ and `shared` adds the parts' x̄ᵣ, so every process gets f's whole
// gradient. Both sums are all-reduces, one per evaluation and one per pullback.

/// `x` summed over the processes of `group` (every process passes a tensor of the same shape).
/// Its pullback is the identity: each process's part receives the gradient of the sum.
@differentiable(reverse, wrt: x)
public func summed<Scalar: TensorScalar>(
  _ x: Tensor<Scalar>, across group: any ProcessGroup
) -> Tensor<Scalar> {
  guard group.size > 1 else { return x }
  var sum = x
  sum.withUnsafeMutableBufferPointer { group.sumInPlace($0) }
  return sum
}

/// The pullback of ``summed(_:across:)``: the identity.
@derivative(of: summed, wrt: x)
public func _vjpSummed<Scalar: TensorScalar>(
  _ x: Tensor<Scalar>, across group: any ProcessGroup
) -> (value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> Tensor<Scalar>) {
  let shape = x.shape
  return (
    summed(x, across: group),
    { gradient in gradient.shape == shape ? gradient : gradient.broadcasted(to: shape) }
  )
}

/// `x` itself, the same on every process of `group`, as the input of each process's part of a
/// shared function: its pullback sums the parts' gradients over the processes.
@differentiable(reverse, wrt: x)
public func shared<Scalar: TensorScalar>(
  _ x: Tensor<Scalar>, across group: any ProcessGroup
) -> Tensor<Scalar> {
  x
}

/// The pullback of ``shared(_:across:)``: the sum over the processes.
@derivative(of: shared, wrt: x)
public func _vjpShared<Scalar: TensorScalar>(
  _ x: Tensor<Scalar>, across group: any ProcessGroup
) -> (value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> Tensor<Scalar>) {
  let shape = x.shape
  return (
    x,
    { gradient in
      // A part that does not depend on x passes a rank-0 zero: every process must send the
      // same number of scalars.
      var sum = gradient.shape == shape ? gradient : gradient.broadcasted(to: shape)
      if group.size > 1 { sum.withUnsafeMutableBufferPointer { group.sumInPlace($0) } }
      return sum
    }
  )
}
