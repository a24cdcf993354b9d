/// Catches a training loss that explodes while staying finite (a learning rate too large can
/// drive the KL to 10²⁹ without ever reaching infinity).
///
/// The rule: from the second batch on, a batch's loss per image `ℓ` trips
/// the detector when
/// ```
/// ℓ − m > factor · max(|m|, 1),   m = median of the last `windowSize` losses per image
/// ```
/// with `factor` = 1000. Normal training moves the loss by percents from batch to batch once
/// past the first few (which only fall), while a diverging run (`--learning-rate 0.3`) climbs
/// by many orders of magnitude. `max(|m|, 1)` keeps the rule meaningful for Gaussian
/// likelihoods, whose losses can be near zero or negative.
struct DivergenceDetector {
  static let factor = 1000.0
  static let windowSize = 50
  static let minimumHistory = 1

  /// The latest losses per image, oldest first.
  private(set) var window: [Double] = []

  /// Records `loss` (per image) and returns the median it is compared with when it trips the
  /// rule (the loss is then not recorded), else `nil`.
  mutating func record(_ loss: Double) -> Double? {
    if window.count >= Self.minimumHistory {
      let sorted = window.sorted()
      let middle = sorted.count / 2
      let median =
        sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
      if loss - median > Self.factor * Swift.max(Swift.abs(median), 1) { return median }
    }
    window.append(loss)
    if window.count > Self.windowSize { window.removeFirst() }
    return nil
  }
}
