// compute-check: runs the Float products and convolutions of the conv VAE's shapes on the
// compute backend and compares them with the same computation in Double (im2col and OpenBLAS),
// for ReleaseExitTests, which run it with and without ONEDNN_MAX_CPU_ISA=AVX2 and
// VARIATIONAL_THREADS=1. Prints the backend, the largest relative difference of each result,
// and a digest of the Float results' bits (equal digests: equal numbers).
//
//   compute-check [--avx2]      (--avx2: ComputeBackend.limitToAVX2() before the first kernel)

import NeuralNetworks
import TensorCore
import _Differentiation

#if canImport(Glibc)
  import Glibc
#endif

if CommandLine.arguments.contains("--avx2") && !ComputeBackend.limitToAVX2() {
  print("limitToAVX2: not available")
}

var generator = Xoshiro256StarStar(seed: 42)
var digest: UInt64 = 0xcbf2_9ce4_8422_2325
var worst = 0.0

/// Adds the bits of `values` to the digest (FNV-1a).
@MainActor func absorb(_ values: Tensor<Float>) {
  values.withUnsafeBufferPointer { buffer in
    for value in buffer {
      digest = (digest ^ UInt64(value.bitPattern)) &* 0x100_0000_01b3
    }
  }
}

/// The largest |float − double| over the entries, relative to the largest |double|.
@MainActor func compare(_ name: String, _ float: Tensor<Float>, _ double: Tensor<Double>) {
  absorb(float)
  var (largest, scale) = (0.0, 0.0)
  float.withUnsafeBufferPointer { f in
    double.withUnsafeBufferPointer { d in
      for index in 0..<d.count {
        largest = Swift.max(largest, Swift.abs(Double(f[index]) - d[index]))
        scale = Swift.max(scale, Swift.abs(d[index]))
      }
    }
  }
  let relative = largest / Swift.max(scale, .leastNormalMagnitude)
  worst = Swift.max(worst, relative)
  print("\(name): \(relative)")
}

/// A tensor of standard normal entries in both precisions.
@MainActor func pair(_ shape: [Int]) -> (Tensor<Float>, Tensor<Double>) {
  let double = Tensor<Double>(randomNormal: shape, using: &generator)
  return (Tensor<Float>(double.scalars.map(Float.init)).reshaped(to: shape), double)
}

// The conv VAE's layers on a batch of 6 images: (input channels, output channels, side,
// stride, padding, output padding); transposed when the last is not nil.
let layers: [(Int, Int, Int, Int, Int, Int?)] = [
  (1, 32, 28, 2, 1, nil), (32, 64, 14, 2, 1, nil),
  (64, 64, 7, 2, 1, 1), (64, 32, 14, 2, 1, 1), (32, 1, 28, 1, 1, 0),
]
for (index, layer) in layers.enumerated() {
  let (inputs, outputs, side, stride, padding, outputPadding) = layer
  let (x, xd) = pair([6, inputs, side, side])
  let transposed = outputPadding != nil
  let (w, wd) = pair(transposed ? [inputs, outputs, 3, 3] : [outputs, inputs, 3, 3])
  let (b, bd) = pair([outputs])
  func apply<Scalar: TensorScalar>(
    _ x: Tensor<Scalar>, _ w: Tensor<Scalar>, _ b: Tensor<Scalar>
  ) -> (Tensor<Scalar>, Tensor<Scalar>, Tensor<Scalar>, Tensor<Scalar>) {
    let (y, pullback) = valueWithPullback(at: x, w, b) { x, w, b in
      transposed
        ? transposedConv2D(
          x, weight: w, bias: b, stride: stride, padding: padding,
          outputPadding: outputPadding ?? 0)
        : conv2D(x, weight: w, bias: b, stride: stride, padding: padding)
    }
    let gradient = y._mapScalarsForCheck { Scalar.sin($0) }
    let (gx, gw, gb) = pullback(gradient)
    return (y, gx, gw, gb)
  }
  let float = apply(x, w, b)
  let double = apply(xd, wd, bd)
  let name = "layer \(index + 1)\(transposed ? " (transposed)" : "")"
  compare("\(name) output", float.0, double.0)
  compare("\(name) input gradient", float.1, double.1)
  compare("\(name) weight gradient", float.2, double.2)
  compare("\(name) bias gradient", float.3, double.3)
}
let (a, ad) = pair([128, 3136])
let (m, md) = pair([3136, 400])
compare("matmul 128×3136 · 3136×400", matmul(a, m), matmul(ad, md))

print("backend: \(ComputeBackend.description)")
print("worst: \(worst)")
print("digest: \(String(digest, radix: 16))")
exit(worst < 2e-5 ? 0 : 1)

extension Tensor {
  /// `f` of every entry.
  func _mapScalarsForCheck(_ f: (Scalar) -> Scalar) -> Tensor {
    Tensor(shape: shape, scalars: scalars.map(f))
  }
}
