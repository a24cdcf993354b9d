import Inference

/// A posterior of posteriordb (Magnusson et al., "posteriordb: testing, benchmarking and
/// developing Bayesian inference algorithms", 2024) written as a ``ProbabilisticModel``: the
/// Stan program's priors, constraints and likelihood, with its data read from the posterior's
/// `data.json`.
///
/// Parameters and derived quantities are named as in the posterior's `reference.json`
/// (`beta[1]`, `sigma`, …; see ``stanElementNames(_:count:)``), so that draws can be compared
/// with the reference by column name.
public protocol PosteriorDBModel: ProbabilisticModel {
  /// posteriordb's name, the folder name, e.g. "kidiq-kidscore_momiq".
  static var posteriorName: String { get }
  /// The model of the folder's data.json.
  init(data: PosteriorData) throws
}

extension PosteriorDBModel {
  /// The model of `root/<posteriorName>/data.json`.
  ///
  /// - Throws: ``PosteriorDataError`` for a missing or malformed file or field.
  public static func load(fromRoot root: String) throws -> Self {
    try Self(data: PosteriorData(contentsOf: "\(root)/\(posteriorName)/data.json"))
  }
}

/// Every posterior with a model here, in the order of the benchmark's table.
public var posteriorDBModels: [any PosteriorDBModel.Type] {
  [
    ARMA11.self,
    EarningsHeight.self,
    LogEarningsInteraction.self,
    GARCH11.self,
    GaussianProcessRegression.self,
    KidScoreInteraction.self,
    KidScoreMomIQ.self,
    Kilpisjarvi.self,
    LowDimensionalGaussianMixture.self,
    LogMesquiteVolume.self,
    NES1972.self,
    SimpleBayesianLinearRegression.self,
  ]
}

/// The model of posteriordb's posterior `name`, or nil when there is none here.
public func posteriorDBModel(named name: String) -> (any PosteriorDBModel.Type)? {
  posteriorDBModels.first { $0.posteriorName == name }
}

/// Stan's names for the scalars of a vector parameter, `name[1]`, …, `name[count]`, as
/// posteriordb's reference posteriors name them.
public func stanElementNames(_ name: String, count: Int) -> [String] {
  (1...count).map { "\(name)[\($0)]" }
}
