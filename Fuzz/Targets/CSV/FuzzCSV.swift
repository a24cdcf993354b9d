import Datasets

/// libFuzzer entry: the bytes of a CSV file, plain or gzip-compressed, read as
/// `CSVTable(contentsOf:)` reads a file. Every malformed input must throw `DatasetError`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  do {
    let contents = Gzip.isCompressed(bytes) ? try Gzip.decompress(bytes, path: "fuzz") : bytes
    let table = try CSVTable(parsing: contents, path: "fuzz")
    precondition(table.values.count == table.rowCount * table.columnCount)
    _ = try table.matrix(excluding: Array(table.columnNames.prefix(1)))
  } catch {
    _ = error.description
  }
  return 0
}
