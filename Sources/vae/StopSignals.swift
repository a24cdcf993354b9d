import Foundation
import TensorCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// SIGINT and SIGTERM during `vae train`: the first one asks the run to stop after the epoch
/// in progress is saved; a second one ends the process at once (the run directory stays
/// consistent either way, see `VAECheckpoint+Commit.swift`).
///
/// Under `mpirun` with several processes a signal ends the process at once, with a note: mpirun
/// sends SIGTERM to every process when one of them fails or when the job is interrupted, and
/// then SIGKILL, so the others would never reach the end of the epoch.
enum StopSignals {
  /// The signal received, 0 while none.
  nonisolated(unsafe) static var received: Int32 = 0
  /// The note written when a signal ends one of several processes (made before any signal
  /// comes: a handler may not allocate).
  nonisolated(unsafe) static var parallelNote: UnsafeMutablePointer<CChar>?

  /// Installs the handlers, and unblocks the two signals (a parent process may have left
  /// them blocked in the mask the process inherits, which would defer them forever).
  static func install(processes: any ProcessGroup = SingleProcess()) {
    var signals = sigset_t()
    sigemptyset(&signals)
    sigaddset(&signals, SIGINT)
    sigaddset(&signals, SIGTERM)
    pthread_sigmask(SIG_UNBLOCK, &signals, nil)
    if processes.size > 1 {
      parallelNote = strdup(
        "\nvae: process \(processes.rank) of \(processes.size) stopped by mpirun (another process "
          + "failed, or the job was interrupted); the run directory keeps its last saved epoch: "
          + "continue it with --resume\n")
      for signalNumber in [SIGINT, SIGTERM] {
        signal(signalNumber) { number in
          if let note = StopSignals.parallelNote { _ = write(STDERR_FILENO, note, strlen(note)) }
          _exit(128 + number)
        }
      }
      return
    }
    for signalNumber in [SIGINT, SIGTERM] {
      signal(signalNumber) { number in
        StopSignals.received = number
        let note = "\nvae: stopping after the epoch in progress is saved (again to stop now)\n"
        note.withCString { _ = write(STDERR_FILENO, $0, strlen($0)) }
        signal(number, SIG_DFL)
      }
    }
  }

  /// Whether a stop was asked for.
  static var requested: Bool { received != 0 }

  /// The exit status of a process stopped by signal `number`: 128 + number, as shells report.
  static var exitStatus: Int32 { 128 + received }
}
