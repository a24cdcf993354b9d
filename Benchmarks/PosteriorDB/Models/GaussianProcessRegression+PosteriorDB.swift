// `gp_pois_regr-gp_regr` is modelled by `GaussianProcessRegression`
// (GaussianProcessRegression.swift), written on another branch. Once that file is merged,
// define POSTERIORDB_GAUSSIAN_PROCESS for this target (the commented line in Package.swift) to
// compile this conformance and its entry in `posteriorDBModels`.
#if POSTERIORDB_GAUSSIAN_PROCESS
  import Inference

  extension GaussianProcessRegression: PosteriorDBModel {
    public static let posteriorName = "gp_pois_regr-gp_regr"

    /// The model of `N`, `x` and `y`.
    public init(data: PosteriorData) throws {
      let count = try data.int("N")
      try self.init(x: data.vector("x", count: count), y: data.vector("y", count: count))
    }
  }
#endif
