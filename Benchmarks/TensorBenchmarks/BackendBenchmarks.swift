import CBLAS
import CCompute
import TensorCore

// Group 1c: the compute backend against OpenBLAS, one thread each, on the VAE's products and a
// large square one: the measurement behind choosing oneDNN for Float (Benchmarks/README.md,
// "Compute backend").

/// Times `dnnl_sgemm` against `cblas_sgemm` (OpenBLAS, which TensorCore sets to one thread on
/// two cores) into the same preallocated buffer, interleaved, and prints GFLOP/s of each
/// against one core's measured peak. Only where the backend is oneDNN.
func runBackendBenchmarks(budget: Budget, generator: inout Xoshiro256StarStar) {
  guard ComputeBackend.usesOneDNN else { return }
  printSection("1c. oneDNN sgemm vs OpenBLAS sgemm, one thread each (\(ComputeBackend.description))")
  let corePeak = Swift.max(machine.peak256, machine.peak512)
  let table = TextTable(columns: [
    .init("GEMM", 15, .left), .init("op(A) · op(B)", 21, .left), .init("oneDNN", 9),
    .init("OpenBLAS", 9), .init("GF/s", 6), .init("GF/s", 6), .init("speed-up", 8),
    .init("% peak", 6),
  ])
  table.printHeader()
  let cases = [GEMMCase.vae[0], GEMMCase.vae[1], GEMMCase.vae[11], GEMMCase.square("Float")]
  for gemm in cases {
    let a = Tensor<Float>(randomNormal: gemm.storedShapeA, using: &generator)
    let b = Tensor<Float>(randomNormal: gemm.storedShapeB, using: &generator)
    let c = allocateAligned(Float.self, count: gemm.m * gemm.n)
    defer { deallocateAligned(c) }
    let timing = a.withUnsafeBufferPointer { pa in
      b.withUnsafeBufferPointer { pb in
        let (lda, ldb) = (gemm.storedShapeA[1], gemm.storedShapeB[1])
        return measureInterleaved(
          budget,
          ours: {
            _ = variational_sgemm(
              gemm.transposeA ? 1 : 0, gemm.transposeB ? 1 : 0, gemm.m, gemm.n, gemm.k, 1,
              pa.baseAddress!, lda, pb.baseAddress!, ldb, 0, c.baseAddress!, gemm.n)
          },
          reference: {
            cblas_sgemm(
              CblasRowMajor, gemm.transposeA ? CblasTrans : CblasNoTrans,
              gemm.transposeB ? CblasTrans : CblasNoTrans, numericCast(gemm.m),
              numericCast(gemm.n), numericCast(gemm.k), 1, pa.baseAddress!, numericCast(lda),
              pb.baseAddress!, numericCast(ldb), 0, c.baseAddress!, numericCast(gemm.n))
          })
      }
    }
    let (ours, openBLAS) = (gemm.flops / timing.ours / 1e9, gemm.flops / timing.reference / 1e9)
    table.printRow([
      gemm.name, gemm.shapes, formattedDuration(timing.ours), formattedDuration(timing.reference),
      formatted(ours), formatted(openBLAS), formatted(timing.speedRatio, decimals: 2) + "×",
      formattedPercent(ours / corePeak),
    ])
  }
  print("% peak: oneDNN's GFLOP/s over one core's measured FMA peak (header).")
}
