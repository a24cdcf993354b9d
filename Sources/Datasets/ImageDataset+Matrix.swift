/// Images from a matrix file: one image per row of a `.npy` array or a `.csv` table.
extension ImageDataset {
  /// Reads images from a NumPy `.npy` file (shape `[count, rows, columns]`, or
  /// `[count, pixels]`) or a CSV file (one image per row; a column named `label` is taken as
  /// the labels).
  ///
  /// A CSV file's header is optional: a first line whose every field is a number is read as
  /// the first image (with a note), any other first line as the column names
  /// (``CSVTable/Header/detected``).
  ///
  /// Flat rows of `pixels` values without a `shape` are square images when `pixels` is a
  /// perfect square (784 values make 28 × 28 images; with a note), and are refused otherwise.
  ///
  /// Pixels are kept as bytes, as for IDX files: values that are all whole numbers in 0…255
  /// are taken as grey levels; values that all lie in [0, 1] are scaled by 255 and rounded to
  /// the nearest level (a change of at most 1/510, below the precision of an 8-bit image).
  /// Anything else is refused, naming the first offending value.
  ///
  /// - Parameters:
  ///   - path: the `.npy` or `.csv` file.
  ///   - shape: the image height and width for flat rows; by default square images, or the
  ///     array's last two dimensions for a 3-D `.npy` array.
  ///   - note: receives what was inferred (a CSV without header, a square image shape).
  public static func matrix(
    contentsOf path: String, shape: (rows: Int, columns: Int)? = nil,
    note: (String) -> Void = { _ in }
  ) throws(DatasetError) -> ImageDataset {
    let (values, labels, dimensions) = try readMatrix(path, note: note)
    let count = dimensions[0]
    let pixels = dimensions.dropFirst().reduce(1, *)
    guard count > 0 else {
      throw DatasetError(
        .emptyFile, path: path,
        message: "has no images"
          + (path.lowercased().hasSuffix(".npy") ? " (shape \(dimensions))" : " (only a header)"))
    }
    let rows: Int
    let columns: Int
    if let shape {
      (rows, columns) = shape
    } else if dimensions.count == 3 {
      (rows, columns) = (dimensions[1], dimensions[2])
    } else {
      let side = Int(Double(pixels).squareRoot().rounded())
      guard side * side == pixels else {
        throw DatasetError(
          .invalidArgument, path: path,
          message: "rows of \(pixels) values are not square images: give the image shape "
            + "(--image-shape ROWSxCOLUMNS)")
      }
      (rows, columns) = (side, side)
      note("\(path): rows of \(pixels) values taken as \(side) × \(side) images")
    }
    guard rows * columns == pixels, pixels > 0 else {
      throw DatasetError(
        .invalidArgument, path: path,
        message: "\(count) images of \(pixels) values do not make \(rows) × \(columns) images")
    }
    let bytes = try greyLevels(values, pixelsPerImage: pixels, path: path)
    return ImageDataset(pixels: bytes, labels: labels, count: count, rows: rows, columns: columns)
  }

  /// The values of the `.npy` array or `.csv` table at `path` (without its `label` column),
  /// the labels when the table has that column, and the dimensions: [images, rows, columns]
  /// or [images, pixels].
  private static func readMatrix(
    _ path: String, note: (String) -> Void
  ) throws(DatasetError) -> (values: [Double], labels: [UInt8]?, dimensions: [Int]) {
    if path.lowercased().hasSuffix(".npy") {
      let file = try NPYFile(contentsOf: path)
      guard file.shape.count == 2 || file.shape.count == 3 else {
        throw DatasetError(
          .wrongDimensionCount, path: path, field: "shape",
          message: "expected 2 (images × pixels) or 3 (images × rows × columns) dimensions, "
            + "found shape \(file.shape)")
      }
      return (file.doubles(), nil, file.shape)
    } else if path.lowercased().hasSuffix(".csv") || path.lowercased().hasSuffix(".csv.gz") {
      let table = try CSVTable(contentsOf: path, header: .detected)
      if !table.hasHeader {
        note("\(path): the first line is all numbers: read as an image (the file has no header)")
      }
      var labels: [UInt8]?
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
      let values = try table.matrix(excluding: labels == nil ? [] : ["label"])
      return (values, labels, [table.rowCount, table.columnCount - (labels == nil ? 0 : 1)])
    } else {
      throw DatasetError(
        .invalidArgument, path: path,
        message: "expected a .npy or .csv file (or a directory of IDX files)")
    }
  }

  /// The values as grey levels: whole numbers in 0…255 as they are, values that all lie in
  /// [0, 1] scaled by 255 and rounded; anything else is refused, naming the first offending
  /// value's image and pixel.
  private static func greyLevels(
    _ values: [Double], pixelsPerImage pixels: Int, path: String
  ) throws(DatasetError) -> [UInt8] {
    if let index = values.firstIndex(where: { !$0.isFinite }) {
      throw DatasetError(
        .invalidArgument, path: path, line: nil, column: index % pixels + 1,
        message: "image \(index / pixels + 1) has value \(values[index]) at pixel "
          + "\(index % pixels + 1); expected grey levels 0…255 or intensities in [0, 1]")
    }
    let wholeLevels = values.allSatisfy { $0 >= 0 && $0 <= 255 && $0.rounded() == $0 }
    let unitInterval = values.allSatisfy { $0 >= 0 && $0 <= 1 }
    guard wholeLevels || unitInterval else {
      let index =
        values.firstIndex { !($0 >= 0 && $0 <= 255) }
        ?? values.firstIndex { $0.rounded() != $0 }!
      throw DatasetError(
        .invalidArgument, path: path, line: nil, column: index % pixels + 1,
        message: "image \(index / pixels + 1) has value \(values[index]) at pixel "
          + "\(index % pixels + 1); expected grey levels 0…255 or intensities in [0, 1]")
    }
    // Data of only 0s and 1s is taken as intensities: binary images, black and white.
    let scale = unitInterval ? 255.0 : 1.0
    return values.map { UInt8(($0 * scale).rounded()) }
  }

  /// The last `fraction` of the images as a held-out set, and the rest.
  public func split(holdingOut fraction: Double) -> (training: ImageDataset, heldOut: ImageDataset)
  {
    let heldOut = Swift.max(1, Int((Double(count) * fraction).rounded()))
    let first = Swift.max(0, count - heldOut)
    return (subset(0..<first), subset(first..<count))
  }
}
