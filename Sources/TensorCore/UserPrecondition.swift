import CKernels

// Checks of what a caller can get wrong (a model author's shapes, a user's data), whose messages
// survive optimised builds. A `precondition`'s message exists only in `-Onone` builds: with
// `-c release` a violated one is a bare "Illegal instruction". `fatalError` keeps its message
// in every configuration, so these checks stop the program through it, from a function that is
// never inlined: the caller pays for the condition and a branch, as with `precondition`, and
// builds the message only on failure.
//
// `precondition` stays for the library's own invariants, which no caller can break.

/// Stops the program with `message` on standard error unless `condition` holds, in every build
/// configuration: a `precondition` for mistakes of the library's callers (shapes that do not
/// fit, indices out of range, values outside a distribution's support).
@inlinable @inline(__always)
package func userPrecondition(
  _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
  file: StaticString = #fileID, line: UInt = #line
) {
  if _slowPath(!condition()) { _userPreconditionFailure(message, file: file, line: line) }
}

/// The failure of ``userPrecondition(_:_:file:line:)``, out of line with its message's closure
/// so that the code building the message stays out of the caller.
@inline(never) @usableFromInline
package func _userPreconditionFailure(
  _ message: () -> String, file: StaticString, line: UInt
) -> Never {
  userPreconditionFailure(message(), file: file, line: line)
}

/// Stops the program with `message` on standard error, in every build configuration, followed
/// by the note of this thread's ``UserPreconditionContext``, if any.
@inline(never) @usableFromInline
package func userPreconditionFailure(
  _ message: String, file: StaticString = #fileID, line: UInt = #line
) -> Never {
  var text = message
  if let note = currentUserPreconditionContext?.note() { text += "\n" + note }
  fatalError(text, file: file, line: line)
}

/// An object that knows more about a failure than the failing operation, and adds a note to the
/// message of a ``userPrecondition`` that fails on its thread while it is the thread's context
/// (``withUserPreconditionContext(_:_:)``). The check of a model's log joint before a fit is
/// one: it says that the failure happened in the log joint, and names the undeclared parameter
/// the log joint asked for when the values that stood in for it made an operation fail.
package protocol UserPreconditionContext: AnyObject {
  /// The note, or nil for none.
  func note() -> String?
}

/// Runs `body` with `context` as this thread's ``UserPreconditionContext``, then restores the
/// previous one.
package func withUserPreconditionContext<Result>(
  _ context: some UserPreconditionContext, _ body: () throws -> Result
) rethrows -> Result {
  let previous = variational_check_context()
  variational_set_check_context(Unmanaged.passUnretained(context as AnyObject).toOpaque())
  defer { variational_set_check_context(previous) }
  return try withExtendedLifetime(context) { try body() }
}

/// This thread's ``UserPreconditionContext``, if any.
package var currentUserPreconditionContext: (any UserPreconditionContext)? {
  guard let pointer = variational_check_context() else { return nil }
  return Unmanaged<AnyObject>.fromOpaque(pointer).takeUnretainedValue()
    as? any UserPreconditionContext
}
