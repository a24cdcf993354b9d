import ArgumentParser
import Foundation
import TensorCore

extension ParsableCommand {
  /// Parses the command line and runs the command, as one process of an MPI job when a
  /// launcher started it (``ProcessGroups``' `current` is then an `MPIProcessGroup`).
  ///
  /// Built with MPI (`--traits MPI`), it ends the process the way MPI needs: `MPI_Finalize`
  /// after success, and after a failure the message and `MPI_Abort`, which stops the other
  /// processes at once instead of leaving them waiting for this one in their next sum
  /// (`MPIProcessGroup.finish(status:message:)`); help and the version are printed by process
  /// 0 alone. Built without MPI, it refuses to run as one of several processes started by
  /// `mpirun` or `srun` (each would run the whole job into the same files) and says how to
  /// build with MPI.
  public static func mainAcrossProcesses() -> Never {
    #if MPI
      do {
        ProcessGroups.current = try MPIProcessGroup.launched()
      } catch {
        MPIProcessGroup.finish(
          status: 70, message: "\(configuration.commandName ?? "error"): \(error)")
      }
      do {
        var command = try parseAsRoot()
        try command.run()
        MPIProcessGroup.finish(status: 0)
      } catch {
        let status = exitCode(for: error)
        let message = fullMessage(for: error)
        if status.isSuccess {
          if ProcessGroups.current.isMain { print(message) }
          MPIProcessGroup.finish(status: 0)
        }
        MPIProcessGroup.finish(status: status.rawValue, message: message.isEmpty ? nil : message)
      }
    #else
      do {
        try SingleProcess.checkNotLaunchedInParallel(
          program: configuration.commandName ?? "this program")
      } catch {
        exit(withError: ValidationError(error.description))
      }
      main(nil)
      Foundation.exit(0)
    #endif
  }
}
