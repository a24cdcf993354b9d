import TensorCore

/// Records the undeclared parameter names a log joint asks for while it is checked before a fit
/// (``VariationalObjective/checkLogJoint(at:)``), so that the check can throw an error naming
/// them instead of the program stopping at the first one.
///
/// While a probe is the thread's ``UserPreconditionContext`` (for its layout),
/// ``ParameterLayout/index(of:)`` answers an unknown name with the position after the declared
/// parameters, where the check puts a stand-in `[L, 1]` tensor; the log joint then usually runs
/// to the end. When the stand-in makes one of its operations fail instead, ``note()`` adds the
/// unknown names to that failure's message.
final class ParameterNameProbe: UserPreconditionContext {
  /// The declarations the log joint is checked against.
  let layout: ParameterLayout
  /// What is checked, for messages: "the log joint" or "the derived quantities".
  let checked: String
  /// The unknown names asked for, in the order first asked.
  private(set) var unknownNames: [String] = []

  init(_ layout: ParameterLayout, checking checked: String) {
    self.layout = layout
    self.checked = checked
  }

  /// The position of the stand-in for the unknown `name`, after recording it.
  func standIn(for name: String) -> Int {
    if !unknownNames.contains(name) { unknownNames.append(name) }
    return layout.declarations.count
  }

  /// What is wrong when the log joint asked for unknown names, or nil.
  var problem: String? {
    guard let first = unknownNames.first else { return nil }
    let listed = unknownNames.map { "\"\($0)\"" }.joined(separator: ", ")
    let single = unknownNames.count == 1
    return "\(checked) asked for \(single ? "parameter" : "parameters") \(listed), which "
      + (single ? "is" : "are") + " not declared; "
      + layout.declaredNames(suggestingFor: unknownNames.count == 1 ? first : nil)
  }

  /// The note a failed check adds while the log joint is checked: the unknown names when there
  /// are any (the stand-in for them is then the likely cause), else where the failure happened.
  func note() -> String? {
    if let problem {
      return "This happened while checking \(checked) of the model before fitting, after an "
        + "undeclared parameter got a stand-in [L, 1] tensor: invalid model: " + problem
    }
    return "This happened in \(checked) of the model, evaluated before fitting on "
      + "\(VariationalObjective.checkedDrawCount) draws (each parameter an [L, size] tensor "
      + "with L = \(VariationalObjective.checkedDrawCount))."
  }
}
