/// How ``fit(_:family:options:progress:)-(ProbabilisticModel,_,_,_)`` maximises the ELBO.
public enum FitAlgorithm: Hashable, Sendable, CustomStringConvertible {
  /// The default: the Laplace approximation at the mode as a start, then the ELBO on fixed,
  /// whitened draws maximised by L-BFGS to a tight gradient tolerance, with more draws until
  /// the answer stops moving (deterministic ADVI, Giordano, Ingram & Broderick 2024; see
  /// `runDeterministicFit`). Accurate whatever the scales of the parameters, and honest: it
  /// reports the Monte-Carlo error of the means. Mean-field and full-rank families, every
  /// row of the data at every step; at most ``FitAlgorithm/deterministicDimensionLimit``
  /// unconstrained dimensions (it forms a D × D Hessian).
  case deterministic
  /// Stan's ADVI: stochastic gradient steps (Adam by default) on fresh draws, stopped by the
  /// relative change of noisy ELBO estimates (``ConvergenceMonitor``). Needed for minibatches
  /// (``FitOptions/batchSize``), the low-rank family, families of your own and models larger
  /// than ``FitAlgorithm/deterministicDimensionLimit``; its stopping rule can fire far from
  /// the optimum, so check k̂ and the ELBO trace.
  case stochastic

  /// The largest unconstrained dimension the deterministic fit takes; larger models fall back
  /// to the stochastic fit with a warning.
  public static let deterministicDimensionLimit = 1000

  /// The name `advi --algorithm` takes and reports print.
  public var description: String {
    switch self {
    case .deterministic: return "deterministic"
    case .stochastic: return "stochastic"
    }
  }
}
