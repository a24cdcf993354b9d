import CCompute
import CKernels

#if canImport(Glibc)
  import CBLAS
  import Glibc
#endif

/// Whether the library runs its parallel work as fixed pieces shared by the calling thread and
/// CKernels' helper thread (`variational_run_pieces`), instead of OpenBLAS's and Dispatch's
/// thread pools: when it may use at most two threads (the online cores, or
/// `OPENBLAS_NUM_THREADS` when that is set and smaller) and the BLAS is OpenBLAS.
///
/// On two cores the pools get in each other's way: OpenBLAS's worker spins in `sched_yield`
/// between products while a Dispatch worker needs the same core for the optimiser's update,
/// and Dispatch wakes its workers with a system call per job. One helper that serves both
/// the products' pieces and the elementwise pieces, and spins between them, keeps exactly two
/// threads busy. OpenBLAS and oneDNN (``ComputeBackend``) are then set to one thread for the
/// whole process.
///
/// The pieces depend only on the shapes, never on which thread runs them, so the numbers are
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
    variational_compute_set_single_threaded(1)
    return true
  #else
    return false
  #endif
}()

/// The most pieces work is cut into. Each thread takes the next piece left, so with two the
/// caller also does the second when the helper has not started on it yet. Four pieces (to
/// share out a slowed-down thread's work) measured no faster for the VAE, whose products run as
/// fast in four blocks as in two.
@usableFromInline
let _pieces = 2

/// Calls `body(piece)` for each piece in `0..<count`, shared between the calling thread and
/// the helper thread when it is free (else all on the calling thread), and returns when all
/// are done.
@inlinable
func _runInPieces(_ count: Int, _ body: (_ piece: Int) -> Void) {
  withoutActuallyEscaping(body) { body in
    var work = body
    withUnsafeMutablePointer(to: &work) { pointer in
      variational_run_pieces(
        { context, piece in
          context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(Int(piece))
        }, pointer, Int32(count))
    }
  }
}

/// The `piece`th of `pieces` consecutive ranges that cover `0..<count`, cut at multiples of
/// `alignment` (the last range takes the rest).
@inlinable
func _piece(_ piece: Int, of pieces: Int, covering count: Int, alignment: Int = 1) -> Range<Int> {
  func cut(_ index: Int) -> Int {
    if index >= pieces { return count }
    let point = (index * count / pieces + alignment / 2) / alignment * alignment
    return Swift.min(point, count)
  }
  return cut(piece)..<cut(piece + 1)
}

/// The fewest multiply–adds (m·n·k) for which a matrix product is cut in pieces: about 10 µs
/// of one core, against well under a microsecond to hand a piece to the helper.
@usableFromInline
let _splitProductMinimum = 1 << 18

/// Runs `body(rows, columns)` over blocks that together cover the `m × n` result of a product
/// with inner dimension `k`: ``_pieces`` blocks of the longer side, cut at multiples of 8 (a
/// 400-wide product cut at 208 instead of 200, to suit OpenBLAS's 16-wide register blocks, ran
/// 7% slower: its larger block set the pace), when the library pairs threads and the product is
/// large enough, else once over the whole.
@inlinable
func _forEachProductBlock(
  m: Int, n: Int, k: Int, _ body: (_ rows: Range<Int>, _ columns: Range<Int>) -> Void
) {
  let longer = Swift.max(m, n)
  guard _pairedThreads, longer >= 32, m &* n &* k >= _splitProductMinimum else {
    body(0..<m, 0..<n)
    return
  }
  let pieces = Swift.min(_pieces, longer / 16)
  _runInPieces(pieces) { piece in
    let side = _piece(piece, of: pieces, covering: longer, alignment: 8)
    if m >= n { body(side, 0..<n) } else { body(0..<m, side) }
  }
}

/// Whether the library's parallel work uses the helper thread on a second core: pieces of
/// large matrix products and elementwise passes on two-core machines (see `_pairedThreads`),
/// and half of the rows of likelihood kernels over large designs (at least 256 rows and 8192
/// scalars, such as the VI engine's logistic regression). On by default on machines with two or
/// more CPUs; the environment variable `VARIATIONAL_THREADS=1` turns it off for the whole
/// process. The results are the same bit for bit either way: the work is always cut in the
/// same pieces, combined in the same order.
///
/// The helper spins briefly after each job, so that the next one, microseconds later, starts
/// without a system call, then sleeps.
public var helperThreadEnabled: Bool {
  get { variational_helper_thread() != 0 }
  set { variational_set_helper_thread(newValue ? 1 : 0) }
}
