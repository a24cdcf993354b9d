import Foundation
import TensorCore

/// Processes of a data-parallel run played by threads of one test process: `size` members,
/// each a ``ProcessGroup`` whose sums meet in shared memory (the all-reduce of MPI without MPI),
/// added in rank order. ``run(_:)`` runs one body per member, each on its own thread.
public final class ThreadedProcesses: @unchecked Sendable {
  /// The number of members.
  public let size: Int
  private let condition = NSCondition()
  private var contributions: [[Double]]
  private var total: [Double] = []
  private var arrived = 0
  private var departed = 0
  private var distributing = false

  /// `size` members.
  public init(size: Int) {
    self.size = size
    contributions = Array(repeating: [], count: size)
  }

  /// Runs `body(group)` on `size` threads at once, one per member, and returns their results in
  /// rank order. (`body` need not be `Sendable`: each thread calls it with its own member, as
  /// the processes of an MPI job each run the same program.)
  public func run<Result>(_ body: @escaping (any ProcessGroup) -> Result) -> [Result] {
    let results = ResultSlots<Result>(count: size)
    nonisolated(unsafe) let body = body
    let done = DispatchGroup()
    for rank in 0..<size {
      done.enter()
      let thread = Thread { [self] in
        results.store(body(Member(rank: rank, processes: self)), at: rank)
        done.leave()
      }
      thread.stackSize = 16 << 20
      thread.start()
    }
    done.wait()
    return results.values()
  }

  /// Adds `values` (rank `rank`'s) to those of the other members, in rank order, and returns
  /// the sum once every member has given its own; `rounded` rounds each partial sum (to
  /// `Float`, for `Float` buffers).
  func sum(_ values: [Double], rank: Int, rounded: (Double) -> Double) -> [Double] {
    condition.lock()
    defer { condition.unlock() }
    while distributing { condition.wait() }
    contributions[rank] = values
    arrived += 1
    if arrived == size {
      total = contributions[0]
      for member in 1..<size {
        for i in total.indices { total[i] = rounded(total[i] + contributions[member][i]) }
      }
      distributing = true
      condition.broadcast()
    } else {
      while !distributing { condition.wait() }
    }
    let result = total
    departed += 1
    if departed == size {
      (arrived, departed, distributing) = (0, 0, false)
      condition.broadcast()
    }
    return result
  }

  final class Member: ProcessGroup, @unchecked Sendable {
    let rank: Int
    let processes: ThreadedProcesses
    var calls = 0
    init(rank: Int, processes: ThreadedProcesses) {
      self.rank = rank
      self.processes = processes
    }
    var size: Int { processes.size }
    func sumInPlace(_ buffer: UnsafeMutableBufferPointer<Float>) {
      calls += 1
      let sum = processes.sum(buffer.map(Double.init), rank: rank) { Double(Float($0)) }
      for i in buffer.indices { buffer[i] = Float(sum[i]) }
    }
    func sumInPlace(_ buffer: UnsafeMutableBufferPointer<Double>) {
      calls += 1
      let sum = processes.sum(Array(buffer), rank: rank) { $0 }
      for i in buffer.indices { buffer[i] = sum[i] }
    }
    var communication: (seconds: Double, calls: Int) { (0, calls) }
  }
}

/// One slot per thread for the results of ``ThreadedProcesses/run(_:)``.
private final class ResultSlots<Result>: @unchecked Sendable {
  private var slots: [Result?]
  private let lock = NSLock()
  init(count: Int) { slots = Array(repeating: nil, count: count) }
  func store(_ value: Result, at index: Int) {
    lock.lock()
    slots[index] = value
    lock.unlock()
  }
  func values() -> [Result] { slots.map { $0! } }
}
