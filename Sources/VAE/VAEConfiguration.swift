/// What a variational autoencoder looks like: its data shape, networks, latent size and
/// likelihood. Saved as `config.json` beside every checkpoint.
///
/// The defaults are the model of the PyTorch VAE example (Kingma & Welling 2014): a 784-400-20
/// MLP with ReLU, a Bernoulli decoder on grey levels, prior N(0, I).
public struct VAEConfiguration: Codable, Equatable, Sendable {
  /// The network family of the encoder and decoder.
  public enum Architecture: String, Codable, CaseIterable, Sendable {
    /// Fully connected layers with ReLU: `input → hidden… → 2·latent` and back.
    case mlp
    /// Two stride-2 convolutions (32 and 64 channels, 3×3, ReLU) and a dense layer, mirrored by
    /// transposed convolutions in the decoder, as in the Keras VAE example.
    case conv
  }

  /// The decoder's distribution p_θ(x | z).
  public enum Likelihood: String, Codable, CaseIterable, Sendable {
    /// Bernoulli with logits; on grey levels x ∈ [0, 1] this is the binary cross-entropy the
    /// PyTorch example uses.
    case bernoulli
    /// Gaussian N(x; μ_θ(z), σ²) with σ fixed at ``VAEConfiguration/fixedStandardDeviation``.
    case gaussian
    /// Gaussian with one learned σ shared by all pixels.
    case gaussianLearnedScale = "gaussian-learned"
    /// Gaussian with a learned σ per pixel.
    case gaussianPerPixelScale = "gaussian-per-pixel"
  }

  /// Image channels, height and width (1 × 28 × 28 for Fashion-MNIST).
  public var channels = 1
  /// Image height in pixels.
  public var height = 28
  /// Image width in pixels.
  public var width = 28
  /// The encoder and decoder networks.
  public var architecture = Architecture.mlp
  /// Hidden layer sizes of the MLP encoder (the decoder mirrors them); for `conv`, the size
  /// of the dense layer after the convolutions.
  public var hiddenSizes = [400]
  /// The dimension of z.
  public var latentDimension = 20
  /// The decoder's distribution p(x | z).
  public var likelihood = Likelihood.bernoulli
  /// σ of the `gaussian` likelihood.
  public var fixedStandardDeviation: Float = 0.1

  /// The defaults: the PyTorch example's MLP VAE on 28 × 28 grey images.
  public init() {}

  /// Pixels per image.
  public var inputSize: Int { channels * height * width }

  /// Checks sizes before any network is built; the message names the field.
  public func validate() throws(VAEError) {
    if channels <= 0 || height <= 0 || width <= 0 {
      throw VAEError.invalidConfiguration(
        "image shape \(channels)×\(height)×\(width) must be positive")
    }
    if latentDimension <= 0 {
      throw VAEError.invalidConfiguration(
        "--latent-dim (latentDimension) must be positive, got \(latentDimension)")
    }
    if hiddenSizes.isEmpty || hiddenSizes.contains(where: { $0 <= 0 }) {
      throw VAEError.invalidConfiguration(
        "--hidden (hiddenSizes) must be positive, got \(hiddenSizes)")
    }
    try validateSize()
    if architecture == .conv && (height % 4 != 0 || width % 4 != 0) {
      throw VAEError.invalidConfiguration(
        "the conv architecture needs height and width divisible by 4, got \(height)×\(width)")
    }
    if !(fixedStandardDeviation > 0) {
      throw VAEError.invalidConfiguration(
        "--sigma (fixedStandardDeviation) must be positive, got \(fixedStandardDeviation)")
    }
  }
}

extension VAEConfiguration {
  /// The most elements a configuration may ask for in one weight matrix: 2³¹ (8 GiB of
  /// `Float`). A model is built from `config.json` before its checkpoint is read.
  public static let maximumWeightCount = 1 << 31

  /// Throws unless the image size and every weight matrix fit: checked on the two widest
  /// layers (at most 4 × the input size for the conv networks' flattened features, the hidden
  /// sizes, 2 × the latent dimension), with overflow detection, as the sizes come from a file.
  func validateSize() throws(VAEError) {
    let pixels = channels.multipliedReportingOverflow(by: height)
    let input = pixels.partialValue.multipliedReportingOverflow(by: width)
    let widest = input.partialValue.multipliedReportingOverflow(by: 4)
    let latent = latentDimension.multipliedReportingOverflow(by: 2)
    guard !pixels.overflow, !input.overflow, !widest.overflow, !latent.overflow else {
      throw VAEError.invalidConfiguration(
        "image shape \(channels)×\(height)×\(width) or latentDimension \(latentDimension) "
          + "is too large")
    }
    var largest = [
      max(widest.partialValue, latent.partialValue), min(widest.partialValue, latent.partialValue),
    ]
    for size in hiddenSizes {
      if size > largest[1] { largest[1] = size }
      if largest[1] > largest[0] { largest.swapAt(0, 1) }
    }
    let weights = largest[0].multipliedReportingOverflow(by: largest[1])
    guard !weights.overflow, weights.partialValue <= Self.maximumWeightCount else {
      throw VAEError.invalidConfiguration(
        "--hidden \(hiddenSizes.map(String.init).joined(separator: ",")) and --latent-dim "
          + "\(latentDimension) on \(channels)×\(height)×\(width) images need a weight matrix "
          + "of more than \(Self.maximumWeightCount) elements (\(Self.maximumWeightCount / (1 << 28)) "
          + "GiB of Float32 for that matrix alone); lower --hidden or --latent-dim")
    }
  }
}

/// A problem with a VAE's configuration, checkpoint, data or training, with a message that
/// names the file, field or flag and says what was expected or what to try.
public enum VAEError: Error, CustomStringConvertible, Equatable {
  /// A model or training setting out of range, or a `config.json` field with an unknown
  /// value; the message names the flag or field.
  case invalidConfiguration(String)
  /// A run directory, or its file at `path`, that cannot be used: missing, not a run, a run
  /// where a new one would start, a file that cannot be read or does not match the model or
  /// the other files (a misshapen tensor, weights that are not finite, another epoch).
  case checkpoint(path: String, message: String)
  /// Images that cannot be used: none at all, or another shape than the model's or than the
  /// other split's.
  case data(String)
  /// Training stopped: the loss or gradient stopped being finite, or the loss exploded while
  /// staying finite; the message gives the epoch and batch and what to try.
  case diverged(String)

  /// The message: what is wrong, naming the file, field or flag.
  public var description: String {
    switch self {
    case .invalidConfiguration(let message): "invalid configuration: \(message)"
    case .checkpoint(let path, let message): "\(path): \(message)"
    case .data(let message): message
    case .diverged(let message): message
    }
  }
}
