import Datasets

/// libFuzzer entry: the bytes of an `.npy` file, plain or gzip-compressed, read as
/// `NPYFile(contentsOf:)` reads a file, then converted to doubles. Every malformed input must
/// throw `DatasetError`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPY(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  do {
    let contents = Gzip.isCompressed(bytes) ? try Gzip.decompress(bytes, path: "fuzz") : bytes
    let file = try NPYFile(parsing: contents, path: "fuzz")
    precondition(file.doubles().count == file.count)
  } catch {
    _ = error.description
  }
  return 0
}
