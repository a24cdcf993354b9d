import CCompute
#if canImport(Glibc)
  import Glibc
#endif

/// The library that computes the single-precision (`Float`) matrix products and
/// convolutions, the neural networks' work.
///
/// On Linux it is oneDNN (Intel's deep-learning library, `libdnnl-dev`; what PyTorch runs its
/// CPU convolutions on), which chooses its kernels at run time for the widest vector units of
/// the CPU: AVX-512 where the CPU has it, AVX2 elsewhere. Measured on an AVX-512 host with
/// full-width units, its `sgemm` ran at 215 GFLOP/s on one core against 87–104 for Debian's
/// OpenBLAS 0.3.21 pinned to AVX2 kernels by `OPENBLAS_CORETYPE=Haswell`; its convolution
/// primitives made the conv VAE's epoch 2.3 times as fast (Benchmarks/README.md). The `OPENBLAS_*`
/// variables do not govern it; `ONEDNN_MAX_CPU_ISA=AVX2` limits it to AVX2.
/// On Apple platforms it is Accelerate. `Double` products (variational inference) always go
/// through BLAS: OpenBLAS on Linux, Accelerate on Apple platforms.
///
/// Results differ between hosts in the last bits (AVX-512 and AVX2 kernels add in different
/// orders), never from run to run on one host: each piece of work is computed by one thread in
/// a fixed order, whichever thread that is.
public enum ComputeBackend {
  /// Whether `Float` products and convolutions run on oneDNN (else BLAS and im2col, also
  /// where the environment variable `VARIATIONAL_NO_ONEDNN` is set, to compare the two).
  public static let usesOneDNN: Bool = {
    _ = _pairedThreads  // sets oneDNN to one thread when the library pairs its own two
    if getenv("VARIATIONAL_NO_ONEDNN") != nil { return false }
    return variational_compute_available() != 0
  }()

  /// The backend and the instruction set of its kernels on this machine, such as
  /// "oneDNN (avx512_core_bf16)" or "Accelerate".
  public static var description: String {
    if usesOneDNN { return "oneDNN (\(String(cString: variational_compute_isa())))" }
    #if canImport(Darwin)
      return "Accelerate"
    #else
      return "OpenBLAS"
    #endif
  }

  /// Limits oneDNN to its AVX2 kernels for the rest of the process, as
  /// `ONEDNN_MAX_CPU_ISA=AVX2` does; only before its first kernel runs. Returns whether the
  /// limit took effect (for tests of the AVX2 path on AVX-512 hosts).
  public static func limitToAVX2() -> Bool {
    usesOneDNN && variational_compute_limit_to_avx2() != 0
  }

  /// Calls `body` with consecutive ranges that cover `0..<count` (images of a batch): two
  /// ranges shared with the helper thread when the library pairs threads on two cores, each
  /// computed by the backend on one thread; else the whole range once, on the backend's own
  /// threads. `body` must only write results of its own range.
  @inlinable
  public static func forEachPiece(of count: Int, _ body: (Range<Int>) -> Void) {
    guard _pairedThreads, count >= 2 else {
      body(0..<count)
      return
    }
    _runInPieces(2) { body(_piece($0, of: 2, covering: count)) }
  }
}
