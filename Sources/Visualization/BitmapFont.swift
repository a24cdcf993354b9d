/// The small built-in bitmap font used for all text in images and plots.
///
/// Every glyph is 5 pixels wide and 9 rows tall: rows 0–6 hold capitals, digits and the bodies
/// of lower-case letters (the cap height is 7), rows 7–8 hold descenders (g, j, p, q, y, comma,
/// semicolon). Characters advance by 6 pixels (one blank column) and lines by 11 pixels, all
/// multiplied by the integer scale factor passed to the drawing functions. The font covers
/// printable ASCII (space through `~`) plus `×`, `±`, `°`, `µ` and `·`; any other character is
/// drawn as `?`.
public enum BitmapFont {
  /// Width of a glyph's ink box in pixels at scale 1.
  public static let glyphWidth = 5
  /// Height of a glyph box (cap height plus descender) in pixels at scale 1.
  public static let glyphHeight = 9
  /// Height of capitals and digits in pixels at scale 1; rows below it are the descender.
  public static let capHeight = 7
  /// Horizontal distance between the left edges of consecutive glyphs at scale 1.
  public static let advance = 6
  /// Vertical distance between the tops of consecutive lines at scale 1.
  public static let lineHeight = 11

  /// The rows of the glyph drawn for `character`: `glyphHeight` values whose bit 4 is the
  /// leftmost column and bit 0 the rightmost. Unknown characters get the glyph of `?`.
  public static func rows(for character: Character) -> [UInt8] {
    glyphs[character] ?? glyphs["?"]!
  }

  /// Whether the font has its own glyph for `character` (otherwise `?` is drawn).
  public static func hasGlyph(for character: Character) -> Bool {
    glyphs[character] != nil
  }

  /// The size in pixels of `text` drawn at integer `scale`: the width of the longest line
  /// (`advance` per character minus the trailing blank column) and the height of all lines
  /// (`lineHeight` per line break plus one `glyphHeight`). Lines are separated by `"\n"`.
  /// Empty text measures 0 × 0.
  public static func size(of text: String, scale: Int = 1) -> (width: Int, height: Int) {
    guard !text.isEmpty else { return (0, 0) }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let longest = lines.map(\.count).max() ?? 0
    let width = longest == 0 ? 0 : (longest * advance - 1) * scale
    let height = ((lines.count - 1) * lineHeight + glyphHeight) * scale
    return (width, height)
  }

  /// Glyph bitmaps keyed by character, parsed once from ``glyphSource``.
  private static let glyphs: [Character: [UInt8]] = {
    var table: [Character: [UInt8]] = [:]
    for (character, pattern) in glyphSource {
      var rows = pattern.split(separator: " ").map { UInt8($0, radix: 2)! }
      rows += [UInt8](repeating: 0, count: glyphHeight - rows.count)
      table[character] = rows
    }
    return table
  }()

  /// Hand-drawn glyphs: each row is five binary digits (1 = ink) from top to bottom; rows
  /// omitted at the end are blank.
  private static let glyphSource: [(Character, String)] = [
    (" ", ""),
    ("!", "00100 00100 00100 00100 00100 00000 00100"),
    ("\"", "01010 01010 01010"),
    ("#", "01010 01010 11111 01010 11111 01010 01010"),
    ("$", "00100 01111 10100 01110 00101 11110 00100"),
    ("%", "11000 11001 00010 00100 01000 10011 00011"),
    ("&", "01100 10010 10100 01000 10101 10010 01101"),
    ("'", "00100 00100 01000"),
    ("(", "00100 01000 01000 01000 01000 01000 00100"),
    (")", "00100 00010 00010 00010 00010 00010 00100"),
    ("*", "00000 00100 10101 01110 10101 00100"),
    ("+", "00000 00100 00100 11111 00100 00100"),
    (",", "00000 00000 00000 00000 00000 00110 00110 00010 00100"),
    ("-", "00000 00000 00000 11111"),
    (".", "00000 00000 00000 00000 00000 01100 01100"),
    ("/", "00000 00001 00010 00100 01000 10000"),
    ("0", "01110 10001 10011 10101 11001 10001 01110"),
    ("1", "00100 01100 00100 00100 00100 00100 01110"),
    ("2", "01110 10001 00001 00010 00100 01000 11111"),
    ("3", "11111 00010 00100 00010 00001 10001 01110"),
    ("4", "00010 00110 01010 10010 11111 00010 00010"),
    ("5", "11111 10000 11110 00001 00001 10001 01110"),
    ("6", "00110 01000 10000 11110 10001 10001 01110"),
    ("7", "11111 00001 00010 00100 01000 01000 01000"),
    ("8", "01110 10001 10001 01110 10001 10001 01110"),
    ("9", "01110 10001 10001 01111 00001 00010 01100"),
    (":", "00000 01100 01100 00000 01100 01100"),
    (";", "00000 01100 01100 00000 00000 01100 01100 00100 01000"),
    ("<", "00010 00100 01000 10000 01000 00100 00010"),
    ("=", "00000 00000 11111 00000 11111"),
    (">", "01000 00100 00010 00001 00010 00100 01000"),
    ("?", "01110 10001 00001 00010 00100 00000 00100"),
    ("@", "01110 10001 00001 01101 10101 10101 01110"),
    ("A", "01110 10001 10001 11111 10001 10001 10001"),
    ("B", "11110 10001 10001 11110 10001 10001 11110"),
    ("C", "01110 10001 10000 10000 10000 10001 01110"),
    ("D", "11100 10010 10001 10001 10001 10010 11100"),
    ("E", "11111 10000 10000 11110 10000 10000 11111"),
    ("F", "11111 10000 10000 11110 10000 10000 10000"),
    ("G", "01110 10001 10000 10111 10001 10001 01111"),
    ("H", "10001 10001 10001 11111 10001 10001 10001"),
    ("I", "01110 00100 00100 00100 00100 00100 01110"),
    ("J", "00111 00010 00010 00010 00010 10010 01100"),
    ("K", "10001 10010 10100 11000 10100 10010 10001"),
    ("L", "10000 10000 10000 10000 10000 10000 11111"),
    ("M", "10001 11011 10101 10101 10001 10001 10001"),
    ("N", "10001 10001 11001 10101 10011 10001 10001"),
    ("O", "01110 10001 10001 10001 10001 10001 01110"),
    ("P", "11110 10001 10001 11110 10000 10000 10000"),
    ("Q", "01110 10001 10001 10001 10101 10010 01101"),
    ("R", "11110 10001 10001 11110 10100 10010 10001"),
    ("S", "01111 10000 10000 01110 00001 00001 11110"),
    ("T", "11111 00100 00100 00100 00100 00100 00100"),
    ("U", "10001 10001 10001 10001 10001 10001 01110"),
    ("V", "10001 10001 10001 10001 10001 01010 00100"),
    ("W", "10001 10001 10001 10101 10101 10101 01010"),
    ("X", "10001 10001 01010 00100 01010 10001 10001"),
    ("Y", "10001 10001 10001 01010 00100 00100 00100"),
    ("Z", "11111 00001 00010 00100 01000 10000 11111"),
    ("[", "01110 01000 01000 01000 01000 01000 01110"),
    ("\\", "00000 10000 01000 00100 00010 00001"),
    ("]", "01110 00010 00010 00010 00010 00010 01110"),
    ("^", "00100 01010 10001"),
    ("_", "00000 00000 00000 00000 00000 00000 00000 11111"),
    ("`", "01000 00100 00010"),
    ("a", "00000 00000 01110 00001 01111 10001 01111"),
    ("b", "10000 10000 10110 11001 10001 10001 11110"),
    ("c", "00000 00000 01110 10000 10000 10001 01110"),
    ("d", "00001 00001 01101 10011 10001 10001 01111"),
    ("e", "00000 00000 01110 10001 11111 10000 01110"),
    ("f", "00110 01001 01000 11100 01000 01000 01000"),
    ("g", "00000 00000 01111 10001 10001 10001 01111 00001 01110"),
    ("h", "10000 10000 10110 11001 10001 10001 10001"),
    ("i", "00100 00000 01100 00100 00100 00100 01110"),
    ("j", "00010 00000 00110 00010 00010 00010 00010 10010 01100"),
    ("k", "10000 10000 10010 10100 11000 10100 10010"),
    ("l", "01100 00100 00100 00100 00100 00100 01110"),
    ("m", "00000 00000 11010 10101 10101 10101 10101"),
    ("n", "00000 00000 10110 11001 10001 10001 10001"),
    ("o", "00000 00000 01110 10001 10001 10001 01110"),
    ("p", "00000 00000 11110 10001 10001 10001 11110 10000 10000"),
    ("q", "00000 00000 01111 10001 10001 10001 01111 00001 00001"),
    ("r", "00000 00000 10110 11001 10000 10000 10000"),
    ("s", "00000 00000 01111 10000 01110 00001 11110"),
    ("t", "01000 01000 11100 01000 01000 01001 00110"),
    ("u", "00000 00000 10001 10001 10001 10011 01101"),
    ("v", "00000 00000 10001 10001 10001 01010 00100"),
    ("w", "00000 00000 10001 10001 10101 10101 01010"),
    ("x", "00000 00000 10001 01010 00100 01010 10001"),
    ("y", "00000 00000 10001 10001 10001 10001 01111 00001 01110"),
    ("z", "00000 00000 11111 00010 00100 01000 11111"),
    ("{", "00010 00100 00100 01000 00100 00100 00010"),
    ("|", "00100 00100 00100 00100 00100 00100 00100"),
    ("}", "01000 00100 00100 00010 00100 00100 01000"),
    ("~", "00000 00000 01000 10101 00010"),
    ("×", "00000 10001 01010 00100 01010 10001"),
    ("±", "00100 00100 11111 00100 00100 00000 11111"),
    ("°", "01100 10010 10010 01100"),
    ("µ", "00000 00000 10001 10001 10001 10011 11101 10000 10000"),
    ("·", "00000 00000 00000 01100 01100"),
  ]
}
