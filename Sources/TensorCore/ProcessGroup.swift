import Foundation

/// The processes of a data-parallel run, and the one collective operation data parallelism
/// needs: the sum of a buffer across them, left on every process (an all-reduce).
///
/// Each process holds the same model and draws the same random numbers; each computes the
/// gradient of its own share of a batch (``share(of:)``), and the sum of those gradients is the
/// gradient of the whole batch, so every process then takes the same optimiser step (the
/// synchronous data-parallel SGD of Horovod and PyTorch's DistributedDataParallel). A sum over
/// processes adds the same numbers as one process would, in another order: results agree up to
/// the rounding of that reassociation.
///
/// ``SingleProcess`` is the default everywhere. The `Distributed` module (built with
/// `swift build --traits MPI`) provides `MPIProcessGroup`, over Open MPI's `MPI_Allreduce`.
/// Every process must make the same calls in the same order, or the run stops (MPI) or hangs.
public protocol ProcessGroup: AnyObject, Sendable {
  /// This process's number, 0 ..< ``size``; process 0 writes the files and the progress.
  var rank: Int { get }
  /// The number of processes.
  var size: Int { get }
  /// Replaces each element of `buffer` by its sum over all processes.
  func sumInPlace(_ buffer: UnsafeMutableBufferPointer<Float>)
  /// Replaces each element of `buffer` by its sum over all processes.
  func sumInPlace(_ buffer: UnsafeMutableBufferPointer<Double>)
  /// The seconds spent in the sums so far (both
  /// overloads), and the number of calls.
  var communication: (seconds: Double, calls: Int) { get }
}

extension ProcessGroup {
  /// Whether this is process 0, the one that writes files and progress.
  public var isMain: Bool { rank == 0 }

  /// This process's share of `count` items: the contiguous range
  /// `[rank·count/size, (rank+1)·count/size)`, so that the shares of all processes, in rank
  /// order, are `0 ..< count`. A share is empty when there are fewer items than processes.
  public func share(of count: Int) -> Range<Int> {
    (rank * count / size)..<((rank + 1) * count / size)
  }

  /// `values` summed over all processes.
  public func sum(_ values: [Double]) -> [Double] {
    var values = values
    values.withUnsafeMutableBufferPointer { sumInPlace($0) }
    return values
  }

  /// Whether `condition` holds on any process (every process gets the same answer, so all take
  /// the same branch).
  public func any(_ condition: Bool) -> Bool {
    sum([condition ? 1 : 0])[0] > 0
  }
}

/// A run of one process: sums are the buffers themselves.
public final class SingleProcess: ProcessGroup {
  /// The one process.
  public init() {}
  /// 0.
  public var rank: Int { 0 }
  /// 1.
  public var size: Int { 1 }
  /// Leaves `buffer` as it is (its sum over one process).
  public func sumInPlace(_ buffer: UnsafeMutableBufferPointer<Float>) {}
  /// Leaves `buffer` as it is (its sum over one process).
  public func sumInPlace(_ buffer: UnsafeMutableBufferPointer<Double>) {}
  /// No time and no calls.
  public var communication: (seconds: Double, calls: Int) { (0, 0) }

  /// Throws when this process was started as one of several by `mpirun` or `srun` (whose
  /// environment says how many): a program built without MPI would then run the whole job once
  /// per process, each writing the same files. `program` names the command in the message.
  public static func checkNotLaunchedInParallel(program: String) throws(ProcessGroupError) {
    if let size = ProcessGroups.launchedProcessCount(), size > 1 {
      throw ProcessGroupError(
        "\(program) was started as one of \(size) MPI processes, but this build has no MPI "
          + "support: rebuild with `swift build -c release --traits MPI` (Open MPI's "
          + "libopenmpi-dev installed), or run it without mpirun")
    }
  }
}

/// A data-parallel run that cannot start or cannot go on.
public struct ProcessGroupError: Error, CustomStringConvertible, Sendable {
  /// What went wrong and what to do.
  public var description: String

  /// An error that says `description`.
  public init(_ description: String) { self.description = description }
}

/// The processes this program runs as. A command-line tool sets ``current`` once, at start
/// (to `MPIProcessGroup` under `mpirun` in a build with MPI); library functions take their
/// group as a parameter and never read this.
public enum ProcessGroups {
  /// The program's processes; ``SingleProcess`` until a tool sets it.
  nonisolated(unsafe) public static var current: any ProcessGroup = SingleProcess()

  /// The number of processes that `mpirun` (Open MPI), Slurm's `srun` or a PMI launcher says it
  /// started, from the environment; nil when this process was not started by one.
  public static func launchedProcessCount() -> Int? {
    let environment = ProcessInfo.processInfo.environment
    for name in ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "SLURM_NTASKS"] {
      if let value = environment[name], let size = Int(value) {
        // Slurm sets SLURM_NTASKS for a whole allocation, also in a batch script's own shell;
        // only a task started by srun has SLURM_PROCID and SLURM_STEP_ID.
        if name == "SLURM_NTASKS" && environment["SLURM_STEP_ID"] == nil { continue }
        return size
      }
    }
    return nil
  }
}
