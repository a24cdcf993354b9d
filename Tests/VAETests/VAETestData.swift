import Datasets
import Foundation
import TensorCore
import VAE

/// The VAE of the convolutional architecture.
typealias ConvVAE = VariationalAutoencoder<ConvEncoderNetwork, ConvDecoderNetwork>

/// Small real data for end-to-end tests: the first images of Debian's Fashion-MNIST (the test
/// scripts install `dataset-fashion-mnist`).
enum VAETestData {
  static let available = FileManager.default.fileExists(
    atPath: ImageDataset.fashionMNISTDirectory + "/t10k-images-idx3-ubyte.gz")

  static let train: ImageDataset = try! ImageDataset.fashionMNIST(split: .train).prefix(2000)
  static let test: ImageDataset = try! ImageDataset.fashionMNIST(split: .test).prefix(500)

  /// A small MLP model for fast tests.
  static var smallModel: VAEConfiguration {
    var configuration = VAEConfiguration()
    configuration.hiddenSizes = [64]
    configuration.latentDimension = 8
    return configuration
  }

  static func training(epochs: Int, seed: UInt64 = 3) -> TrainingConfiguration {
    var training = TrainingConfiguration()
    training.epochs = epochs
    training.batchSize = 100
    training.seed = seed
    return training
  }

  /// Tiny synthetic images (1 × 2 × 3 unless told) with values in [0, 1], for gradient checks.
  static func tinyImages(
    count: Int, seed: UInt64, rows: Int = 2, columns: Int = 3
  ) -> ImageDataset {
    var generator = Xoshiro256StarStar(seed: seed)
    let pixels = (0..<(count * rows * columns)).map { _ in
      UInt8(truncatingIfNeeded: generator.next())
    }
    return ImageDataset(pixels: pixels, count: count, rows: rows, columns: columns)
  }

  /// The conv architecture on 1 × 4 × 4 images (the smallest it takes), hidden 6, latent 2.
  static var tinyConvModel: VAEConfiguration {
    var configuration = VAEConfiguration()
    configuration.architecture = .conv
    configuration.height = 4
    configuration.width = 4
    configuration.hiddenSizes = [6]
    configuration.latentDimension = 2
    return configuration
  }

  /// A conv VAE of ``tinyConvModel`` drawn from `seed`, `count` tiny 4 × 4 images (from
  /// `imageSeed`) as a flat batch, and noise for one latent draw per image (drawn after the
  /// weights).
  static func tinyConvProblem(seed: UInt64, count: Int, imageSeed: UInt64) -> (
    model: ConvVAE, images: Tensor<Float>, noise: Tensor<Float>
  ) {
    var generator = Xoshiro256StarStar(seed: seed)
    let model = ConvVAE(configuration: tinyConvModel, using: &generator)
    let images = VAEEvaluation.batch(
      tinyImages(count: count, seed: imageSeed, rows: 4, columns: 4), 0..<count)
    let noise = Tensor<Float>(randomNormal: [count, 2], using: &generator)
    return (model, images, noise)
  }

  static var tinyModel: VAEConfiguration {
    var configuration = VAEConfiguration()
    configuration.height = 2
    configuration.width = 3
    configuration.hiddenSizes = [5]
    configuration.latentDimension = 2
    return configuration
  }
}
