extension VariationalFit {
  /// A plain-text report of the fit and of `draws`, in the manner of Stan's `variational`
  /// output: the algorithm and how it ended (and, when it did not reach its optimum, what to
  /// try), the final ELBO with its standard error, the gradient evaluations, the Monte-Carlo
  /// error of the means (deterministic fit), the Pareto k̂ of the draws with its reading, the
  /// summary table (mean, sd, 5%, 50%, 95% of every output column, in the constrained space)
  /// and any warnings.
  ///
  /// ```
  /// ADVI, fullrank family, deterministic fit: converged on 160 fixed draws after 245 L-BFGS iterations
  /// 8114 gradient evaluations, 0.05 s
  /// ELBO -31.54 ± 0.0256 (1000 draws)   k̂ = 0.62 (usable: …) from 1000 draws
  /// Monte-Carlo standard error of the means: at most 0.0123 posterior sd (tau)
  ///                   Mean     StdDev         5%        50%        95%
  /// mu              4.5073     3.2631    -0.8220     4.4583     10.078
  /// …
  /// ```
  public func report(draws: PosteriorDraws) -> String {
    var lines = [headline, "\(gradientEvaluations) gradient evaluations, \(fixed(seconds, decimals: 2)) s"]
    lines.append(
      "ELBO \(formatNumber(elbo.value)) ± \(formatNumber(elbo.standardError))   "
        + "\(draws.pareto) from \(draws.count) draws")
    if let errors = monteCarloStandardErrors, let largest = errors.indices.max(by: {
      !(errors[$0] >= errors[$1])
    }) {
      lines.append(
        "Monte-Carlo standard error of the means: at most \(formatNumber(errors[largest])) "
          + "posterior sd (\(layout.elementNames[largest])), from two independent draw sets")
    }
    lines += ["", draws.summary().table()]
    let notes = warnings + paretoAdvice(draws.pareto) + scaleAdvice(draws.scaleCheck)
    if !notes.isEmpty {
      lines.append("")
      lines += notes.map { "warning: \($0)" }
    }
    return lines.joined(separator: "\n")
  }

  /// The first line: family, algorithm and how it ended.
  var headline: String {
    switch algorithm {
    case .deterministic:
      let ending =
        converged
        ? "converged on \(drawCount ?? 0) fixed draws after \(iterations) L-BFGS iterations"
        : "did not reach its tolerances (\(drawCount ?? 0) fixed draws, \(iterations) L-BFGS "
          + "iterations; see the warnings)"
      return "ADVI, \(familyName) family, deterministic fit: \(ending)"
    case .stochastic:
      let ending =
        converged
        ? "Stan's relative-ELBO rule fired after \(iterations) iterations"
        : "stopped without converging at \(iterations) iterations"
      return "ADVI, \(familyName) family, stochastic fit: \(ending), learning rate "
        + formatNumber(learningRate)
        + (averagedIterations > 0 ? ", averaging the last \(averagedIterations) iterates" : "")
    }
  }

  /// What the scale check's flagged parameters mean for this family.
  func scaleAdvice(_ check: ScaleCheck) -> [String] {
    let flagged = check.flagged
    guard let first = flagged.first else { return [] }
    let percent = { (ratio: Double) in fixed(Swift.abs(ratio - 1) * 100, decimals: 0) + "%" }
    let others =
      flagged.count == 1
      ? "" : " (and \(flagged.count - 1) more past \(percent(ScaleCheck.threshold)))"
    let direction = first.ratio > 1 ? "above" : "below"
    let reading =
      approximation is MeanFieldGaussian
      ? "the posterior is more correlated (or further from Gaussian) than q; try the full-rank "
        + "family (--family fullrank)"
      : "the posterior is skewed or heavier-tailed there than a Gaussian in the unconstrained "
        + "space can follow; the estimate errs towards q, so the true gap is likely larger; "
        + "check such sds with MCMC"
    return [
      "importance weighting of \(check.count) independent draws puts the posterior sd of "
        + "\(first.name) \(percent(first.ratio)) \(direction) q's\(others): \(reading)"
    ]
  }

  /// What a high k̂ means for this family.
  func paretoAdvice(_ pareto: ParetoDiagnostic) -> [String] {
    guard pareto.k > 0.7 || !pareto.k.isFinite else { return [] }
    let efficiency = pareto.relativeEffectiveSampleSize
    if efficiency >= 0.9 {
      return [
        "k̂ = \(fixed(pareto.k, decimals: 2)) > 0.7, but the importance ratios vary little "
          + "(efficiency \(fixed(efficiency, decimals: 3))): q matches the posterior where "
          + "its draws fall, and k̂ reflects a far tail of the posterior heavier than q's"
      ]
    }
    if approximation is MeanFieldGaussian {
      return [
        "k̂ = \(fixed(pareto.k, decimals: 2)) > 0.7 with the mean-field family: the posterior "
          + "is more correlated (or further from Gaussian) than q, whose sds are then too "
          + "small; try the full-rank family (--family fullrank)"
      ]
    }
    return [
      "k̂ = \(fixed(pareto.k, decimals: 2)) > 0.7: the posterior is far from Gaussian in the "
        + "unconstrained space (heavy tails, skew or several modes); read q's means and sds "
        + "as rough, and check them with MCMC"
    ]
  }
}
