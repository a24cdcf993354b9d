import Foundation
import TensorCore
import _Differentiation

/// ProdLDA's reconstruction term when training, fused: for pre-normalisation logits X and
/// counts C (both `[batch, V]`) and a per-word offset o (`[V]`, the learnable centre of the
/// paper's batch normalisation), each document's
/// ```
/// r_b = −Σ_v c_bv log softmax(Y_b + o)_v,   Y = batchNormalized(X),
/// ```
/// as `[batch, 1]`. The same as composing ``batchNormalized(_:epsilon:)``, `logSumExp` and a
/// product with the counts, but in a few passes over contiguous memory with a hand-written
/// pullback (the composed version makes about 50 passes over a `[batch, V]` matrix per step):
/// ```
/// ∂r_b/∂Y_bv = N_b softmax(Y_b + o)_v − c_bv,     N_b = Σ_v c_bv,     ō = Σ_b Ȳ,
/// X̄ = (1/σ)(Ȳ − mean_b Ȳ − Y · mean_b(Ȳ Y))    column by column.
/// ```
@differentiable(reverse, wrt: (logits, offset))
public func batchNormalizedReconstruction(
  _ logits: Tensor<Float>, offset: Tensor<Float>, counts: Tensor<Float>, epsilon: Float = 1e-5
) -> Tensor<Float> {
  _reconstructionForward(logits, offset: offset, counts: counts, epsilon: epsilon).value
}

@usableFromInline
@derivative(of: batchNormalizedReconstruction, wrt: (logits, offset))
func _vjpBatchNormalizedReconstruction(
  _ logits: Tensor<Float>, offset: Tensor<Float>, counts: Tensor<Float>, epsilon: Float
) -> (value: Tensor<Float>, pullback: (Tensor<Float>) -> (Tensor<Float>, Tensor<Float>)) {
  let forward = _reconstructionForward(
    logits, offset: offset, counts: counts, epsilon: epsilon)
  let (batch, words) = (logits.shape[0], logits.shape[1])
  return (
    forward.value,
    { g in
      let gScalars = g.scalars
      var gradient = Tensor<Float>(zeros: [batch, words])
      var meanGradient = [Float](repeating: 0, count: words)
      var meanGradientY = [Float](repeating: 0, count: words)
      var offsetGradient = Tensor<Float>(zeros: [words])
      counts.withUnsafeBufferPointer { c in
        gradient.withUnsafeMutableBufferPointer { dx in
          forward.normalized.withUnsafeBufferPointer { y in
            forward.probabilities.withUnsafeBufferPointer { p in
              forward.inverseDeviations.withUnsafeBufferPointer { inverse in
                meanGradient.withUnsafeMutableBufferPointer { mg in
                  meanGradientY.withUnsafeMutableBufferPointer { mgy in
                    // Ȳ into dx, with its column means.
                    for b in 0..<batch {
                      let scale = gScalars[b] * forward.totals[b]
                      let gb = gScalars[b]
                      let base = b * words
                      for v in 0..<words {
                        let dy = scale * p[base + v] - gb * c[base + v]
                        dx[base + v] = dy
                        mg[v] += dy
                        mgy[v] += dy * y[base + v]
                      }
                    }
                    offsetGradient = Tensor(shape: [words], scalars: Array(mg))
                    let inverseBatch = 1 / Float(batch)
                    for v in 0..<words {
                      mg[v] *= inverseBatch
                      mgy[v] *= inverseBatch
                    }
                    for b in 0..<batch {
                      let base = b * words
                      for v in 0..<words {
                        dx[base + v] = inverse[v] * (dx[base + v] - mg[v] - y[base + v] * mgy[v])
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
      return (gradient, offsetGradient)
    }
  )
}

struct _ReconstructionForward {
  var value: Tensor<Float>
  /// Y, `[batch, V]`.
  var normalized: [Float]
  /// softmax(Y) row by row, `[batch, V]`.
  var probabilities: [Float]
  var inverseDeviations: [Float]
  var totals: [Float]
}

func _reconstructionForward(
  _ x: Tensor<Float>, offset: Tensor<Float>, counts: Tensor<Float>, epsilon: Float
) -> _ReconstructionForward {
  userPrecondition(
    x.rank == 2 && counts.shape == x.shape && offset.shape == [x.shape[1]],
    "batchNormalizedReconstruction: logits \(x.shape) and counts \(counts.shape) must be "
      + "the same [batch, V], and the offset \(offset.shape) [V]")
  let (batch, words) = (x.shape[0], x.shape[1])
  var means = [Float](repeating: 0, count: words)
  var inverseDeviations = [Float](repeating: 0, count: words)
  var normalized = [Float](repeating: 0, count: batch * words)
  var probabilities = [Float](repeating: 0, count: batch * words)
  var totals = [Float](repeating: 0, count: batch)
  var values = [Float](repeating: 0, count: batch)
  let o = offset.scalars
  x.withUnsafeBufferPointer { x in
    counts.withUnsafeBufferPointer { c in
      means.withUnsafeMutableBufferPointer { mean in
        inverseDeviations.withUnsafeMutableBufferPointer { inverse in
          normalized.withUnsafeMutableBufferPointer { y in
            probabilities.withUnsafeMutableBufferPointer { p in
              for b in 0..<batch {
                for v in 0..<words { mean[v] += x[b * words + v] }
              }
              let inverseBatch = 1 / Float(batch)
              for v in 0..<words { mean[v] *= inverseBatch }
              for b in 0..<batch {
                for v in 0..<words {
                  let d = x[b * words + v] - mean[v]
                  y[b * words + v] = d
                  inverse[v] += d * d
                }
              }
              for v in 0..<words {
                inverse[v] = 1 / (inverse[v] * inverseBatch + epsilon).squareRoot()
              }
              for b in 0..<batch {
                let base = b * words
                var m = -Float.infinity
                for v in 0..<words {
                  y[base + v] *= inverse[v]
                  m = Swift.max(m, y[base + v] + o[v])
                }
                var s: Float = 0
                var dot: Float = 0
                var total: Float = 0
                for v in 0..<words {
                  let shifted = y[base + v] + o[v]
                  let e = Foundation.exp(shifted - m)
                  p[base + v] = e
                  s += e
                  dot += c[base + v] * shifted
                  total += c[base + v]
                }
                let inverseSum = 1 / s
                for v in 0..<words { p[base + v] *= inverseSum }
                totals[b] = total
                values[b] = total * (m + Foundation.log(s)) - dot
              }
            }
          }
        }
      }
    }
  }
  return _ReconstructionForward(
    value: Tensor(shape: [batch, 1], scalars: values), normalized: normalized,
    probabilities: probabilities, inverseDeviations: inverseDeviations, totals: totals)
}
