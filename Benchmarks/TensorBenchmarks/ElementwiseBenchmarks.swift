import TensorCore

// Group 2: elementwise throughput of TensorCore against plain loops over raw buffers.

/// One elementwise operation: ours (a TensorCore call, allocating its result as users call it)
/// and the reference loop into a preallocated buffer.
struct ElementwiseCase: Sendable {
  var name: String
  /// Bytes read plus bytes written per element: 8 for a unary Float op, 12 for a binary one.
  var bytesPerElement: Int
  /// The TensorCore call, given x and y (unary operations ignore y).
  var ours: @Sendable (Tensor<Float>, Tensor<Float>) -> Tensor<Float>
  /// The reference loop, given x, y and the output buffer.
  var reference: @Sendable (Buffer, Buffer, UnsafeMutableBufferPointer<Float>) -> Void

  typealias Buffer = UnsafeBufferPointer<Float>

  static let all: [ElementwiseCase] = [
    ElementwiseCase(
      name: "exp(x)", bytesPerElement: 8, ours: { x, _ in exp(x) },
      reference: { x, _, out in ReferenceLoops.exp(x, into: out) }),
    ElementwiseCase(
      name: "softplus(x)", bytesPerElement: 8, ours: { x, _ in softplus(x) },
      reference: { x, _, out in ReferenceLoops.softplus(x, into: out) }),
    ElementwiseCase(
      name: "sigmoid(x)", bytesPerElement: 8, ours: { x, _ in sigmoid(x) },
      reference: { x, _, out in ReferenceLoops.sigmoid(x, into: out) }),
    ElementwiseCase(
      name: "x + y", bytesPerElement: 12, ours: { x, y in x + y },
      reference: { x, y, out in ReferenceLoops.add(x, y, into: out) }),
  ]
}

/// Runs group 2 on 1M (2²⁰) Float elements drawn from N(0, 3²), so both branches of the
/// overflow-safe formulas are taken: GB/s = bytes read and written ÷ median time, and the
/// largest relative difference between ours and the reference as a sanity check.
func runElementwiseBenchmarks(budget: Budget, generator: inout Xoshiro256StarStar) {
  let count = 1 << 20
  let x = Tensor<Float>(randomNormal: [count], standardDeviation: 3, using: &generator)
  let y = Tensor<Float>(randomNormal: [count], standardDeviation: 3, using: &generator)
  let out = allocateAligned(Float.self, count: count)
  defer { deallocateAligned(out) }

  printSection("2. Elementwise on 2²⁰ Floats vs a plain loop over raw buffers")
  print("ours allocates its 4 MiB result as users call it; the reference loop writes into a")
  print("preallocated buffer. GB/s count bytes read + written; ours/ref = ref time ÷ our time;")
  print("faults = minor page faults per call of ours; max rel Δ = largest |ours − ref| / |ref|.")
  print("")
  let table = TextTable(columns: [
    .init("operation", 12, .left), .init("B/elt", 5), .init("ours", 9), .init("reference", 9),
    .init("GB/s", 6), .init("GB/s", 6), .init("ours/ref", 8), .init("faults", 6),
    .init("max rel Δ", 9),
  ])
  table.printHeader()

  x.withUnsafeBufferPointer { px in
    y.withUnsafeBufferPointer { py in
      for operation in ElementwiseCase.all {
        operation.reference(px, py, out)
        let result = operation.ours(x, y)
        let difference = result.withUnsafeBufferPointer { pr in
          var largest = 0.0
          for i in 0..<count {
            let scale = max(Double(Swift.abs(out[i])), Double(Float.leastNormalMagnitude))
            largest = max(largest, Double(Swift.abs(pr[i] - out[i])) / scale)
          }
          return largest
        }
        let timing = measureInterleaved(
          budget, ours: { blackHole(operation.ours(x, y)) },
          reference: { operation.reference(px, py, out) })
        let bytes = Double(operation.bytesPerElement * count)
        table.printRow([
          operation.name, "\(operation.bytesPerElement)", formattedDuration(timing.ours),
          formattedDuration(timing.reference), formatted(bytes / timing.ours / 1e9, decimals: 2),
          formatted(bytes / timing.reference / 1e9, decimals: 2),
          formattedPercent(timing.speedRatio), formatted(timing.oursFaults),
          formattedDifference(difference),
        ])
      }
    }
  }
}
