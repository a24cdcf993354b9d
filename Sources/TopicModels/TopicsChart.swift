import Visualization

/// A picture of topics: a grid of panels, one per topic, each listing the topic's top words
/// with a bar of length proportional to the word's probability in the topic (scaled to the
/// panel's first word), drawn with Visualization's bitmap font.
public struct TopicsChart {
  /// Each topic's top words with their probabilities, most probable first.
  public var topics: [[(word: String, probability: Double)]]
  /// Panels per row.
  public var columns: Int = 5

  /// A chart of these topics' words, `columns` panels per row.
  public init(topics: [[(word: String, probability: Double)]], columns: Int = 5) {
    self.topics = topics
    self.columns = columns
  }

  /// The top `count` words of each topic of `model`.
  public init(model: any FittedTopicModel, wordsPerTopic count: Int = 10) {
    self.init(
      topics: (0..<model.topicCount).map { topic in
        let probabilities = model.wordProbabilities(ofTopic: topic)
        return model.topWords(ofTopic: topic, count: count).map {
          (model.vocabulary.words[$0], probabilities[$0])
        }
      })
  }

  static let palette: [RGBColor] = [
    RGBColor(hex: 0x4E79A7), RGBColor(hex: 0xF28E2B), RGBColor(hex: 0xE15759),
    RGBColor(hex: 0x76B7B2), RGBColor(hex: 0x59A14F), RGBColor(hex: 0xEDC948),
    RGBColor(hex: 0xB07AA1), RGBColor(hex: 0xFF9DA7), RGBColor(hex: 0x9C755F),
    RGBColor(hex: 0xBAB0AC),
  ]

  /// The picture, drawn at `scale` pixels per font pixel.
  public func image(scale: Int = 2) -> Image {
    let labelCharacters = 14
    let labelWidth = labelCharacters * BitmapFont.advance
    let barWidth = 80
    let panelWidth = labelWidth + barWidth + 24
    let rowHeight = BitmapFont.lineHeight + 2
    let rows = topics.map(\.count).max() ?? 0
    let panelHeight = 2 * BitmapFont.lineHeight + rows * rowHeight + 8
    let panelColumns = max(1, min(columns, topics.count))
    let panelRows = (topics.count + panelColumns - 1) / panelColumns
    var image = Image(
      width: panelColumns * panelWidth + 8, height: max(1, panelRows * panelHeight) + 8)
    for (index, topic) in topics.enumerated() {
      let left = 8 + (index % panelColumns) * panelWidth
      let top = 8 + (index / panelColumns) * panelHeight
      let color = Self.palette[index % Self.palette.count]
      image.drawText("topic \(index + 1)", x: left, y: top, color: RGBColor(grey: 0))
      let largest = topic.first?.probability ?? 1
      for (row, entry) in topic.enumerated() {
        let y = top + BitmapFont.lineHeight + 4 + row * rowHeight
        let label =
          entry.word.count > labelCharacters
          ? String(entry.word.prefix(labelCharacters - 1)) + "." : entry.word
        image.drawText(
          label, x: left + labelWidth - 2, y: y, color: RGBColor(grey: 40), alignment: .right)
        let length = max(1, Int((Double(barWidth) * entry.probability / largest).rounded()))
        image.fillRect(
          x: left + labelWidth + 2, y: y, width: length, height: BitmapFont.capHeight,
          color: color)
      }
    }
    return scale > 1 ? image.upscaled(by: scale) : image
  }
}
