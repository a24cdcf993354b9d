import Foundation
import Serialization

extension TopicModelDirectory {
  /// `topics.txt`: one line per topic, `topic N: word word …` (its top `count` words, most
  /// probable first).
  public static func topicsText(_ model: any FittedTopicModel, wordsPerTopic count: Int = 10)
    -> String
  {
    (0..<model.topicCount).map { topic in
      "topic \(topic + 1): "
        + model.topWords(ofTopic: topic, count: count).map { model.vocabulary.words[$0] }
        .joined(separator: " ")
    }.joined(separator: "\n") + "\n"
  }

  /// A CSV of documents' topic proportions: a header `document,split,topic_1,…,topic_K`, then
  /// one row per document (names quoted as CSV needs). `proportions` has K values per row.
  public static func documentTopicsCSV(
    names: [String], split: [String], proportions: [Double], topicCount: Int
  ) -> String {
    var lines = [
      (["document", "split"] + (1...topicCount).map { "topic_\($0)" }).joined(separator: ",")
    ]
    lines.reserveCapacity(names.count + 1)
    for (row, name) in names.enumerated() {
      var fields = [csvField(name), split[row]]
      for k in 0..<topicCount {
        fields.append(String(format: "%.5f", proportions[row * topicCount + k]))
      }
      lines.append(fields.joined(separator: ","))
    }
    return lines.joined(separator: "\n") + "\n"
  }

  static func csvField(_ text: String) -> String {
    if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
      return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
    return text
  }

  /// Writes `text` atomically.
  public static func writeText(_ text: String, toPath path: String) throws {
    try AtomicFile.write(Array(text.utf8), toPath: path)
  }
}
