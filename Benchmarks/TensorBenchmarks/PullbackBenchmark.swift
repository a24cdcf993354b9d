import TensorCore
import _Differentiation

// Group 1b: matmul's backward pass through automatic differentiation, against the three direct
// GEMMs it should cost.

/// Measures reverse-mode AD through `matmul` on the VAE's first layer, X [128, 784] · W
/// [784, 400], with a fixed incoming gradient G [128, 400], against direct `cblas_sgemm` calls
/// into preallocated buffers:
/// - forward: `valueWithPullback(at: x, w) { matmul($0, $1) }` vs Y = X·W;
/// - pullback: calling the pullback (saved once) with G vs dX = G·Wᵀ and dW = Xᵀ·G;
/// - total: both, as a training step runs them, vs the three GEMMs.
///
/// GFLOP/s count only the GEMMs' 2·m·n·k; the rest (closures, allocations) is overhead.
func runPullbackBenchmark(budget: Budget, generator: inout Xoshiro256StarStar) {
  let (m, k, n) = (128, 784, 400)
  let x = Tensor<Float>(randomNormal: [m, k], using: &generator)
  let w = Tensor<Float>(randomNormal: [k, n], using: &generator)
  let g = Tensor<Float>(randomNormal: [m, n], using: &generator)
  let y = allocateAligned(Float.self, count: m * n)
  let dx = allocateAligned(Float.self, count: m * k)
  let dw = allocateAligned(Float.self, count: k * n)
  defer { [y, dx, dw].forEach(deallocateAligned) }
  let gemmFlops = 2 * Double(m) * Double(n) * Double(k)

  printSection("1b. matmul backward through AD vs the direct GEMMs it should cost")
  print("X [128, 784] · W [784, 400], incoming gradient G [128, 400]; Float.")
  print("")
  let table = TextTable(columns: [
    .init("step", 34, .left), .init("GEMMs", 5), .init("AD", 9), .init("direct", 9),
    .init("GF/s", 6), .init("GF/s", 6), .init("AD/direct", 9), .init("faults", 6),
  ])
  table.printHeader()

  x.withUnsafeBufferPointer { px in
    w.withUnsafeBufferPointer { pw in
      g.withUnsafeBufferPointer { pg in
        let (px, pw, pg) = (px.baseAddress!, pw.baseAddress!, pg.baseAddress!)
        let forward = {
          Float.directGEMM(
            transposeA: false, transposeB: false, m: m, n: n, k: k, a: px, lda: k, b: pw,
            ldb: n, c: y.baseAddress!)
        }
        let backward = {
          Float.directGEMM(
            transposeA: false, transposeB: true, m: m, n: k, k: n, a: pg, lda: n, b: pw,
            ldb: n, c: dx.baseAddress!)
          Float.directGEMM(
            transposeA: true, transposeB: false, m: k, n: n, k: m, a: px, lda: k, b: pg,
            ldb: n, c: dw.baseAddress!)
        }
        let (_, savedPullback) = valueWithPullback(at: x, w) { matmul($0, $1) }

        func report(_ step: String, gemms: Int, _ ad: () -> Void, _ direct: () -> Void) {
          let timing = measureInterleaved(budget, ours: ad, reference: direct)
          let flops = Double(gemms) * gemmFlops
          table.printRow([
            step, "\(gemms)", formattedDuration(timing.ours), formattedDuration(timing.reference),
            formatted(flops / timing.ours / 1e9), formatted(flops / timing.reference / 1e9),
            formattedPercent(timing.speedRatio), formatted(timing.oursFaults),
          ])
        }
        report(
          "forward: valueWithPullback", gemms: 1,
          { blackHole(valueWithPullback(at: x, w) { matmul($0, $1) }) }, forward)
        report("pullback(G) → (dX, dW)", gemms: 2, { blackHole(savedPullback(g)) }, backward)
        report(
          "total: valueWithPullback + pullback", gemms: 3,
          {
            let (value, pullback) = valueWithPullback(at: x, w) { matmul($0, $1) }
            blackHole((value, pullback(g)))
          },
          {
            forward()
            backward()
          })
      }
    }
  }
  print("AD/direct = direct time ÷ AD time (100% = AD costs exactly its GEMMs); faults = minor")
  print("page faults per call of the AD version.")
}
