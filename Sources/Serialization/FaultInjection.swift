import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A test hook that kills the process with `SIGKILL` just before its n-th file-system
/// operation of a ``DirectoryTransaction`` (creating, writing a piece of, `fsync`ing, closing,
/// renaming or deleting a file), where n is the value of the environment variable
/// `VARIATIONAL_KILL_AT_OPERATION` (counted from 1 over the whole process).
///
/// Crash-safety tests stop a run at every such point and check that it resumes to the same
/// result; with the variable unset, the hook costs one comparison per operation.
public enum FaultInjection {
  /// The name of the environment variable.
  public static let environmentVariable = "VARIATIONAL_KILL_AT_OPERATION"

  private static let killAt: Int? = ProcessInfo.processInfo.environment[environmentVariable]
    .flatMap { Int($0) }

  /// The operations counted so far (the process is single-threaded where it saves).
  nonisolated(unsafe) private static var count = 0

  /// The number of operations performed so far in this process.
  public static var operationCount: Int { count }

  /// Counts one operation, and kills the process when it is the chosen one.
  static func operation() {
    count += 1
    if let killAt, count == killAt { _ = kill(getpid(), SIGKILL) }
  }
}
