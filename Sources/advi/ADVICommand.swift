import ArgumentParser

/// `advi`: Bayesian inference by ADVI for standard models, without writing Swift.
@main
struct ADVICommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "advi",
    abstract: "Fit Bayesian models by automatic differentiation variational inference (ADVI).",
    discussion: """
      Each subcommand fits one model with a Gaussian approximation q (mean-field by default) \
      by maximising the ELBO with reparameterised gradients, stops by Stan's relative-ELBO \
      rule, prints a summary table of draws from q in the constrained space, and can write \
      the draws as CSV and a JSON summary. The same --seed gives the same numbers.
      """,
    subcommands: [
      LinearRegressionCommand.self, LogisticRegressionCommand.self, EightSchoolsCommand.self,
    ])
}
