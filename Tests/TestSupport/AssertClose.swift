import TensorCore
import Testing

/// Records a test issue at the caller unless `actual` is within tolerance of `expected`:
/// ```
/// |actual − expected| ≤ absoluteTolerance + relativeTolerance · |expected|
/// ```
/// NaN never passes; equal infinities pass.
public func assertClose<Scalar: BinaryFloatingPoint>(
  _ actual: Scalar, _ expected: Scalar,
  relativeTolerance: Scalar = 1e-6, absoluteTolerance: Scalar = 0,
  _ comment: String = "", sourceLocation: SourceLocation = #_sourceLocation
) {
  if actual == expected { return }
  let error = Swift.abs(actual - expected)
  let allowed = absoluteTolerance + relativeTolerance * Swift.abs(expected)
  if !(error <= allowed) {
    Issue.record(
      Comment(
        rawValue:
          "\(comment.isEmpty ? "" : comment + ": ")\(actual) is not close to \(expected) "
          + "(error \(error), allowed \(allowed))"),
      sourceLocation: sourceLocation)
  }
}

/// Records a test issue at the caller unless the tensors have the same shape and every pair of
/// scalars is close (see the scalar ``assertClose(_:_:relativeTolerance:absoluteTolerance:_:sourceLocation:)``).
/// The message names the first offending index and the number of mismatches.
public func assertClose<Scalar: TensorScalar>(
  _ actual: Tensor<Scalar>, _ expected: Tensor<Scalar>,
  relativeTolerance: Scalar = 1e-6, absoluteTolerance: Scalar = 0,
  _ comment: String = "", sourceLocation: SourceLocation = #_sourceLocation
) {
  let prefix = comment.isEmpty ? "" : comment + ": "
  guard actual.shape == expected.shape else {
    Issue.record(
      Comment(
        rawValue:
          "\(prefix)shape \(actual.shape) differs from expected \(expected.shape)"),
      sourceLocation: sourceLocation)
    return
  }
  let (a, e) = (actual.scalars, expected.scalars)
  var mismatches = 0
  var first: (index: Int, actual: Scalar, expected: Scalar)?
  for i in a.indices where a[i] != e[i] {
    let allowed = absoluteTolerance + relativeTolerance * Swift.abs(e[i])
    if !(Swift.abs(a[i] - e[i]) <= allowed) {
      mismatches += 1
      if first == nil { first = (i, a[i], e[i]) }
    }
  }
  if let first {
    Issue.record(
      Comment(
        rawValue:
          "\(prefix)\(mismatches) of \(a.count) scalars differ; first at flat index \(first.index): "
          + "\(first.actual) vs expected \(first.expected)"),
      sourceLocation: sourceLocation)
  }
}
