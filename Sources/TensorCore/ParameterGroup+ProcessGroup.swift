import _Differentiation

extension ProcessGroup {
  /// Replaces each element of `buffer` by its sum over all processes, for `Float` or `Double`.
  @inlinable
  public func sumInPlace<Scalar: TensorScalar>(_ buffer: UnsafeMutableBufferPointer<Scalar>) {
    if Scalar.self == Float.self {
      buffer.withMemoryRebound(to: Float.self) { sumInPlace($0) }
    } else if Scalar.self == Double.self {
      buffer.withMemoryRebound(to: Double.self) { sumInPlace($0) }
    } else {
      preconditionFailure("ProcessGroup sums Float and Double buffers, not \(Scalar.self)")
    }
  }
}

extension ParameterGroup {
  /// Sums `gradient` over the processes of `group`, and `extra` with it, in one all-reduce:
  /// every tensor of ``tangentKeyPaths`` and then `extra` are laid end to end in one buffer
  /// (one message per step, however many tensors the model has), summed, and written back.
  ///
  /// A gradient tensor that stands for zeros (the rank-0 `zero` of a parameter that took no
  /// part in this process's loss) counts as zeros of its parameter's shape, and comes back with
  /// that shape. With one process nothing is copied.
  public func sum(
    _ gradient: inout TangentVector, and extra: inout [Scalar], across group: any ProcessGroup
  ) {
    guard group.size > 1 else { return }
    let parameters = parameterKeyPaths
    let tangents = tangentKeyPaths
    let shapes = parameters.map { self[keyPath: $0].shape }
    let counts = shapes.map(\.elementCount)
    var buffer = [Scalar](repeating: 0, count: counts.reduce(0, +) + extra.count)
    buffer.withUnsafeMutableBufferPointer { buffer in
      var offset = 0
      for k in tangents.indices {
        let tensor = gradient[keyPath: tangents[k]]
        if tensor.scalarCount == counts[k] {
          tensor.withUnsafeBufferPointer { source in
            _ = UnsafeMutableBufferPointer(rebasing: buffer[offset..<(offset + counts[k])])
              .initialize(fromContentsOf: source)
          }
        }
        offset += counts[k]
      }
      _ = UnsafeMutableBufferPointer(rebasing: buffer[offset...]).initialize(fromContentsOf: extra)
      group.sumInPlace(buffer)
    }
    buffer.withUnsafeBufferPointer { sums in
      var offset = 0
      for k in tangents.indices {
        let sum = UnsafeBufferPointer(rebasing: sums[offset..<(offset + counts[k])])
        gradient[keyPath: tangents[k]] = Tensor(unsafeUninitializedShape: shapes[k]) {
          _ = $0.initialize(fromContentsOf: sum)
        }
        offset += counts[k]
      }
      extra = Array(sums[offset...])
    }
  }
}
