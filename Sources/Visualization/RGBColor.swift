/// An opaque 8-bit-per-channel colour in the sRGB colour space.
///
/// Channels are stored as `UInt8` values in the order red, green, blue, which is also the byte
/// order used by ``Image/pixels`` and by RGB PNG files.
public struct RGBColor: Sendable, Hashable, CustomStringConvertible {
  /// The red channel, 0 (none) to 255 (full intensity).
  public var red: UInt8
  /// The green channel, 0 (none) to 255 (full intensity).
  public var green: UInt8
  /// The blue channel, 0 (none) to 255 (full intensity).
  public var blue: UInt8

  /// Creates a colour from its three 8-bit channels.
  public init(red: UInt8, green: UInt8, blue: UInt8) {
    self.red = red
    self.green = green
    self.blue = blue
  }

  /// Creates a grey colour whose three channels all equal `grey` (0 is black, 255 is white).
  public init(grey: UInt8) {
    self.init(red: grey, green: grey, blue: grey)
  }

  /// Creates a colour from a 24-bit `0xRRGGBB` value, e.g. `RGBColor(hex: 0x1F77B4)`.
  ///
  /// Bits above the lowest 24 are ignored.
  public init(hex: UInt32) {
    self.init(
      red: UInt8(truncatingIfNeeded: hex >> 16),
      green: UInt8(truncatingIfNeeded: hex >> 8),
      blue: UInt8(truncatingIfNeeded: hex))
  }

  /// The colour as a 24-bit `0xRRGGBB` value.
  public var hex: UInt32 {
    UInt32(red) << 16 | UInt32(green) << 8 | UInt32(blue)
  }

  /// The colour as `#rrggbb` with lower-case hexadecimal digits.
  public var description: String {
    let digits = String(hex, radix: 16)
    return "#" + String(repeating: "0", count: 6 - digits.count) + digits
  }

  /// Whether the three channels are equal, i.e. the colour is a shade of grey.
  public var isGrey: Bool { red == green && green == blue }

  /// The luma of the colour, `(299 R + 587 G + 114 B) / 1000` rounded to the nearest integer
  /// (ITU-R BT.601 weights); used when an RGB image is stored as greyscale.
  public var luma: UInt8 {
    let weighted = 299 * Int(red) + 587 * Int(green) + 114 * Int(blue)
    return UInt8((weighted + 500) / 1000)
  }

  /// Linearly mixes `self` towards `other`: `fraction` 0 gives `self`, 1 gives `other`.
  ///
  /// `fraction` is clamped to [0, 1] and each channel is rounded to the nearest integer.
  public func blended(with other: RGBColor, fraction: Double) -> RGBColor {
    let t = fraction.isNaN ? 0 : min(max(fraction, 0), 1)
    func mix(_ a: UInt8, _ b: UInt8) -> UInt8 {
      UInt8((Double(a) + (Double(b) - Double(a)) * t).rounded())
    }
    return RGBColor(
      red: mix(red, other.red), green: mix(green, other.green), blue: mix(blue, other.blue))
  }

  /// Pure white, `#ffffff`.
  public static let white = RGBColor(grey: 255)
  /// Pure black, `#000000`.
  public static let black = RGBColor(grey: 0)
  /// A mid grey, `#808080`.
  public static let grey = RGBColor(grey: 128)
  /// A light grey used for plot grid lines, `#e6e6e6`.
  public static let lightGrey = RGBColor(grey: 230)
  /// A dark grey used for plot text and axes, `#333333`.
  public static let darkGrey = RGBColor(grey: 51)

  /// The ten-colour qualitative palette popularised as "tab10" (Tableau 10), in its usual
  /// order: blue, orange, green, red, purple, brown, pink, grey, olive, cyan.
  public static let tab10: [RGBColor] = [
    0x1F77B4, 0xFF7F0E, 0x2CA02C, 0xD62728, 0x9467BD,
    0x8C564B, 0xE377C2, 0x7F7F7F, 0xBCBD22, 0x17BECF,
  ].map { RGBColor(hex: $0) }

  /// A twenty-colour qualitative palette: ``tab10`` followed by ten lighter companions of the
  /// same hues, for plots with more than ten classes.
  public static let tab20: [RGBColor] =
    tab10
    + [
      0xAEC7E8, 0xFFBB78, 0x98DF8A, 0xFF9896, 0xC5B0D5,
      0xC49C94, 0xF7B6D2, 0xC7C7C7, 0xDBDB8D, 0x9EDAE5,
    ].map { RGBColor(hex: $0) }

  /// The colour for category `index` in `palette`, cycling when `index` exceeds the palette
  /// size; negative indices wrap as well. Returns black for an empty palette.
  public static func categorical(_ index: Int, palette: [RGBColor] = tab10) -> RGBColor {
    guard !palette.isEmpty else { return .black }
    let count = palette.count
    return palette[((index % count) + count) % count]
  }
}
