#if MPI
  import ArgumentParser
  import TensorCore

  extension ParsableCommand {
    /// Parses the command line and runs the command as one process of an MPI job (or alone
    /// when no launcher started it), then ends the process the way MPI needs: `MPI_Finalize`
    /// after success, and after a failure the message and `MPI_Abort`, which stops the other
    /// processes at once instead of leaving them waiting for this one in their next sum
    /// (``MPIProcessGroup/finish(status:message:)``). The command finds its processes in
    /// `ProcessGroups.current`.
    public static func mainAcrossProcesses() -> Never {
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
          // Help and the version, once.
          if ProcessGroups.current.isMain { print(message) }
          MPIProcessGroup.finish(status: 0)
        }
        MPIProcessGroup.finish(status: status.rawValue, message: message.isEmpty ? nil : message)
      }
    }
  }
#endif
