/// The heap storage behind a ``Tensor``: a 64-byte-aligned block of scalars.
///
/// Tensors share a buffer until one of them is mutated (copy-on-write, see
/// ``Tensor/withUnsafeMutableBufferPointer(_:)``).
@usableFromInline
final class TensorBuffer<Scalar: TensorScalar> {
  @usableFromInline let base: UnsafeMutablePointer<Scalar>
  @usableFromInline let count: Int

  /// Allocates uninitialised storage for `count` scalars.
  @inlinable
  init(uninitializedCount count: Int) {
    self.count = count
    let raw = UnsafeMutableRawPointer.allocate(
      byteCount: Swift.max(1, count) * MemoryLayout<Scalar>.stride, alignment: 64)
    base = raw.bindMemory(to: Scalar.self, capacity: Swift.max(1, count))
  }

  @inlinable
  convenience init(repeating value: Scalar, count: Int) {
    self.init(uninitializedCount: count)
    base.initialize(repeating: value, count: count)
  }

  @inlinable
  func copy() -> TensorBuffer {
    let result = TensorBuffer(uninitializedCount: count)
    result.base.initialize(from: base, count: count)
    return result
  }

  @inlinable
  deinit {
    UnsafeMutableRawPointer(base).deallocate()
  }
}
