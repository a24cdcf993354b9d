/// Why a fit could not start or could not finish; every message says what went wrong and,
/// where there is one, what to try.
public enum InferenceError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The parameter declarations are unusable (no parameters, duplicate names, a constraint that
  /// does not fit a shape, …).
  case invalidModel(String)
  /// An option is out of range (the message names it).
  case invalidOptions(String)
  /// An initial value names an unknown parameter, has the wrong size or lies outside the
  /// support.
  case invalidInitialization(String)
  /// The log joint (or its gradient) is not finite at the initial point; `parameters` are the
  /// ones found responsible, possibly empty when none could be singled out.
  case nonFiniteInitialDensity(parameters: [String], message: String)
  /// The optimisation produced NaN or infinite values.
  case diverged(String)
  /// Every step size tried by the adaptation phase failed.
  case adaptationFailed(String)
  /// Data handed to a built-in model is unusable (the message names the file, line and column
  /// when it came from one).
  case invalidData(String)

  /// The message.
  public var description: String {
    switch self {
    case .invalidModel(let message): return "invalid model: \(message)"
    case .invalidOptions(let message): return "invalid options: \(message)"
    case .invalidInitialization(let message): return "invalid initial values: \(message)"
    case .nonFiniteInitialDensity(_, let message): return message
    case .diverged(let message): return message
    case .adaptationFailed(let message): return message
    case .invalidData(let message): return message
    }
  }
}
