#if MPI
  import CMPIShim
  import Foundation
  import Reporting
  import TensorCore

  /// The processes `mpirun` (or Slurm's `srun`) started, over Open MPI: `MPI_COMM_WORLD`, with
  /// sums by `MPI_Allreduce`.
  ///
  /// There is one per program: ``launched()`` initialises MPI when the environment says a
  /// launcher started this process, and ``finish(status:)`` ends it. A failed MPI call prints
  /// what failed on which process and ends the whole job (`MPI_Abort`): after a failed
  /// all-reduce the processes no longer hold the same model, so none may go on. A process that
  /// dies is noticed by `mpirun`, which then ends the others.
  public final class MPIProcessGroup: ProcessGroup, @unchecked Sendable {
    /// This process's rank in `MPI_COMM_WORLD`.
    public let rank: Int
    /// The size of `MPI_COMM_WORLD`.
    public let size: Int
    private var seconds = 0.0
    private var calls = 0
    private let clock = ContinuousClock()

    private init(rank: Int, size: Int) {
      self.rank = rank
      self.size = size
    }

    /// The group of this program's processes: MPI's when a launcher started this process
    /// (`ProcessGroups.launchedProcessCount()`), else a `SingleProcess` (MPI is not
    /// initialised, so a plain run needs no MPI runtime).
    ///
    /// - Throws: `ProcessGroupError` when `MPI_Init_thread` fails.
    public static func launched() throws(ProcessGroupError) -> any ProcessGroup {
      guard ProcessGroups.launchedProcessCount() != nil else { return SingleProcess() }
      if variational_mpi_is_initialized() == 0 {
        let code = variational_mpi_initialize()
        guard code == 0 else {
          throw ProcessGroupError("MPI_Init_thread failed: \(errorText(code))")
        }
      }
      let rank = Int(variational_mpi_rank())
      let size = Int(variational_mpi_size())
      guard rank >= 0, size >= 1 else {
        throw ProcessGroupError("MPI could not tell this process's rank and the job's size")
      }
      return MPIProcessGroup(rank: rank, size: size)
    }

    /// Sums `buffer` over the processes in place (`MPI_Allreduce`, `MPI_SUM`).
    public func sumInPlace(_ buffer: UnsafeMutableBufferPointer<Float>) {
      guard let base = buffer.baseAddress else { return }
      timed("MPI_Allreduce of \(buffer.count) floats") {
        variational_mpi_sum_floats(base, buffer.count)
      }
    }

    /// Sums `buffer` over the processes in place (`MPI_Allreduce`, `MPI_SUM`).
    public func sumInPlace(_ buffer: UnsafeMutableBufferPointer<Double>) {
      guard let base = buffer.baseAddress else { return }
      timed("MPI_Allreduce of \(buffer.count) doubles") {
        variational_mpi_sum_doubles(base, buffer.count)
      }
    }

    /// The time spent in sums so far, and their number.
    public var communication: (seconds: Double, calls: Int) { (seconds, calls) }

    /// Waits until every process gets here (`MPI_Barrier`).
    public func barrier() {
      timed("MPI_Barrier") { variational_mpi_barrier() }
    }

    /// Runs `call`, adds its time to ``communication``, and ends the job when it fails.
    private func timed(_ what: @autoclosure () -> String, _ call: () -> Int32) {
      let start = clock.now
      let code = call()
      seconds += (clock.now - start).inSeconds
      calls += 1
      if code != 0 {
        Self.abort(
          status: 70, message: "process \(rank) of \(size): \(what()) failed: "
            + Self.errorText(code) + "; stopping every process")
      }
    }

    static func errorText(_ code: Int32) -> String {
      var text = [CChar](repeating: 0, count: 512)
      variational_mpi_error_text(code, &text, text.count)
      return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Ends the program: with `status` 0, `MPI_Finalize` (which waits for every process to get
    /// there) and exit; otherwise `message` (if any) on standard error and `MPI_Abort`, which
    /// ends every process of the job at once — a process that failed alone must not wait for
    /// the others, which would wait for it in their next sum.
    public static func finish(status: Int32, message: String? = nil) -> Never {
      if status == 0 {
        if variational_mpi_is_initialized() != 0 { _ = variational_mpi_finalize() }
        exit(0)
      }
      abort(status: status, message: message)
    }

    private static func abort(status: Int32, message: String?) -> Never {
      fflush(nil)
      if let message { FileHandle.standardError.write(Data((message + "\n").utf8)) }
      if variational_mpi_is_initialized() != 0 { variational_mpi_abort(status) }
      exit(status)
    }
  }
#endif
