import Foundation

// The references for the elementwise group: the simplest loops over raw buffers, calling the C
// library's expf and log1pf directly, writing into a preallocated output.

/// Plain loops over `UnsafeBufferPointer<Float>`, one per benchmarked operation, computing the
/// same formulas as TensorCore (so results agree to rounding).
enum ReferenceLoops {
  /// y[i] = e^{x[i]}.
  static func exp(_ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>) {
    for i in 0..<x.count { y[i] = expf(x[i]) }
  }

  /// y[i] = max(x[i], 0) + log1p(e^{−|x[i]|}), softplus without overflow.
  static func softplus(
    _ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>
  ) {
    for i in 0..<x.count {
      let v = x[i]
      y[i] = max(v, 0) + log1pf(expf(-Swift.abs(v)))
    }
  }

  /// y[i] = 1 / (1 + e^{−x[i]}), through e^{x}/(1 + e^{x}) for negative x to avoid overflow.
  static func sigmoid(
    _ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>
  ) {
    for i in 0..<x.count {
      let v = x[i]
      if v >= 0 {
        y[i] = 1 / (1 + expf(-v))
      } else {
        let e = expf(v)
        y[i] = e / (1 + e)
      }
    }
  }

  /// z[i] = x[i] + y[i].
  static func add(
    _ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>,
    into z: UnsafeMutableBufferPointer<Float>
  ) {
    for i in 0..<x.count { z[i] = x[i] + y[i] }
  }
}
