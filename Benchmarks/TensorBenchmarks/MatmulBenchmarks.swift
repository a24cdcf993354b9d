import TensorCore

#if os(Linux)
  import CBLAS
#endif

// Group 1: matmul GFLOP/s against a direct call of the backend's GEMM (`dnnl_sgemm` for Float
// on oneDNN, `cblas_?gemm` otherwise), on the VAE's shapes, their gradient GEMMs and a large
// square product, and the backend's speed against the machine's peak.

/// One matrix product C = op(A)·op(B) to measure, with op(A) m × k and op(B) k × n; a
/// transposed operand is stored transposed and passed to BLAS with its flag, never copied.
struct GEMMCase {
  /// What the product is, e.g. "fc1 dW = Xᵀ·G".
  var name: String
  var m: Int
  var k: Int
  var n: Int
  var transposeA = false
  var transposeB = false

  /// Floating-point operations of one product: 2·m·n·k (a multiply and an add per term).
  var flops: Double { 2 * Double(m) * Double(n) * Double(k) }

  /// The shapes of op(A) and op(B), e.g. "784×128 · 128×400".
  var shapes: String { "\(m)×\(k) · \(k)×\(n)" }

  /// The BLAS transpose flags of A and B: "NN", "TN", "NT" or "TT".
  var flags: String { (transposeA ? "T" : "N") + (transposeB ? "T" : "N") }

  /// A's shape as stored: [k, m] when it is passed transposed.
  var storedShapeA: [Int] { transposeA ? [k, m] : [m, k] }

  /// B's shape as stored: [n, k] when it is passed transposed.
  var storedShapeB: [Int] { transposeB ? [n, k] : [k, n] }

  /// The VAE's products for a minibatch of 128 MNIST images: the encoder 784 → 400 → 20 (the
  /// μ and log σ² heads have the same shape) and the decoder 20 → 400 → 784. For each layer
  /// Y = X·W with incoming gradient G = ∂L/∂Y: the forward product, dW = Xᵀ·G (A transposed)
  /// and dX = G·Wᵀ (B transposed). The pullback of fc1 computes dX too, although the images
  /// need no gradient.
  static let vae: [GEMMCase] = [
    GEMMCase(name: "fc1 Y = X·W", m: 128, k: 784, n: 400),
    GEMMCase(name: "fc1 dW = Xᵀ·G", m: 784, k: 128, n: 400, transposeA: true),
    GEMMCase(name: "fc1 dX = G·Wᵀ", m: 128, k: 400, n: 784, transposeB: true),
    GEMMCase(name: "fc2 Y = X·W", m: 128, k: 400, n: 20),
    GEMMCase(name: "fc2 dW = Xᵀ·G", m: 400, k: 128, n: 20, transposeA: true),
    GEMMCase(name: "fc2 dX = G·Wᵀ", m: 128, k: 20, n: 400, transposeB: true),
    GEMMCase(name: "fc3 Y = X·W", m: 128, k: 20, n: 400),
    GEMMCase(name: "fc3 dW = Xᵀ·G", m: 20, k: 128, n: 400, transposeA: true),
    GEMMCase(name: "fc3 dX = G·Wᵀ", m: 128, k: 400, n: 20, transposeB: true),
    GEMMCase(name: "fc4 Y = X·W", m: 128, k: 400, n: 784),
    GEMMCase(name: "fc4 dW = Xᵀ·G", m: 400, k: 128, n: 784, transposeA: true),
    GEMMCase(name: "fc4 dX = G·Wᵀ", m: 128, k: 784, n: 400, transposeB: true),
  ]

  /// A large square product, where BLAS reaches its peak and per-call overheads vanish.
  static func square(_ scalar: String) -> GEMMCase {
    GEMMCase(name: "1024² \(scalar)", m: 1024, k: 1024, n: 1024)
  }
}

/// The measurement of one ``GEMMCase``.
struct GEMMResult {
  var gemm: GEMMCase
  var timing: PairedTiming
  /// The largest |ours − direct| over C, relative to the largest |C|.
  var relativeDifference: Double

  /// Our GFLOP/s.
  var oursGFLOPS: Double { gemm.flops / timing.ours / 1e9 }
  /// The direct call's GFLOP/s.
  var directGFLOPS: Double { gemm.flops / timing.reference / 1e9 }
}

/// Measures `matmul(a, transposed:, b, transposed:)` — as users call it, so including the
/// allocation of its result — against the backend's GEMM writing into a preallocated 64-byte-aligned
/// buffer, with the same operands, interleaved (see ``measureInterleaved(_:ours:reference:)``).
func benchmarkGEMM<Scalar: DirectGEMMScalar>(
  _ gemm: GEMMCase, _: Scalar.Type, budget: Budget, generator: inout Xoshiro256StarStar
) -> GEMMResult {
  let a = Tensor<Scalar>(randomNormal: gemm.storedShapeA, using: &generator)
  let b = Tensor<Scalar>(randomNormal: gemm.storedShapeB, using: &generator)
  let (transposeA, transposeB) = (gemm.transposeA, gemm.transposeB)
  let c = allocateAligned(Scalar.self, count: gemm.m * gemm.n)
  defer { deallocateAligned(c) }
  return a.withUnsafeBufferPointer { pa in
    b.withUnsafeBufferPointer { pb in
      let direct = {
        Scalar.directGEMM(
          transposeA: transposeA, transposeB: transposeB, m: gemm.m, n: gemm.n, k: gemm.k,
          a: pa.baseAddress!, lda: gemm.storedShapeA[1], b: pb.baseAddress!,
          ldb: gemm.storedShapeB[1], c: c.baseAddress!)
      }
      let ours = { blackHole(matmul(a, transposed: transposeA, b, transposed: transposeB)) }

      direct()
      let check = matmul(a, transposed: transposeA, b, transposed: transposeB)
      precondition(check.shape == [gemm.m, gemm.n], "matmul returned shape \(check.shape)")
      let difference = check.withUnsafeBufferPointer { pc in
        var (largest, scale) = (0.0, 0.0)
        for i in 0..<pc.count {
          largest = max(largest, Double(Swift.abs(pc[i] - c[i])))
          scale = max(scale, Double(Swift.abs(c[i])))
        }
        return largest / max(scale, .leastNormalMagnitude)
      }

      let timing = measureInterleaved(budget, ours: ours, reference: direct)
      return GEMMResult(gemm: gemm, timing: timing, relativeDifference: difference)
    }
  }
}

/// The fraction of the direct call's speed that matmul must reach on the VAE's shapes.
let matmulAcceptanceRatio = 0.9

/// Runs group 1: every VAE product in Float, then 1024³ in Float and Double; prints a table
/// and a verdict against ``matmulAcceptanceRatio``.
func runMatmulBenchmarks(budget: Budget, generator: inout Xoshiro256StarStar) {
  printSection("1. matmul vs the backend's GEMM (median of \(budget.samples) interleaved samples)")
  print("ours = matmul(a, transposed:, b, transposed:), allocating its result as users call it;")
  print(
    "direct = \(ComputeBackend.usesOneDNN ? "dnnl_sgemm (Float), cblas_dgemm (Double)" : "cblas_?gemm") "
      + "into a preallocated buffer. op: BLAS flags of A and B")
  print("(T = passed transposed, not materialised). Float unless noted. ours/dir = direct time ÷")
  print("our time (median over sample pairs). faults = minor page faults per call of ours.")
  print("")
  let table = TextTable(columns: [
    .init("GEMM", 15, .left), .init("op(A) · op(B)", 21, .left), .init("op", 2, .left),
    .init("ours", 9), .init("direct", 9), .init("GF/s", 6), .init("GF/s", 6),
    .init("ours/dir", 8), .init("faults", 6),
  ])
  table.printHeader()

  let usageAtStart = CPUUsage.now()
  var results: [GEMMResult] = []
  func report(_ result: GEMMResult) {
    results.append(result)
    table.printRow([
      result.gemm.name, result.gemm.shapes, result.gemm.flags,
      formattedDuration(result.timing.ours), formattedDuration(result.timing.reference),
      formatted(result.oursGFLOPS), formatted(result.directGFLOPS),
      formattedPercent(result.timing.speedRatio), formatted(result.timing.oursFaults),
    ])
  }
  for gemm in GEMMCase.vae {
    report(benchmarkGEMM(gemm, Float.self, budget: budget, generator: &generator))
  }
  let vaeResults = results
  report(benchmarkGEMM(GEMMCase.square("Float"), Float.self, budget: budget, generator: &generator))
  report(
    benchmarkGEMM(GEMMCase.square("Double"), Double.self, budget: budget, generator: &generator))

  let squareFloat = results[results.count - 2]
  print("")
  print(
    "peak: 1024² Float, ours \(formatted(squareFloat.oursGFLOPS)) GFLOP/s = "
      + "\(formattedPercent(squareFloat.oursGFLOPS / machine.peakGFLOPS)) of the machine's "
      + "\(formatted(machine.peakGFLOPS)); direct \(formatted(squareFloat.directGFLOPS)) GFLOP/s = "
      + "\(formattedPercent(squareFloat.directGFLOPS / Swift.max(machine.peak256, machine.peak512))) "
      + "of one core's")
  let worstDifference = results.map(\.relativeDifference).max() ?? 0
  print("")
  print(
    "check: largest |ours − direct| / max|C| over all products = "
      + formattedDifference(worstDifference) + (worstDifference < 1e-5 ? " (ok)" : " (MISMATCH)"))
  let oursTotal = vaeResults.map(\.timing.ours).reduce(0, +)
  let directTotal = vaeResults.map(\.timing.reference).reduce(0, +)
  let worst = vaeResults.min { $0.timing.speedRatio < $1.timing.speedRatio }!
  print(
    "VAE products, one of each: ours \(formattedDuration(oursTotal)), direct "
      + "\(formattedDuration(directTotal)) → \(formattedPercent(directTotal / oursTotal))")
  print(
    "slowest relative to direct: \(worst.gemm.name) at "
      + formattedPercent(worst.timing.speedRatio))
  let probe = benchmarkGEMM(
    GEMMCase(name: "probe", m: 8, k: 8, n: 8), Float.self, budget: budget, generator: &generator)
  print(
    "fixed cost per call, 8×8 · 8×8: ours \(formattedDuration(probe.timing.ours)), direct "
      + "\(formattedDuration(probe.timing.reference)) → matmul adds "
      + "\(formattedDuration(probe.timing.ours - probe.timing.reference))")
  print("  (allocating the result, building its shape, checking the operands)")
  #if os(Linux)
    if openblas_get_num_threads() == 1 && helperThreadEnabled {
      print(
        "note: on two cores TensorCore runs each large product as two blocks on its own two "
          + "threads\n  and sets the backend to one thread, so `direct` here is one thread.")
    }
  #endif
  let passed = vaeResults.allSatisfy { $0.timing.speedRatio >= matmulAcceptanceRatio }
  let othersBusy = usageAtStart.flatMap { CPUUsage.now()?.othersBusyFraction(since: $0) } ?? 0
  let caveat =
    budget.samples < Budget.full.samples
    ? " (quick run)"
    : othersBusy > CPUUsage.noisyThreshold
      ? " (others kept the CPUs \(formattedPercent(othersBusy)) busy: re-run)" : ""
  print(
    "acceptance (every VAE product ≥ \(formattedPercent(matmulAcceptanceRatio)) of direct): "
      + (passed ? "PASS" : "FAIL") + caveat)
}
