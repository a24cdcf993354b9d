import Datasets
import TensorCore
import Visualization

/// The pictures people look at after training: prior samples, reconstructions, latent
/// interpolations, a latent map and training curves.
public enum VAEPictures {
  static func grid(_ configuration: VAEConfiguration, columns: Int) -> ImageGrid {
    ImageGrid(
      tileHeight: configuration.height, tileWidth: configuration.width,
      channels: configuration.channels, columns: columns, padding: 2, scale: 2)
  }

  static func tiles(_ images: Tensor<Float>) -> [[Float]] {
    let size = images.shape[1]
    let scalars = images.scalars
    return (0..<images.shape[0]).map { Array(scalars[($0 * size)..<(($0 + 1) * size)]) }
  }

  /// New images: the decoder's mean for z ~ N(0, I), `count` of them in `columns` columns.
  public static func samples<E, D>(
    from model: VariationalAutoencoder<E, D>, count: Int = 64, columns: Int = 8,
    using generator: inout some RandomNumberGenerator
  ) throws -> Image {
    let z = Tensor<Float>(
      randomNormal: [count, model.configuration.latentDimension], using: &generator)
    var grid = grid(model.configuration, columns: columns)
    grid.caption = "samples: decoder mean for z ~ N(0, I)"
    return try grid.render(tiles(model.decodedMean(z)))
  }

  /// The first `count` images of `data` (a row of inputs) above their reconstructions
  /// (the decoder's mean at z = μ_φ(x)), in rows of `columns`.
  public static func reconstructions<E, D>(
    from model: VariationalAutoencoder<E, D>, of data: ImageDataset, count: Int = 8,
    columns: Int = 8
  ) throws -> Image {
    let x = VAEEvaluation.batch(data, 0..<Swift.min(count, data.count))
    let reconstructed = model.decodedMean(model.encode(x).mean)
    return try grid(model.configuration, columns: columns).render(
      pairs: tiles(x), tiles(reconstructed), layout: .alternatingRows,
      labels: ("input", "recon."))
  }

  /// For `pairs` pairs of consecutive images of `data`, the decoded means along the straight
  /// line between their posterior means, `steps` points per row, endpoints included.
  public static func interpolations<E, D>(
    from model: VariationalAutoencoder<E, D>, of data: ImageDataset, steps: Int = 10,
    pairs: Int = 6
  ) throws -> Image {
    let pairCount = Swift.min(pairs, data.count / 2)
    let means = model.encode(VAEEvaluation.batch(data, 0..<(2 * pairCount))).mean
    var rows: [[[Float]]] = []
    for pair in 0..<pairCount {
      let start = means.rows((2 * pair)..<(2 * pair + 1))
      let end = means.rows((2 * pair + 1)..<(2 * pair + 2))
      let weights = Tensor<Float>(
        shape: [steps, 1], scalars: (0..<steps).map { Float($0) / Float(Swift.max(1, steps - 1)) })
      let path = start + weights * (end - start)
      rows.append(tiles(model.decodedMean(path)))
    }
    var grid = grid(model.configuration, columns: steps)
    grid.caption = "latent interpolations between pairs of test images"
    return try grid.render(rows: rows)
  }

  /// The posterior means of the first `limit` images of `data` as a scatter plot coloured by
  /// label: the two latent coordinates when the latent space is 2-D, otherwise the first two
  /// principal components. The legend shows `labelNames` (by default the labels' numbers);
  /// data without labels is drawn in one colour without a legend.
  public static func latentMap<E, D>(
    from model: VariationalAutoencoder<E, D>, of data: ImageDataset, limit: Int = 5000,
    labelNames: [Int: String] = [:]
  ) -> Image {
    let means = VAEEvaluation.latentMeans(of: model, on: data, limit: limit).means
    let (coordinates, axes) = projection(of: means)
    var plot = ScatterPlot(
      title: "latent means of \(means.shape[0]) images", xLabel: axes.0, yLabel: axes.1)
    plot.labelNames = labelNames
    plot.showsLegend = data.labels != nil
    let labels = (0..<means.shape[0]).map { data.label(at: $0).map(Int.init) ?? 0 }
    let values = coordinates.scalars
    plot.addPoints(
      x: stride(from: 0, to: values.count, by: 2).map { Double(values[$0]) },
      y: stride(from: 1, to: values.count, by: 2).map { Double(values[$0]) }, labels: labels)
    return plot.render()
  }

  /// `points` projected to 2-D: unchanged when already 2-D, else onto the first two principal
  /// components (eigenvectors of the covariance, by power iteration with deflation).
  public static func projection(
    of points: Tensor<Float>
  ) -> (coordinates: Tensor<Float>, axes: (String, String)) {
    let dimension = points.shape[1]
    if dimension <= 2 {
      let padded =
        dimension == 2
        ? points
        : Tensor(
          concatenating: [points, Tensor(zeros: [points.shape[0], 2 - dimension])], alongAxis: 1)
      return (padded, ("z₁", "z₂"))
    }
    let data = Tensor<Double>(points)
    let centered = data - data.mean(alongAxes: [0])
    var covariance = matmul(centered, transposed: true, centered) / Double(points.shape[0])
    var components: [Tensor<Double>] = []
    for _ in 0..<2 {
      var vector = Tensor<Double>(
        repeating: 1 / Double(dimension).squareRoot(), shape: [dimension, 1])
      for _ in 0..<500 {
        let next = matmul(covariance, vector)
        let norm = Double.sqrt(next.squared().sum().scalarized())
        guard norm > 0 else { break }
        vector = next / norm
      }
      let eigenvalue = matmul(vector, transposed: true, matmul(covariance, vector)).scalarized()
      covariance =
        covariance - eigenvalue * matmul(vector, transposed: false, vector, transposed: true)
      components.append(vector)
    }
    let basis = Tensor(concatenating: components, alongAxis: 1)
    return (Tensor<Float>(matmul(centered, basis)), ("PC 1", "PC 2"))
  }

  /// Training curves per epoch: the training objective under its own name, the train
  /// negative ELBO when the objective is something else (β-weighted, warm-up), and the test
  /// negative ELBO.
  public static func curves(_ metrics: [EpochMetrics]) -> Image {
    let epochs = metrics.map { Double($0.epoch) }
    let names = Set(metrics.map(\.objective))
    let plain = names == [EpochMetrics.negativeELBOName]
    var plot = LinePlot(
      title: plain ? "negative ELBO (nats per image)" : "training curves (nats per image)",
      xLabel: "epoch", yLabel: "nats")
    // The plot's font has no Greek letters.
    let name = (names.count == 1 ? names.first! : "objective").split(
      separator: "β", omittingEmptySubsequences: false
    ).joined(separator: "beta")
    let objective = plain ? "train" : "train " + name
    plot.addSeries(objective, x: epochs, y: metrics.map(\.trainObjective), showsMarkers: true)
    let elbo = metrics.filter { $0.trainNegativeELBO != nil }
    if !plain && !elbo.isEmpty {
      plot.addSeries(
        "train negative ELBO", x: elbo.map { Double($0.epoch) },
        y: elbo.map { $0.trainNegativeELBO! }, showsMarkers: true)
    }
    let tested = metrics.filter { $0.testNegativeELBO != nil }
    if !tested.isEmpty {
      plot.addSeries(
        plain ? "test" : "test negative ELBO", x: tested.map { Double($0.epoch) },
        y: tested.map { $0.testNegativeELBO! }, showsMarkers: true)
    }
    return plot.render()
  }
}
