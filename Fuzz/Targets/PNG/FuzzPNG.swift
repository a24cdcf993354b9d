import Visualization

/// libFuzzer entry: the bytes of a PNG file, validated and decoded as
/// `PNG.read(contentsOfFile:)` does. Every malformed input must throw `PNGError`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPNG(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  do {
    let decoded = try PNG.decode(bytes, source: "fuzz")
    precondition(
      decoded.samples.count == decoded.width * decoded.height * decoded.colorType.channels)
    _ = decoded.image
  } catch {
    _ = error.description
  }
  return 0
}
