import CKernels

/// Keeps large tensor buffers on the heap instead of in fresh `mmap` regions.
///
/// glibc serves allocations above 128 KiB with `mmap` and returns them with `munmap`, so every
/// large temporary (a `[128, 784]` activation is 392 KiB) costs system calls and page faults
/// on first touch. Training allocates such temporaries at every step; raising the thresholds
/// lets freed buffers be reused. Measured on the VAE training step: about 40% of the time was
/// spent in the kernel before this.
@usableFromInline
let largeAllocationsStayOnTheHeap: Bool = {
  #if os(Linux)
    // <malloc.h>: M_TRIM_THRESHOLD = −1, M_MMAP_THRESHOLD = −3.
    _ = _mallopt(-3, 1 << 30)
    _ = _mallopt(-1, 1 << 30)
  #endif
  return true
}()

#if os(Linux)
  /// glibc's `mallopt`, which the Glibc module does not import (it lives in `<malloc.h>`).
  @_silgen_name("mallopt")
  func _mallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif

/// The heap storage behind a ``Tensor``: a 64-byte-aligned block of scalars, from a per-thread
/// cache of freed blocks of the same size (`variational_buffer_allocate` in CKernels).
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
    if count >= 1 << 14 { _ = largeAllocationsStayOnTheHeap }
    self.count = count
    guard let raw = variational_buffer_allocate(Swift.max(1, count) * MemoryLayout<Scalar>.stride)
    else {
      userPreconditionFailure(
        "out of memory for a tensor of \(count) scalars of \(MemoryLayout<Scalar>.stride) "
          + "bytes; a size given to the program (draws, samples, layer widths) may be too large")
    }
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
    variational_buffer_deallocate(base, Swift.max(1, count) * MemoryLayout<Scalar>.stride)
  }
}
