import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Test hooks for the file-system operations of a ``DirectoryTransaction`` (creating, writing a
/// piece of, `fsync`ing, closing, renaming or deleting a file), counted from 1 over the whole
/// process:
///
/// - `VARIATIONAL_KILL_AT_OPERATION=n` kills the process with `SIGKILL` just before the n-th;
/// - `VARIATIONAL_FAIL_AT_OPERATION=n` makes the n-th fail as on a full disk (`ENOSPC`).
///
/// Crash-safety tests stop a run at every such point and check that it resumes to the same
/// result; with the variables unset, the hooks cost two comparisons per operation.
public enum FaultInjection {
  /// The name of the environment variable of the kill.
  public static let environmentVariable = "VARIATIONAL_KILL_AT_OPERATION"
  /// The name of the environment variable of the failure.
  public static let failureEnvironmentVariable = "VARIATIONAL_FAIL_AT_OPERATION"

  private static let killAt: Int? = ProcessInfo.processInfo.environment[environmentVariable]
    .flatMap { Int($0) }
  private static let failAt: Int? = ProcessInfo.processInfo.environment[
    failureEnvironmentVariable
  ].flatMap { Int($0) }

  /// The operations counted so far (the process is single-threaded where it saves).
  nonisolated(unsafe) private static var count = 0

  /// The number of operations performed so far in this process.
  public static var operationCount: Int { count }

  /// Counts one operation, kills the process when it is the chosen one, and returns whether
  /// it is to fail (with `errno` set to `ENOSPC`).
  static func operation() -> Bool {
    count += 1
    if let killAt, count == killAt { _ = kill(getpid(), SIGKILL) }
    if let failAt, count == failAt {
      errno = ENOSPC
      return true
    }
    return false
  }
}
