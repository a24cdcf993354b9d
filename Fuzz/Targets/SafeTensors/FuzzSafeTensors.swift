import Serialization

/// libFuzzer entry: the bytes of a safetensors file, read as `SafeTensors.read(contentsOfFile:)`
/// reads a file. Every malformed input must throw `SafeTensorsError`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafeTensors(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  do {
    let archive = try SafeTensorsArchive(bytes: bytes, path: "fuzz")
    for (name, entry) in archive.entries {
      switch entry {
      case .float: _ = try archive.float(name)
      case .double: _ = try archive.double(name)
      }
    }
  } catch {
    _ = error.description
  }
  return 0
}
