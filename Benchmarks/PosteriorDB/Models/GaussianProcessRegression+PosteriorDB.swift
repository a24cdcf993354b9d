// posteriordb's `gp_pois_regr-gp_regr` (GaussianProcessRegression.swift) as a PosteriorDBModel.
import Inference

extension GaussianProcessRegression: PosteriorDBModel {
  public static let posteriorName = "gp_pois_regr-gp_regr"

  /// The model of `N`, `x` and `y`.
  public init(data: PosteriorData) throws {
    let count = try data.int("N")
    try self.init(x: data.vector("x", count: count), y: data.vector("y", count: count))
  }
}
