import Foundation
import TensorCore

/// The data block of a posteriordb posterior, read from its `data.json`: one JSON object whose
/// fields are numbers, arrays of numbers (Stan's vectors and `array[N] real`) or arrays of
/// equally long arrays of numbers (matrices, row after row).
///
/// Every accessor throws a ``PosteriorDataError`` naming the file and the field when the field
/// is missing or has the wrong form, so that a model's initialiser can read its fields in one
/// `try` each:
/// ```swift
/// let data = try PosteriorData(contentsOf: "posteriordb/kidiq-kidscore_momiq/data.json")
/// let n = try data.int("N")
/// let scores = try data.vector("kid_score", count: n)
/// ```
public struct PosteriorData: Sendable {
  /// Where the data came from, for messages.
  public let path: String
  /// The fields: numbers as `Double`, vectors as `[Double]`, matrices as `[[Double]]`.
  private let fields: [String: Field]

  /// A field's value, as far as the accessors care.
  private enum Field: Sendable {
    case number(Double)
    case vector([Double])
    case matrix([[Double]])
    case other(String)
  }

  /// Reads `path`.
  ///
  /// - Throws: ``PosteriorDataError`` when the file cannot be read or is not a JSON object.
  public init(contentsOf path: String) throws(PosteriorDataError) {
    let bytes: Data
    do {
      bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw PosteriorDataError(path: path, field: nil, problem: "cannot be read (\(error))")
    }
    try self.init(json: bytes, path: path)
  }

  /// Parses the JSON text `json`; `path` names it in messages.
  ///
  /// - Throws: ``PosteriorDataError`` when the text is not a JSON object.
  public init(json: Data, path: String) throws(PosteriorDataError) {
    let object: Any
    do {
      object = try JSONSerialization.jsonObject(with: json)
    } catch {
      throw PosteriorDataError(path: path, field: nil, problem: "is not valid JSON (\(error))")
    }
    guard let dictionary = object as? [String: Any] else {
      throw PosteriorDataError(path: path, field: nil, problem: "is not a JSON object")
    }
    self.path = path
    self.fields = dictionary.mapValues(Self.field)
  }

  /// The names of the fields, sorted.
  public var fieldNames: [String] { fields.keys.sorted() }

  /// The real number `name` (an integer is accepted, as Stan does for `real`).
  public func real(_ name: String) throws(PosteriorDataError) -> Double {
    guard case .number(let value) = try field(name) else {
      throw error(name, "expected a number, found \(try describe(name))")
    }
    return value
  }

  /// The integer `name`.
  public func int(_ name: String) throws(PosteriorDataError) -> Int {
    let value = try real(name)
    guard let integer = Int(exactly: value) else {
      throw error(name, "expected an integer, found \(value)")
    }
    return integer
  }

  /// The vector (or one-dimensional array) `name`; with `count`, it must have that length.
  public func vector(_ name: String, count: Int? = nil) throws(PosteriorDataError) -> [Double] {
    let values: [Double]
    switch try field(name) {
    case .vector(let vector): values = vector
    case .matrix(let rows) where rows.isEmpty: values = []
    default: throw error(name, "expected an array of numbers, found \(try describe(name))")
    }
    if let count, values.count != count {
      throw error(name, "expected \(count) values, found \(values.count)")
    }
    return values
  }

  /// The integer array `name`; with `count`, it must have that length.
  public func integers(_ name: String, count: Int? = nil) throws(PosteriorDataError) -> [Int] {
    let values = try vector(name, count: count)
    var integers: [Int] = []
    integers.reserveCapacity(values.count)
    for (index, value) in values.enumerated() {
      guard let integer = Int(exactly: value) else {
        throw error(name, "element \(index + 1) is \(value), expected an integer")
      }
      integers.append(integer)
    }
    return integers
  }

  /// The matrix `name` as an `[rows, columns]` tensor, from an array of rows; with `rows` and
  /// `columns`, it must have that shape.
  public func matrix(
    _ name: String, rows: Int? = nil, columns: Int? = nil
  ) throws(PosteriorDataError) -> Tensor<Double> {
    guard case .matrix(let values) = try field(name) else {
      throw error(name, "expected an array of rows of numbers, found \(try describe(name))")
    }
    let width = values.first?.count ?? 0
    if let index = values.firstIndex(where: { $0.count != width }) {
      throw error(
        name, "row \(index + 1) has \(values[index].count) values, row 1 has \(width)")
    }
    if let rows, values.count != rows {
      throw error(name, "expected \(rows) rows, found \(values.count)")
    }
    if let columns, width != columns {
      throw error(name, "expected \(columns) columns, found \(width)")
    }
    return Tensor(shape: [values.count, width], scalars: values.flatMap { $0 })
  }

  /// The field `name`, or an error listing the fields there are.
  private func field(_ name: String) throws(PosteriorDataError) -> Field {
    guard let value = fields[name] else {
      throw error(name, "is missing; the file has \(fieldNames.joined(separator: ", "))")
    }
    return value
  }

  /// What a field holds, for messages.
  private func describe(_ name: String) throws(PosteriorDataError) -> String {
    switch try field(name) {
    case .number(let value): return "the number \(value)"
    case .vector(let values): return "an array of \(values.count) numbers"
    case .matrix(let rows): return "an array of \(rows.count) arrays"
    case .other(let description): return description
    }
  }

  private func error(_ name: String, _ problem: String) -> PosteriorDataError {
    PosteriorDataError(path: path, field: name, problem: problem)
  }

  /// Classifies a value from `JSONSerialization`.
  private static func field(_ value: Any) -> Field {
    if let number = number(value) { return .number(number) }
    if let array = value as? [Any] {
      let numbers = array.compactMap(number)
      if numbers.count == array.count { return .vector(numbers) }
      let rows = array.compactMap { row in
        (row as? [Any]).flatMap { items in
          let numbers = items.compactMap(number)
          return numbers.count == items.count ? numbers : nil
        }
      }
      if rows.count == array.count { return .matrix(rows) }
      return .other("an array that is neither numbers nor rows of numbers")
    }
    if value is [String: Any] { return .other("a JSON object") }
    if value is String { return .other("a string") }
    return .other("\(type(of: value))")
  }

  /// A JSON number as a Double (JSONSerialization gives Int, Double or NSNumber), nil otherwise.
  private static func number(_ value: Any) -> Double? {
    switch value {
    case let integer as Int: return Double(integer)
    case let double as Double: return double
    case let number as NSNumber where !(value is Bool): return number.doubleValue
    default: return nil
    }
  }
}

/// A posterior's `data.json` (or `reference.json`) is unreadable, or a field is missing or has
/// the wrong form, or a value is unusable for the model; the message names the file and the
/// field.
public struct PosteriorDataError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The file.
  public var path: String
  /// The field, or nil for a problem with the whole file.
  public var field: String?
  /// What is wrong, e.g. `expected 434 values, found 433`.
  public var problem: String

  public init(path: String, field: String?, problem: String) {
    self.path = path
    self.field = field
    self.problem = problem
  }

  /// `path: field "N": problem`, or `path problem` for the whole file.
  public var description: String {
    guard let field else { return "\(path) \(problem)" }
    let separator = problem.hasPrefix("is ") ? " " : ": "
    return "\(path): field \"\(field)\"\(separator)\(problem)"
  }
}
