import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// SIGINT and SIGTERM during `vae train`: the first one asks the run to stop after the epoch
/// in progress is saved; a second one ends the process at once (the run directory stays
/// consistent either way, see `VAECheckpoint+Commit.swift`).
enum StopSignals {
  /// The signal received, 0 while none.
  nonisolated(unsafe) static var received: Int32 = 0

  /// Installs the handlers, and unblocks the two signals (a parent process may have left
  /// them blocked in the mask the process inherits, which would defer them forever).
  static func install() {
    var signals = sigset_t()
    sigemptyset(&signals)
    sigaddset(&signals, SIGINT)
    sigaddset(&signals, SIGTERM)
    pthread_sigmask(SIG_UNBLOCK, &signals, nil)
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
