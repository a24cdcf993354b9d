import Datasets
import TensorCore

/// The data of a regression model: a design matrix whose first column is the intercept's 1s
/// (when there is one) followed by the features as given, and one target per row.
///
/// From a CSV file, every column but the target is a feature, in file order, and its header
/// names the coefficient in outputs; the intercept's coefficient is called `intercept`.
public struct RegressionData: Sendable {
  /// X, [N, P] with P = number of features (+ 1 with an intercept).
  public let design: Tensor<Double>
  /// y, [N].
  public let targets: Tensor<Double>
  /// The output name of each coefficient: `intercept` first when there is one, then the
  /// feature names.
  public let coefficientNames: [String]
  /// Where the data came from, for messages: the file, and the target's 1-based column.
  public let source: (path: String, targetColumn: Int, targetName: String)?

  /// N, the number of rows.
  public var rowCount: Int { targets.shape[0] }

  /// Data from row-major features ([N × featureNames.count] values) and targets.
  ///
  /// - Throws: ``InferenceError/invalidData(_:)`` for mismatched sizes, no rows, a non-finite
  ///   value (naming its row and feature), or duplicate names.
  public init(
    features: [Double], featureNames: [String], targets: [Double], intercept: Bool = true
  ) throws(InferenceError) {
    let width = featureNames.count
    guard !targets.isEmpty else { throw .invalidData("the data has no rows") }
    guard features.count == targets.count * width else {
      throw .invalidData(
        "\(features.count) feature values for \(targets.count) rows of \(width) features")
    }
    let names = (intercept ? ["intercept"] : []) + featureNames
    guard Set(names).count == names.count else {
      throw .invalidData("coefficient names \(names) are not unique")
    }
    guard !names.isEmpty else { throw .invalidData("the model has no coefficients") }
    for (index, value) in features.enumerated() where !value.isFinite {
      throw .invalidData(
        "row \(index / width + 1), feature \"\(featureNames[index % width])\": non-finite "
          + "value \(value); expected a finite number")
    }
    for (row, value) in targets.enumerated() where !value.isFinite {
      throw .invalidData("row \(row + 1), target: non-finite value \(value)")
    }
    for column in 0...width {
      let values =
        column < width
        ? stride(from: column, to: features.count, by: width).map { features[$0] } : targets
      if let largest = Self.overflowingValue(values) {
        throw .invalidData(
          (column < width ? "feature \"\(featureNames[column])\"" : "the target") + ": "
            + Self.overflowExplanation(largest, row: values.firstIndex(of: largest)! + 1))
      }
    }
    self.init(
      features: features, width: width, targets: targets, names: names, intercept: intercept,
      source: nil)
  }

  /// Data from a CSV table: `target` is the target column, every other column a feature.
  ///
  /// - Throws: ``InferenceError/invalidData(_:)`` naming the file (and line and column) for an
  ///   unknown target column, a table with no rows or no features (without an intercept), or a
  ///   non-finite value (`nan`, `inf`).
  public init(table: CSVTable, target: String, intercept: Bool = true) throws(InferenceError) {
    let targetIndex: Int
    let featureNames: [String]
    let features: [Double]
    do {
      targetIndex = try table.columnIndex(named: target)
      featureNames = try table.columnNames(excluding: [target])
      features = try table.matrix(excluding: [target])
    } catch {
      throw .invalidData(error.description)
    }
    guard table.rowCount > 0 else {
      throw .invalidData("\(table.path): no data rows after the header")
    }
    let names = (intercept ? ["intercept"] : []) + featureNames
    guard !names.isEmpty else {
      throw .invalidData("\(table.path): no feature columns besides the target \"\(target)\"")
    }
    guard Set(names).count == names.count else {
      throw .invalidData(
        "\(table.path): a feature column is called \"intercept\", which names the intercept; "
          + "rename it")
    }
    for (index, value) in table.values.enumerated() where !value.isFinite {
      let (row, column) = index.quotientAndRemainder(dividingBy: table.columnCount)
      throw .invalidData(
        "\(table.path): line \(row + 2), column \(column + 1) "
          + "(\"\(table.columnNames[column])\"): non-finite value \(value) in data row "
          + "\(row + 1); expected a finite number")
    }
    for column in 0..<table.columnCount {
      let values = table.column(at: column)
      if let largest = Self.overflowingValue(values) {
        let row = values.firstIndex(of: largest)!
        throw .invalidData(
          "\(table.path): column \(column + 1) (\"\(table.columnNames[column])\"), line "
            + "\(row + 2): " + Self.overflowExplanation(largest, row: row + 1))
      }
    }
    self.init(
      features: features, width: featureNames.count, targets: table.column(at: targetIndex),
      names: names, intercept: intercept,
      source: (table.path, targetIndex + 1, table.columnNames[targetIndex]))
  }

  /// The value of largest magnitude of a column whose sum of squares (its diagonal entry of
  /// xᵀx) overflows, or nil if it is finite. The log density of a regression on such a column
  /// is not finite anywhere near the prior's scale, so the fit could only fail, far from the
  /// cause (a mode search that cannot move, a line search that finds no better point).
  static func overflowingValue(_ values: [Double]) -> Double? {
    if values.reduce(0, { $0 + $1 * $1 }).isFinite { return nil }
    return values.max { abs($0) < abs($1) }
  }

  /// Why an overflowing column is refused and what to do, for `overflowingValue`'s `largest`.
  static func overflowExplanation(_ largest: Double, row: Int) -> String {
    "the value \(largest) in data row \(row) is too large: the column's sum of squares "
      + "(its entry of xᵀx) overflows, so the log density cannot be computed; rescale the "
      + "column (e.g. standardise it)"
  }

  private init(
    features: [Double], width: Int, targets: [Double], names: [String], intercept: Bool,
    source: (path: String, targetColumn: Int, targetName: String)?
  ) {
    let rows = targets.count
    let columns = names.count
    design = Tensor(shape: [rows, columns]) { x in
      for row in 0..<rows {
        var column = 0
        if intercept {
          x[row * columns] = 1
          column = 1
        }
        for j in 0..<width { x[row * columns + column + j] = features[row * width + j] }
      }
    }
    self.targets = Tensor(targets)
    self.coefficientNames = names
    self.source = source
  }

  /// Where row `row` (0-based) of the target is, for messages: `path: line L, column C ("y")`
  /// from a file, `row R, target` otherwise.
  func targetLocation(row: Int) -> String {
    guard let source else { return "row \(row + 1), target" }
    return "\(source.path): line \(row + 2), column \(source.targetColumn) "
      + "(\"\(source.targetName)\")"
  }
}
