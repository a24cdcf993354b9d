import CKernels
import RealModule
import _Differentiation

/// The binary cross-entropy between Bernoulli distributions with logits `l` and targets `x`,
/// elementwise: the negative log-likelihood −log p(x | l) of a Bernoulli decoder.
/// ```
/// −[x log σ(l) + (1 − x) log(1 − σ(l))] = softplus(l) − x·l
///                                       = max(l, 0) − x·l + log(1 + e^{−|l|})
/// ```
/// The last form is finite for every finite logit, and evaluated in that order it keeps the
/// tiny loss of a confident correct prediction (e^{−100} at l = 100, x = 1) that the first
/// form rounds to 0. Targets may be grey levels in [0, 1] (as in
/// the PyTorch VAE example), not only 0 and 1. Fused into one pass, with the gradient
/// ∂/∂l = σ(l) − x; the targets are data and get no gradient.
@inlinable
@differentiable(reverse, wrt: logits)
public func sigmoidCrossEntropy<Scalar>(
  logits: Tensor<Scalar>, labels: Tensor<Scalar>
) -> Tensor<Scalar> {
  userPrecondition(
    logits.shape == labels.shape,
    "sigmoidCrossEntropy: logits \(logits.shape) and labels \(labels.shape) differ in shape")
  return logits._zip(labels, operation: "sigmoidCrossEntropy") { l, x in
    (Swift.max(l, 0) - x * l) + .log(onePlus: .exp(-Swift.abs(l)))
  }
}

@inlinable
@derivative(of: sigmoidCrossEntropy, wrt: logits)
func _vjpSigmoidCrossEntropy<Scalar>(
  logits: Tensor<Scalar>, labels: Tensor<Scalar>
) -> (value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> Tensor<Scalar>) {
  (
    sigmoidCrossEntropy(logits: logits, labels: labels),
    { g in .pullbackMap(g, logits, labels) { g, l, x in g * (Scalar.sigmoid(l) - x) } }
  )
}

/// The binary cross-entropy of ``sigmoidCrossEntropy(logits:labels:)`` summed along the last
/// axis: one value per row, `logits.shape.dropLast()`.
/// ```
/// out[r] = Σⱼ max(l, 0) − x·l + log(1 + e^{−|l|}),   l = logits[r, j],  x = labels[r mod R, j]
/// ```
/// `labels` may hold fewer rows R than `logits` when they divide its row count: they repeat
/// along the rows, as the targets of several samples per image stacked sample-major, so they
/// need not be copied. Fused into one pass that keeps ∂/∂l = σ(l) − x for the pullback
/// (reusing e^{−|l|}: σ(l) = 1/(1 + e^{−|l|}) for l ≥ 0, e^{−|l|}/(1 + e^{−|l|}) below), so
/// the backward pass is one multiplication. For `Float`, e^x and log(1 + y) are vectorised
/// approximations accurate to a few units in the last place (see CKernels.h).
///
/// - Precondition: the last axes match, `labels` has as many or fewer rows, and their count
///   divides that of `logits`.
@inlinable
@differentiable(reverse, wrt: logits)
public func summedSigmoidCrossEntropy<Scalar>(
  logits: Tensor<Scalar>, labels: Tensor<Scalar>
) -> Tensor<Scalar> {
  Tensor<Scalar>._summedSigmoidCrossEntropy(logits, labels, keepingGradient: false).value
}

@inlinable
@derivative(of: summedSigmoidCrossEntropy, wrt: logits)
func _vjpSummedSigmoidCrossEntropy<Scalar>(
  logits: Tensor<Scalar>, labels: Tensor<Scalar>
) -> (value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> Tensor<Scalar>) {
  let (value, derivative) = Tensor<Scalar>._summedSigmoidCrossEntropy(
    logits, labels, keepingGradient: true)
  let columns = logits.shape[logits.rank - 1]
  return (
    value,
    { g in
      // l̄[r, j] = ḡ[r] · (σ(l[r, j]) − x[r, j]).
      let pg = g.buffer.base
      let rows = value.scalarCount
      let single = g.scalarCount == 1 && g.shape != value.shape
      userPrecondition(
        single || g.shape == value.shape,
        "summedSigmoidCrossEntropy: gradient of shape \(g.shape) for \(value.shape)")
      // A gradient of ones (the loss summed over the batch) passes σ − x on without a copy.
      if (0..<(single ? 1 : rows)).allSatisfy({ pg[$0] == 1 }) { return derivative }
      let result = Tensor<Scalar>(uninitializedShape: derivative.shape)
      let d = derivative.buffer.base
      let out = result.buffer.base
      forEachChunk(of: rows, minimumChunk: Swift.max(1, (1 << 15) / Swift.max(1, columns))) {
        for row in $0 {
          let scale = pg[single ? 0 : row]
          let (d, out) = (d + row &* columns, out + row &* columns)
          for j in 0..<columns { out[j] = scale * d[j] }
        }
      }
      return result
    }
  )
}

extension Tensor {
  /// The row sums of the binary cross-entropy, and σ(l) − x when `keepingGradient` (else
  /// `nil`): the kernel of ``summedSigmoidCrossEntropy(logits:labels:)``.
  @inlinable
  static func _summedSigmoidCrossEntropy(
    _ logits: Tensor, _ labels: Tensor, keepingGradient: Bool
  ) -> (value: Tensor, derivative: Tensor) {
    userPrecondition(
      logits.rank >= 1 && labels.rank >= 1
        && logits.shape[logits.rank - 1] == labels.shape[labels.rank - 1],
      "summedSigmoidCrossEntropy: logits \(logits.shape) and labels \(labels.shape) need the "
        + "same last axis")
    let columns = logits.shape[logits.rank - 1]
    let rows = columns == 0 ? 0 : logits.scalarCount / columns
    let labelRows = columns == 0 ? 0 : labels.scalarCount / columns
    userPrecondition(
      labelRows > 0 ? rows % labelRows == 0 && labelRows <= rows : rows == 0,
      "summedSigmoidCrossEntropy: \(labelRows) rows of labels \(labels.shape) do not divide "
        + "the \(rows) rows of logits \(logits.shape)")
    let value = Tensor(uninitializedShape: Array(logits.shape.dropLast()))
    let derivative = Tensor(uninitializedShape: keepingGradient ? logits.shape : [0])
    guard rows > 0 else {
      value.buffer.base.initialize(repeating: 0, count: value.scalarCount)
      return (value, derivative)
    }
    let l = logits.buffer.base
    let x = labels.buffer.base
    let sums = value.buffer.base
    let d = derivative.buffer.base
    if Scalar.self == Float.self {
      func float(_ p: UnsafeMutablePointer<Scalar>) -> UnsafeMutablePointer<Float> {
        UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
      }
      // Rows are independent: large batches are split across the cores.
      forEachChunk(of: rows, minimumChunk: Swift.max(1, (1 << 15) / columns)) { range in
        let (first, offset) = (range.lowerBound, range.lowerBound * columns)
        variational_sigmoid_cross_entropy_rows(
          float(l) + offset, float(x), range.count, columns, labelRows, first, float(sums) + first,
          keepingGradient ? float(d) + offset : nil)
      }
      return (value, derivative)
    }
    for row in 0..<rows {
      let offset = row * columns
      let labelOffset = (row % labelRows) * columns
      var total: Scalar = 0
      for j in 0..<columns {
        let logit = l[offset + j]
        let target = x[labelOffset + j]
        let e = Scalar.exp(-Swift.abs(logit))
        total += (Swift.max(logit, 0) - target * logit) + .log(onePlus: e)
        if keepingGradient { d[offset + j] = (logit >= 0 ? 1 : e) / (1 + e) - target }
      }
      sums[row] = total
    }
    return (value, derivative)
  }
}
