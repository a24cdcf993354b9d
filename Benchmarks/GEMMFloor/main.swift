// gemm-floor: the time the VAE's matrix products alone take on this machine, through direct
// calls of the compute backend's GEMM (oneDNN's `dnnl_sgemm` on its own threads where it is
// available, as `vae train` uses it; else OpenBLAS) into preallocated buffers: the floor under
// one epoch of `vae train`.
//
// One training step of the 784-400-20 MLP VAE on a minibatch of 128 does 11 products: the
// forward product of each layer (784→400, 400→40 for [μ | log σ²], 20→400, 400→784), the
// weight gradient dW = Xᵀ·G of each, and the input gradient dX = G·Wᵀ of all but the first
// (the images need none): 3.28 MFLOP per image. Each round calls the 11 in training order;
// the median round, times the steps of an epoch, is the floor.
//
//   swift run -c release gemm-floor [--rounds 400] [--images 60000] [--batch 128]
//
// Prints one JSON line. Set OMP_NUM_THREADS (oneDNN) or OPENBLAS_NUM_THREADS to choose the
// threads.

import CBLAS
import CCompute

#if canImport(Glibc)
  import Glibc
#endif

/// C = op(A)·op(B) with op(A) m × k and op(B) k × n, operands stored as BLAS reads them.
struct Product {
  var m: Int
  var k: Int
  var n: Int
  var transposeA = false
  var transposeB = false

  var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
}

func arguments() -> [String: Int] {
  var values = ["rounds": 400, "images": 60_000, "batch": 128]
  var iterator = CommandLine.arguments.dropFirst().makeIterator()
  while let flag = iterator.next() {
    let name = String(flag.drop(while: { $0 == "-" }))
    guard values[name] != nil, let text = iterator.next(), let value = Int(text), value > 0
    else {
      print("usage: gemm-floor [--rounds N] [--images N] [--batch N]")
      exit(flag == "--help" ? 0 : 2)
    }
    values[name] = value
  }
  return values
}

let options = arguments()
let batch = options["batch"]!
let layers = [(784, 400), (400, 40), (20, 400), (400, 784)]
var products: [Product] = []
for (inputs, outputs) in layers {
  products.append(Product(m: batch, k: inputs, n: outputs))
}
for (index, (inputs, outputs)) in layers.enumerated().reversed() {
  products.append(Product(m: inputs, k: batch, n: outputs, transposeA: true))
  if index > 0 { products.append(Product(m: batch, k: outputs, n: inputs, transposeB: true)) }
}
let flopsPerStep = products.reduce(0) { $0 + $1.flops }

func buffer(_ count: Int) -> UnsafeMutablePointer<Float> {
  let pointer = UnsafeMutablePointer<Float>.allocate(capacity: count)
  for i in 0..<count { pointer[i] = Float((i * 7919) % 1000) / 1000 - 0.5 }
  return pointer
}
let operands = products.map { ($0, buffer($0.m * $0.k), buffer($0.k * $0.n), buffer($0.m * $0.n)) }

/// Whether the products go through oneDNN (as `vae train`'s do where it is installed).
let oneDNN = variational_compute_available() != 0

@MainActor
func round() {
  for (p, a, b, c) in operands {
    if oneDNN {
      _ = variational_sgemm(
        p.transposeA ? 1 : 0, p.transposeB ? 1 : 0, p.m, p.n, p.k, 1, a,
        p.transposeA ? p.m : p.k, b, p.transposeB ? p.k : p.n, 0, c, p.n)
      continue
    }
    cblas_sgemm(
      CblasRowMajor, p.transposeA ? CblasTrans : CblasNoTrans,
      p.transposeB ? CblasTrans : CblasNoTrans, Int32(p.m), Int32(p.n), Int32(p.k), 1, a,
      Int32(p.transposeA ? p.m : p.k), b, Int32(p.transposeB ? p.k : p.n), 0, c, Int32(p.n))
  }
}

let clock = ContinuousClock()
for _ in 0..<20 { round() }
var seconds: [Double] = []
for _ in 0..<options["rounds"]! {
  let start = clock.now
  round()
  let elapsed = (clock.now - start).components
  seconds.append(Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18)
}
seconds.sort()
let step = seconds[seconds.count / 2]
let steps = Double(options["images"]!) / Double(batch)
print(
  "{\"step_seconds\": \(step), \"best_step_seconds\": \(seconds[0]), "
    + "\"epoch_seconds\": \(step * steps), \"flops_per_image\": \(flopsPerStep / Double(batch)), "
    + "\"gflops\": \(flopsPerStep / step / 1e9), "
    + (oneDNN
      ? "\"config\": \"oneDNN (\(String(cString: variational_compute_isa())))\"}"
      : "\"threads\": \(openblas_get_num_threads()), "
        + "\"config\": \"OpenBLAS \(String(cString: openblas_get_config()))\"}"))
