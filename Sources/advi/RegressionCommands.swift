import ArgumentParser
import Datasets
import Inference

/// The data flags of the regression subcommands.
struct RegressionDataFlags: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "A CSV file with a header row; every column but the target is a feature.",
      valueName: "file"))
  var csv: String

  @Option(help: ArgumentHelp("The name of the target column.", valueName: "column"))
  var target: String

  /// The design (an intercept, then the features as given) and the targets.
  func load() throws -> RegressionData {
    try RegressionData(table: CSVTable(contentsOf: csv), target: target)
  }
}

/// `advi linear-regression`.
struct LinearRegressionCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "linear-regression",
    abstract: "Bayesian linear regression.",
    discussion: """
      y ~ Normal(intercept + Σⱼ βⱼ xⱼ, σ), with priors intercept, βⱼ ~ Normal(0, 1) and \
      σ ~ HalfNormal(1) (or σ fixed by --noise-sd). Features are used as given (standardise \
      them first if their scales differ widely). Outputs are named intercept, the feature \
      column names, and sigma.
      """)

  @OptionGroup var data: RegressionDataFlags
  @OptionGroup var flags: FitFlags

  @Option(help: ArgumentHelp("Fix the noise standard deviation σ instead of inferring it."))
  var noiseSD: Double?

  func validate() throws {
    if let noiseSD, !(noiseSD > 0 && noiseSD.isFinite) {
      throw ValidationError("--noise-sd must be positive, got \(noiseSD)")
    }
  }

  func run() throws {
    try flags.fitAndReport(
      { try LinearRegression(data: data.load(), noiseStandardDeviation: noiseSD) },
      reading: [data.csv])
  }
}

/// `advi logistic-regression`.
struct LogisticRegressionCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "logistic-regression",
    abstract: "Bayesian logistic regression of a 0/1 target.",
    discussion: """
      y ~ Bernoulli(sigmoid(intercept + Σⱼ βⱼ xⱼ)), with priors intercept, βⱼ ~ Normal(0, 1). \
      The target column must hold 0s and 1s. Features are used as given (standardise them \
      first if their scales differ widely). Outputs are named intercept and the feature column \
      names.
      """)

  @OptionGroup var data: RegressionDataFlags
  @OptionGroup var flags: FitFlags

  func run() throws {
    try flags.fitAndReport({ try LogisticRegression(data: data.load()) }, reading: [data.csv])
  }
}

/// `advi eight-schools`.
struct EightSchoolsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "eight-schools",
    abstract: "The eight schools model (Rubin 1981), non-centred; the data are built in.",
    discussion: """
      yⱼ ~ Normal(μ + τ θ̃ⱼ, σⱼ) with the schools' estimated effects yⱼ and standard errors \
      σⱼ, θ̃ⱼ ~ Normal(0, 1), μ ~ Normal(0, 5), τ ~ HalfCauchy(5). Outputs are mu, tau, \
      theta_tilde.1 … theta_tilde.8 and the school effects theta.1 … theta.8 (μ + τ θ̃ⱼ).
      """)

  @OptionGroup var flags: FitFlags

  func validate() throws {
    if flags.batchSize != nil {
      throw ValidationError(
        "--batch-size goes with the regressions: eight-schools has no data rows to share out")
    }
  }

  func run() throws {
    try flags.fitAndReport({ EightSchools() }, reading: [])
  }
}
