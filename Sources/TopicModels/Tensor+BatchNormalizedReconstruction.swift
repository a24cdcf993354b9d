import Foundation
import TensorCore
import _Differentiation

/// ProdLDA's reconstruction term when training, fused: for pre-normalisation logits X and
/// counts C (both `[batch, V]`), each document's
/// ```
/// r_b = −Σ_v c_bv log softmax(Y_b)_v,   Y = batchNormalized(X),
/// ```
/// as `[batch, 1]`. The same as composing ``batchNormalized(_:epsilon:)``, `logSumExp` and a
/// product with the counts, but in a few passes over contiguous memory with a hand-written
/// pullback (the composed version makes about 50 passes over a `[batch, V]` matrix per step):
/// ```
/// ∂r_b/∂Y_bv = N_b softmax(Y_b)_v − c_bv,     N_b = Σ_v c_bv,
/// X̄ = (1/σ)(Ȳ − mean_b Ȳ − Y · mean_b(Ȳ Y))    column by column.
/// ```
@differentiable(reverse, wrt: logits)
public func batchNormalizedReconstruction(
  _ logits: Tensor<Float>, counts: Tensor<Float>, epsilon: Float = 1e-5
) -> Tensor<Float> {
  _reconstructionForward(logits, counts: counts, epsilon: epsilon).value
}

@usableFromInline
@derivative(of: batchNormalizedReconstruction, wrt: logits)
func _vjpBatchNormalizedReconstruction(
  _ logits: Tensor<Float>, counts: Tensor<Float>, epsilon: Float
) -> (value: Tensor<Float>, pullback: (Tensor<Float>) -> Tensor<Float>) {
  let forward = _reconstructionForward(logits, counts: counts, epsilon: epsilon)
  let (batch, words) = (logits.shape[0], logits.shape[1])
  return (
    forward.value,
    { g in
      let gScalars = g.scalars
      var gradient = Tensor<Float>(zeros: [batch, words])
      var meanGradient = [Float](repeating: 0, count: words)
      var meanGradientY = [Float](repeating: 0, count: words)
      let y = forward.normalized
      counts.withUnsafeBufferPointer { c in
        gradient.withUnsafeMutableBufferPointer { dx in
          // Ȳ into dx, with its column means.
          for b in 0..<batch {
            let (scale, lse) = (gScalars[b] * forward.totals[b], forward.logSumExps[b])
            let gb = gScalars[b]
            let base = b * words
            for v in 0..<words {
              let dy = scale * Foundation.exp(y[base + v] - lse) - gb * c[base + v]
              dx[base + v] = dy
              meanGradient[v] += dy
              meanGradientY[v] += dy * y[base + v]
            }
          }
          let inverseBatch = 1 / Float(batch)
          for v in 0..<words {
            meanGradient[v] *= inverseBatch
            meanGradientY[v] *= inverseBatch
          }
          for b in 0..<batch {
            let base = b * words
            for v in 0..<words {
              dx[base + v] =
                forward.inverseDeviations[v]
                * (dx[base + v] - meanGradient[v] - y[base + v] * meanGradientY[v])
            }
          }
        }
      }
      return gradient
    }
  )
}

struct _ReconstructionForward {
  var value: Tensor<Float>
  var normalized: [Float]
  var inverseDeviations: [Float]
  var logSumExps: [Float]
  var totals: [Float]
}

func _reconstructionForward(_ x: Tensor<Float>, counts: Tensor<Float>, epsilon: Float)
  -> _ReconstructionForward
{
  userPrecondition(
    x.rank == 2 && counts.shape == x.shape,
    "batchNormalizedReconstruction: logits \(x.shape) and counts \(counts.shape) must be "
      + "the same [batch, V]")
  let (batch, words) = (x.shape[0], x.shape[1])
  var means = [Float](repeating: 0, count: words)
  var variances = [Float](repeating: 0, count: words)
  var y = [Float](repeating: 0, count: batch * words)
  var logSumExps = [Float](repeating: 0, count: batch)
  var totals = [Float](repeating: 0, count: batch)
  var values = [Float](repeating: 0, count: batch)
  x.withUnsafeBufferPointer { x in
    for b in 0..<batch {
      for v in 0..<words { means[v] += x[b * words + v] }
    }
    let inverseBatch = 1 / Float(batch)
    for v in 0..<words { means[v] *= inverseBatch }
    for b in 0..<batch {
      for v in 0..<words {
        let d = x[b * words + v] - means[v]
        y[b * words + v] = d
        variances[v] += d * d
      }
    }
    for v in 0..<words { variances[v] = 1 / (variances[v] * inverseBatch + epsilon).squareRoot() }
  }
  counts.withUnsafeBufferPointer { c in
    for b in 0..<batch {
      let base = b * words
      var m = -Float.infinity
      for v in 0..<words {
        y[base + v] *= variances[v]
        m = Swift.max(m, y[base + v])
      }
      var s: Float = 0
      var dot: Float = 0
      var total: Float = 0
      for v in 0..<words {
        s += Foundation.exp(y[base + v] - m)
        dot += c[base + v] * y[base + v]
        total += c[base + v]
      }
      let lse = m + Foundation.log(s)
      logSumExps[b] = lse
      totals[b] = total
      values[b] = total * lse - dot
    }
  }
  return _ReconstructionForward(
    value: Tensor(shape: [batch, 1], scalars: values), normalized: y,
    inverseDeviations: variances, logSumExps: logSumExps, totals: totals)
}
