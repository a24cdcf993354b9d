import TensorCore

/// A seeded split of a corpus's documents into training and held-out documents.
///
/// The documents are shuffled by a permutation drawn from `Xoshiro256StarStar(seed:)`; the
/// first `heldOutCount` of the permutation are held out and the rest, in permuted order, are
/// for training (so that minibatches of an online fit mix the corpus's documents even when
/// its files come in a sorted order).
public struct CorpusSplit: Sendable, Equatable {
  /// The training documents' indices, in the order a fit visits them.
  public let trainingIndices: [Int]
  /// The held-out documents' indices, in increasing order.
  public let heldOutIndices: [Int]

  /// Splits `documentCount` documents, holding out `heldOutFraction` of them (rounded, and at
  /// least one when the fraction is positive and there are two or more documents).
  public init(documentCount: Int, heldOutFraction: Double, seed: UInt64) throws(TopicModelError) {
    guard heldOutFraction >= 0 && heldOutFraction < 1 else {
      throw TopicModelError(.invalidSetting, path: "--held-out", "must be in [0, 1)")
    }
    var generator = Xoshiro256StarStar(seed: seed)
    let order = generator.permutation(of: documentCount)
    var heldOut = Int((heldOutFraction * Double(documentCount)).rounded())
    if heldOutFraction > 0 && documentCount >= 2 { heldOut = max(heldOut, 1) }
    heldOut = min(heldOut, max(documentCount - 1, 0))
    heldOutIndices = order[0..<heldOut].sorted()
    trainingIndices = Array(order[heldOut...])
  }
}
