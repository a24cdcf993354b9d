/// A matrix that has no Cholesky factor: a symmetric matrix that is not positive definite (or
/// holds NaN), found at the first pivot that is not positive.
///
/// The Cholesky algorithm computes, column by column, the pivots
/// ```
/// dⱼ = Aⱼⱼ − Σ_{k<j} Lⱼₖ²,   Lⱼⱼ = √dⱼ,
/// ```
/// which are all positive exactly when A is positive definite; `pivot` is the first j with
/// dⱼ ≤ 0 (or NaN), and `pivotValue` is dⱼ.
public struct NotPositiveDefiniteError: Error, CustomStringConvertible, Sendable {
  /// The operation that failed, e.g. `choleskyFactor(of:)`.
  public var operation: String
  /// The shape of the tensor that was factored: `[n, n]`, or `[b, n, n]` for a batch.
  public var shape: [Int]
  /// For a batch, the position of the failing matrix (flat, row-major over the batch axes);
  /// nil for a single matrix.
  public var matrixIndex: Int?
  /// The first pivot j (0-based row and column) whose value dⱼ is not positive.
  public var pivot: Int
  /// dⱼ = Aⱼⱼ − Σ_{k<j} Lⱼₖ², zero, negative or NaN.
  public var pivotValue: Double

  /// Describes a failed factorisation.
  public init(
    operation: String, shape: [Int], matrixIndex: Int? = nil, pivot: Int, pivotValue: Double
  ) {
    self.operation = operation
    self.shape = shape
    self.matrixIndex = matrixIndex
    self.pivot = pivot
    self.pivotValue = pivotValue
  }

  /// E.g. `cholesky: the [3, 3] matrix is not positive definite (pivot 2 is -0.25)`, or
  /// `choleskyFactor(of:): matrix 4 of the [8, 3, 3] batch is not positive definite (…)`.
  public var description: String {
    let which = matrixIndex.map { "matrix \($0) of the \(shape) batch" } ?? "the \(shape) matrix"
    return "\(operation): \(which) is not positive definite (pivot \(pivot) is \(pivotValue))"
  }
}
