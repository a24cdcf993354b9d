import Dispatch

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Calls `body` with consecutive ranges that together cover `0..<count`, concurrently on the
/// machine's cores when each range would hold at least `minimumChunk` items, else once with
/// the whole range on the calling thread.
///
/// For elementwise kernels big enough to pay for handing work to a second thread: the
/// optimiser's update of a 784 × 400 weight, the loss over a minibatch of images. On two cores
/// (see `_pairedThreads`) the range is cut in two, shared with the helper thread that also
/// runs blocks of matrix products (the caller does both when the helper has not started on
/// the second). On more cores it is cut into a few more chunks than cores for Dispatch, taken
/// by whichever thread is free, so a core that is busy with another process delays only its
/// own chunk. `body` must only write elements of its own range (and read anything).
///
/// - Parameters:
///   - count: the number of items, e.g. scalars or rows.
///   - minimumChunk: the fewest items worth a chunk of their own.
///   - body: the work on one range; called concurrently, in no particular order.
@inlinable
public func forEachChunk(
  of count: Int, minimumChunk: Int, _ body: (Range<Int>) -> Void
) {
  if _pairedThreads {
    let pieces = Swift.min(_pieces, count / Swift.max(1, minimumChunk))
    if pieces < 2 {
      body(0..<count)
    } else {
      _runInPieces(pieces) { body(_piece($0, of: pieces, covering: count)) }
    }
    return
  }
  let chunks = Swift.min(_concurrentChunkLimit, count / Swift.max(1, minimumChunk))
  if chunks <= 1 {
    body(0..<count)
    return
  }
  withoutActuallyEscaping(body) { body in
    let work = _UncheckedSendable(body)
    DispatchQueue.concurrentPerform(iterations: chunks) { index in
      work.value(((index * count) / chunks)..<(((index + 1) * count) / chunks))
    }
  }
}

/// At most this many chunks: twice the threads, for balance when a core is busy. The threads
/// are the online cores, or `OPENBLAS_NUM_THREADS` when that is set and smaller, so that one
/// setting limits both BLAS and these loops.
@usableFromInline
let _concurrentChunkLimit: Int = {
  var threads = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
  if let text = getenv("OPENBLAS_NUM_THREADS"), let limit = Int(String(cString: text)),
    limit > 0
  {
    threads = Swift.min(threads, limit)
  }
  return threads > 1 ? 2 * threads : 1
}()

/// A value passed to other threads on the caller's promise that they use it safely.
@usableFromInline
struct _UncheckedSendable<Value>: @unchecked Sendable {
  @usableFromInline let value: Value
  @inlinable init(_ value: Value) { self.value = value }
}
