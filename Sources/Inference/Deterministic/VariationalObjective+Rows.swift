import TensorCore
import _Differentiation

extension VariationalObjective {
  /// log p̃(ζ) and ∇ζ log p̃(ζ) for each row ζ of `rows` ([R, D]), as R values and R·D
  /// gradient scalars (row after row): the model's own gradient when it has one
  /// (``ClosedFormGradientModel``), else reverse mode through the log joint, vectorised over
  /// the rows.
  func logDensitiesAndGradients(_ rows: Tensor<Double>) -> (values: [Double], gradients: [Double])
  {
    let count = rows.shape[0]
    if let logDensityAndGradient {
      var values = Tensor<Double>(zeros: [count])
      var gradients = Tensor<Double>(zeros: rows.shape)
      logDensityAndGradient(rows, &values, &gradients)
      return (values.scalars, gradients.scalars)
    }
    let (values, pullback) = valueWithPullback(at: rows) { logDensity(unconstrained: $0) }
    let gradients = pullback(Tensor(repeating: 1, shape: values.shape))
    if gradients.shape != rows.shape {
      // A term that does not depend on ζ gives a broadcast zero.
      return (values.scalars, [Double](repeating: gradients.scalars.first ?? 0, count: rows.scalarCount))
    }
    return (values.scalars, gradients.scalars)
  }

  /// ``logDensitiesAndGradients(_:)`` for rows given as plain arrays.
  func logDensitiesAndGradients(rows: [Double], count: Int) -> (values: [Double], gradients: [Double])
  {
    logDensitiesAndGradients(Tensor(shape: [count, layout.dimension], scalars: rows))
  }
}
