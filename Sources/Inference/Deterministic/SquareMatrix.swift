/// A small dense n × n matrix of doubles in row-major order, for the linear algebra of the
/// deterministic fit (Hessians, Cholesky factors and their inverses at the size of a model's
/// unconstrained space): plain loops, no tensors, no differentiation.
struct SquareMatrix: Equatable {
  /// n.
  let size: Int
  /// The entries, row after row.
  var entries: [Double]

  /// The n × n zero matrix.
  init(zeros size: Int) {
    self.size = size
    entries = [Double](repeating: 0, count: size * size)
  }

  /// The matrix of `entries`, row after row.
  init(size: Int, entries: [Double]) {
    precondition(entries.count == size * size, "SquareMatrix: \(entries.count) entries for \(size) × \(size)")
    self.size = size
    self.entries = entries
  }

  /// The n × n identity.
  init(identity size: Int) {
    self.init(zeros: size)
    for i in 0..<size { self[i, i] = 1 }
  }

  /// The diagonal matrix of `diagonal`.
  init(diagonal: [Double]) {
    self.init(zeros: diagonal.count)
    for (i, value) in diagonal.enumerated() { self[i, i] = value }
  }

  subscript(row: Int, column: Int) -> Double {
    get { entries[row * size + column] }
    set { entries[row * size + column] = newValue }
  }

  /// The diagonal entries.
  var diagonal: [Double] { (0..<size).map { self[$0, $0] } }

  /// Whether every entry is finite.
  var isFinite: Bool { entries.allSatisfy(\.isFinite) }

  /// (A + Aᵀ)/2.
  var symmetrized: SquareMatrix {
    var result = self
    for i in 0..<size {
      for j in 0..<i {
        let mean = (self[i, j] + self[j, i]) / 2
        result[i, j] = mean
        result[j, i] = mean
      }
    }
    return result
  }

  /// The lower Cholesky factor L of a symmetric positive-definite matrix (A = LLᵀ), or nil
  /// when a pivot is not positive and finite.
  func choleskyFactor() -> SquareMatrix? {
    var l = SquareMatrix(zeros: size)
    for j in 0..<size {
      var pivot = self[j, j]
      for k in 0..<j { pivot -= l[j, k] * l[j, k] }
      guard pivot > 0, pivot.isFinite else { return nil }
      let root = pivot.squareRoot()
      l[j, j] = root
      for i in (j + 1)..<Swift.max(j + 1, size) {
        var sum = self[i, j]
        for k in 0..<j { sum -= l[i, k] * l[j, k] }
        l[i, j] = sum / root
      }
    }
    return l
  }

  /// x with Lx = b, for lower-triangular L = self.
  func solveLower(_ b: [Double]) -> [Double] {
    var x = b
    for i in 0..<size {
      var sum = x[i]
      for k in 0..<i { sum -= self[i, k] * x[k] }
      x[i] = sum / self[i, i]
    }
    return x
  }

  /// x with Lᵀx = b, for lower-triangular L = self.
  func solveLowerTransposed(_ b: [Double]) -> [Double] {
    var x = b
    for i in stride(from: size - 1, through: 0, by: -1) {
      var sum = x[i]
      for k in (i + 1)..<Swift.max(i + 1, size) { sum -= self[k, i] * x[k] }
      x[i] = sum / self[i, i]
    }
    return x
  }

  /// A⁻¹ from the Cholesky factor L = self of A = LLᵀ: the columns of L⁻ᵀL⁻¹.
  func inverseFromCholeskyFactor() -> SquareMatrix {
    var inverse = SquareMatrix(zeros: size)
    for j in 0..<size {
      var unit = [Double](repeating: 0, count: size)
      unit[j] = 1
      let column = solveLowerTransposed(solveLower(unit))
      for i in 0..<size { inverse[i, j] = column[i] }
    }
    return inverse.symmetrized
  }

  /// Ax.
  func times(_ x: [Double]) -> [Double] {
    (0..<size).map { i in
      var sum = 0.0
      for k in 0..<size { sum += self[i, k] * x[k] }
      return sum
    }
  }

  /// Aᵀx.
  func transposedTimes(_ x: [Double]) -> [Double] {
    var result = [Double](repeating: 0, count: size)
    for k in 0..<size where x[k] != 0 {
      for i in 0..<size { result[i] += self[k, i] * x[k] }
    }
    return result
  }
}
