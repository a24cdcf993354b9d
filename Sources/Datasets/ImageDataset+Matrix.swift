/// Images from a matrix file: one image per row of a `.npy` array or a `.csv` table.
extension ImageDataset {
  /// Reads images from a NumPy `.npy` file (shape `[count, rows, columns]`, or
  /// `[count, pixels]`) or a CSV file (a header row, then one image per row; a column named
  /// `label` is taken as the labels).
  ///
  /// Pixels are kept as bytes, as for IDX files: values that are all whole numbers in 0…255
  /// are taken as grey levels; values that all lie in [0, 1] are scaled by 255 and rounded to
  /// the nearest level (a change of at most 1/510, below the precision of an 8-bit image).
  /// Anything else is refused, naming the first offending value.
  ///
  /// - Parameters:
  ///   - path: the `.npy` or `.csv` file.
  ///   - shape: the image height and width for flat rows; by default one row of pixels
  ///     (`1 × pixels`), or the array's last two dimensions for a 3-D `.npy` array.
  public static func matrix(
    contentsOf path: String, shape: (rows: Int, columns: Int)? = nil
  ) throws(DatasetError) -> ImageDataset {
    let values: [Double]
    var labels: [UInt8]?
    var dimensions: [Int]
    if path.lowercased().hasSuffix(".npy") {
      let file = try NPYFile(contentsOf: path)
      guard file.shape.count == 2 || file.shape.count == 3 else {
        throw DatasetError(
          .wrongDimensionCount, path: path, field: "shape",
          message: "expected 2 (images × pixels) or 3 (images × rows × columns) dimensions, "
            + "found shape \(file.shape)")
      }
      values = file.doubles()
      dimensions = file.shape
    } else if path.lowercased().hasSuffix(".csv") || path.lowercased().hasSuffix(".csv.gz") {
      let table = try CSVTable(contentsOf: path)
      if table.columnNames.contains("label") {
        let column = try table.column(named: "label")
        labels = try column.enumerated().map { (row, value) throws(DatasetError) -> UInt8 in
          guard value >= 0 && value <= 255 && value.rounded() == value else {
            throw DatasetError(
              .invalidArgument, path: path, line: row + 2, columnName: "label",
              message: "labels must be whole numbers in 0…255, found \(value)")
          }
          return UInt8(value)
        }
      }
      values = try table.matrix(excluding: labels == nil ? [] : ["label"])
      dimensions = [table.rowCount, table.columnCount - (labels == nil ? 0 : 1)]
    } else {
      throw DatasetError(
        .invalidArgument, path: path,
        message: "expected a .npy or .csv file (or a directory of IDX files)")
    }
    let count = dimensions[0]
    let pixels = dimensions.dropFirst().reduce(1, *)
    let (rows, columns) =
      shape ?? (dimensions.count == 3 ? (dimensions[1], dimensions[2]) : (1, pixels))
    guard rows * columns == pixels, count > 0, pixels > 0 else {
      throw DatasetError(
        .invalidArgument, path: path,
        message: "\(count) images of \(pixels) values do not make \(rows) × \(columns) images")
    }
    let wholeLevels = values.allSatisfy { $0 >= 0 && $0 <= 255 && $0.rounded() == $0 }
    let unitInterval = values.allSatisfy { $0 >= 0 && $0 <= 1 }
    guard wholeLevels || unitInterval else {
      let index = values.firstIndex { !($0 >= 0 && $0 <= 255) || $0.rounded() != $0 }!
      throw DatasetError(
        .invalidArgument, path: path, line: nil, column: index % pixels + 1,
        message: "image \(index / pixels + 1) has value \(values[index]); expected grey levels "
          + "0…255 or intensities in [0, 1]")
    }
    // Data of only 0s and 1s is taken as intensities: binary images, black and white.
    let scale = unitInterval ? 255.0 : 1.0
    let bytes = values.map { UInt8(($0 * scale).rounded()) }
    return ImageDataset(pixels: bytes, labels: labels, count: count, rows: rows, columns: columns)
  }

  /// The last `fraction` of the images as a held-out set, and the rest.
  public func split(holdingOut fraction: Double) -> (training: ImageDataset, heldOut: ImageDataset)
  {
    let heldOut = Swift.max(1, Int((Double(count) * fraction).rounded()))
    let first = Swift.max(0, count - heldOut)
    return (subset(0..<first), subset(first..<count))
  }
}
