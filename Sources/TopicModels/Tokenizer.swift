import TensorCore

/// Splits text into lower-case words: maximal runs of letters (Unicode alphabetic scalars),
/// lower-cased, of at least ``minimumLength`` letters, that are not stop words.
///
/// Digits, punctuation and symbols separate words, so `"x86-64 GTK+3"` gives `["gtk"]` (`"x"`
/// is too short). The default stop list is ``EnglishStopWords/words``; the default minimum
/// length of 2 matches scikit-learn's `CountVectorizer` token pattern `\b\w\w+\b`.
public struct Tokenizer: Sendable {
  /// Words to drop, lower case.
  public var stopWords: Set<String>
  /// The fewest letters a word must have to be kept.
  public var minimumLength: Int

  /// A tokenizer with the built-in English stop list and words of two or more letters.
  public init(stopWords: Set<String> = EnglishStopWords.words, minimumLength: Int = 2) {
    self.stopWords = stopWords
    self.minimumLength = minimumLength
  }

  /// The words of each document, shared between the calling thread and TensorCore's helper
  /// thread (`forEachChunk`; the result does not depend on how the documents are shared).
  public func words(in documents: [Corpus.Document]) -> [[String]] {
    var result = [[String]](repeating: [], count: documents.count)
    result.withUnsafeMutableBufferPointer { result in
      let output = _UncheckedPointer(result.baseAddress!)
      forEachChunk(of: documents.count, minimumChunk: 512) { range in
        for index in range { output.pointer[index] = words(in: documents[index].text) }
      }
    }
    return result
  }

  /// The words of `text`, in order, repeats included.
  public func words(in text: String) -> [String] {
    var result: [String] = []
    var current = String.UnicodeScalarView()
    var letterCount = 0
    func finish() {
      if letterCount >= minimumLength {
        let word = String(current)
        if !stopWords.contains(word) { result.append(word) }
      }
      current.removeAll(keepingCapacity: true)
      letterCount = 0
    }
    for scalar in text.unicodeScalars {
      let value = scalar.value
      if value < 0x80 {
        if value >= 0x61 && value <= 0x7A {
          current.append(scalar)
          letterCount += 1
        } else if value >= 0x41 && value <= 0x5A {
          current.append(Unicode.Scalar(value + 0x20)!)
          letterCount += 1
        } else if letterCount > 0 {
          finish()
        }
      } else if scalar.properties.isAlphabetic {
        current.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
        letterCount += 1
      } else if letterCount > 0 {
        finish()
      }
    }
    if letterCount > 0 { finish() }
    return result
  }
}
