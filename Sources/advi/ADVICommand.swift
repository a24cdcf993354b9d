import ArgumentParser
import Distributed

/// `advi`: Bayesian inference by ADVI for standard models, without writing Swift.
@main
struct ADVICommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "advi",
    abstract: "Fit Bayesian models by automatic differentiation variational inference (ADVI).",
    discussion: """
      Each subcommand fits one model with a Gaussian approximation q (mean-field by default) \
      by maximising the ELBO with reparameterised gradients, prints a summary table of draws \
      from q in the constrained space, and can write the draws as CSV and a JSON summary. \
      By default the ELBO is maximised on fixed draws by L-BFGS from the Laplace \
      approximation at the mode, with more draws until the answer stops moving \
      (deterministic ADVI; the report gives the Monte-Carlo error of the means); \
      --algorithm stochastic runs Stan's ADVI (Adam steps, relative-ELBO rule) instead. The \
      same --seed gives the same numbers.
      """,
    subcommands: [
      LinearRegressionCommand.self, LogisticRegressionCommand.self, EightSchoolsCommand.self,
    ])

  /// Runs the command; under `mpirun`, as one of its processes (in a build with MPI), or with
  /// an error that says how to get one (without).
  static func main() {
    mainAcrossProcesses()
  }
}
