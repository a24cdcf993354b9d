import Foundation

/// Normalised pointwise mutual information (NPMI; Bouma 2009, as a topic-coherence measure in
/// Lau, Newman & Baldwin 2014) of a topic's top words, from document co-occurrence in a
/// reference corpus (here the held-out documents).
///
/// With D documents, D(w) of them containing w and D(w, v) containing both,
/// p(w) = D(w)/D and p(w, v) = D(w, v)/D:
/// ```
/// NPMI(w, v) = log(p(w, v) / (p(w) p(v))) / (−log p(w, v))
/// ```
/// in [−1, 1]; a pair that never occurs together scores −1, and a pair in every document 1
/// (the limit). A topic's coherence is the mean over the pairs of its top words (45 pairs for
/// 10 words).
public enum TopicCoherence {
  /// The mean NPMI over the pairs of `words` (vocabulary indices) in `documents`.
  public static func normalizedPMI(of words: [Int], in documents: DocumentTermMatrix) -> Double {
    normalizedPMI(ofTopics: [words], in: documents)[0]
  }

  /// The mean NPMI of each topic's `words`, counting co-occurrence in one pass over
  /// `documents`.
  public static func normalizedPMI(ofTopics topics: [[Int]], in documents: DocumentTermMatrix)
    -> [Double]
  {
    // The documents containing each word that is some topic's top word.
    var containing: [Int: [Int]] = [:]
    for words in topics { for word in words { containing[word] = [] } }
    for document in 0..<documents.documentCount {
      for entry in documents.rowStarts[document]..<documents.rowStarts[document + 1] {
        let word = Int(documents.termIndices[entry])
        if containing[word] != nil { containing[word]!.append(document) }
      }
    }
    let total = Double(documents.documentCount)
    return topics.map { words in
      var sum = 0.0
      var pairs = 0
      for i in 0..<words.count {
        for j in (i + 1)..<max(words.count, i + 1) {
          sum += pairScore(
            containing[words[i]]!, containing[words[j]]!, documentCount: total)
          pairs += 1
        }
      }
      return pairs == 0 ? 0 : sum / Double(pairs)
    }
  }

  /// NPMI of two words from the sorted lists of the documents containing each.
  static func pairScore(_ first: [Int], _ second: [Int], documentCount: Double) -> Double {
    var both = 0
    var i = 0
    var j = 0
    while i < first.count && j < second.count {
      if first[i] == second[j] {
        both += 1
        i += 1
        j += 1
      } else if first[i] < second[j] {
        i += 1
      } else {
        j += 1
      }
    }
    if both == 0 { return -1 }
    let joint = Double(both) / documentCount
    if joint >= 1 { return 1 }
    let pmi = Foundation.log(
      joint / (Double(first.count) / documentCount * Double(second.count) / documentCount))
    return pmi / -Foundation.log(joint)
  }
}
