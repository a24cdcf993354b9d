import CKernels

#if canImport(Glibc)
  import CBLAS
  import Glibc
#endif

/// Whether the library runs its parallel work as two halves, one on the calling thread and one
/// on CKernels' helper thread (`variational_run_halves`), instead of OpenBLAS's and Dispatch's
/// thread pools: when it may use at most two threads (the online cores, or
/// `OPENBLAS_NUM_THREADS` when that is set and smaller) and the BLAS is OpenBLAS.
///
/// On two cores the pools get in each other's way: OpenBLAS's worker spins in `sched_yield`
/// between products while a Dispatch worker needs the same core for the optimiser's update,
/// and Dispatch wakes its workers with a system call per job. One helper that serves both
/// the products' halves and the elementwise halves, and spins between them, keeps exactly two
/// threads busy. OpenBLAS is then set to one thread for the whole process.
///
/// The split depends only on the shapes, never on which thread runs a half, so the numbers are
/// the same on one core (`VARIATIONAL_THREADS=1`) as on two.
@usableFromInline
let _pairedThreads: Bool = {
  #if canImport(Glibc)
    var threads = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    if let text = getenv("OPENBLAS_NUM_THREADS"), let limit = Int(String(cString: text)),
      limit > 0
    {
      threads = Swift.min(threads, limit)
    }
    guard threads <= 2 else { return false }
    openblas_set_num_threads(1)
    return true
  #else
    return false
  #endif
}()

/// Calls `body(0)` on the calling thread and `body(1)` on the helper thread when it is free
/// (else on the calling thread too), and returns when both are done.
@inlinable
func _runInHalves(_ body: (_ half: Int) -> Void) {
  withoutActuallyEscaping(body) { body in
    var work = body
    withUnsafeMutablePointer(to: &work) { pointer in
      variational_run_halves(
        { context, half in
          context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(Int(half))
        }, pointer)
    }
  }
}

/// The fewest multiply–adds (m·n·k) for which a matrix product is split in two: about 10 µs of
/// one core, against about a microsecond to hand a half to the helper.
@usableFromInline
let _splitProductMinimum = 1 << 18

/// Runs `body(rows, columns)` over blocks that together cover the `m × n` result of a product
/// with inner dimension `k`: in two halves of the longer side (cut at a multiple of 16, the
/// kernels' register blocking) when the library pairs threads and the product is large
/// enough, else once over the whole.
@inlinable
func _forEachProductHalf(
  m: Int, n: Int, k: Int, _ body: (_ rows: Range<Int>, _ columns: Range<Int>) -> Void
) {
  let longer = Swift.max(m, n)
  guard _pairedThreads, longer >= 64, m &* n &* k >= _splitProductMinimum else {
    body(0..<m, 0..<n)
    return
  }
  let cut = (longer / 2 + 15) & ~15
  _runInHalves { half in
    let side = half == 0 ? 0..<cut : cut..<longer
    if m >= n { body(side, 0..<n) } else { body(0..<m, side) }
  }
}

/// Whether the library's parallel work uses the helper thread on a second core: halves of
/// large matrix products and elementwise passes on two-core machines (see `_pairedThreads`),
/// and half of the rows of likelihood kernels over large designs (at least 256 rows and 8192
/// scalars, such as the VI engine's logistic regression). On by default on machines with two or
/// more CPUs; the environment variable `VARIATIONAL_THREADS=1` turns it off for the whole
/// process. The results are the same bit for bit either way: the work is always split in the
/// same halves, combined in the same order.
///
/// The helper spins briefly after each job, so that the next one, microseconds later, starts
/// without a system call, then sleeps.
public var helperThreadEnabled: Bool {
  get { variational_helper_thread() != 0 }
  set { variational_set_helper_thread(newValue ? 1 : 0) }
}
