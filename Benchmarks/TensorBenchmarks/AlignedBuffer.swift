// Raw output buffers for the reference implementations, aligned like TensorCore's storage.

/// A 64-byte-aligned buffer of `count` scalars, like a tensor's storage, for the reference
/// implementations to write into. The caller deallocates it.
func allocateAligned<Scalar>(_: Scalar.Type, count: Int) -> UnsafeMutableBufferPointer<Scalar> {
  let raw = UnsafeMutableRawPointer.allocate(
    byteCount: max(1, count) * MemoryLayout<Scalar>.stride, alignment: 64)
  let base = raw.bindMemory(to: Scalar.self, capacity: max(1, count))
  return UnsafeMutableBufferPointer(start: base, count: count)
}

/// Frees a buffer from ``allocateAligned(_:count:)``.
func deallocateAligned<Scalar>(_ buffer: UnsafeMutableBufferPointer<Scalar>) {
  UnsafeMutableRawPointer(buffer.baseAddress!).deallocate()
}
