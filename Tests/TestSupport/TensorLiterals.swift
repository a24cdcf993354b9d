import TensorCore

/// A vector (or a tensor of the given shape) of Doubles.
public func tensor(_ values: [Double], shape: [Int]? = nil) -> Tensor<Double> {
  Tensor(shape: shape ?? [values.count], scalars: values)
}

/// A tensor of the given scalars (a vector, or the given shape), converted from `Double`.
public func tensor<Scalar: TensorScalar>(
  _ values: [Double], shape: [Int]? = nil
) -> Tensor<Scalar> {
  Tensor(shape: shape ?? [values.count], scalars: values.map { Scalar($0) })
}
