import Datasets

/// The data a run was trained on, saved in `config.json` so that every later command uses the
/// same data by default and can tell when it is given other data.
///
/// `source` is a data set's name (`fashion-mnist`) or the absolute path of a directory of IDX
/// files or a `.npy`/`.csv` matrix; `testSource` the path of `--test-data`. The fingerprints
/// (image count and a hash of the first images) tell whether data found at the same place
/// later is still the same.
public struct VAEDataRecord: Codable, Equatable, Sendable {
  /// A summary of a set of images: their count and an FNV-1a hash of the first
  /// ``hashedImages`` images' pixels, as 16 hexadecimal digits.
  public struct Fingerprint: Codable, Equatable, Sendable, CustomStringConvertible {
    /// The number of images.
    public var images: Int
    /// The hash of the first ``hashedImages`` images, 16 hexadecimal digits.
    public var hash: String

    /// How many images the hash covers.
    public static let hashedImages = 100

    /// A fingerprint from its parts.
    public init(images: Int, hash: String) {
      self.images = images
      self.hash = hash
    }

    /// The fingerprint of `data`.
    public init(of data: ImageDataset) {
      var hash: UInt64 = 0xcbf2_9ce4_8422_2325
      let bytes = Swift.min(data.count, Self.hashedImages) * data.pixelsPerImage
      for index in 0..<bytes {
        hash = (hash ^ UInt64(data.pixels[index])) &* 0x100_0000_01b3
      }
      let digits = String(hash, radix: 16)
      self.init(
        images: data.count, hash: String(repeating: "0", count: 16 - digits.count) + digits)
    }

    /// "N images, hash H".
    public var description: String { "\(images) images, hash \(hash)" }
  }

  /// `fashion-mnist`, or the absolute path of `--data`.
  public var source: String
  /// The absolute path of `--test-data`, if given.
  public var testSource: String?
  /// Image height and width.
  public var imageShape: [Int]
  /// The fraction of a matrix file held out as the test set when there is no `testSource`.
  public var testFraction: Double?
  /// `--limit-train`, if given.
  public var limitTrain: Int?
  /// The training images (after the limit) and the test images.
  public var training: Fingerprint
  /// The test images, if any.
  public var test: Fingerprint?

  /// A record of the data of a run.
  public init(
    source: String, testSource: String? = nil, imageShape: [Int], testFraction: Double? = nil,
    limitTrain: Int? = nil, training: Fingerprint, test: Fingerprint? = nil
  ) {
    self.source = source
    self.testSource = testSource
    self.imageShape = imageShape
    self.testFraction = testFraction
    self.limitTrain = limitTrain
    self.training = training
    self.test = test
  }

  /// `rows × columns`.
  public var shapeDescription: String {
    imageShape.map(String.init).joined(separator: " × ")
  }
}
