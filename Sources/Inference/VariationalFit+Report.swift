extension VariationalFit {
  /// A plain-text report of the fit and of `draws`, in the manner of Stan's `variational`
  /// output: how the optimisation ended, the final ELBO with its standard error, the Pareto k̂
  /// of the draws with its reading, the summary table (mean, sd, 5%, 50%, 95% of every output
  /// column, in the constrained space) and any warnings.
  ///
  /// ```
  /// ADVI, meanfield family: converged after 2300 iterations (0.41 s), Adam η = 0.01
  /// ELBO -39.41 ± 0.02 (1000 draws)   k̂ = 0.31 (good: …)
  ///                   Mean     StdDev         5%        50%        95%
  /// intercept       0.2113     0.0445     0.1382     0.2110     0.2849
  /// …
  /// ```
  public func report(draws: PosteriorDraws) -> String {
    let ending = converged ? "converged after" : "stopped without converging at"
    var lines = [
      "ADVI, \(familyName) family: \(ending) \(iterations) iterations "
        + "(\(fixed(seconds, decimals: 2)) s), learning rate \(formatNumber(learningRate))"
        + (averagedIterations > 0 ? ", averaging the last \(averagedIterations) iterates" : ""),
      "ELBO \(formatNumber(elbo.value)) ± \(formatNumber(elbo.standardError))   "
        + "\(draws.pareto) from \(draws.count) draws",
      "",
      draws.summary().table(),
    ]
    if !warnings.isEmpty {
      lines.append("")
      lines += warnings.map { "warning: \($0)" }
    }
    return lines.joined(separator: "\n")
  }
}
