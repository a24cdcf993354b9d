import Datasets

/// libFuzzer entry: the bytes of an IDX file, plain or gzip-compressed, read as
/// `IDXFile(contentsOf:)` reads a file. Every malformed input must throw `DatasetError`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDX(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  do {
    let contents = Gzip.isCompressed(bytes) ? try Gzip.decompress(bytes, path: "fuzz") : bytes
    let file = try IDXFile(parsing: contents, path: "fuzz")
    precondition(file.bytes.count == file.dimensions.reduce(1, *))
  } catch {
    _ = error.description
  }
  return 0
}
