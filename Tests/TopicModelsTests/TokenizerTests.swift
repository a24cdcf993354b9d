import Testing

@testable import TopicModels

@Suite struct TokenizerTests {
  @Test func lowerCaseLettersWithoutStopWords() {
    let words = Tokenizer().words(in: "The x86-64 GTK+3 Toolkit's widgets, ÉCOLE and the café!")
    #expect(words == ["gtk", "toolkit", "widgets", "école", "café"])
  }
}
