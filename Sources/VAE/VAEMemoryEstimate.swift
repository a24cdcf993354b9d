import Foundation

/// A rough upper estimate of the memory a VAE job needs, computed from sizes alone before
/// anything is allocated, so that `--hidden 10000000` is refused with a message instead of
/// dying in `malloc` (or being killed by the kernel) minutes later.
///
/// Every size is computed with overflow checks: a product that does not fit in an `Int` is
/// `nil`, which ``check(available:)`` treats as more than any machine has.
public struct VAEMemoryEstimate: Equatable, Sendable {
  /// What the job is, for the message: "training", "sampling", "evaluating".
  public var job: String
  /// Bytes that scale with the model's parameters (weights, and for training their gradient
  /// and Adam's two moments).
  public var parameterBytes: Int?
  /// Bytes of one batch's activations and their gradients, or of the generated images.
  public var batchBytes: Int?
  /// The flags that shrink ``parameterBytes`` and ``batchBytes``, in the order to try.
  public var parameterFlags: [String]
  /// The flags that shrink ``batchBytes``, in the order to try.
  public var batchFlags: [String]

  /// The total, or nil if it does not fit in an `Int`.
  public var totalBytes: Int? {
    guard let parameterBytes, let batchBytes else { return nil }
    let (sum, overflow) = parameterBytes.addingReportingOverflow(batchBytes)
    return overflow ? nil : sum
  }

  /// The memory of this machine, from `/proc/meminfo`'s physical memory.
  public static var physicalMemory: Int {
    Int(clamping: ProcessInfo.processInfo.physicalMemory)
  }

  /// Throws ``VAEError/invalidConfiguration(_:)`` saying how much memory the job needs and which
  /// flag to lower when the estimate exceeds `available` bytes.
  public func check(available: Int = physicalMemory) throws(VAEError) {
    if let totalBytes, totalBytes <= available { return }
    let parametersDominate =
      switch (parameterBytes, batchBytes) {
      case (nil, _): true
      case (_, nil): false
      case (let p?, let b?): p >= b
      }
    let preferred = parametersDominate ? parameterFlags : batchFlags
    let flags = preferred.isEmpty ? parameterFlags + batchFlags : preferred
    func size(_ bytes: Int?) -> String { bytes.map(Self.format) ?? "more than 9.2 EB" }
    var parts: [String] = []
    if !parameterFlags.isEmpty { parts.append("\(size(parameterBytes)) for the model") }
    if !batchFlags.isEmpty { parts.append("\(size(batchBytes)) for a batch") }
    throw VAEError.invalidConfiguration(
      "\(job) needs about \(size(totalBytes)) of memory (\(parts.joined(separator: " and "))), "
        + "more than this machine's \(Self.format(available)): lower "
        + flags.joined(separator: " or "))
  }

  /// `bytes` in B, kB, MB, GB, TB, PB or EB (powers of 1000), with three significant digits.
  public static func format(_ bytes: Int) -> String {
    var value = Double(bytes)
    for unit in ["B", "kB", "MB", "GB", "TB", "PB"] {
      if value < 999.5 { return unit == "B" ? "\(bytes) B" : String(format: "%.3g ", value) + unit }
      value /= 1000
    }
    return String(format: "%.3g EB", value)
  }
}

/// Overflow-checked arithmetic on optional sizes: nil stands for "does not fit in an Int".
private func product(_ factors: Int?...) -> Int? {
  var result = 1
  for factor in factors {
    guard let factor else { return nil }
    let (next, overflow) = result.multipliedReportingOverflow(by: factor)
    if overflow { return nil }
    result = next
  }
  return result
}

private func sum(_ terms: Int?...) -> Int? {
  var result = 0
  for term in terms {
    guard let term else { return nil }
    let (next, overflow) = result.addingReportingOverflow(term)
    if overflow { return nil }
    result = next
  }
  return result
}

extension VAEConfiguration {
  /// The number of parameters of the encoder, decoder and likelihood scale, or nil if it does
  /// not fit in an `Int`.
  public var parameterCount: Int? {
    let latentOutput = product(2, latentDimension)
    var total: Int? = 0
    func dense(_ input: Int?, _ output: Int?) {
      total = sum(total, product(input, output), output)
    }
    switch architecture {
    case .mlp:
      let encoder: [Int?] = [inputSize] + hiddenSizes.map { $0 } + [latentOutput]
      for i in 0..<(encoder.count - 1) { dense(encoder[i], encoder[i + 1]) }
      let decoder: [Int?] = [latentDimension] + hiddenSizes.reversed().map { $0 } + [inputSize]
      for i in 0..<(decoder.count - 1) { dense(decoder[i], decoder[i + 1]) }
    case .conv:
      let features = product(64, height / 4, width / 4)
      let hidden = hiddenSizes.first ?? 0
      // 3×3 convolutions: c → 32 → 64 in the encoder, 64 → 64 → 32 → c in the decoder.
      for (input, output) in [(channels, 32), (32, 64), (64, 64), (64, 32), (32, channels)] {
        total = sum(total, product(9, input, output), output)
      }
      dense(features, hidden)
      dense(hidden, latentOutput)
      dense(latentDimension, features)
    }
    // One learned log σ per pixel, or one shared (unused by the Bernoulli likelihood).
    return sum(total, likelihood == .gaussianPerPixelScale ? inputSize : 1)
  }

  /// The units of one image's forward pass through the encoder and decoder: the sizes of all
  /// layers' outputs, whose values and gradients a batch keeps.
  var activationsPerImage: Int? {
    let widths: [Int?] =
      switch architecture {
      case .mlp: (hiddenSizes + hiddenSizes).map { $0 }
      case .conv:
        [
          product(32, height / 2, width / 2), product(64, height / 4, width / 4),
          hiddenSizes.first ?? 0, product(64, height / 4, width / 4),
          product(64, height / 2, width / 2), product(32, height, width),
        ]
      }
    // The input, the hidden layers, μ and log σ², z, and the decoder's output.
    return sum(
      inputSize, widths.reduce(0, { sum($0, $1) }), product(3, latentDimension), inputSize)
  }

  /// The memory `vae train` needs: 4-byte floats for the weights, their gradient and Adam's
  /// two moments, and for a batch of `batchSize` images decoded `samples × importanceSamples`
  /// times, every layer's output, its gradient and one temporary of the same size.
  public func trainingMemory(
    batchSize: Int, samples: Int, importanceSamples: Int
  ) -> VAEMemoryEstimate {
    VAEMemoryEstimate(
      job: "training",
      parameterBytes: product(parameterCount, 4, 4),
      batchBytes: product(activationsPerImage, batchSize, samples, importanceSamples, 3, 4),
      parameterFlags: ["--hidden", "--latent-dim"],
      batchFlags: ["--batch-size", "--samples", "--iwae"])
  }

  /// The memory `vae sample --count count` needs: the weights, `count` latent codes and
  /// decoded images, and the RGB picture of their grid. `flags` set the count (for
  /// `interpolate`, `--steps` and `--pairs`); a nil count is one that overflows an `Int`.
  public func samplingMemory(count: Int?, flags: [String] = ["--count"]) -> VAEMemoryEstimate {
    VAEMemoryEstimate(
      job: "decoding \(count.map(String.init) ?? "more than \(Int.max)") images",
      parameterBytes: product(parameterCount, 4),
      batchBytes: product(count, sum(activationsPerImage, product(inputSize, 3)), 4),
      parameterFlags: [], batchFlags: flags)
  }

  /// The memory `vae evaluate --importance-samples importanceSamples` needs: the weights and
  /// the K decoded samples of one image at a time (the evaluation batches images so that
  /// a batch holds at most `rowsPerBatch` samples, ``evaluationRowsPerBatch`` unless given,
  /// and never less than one image).
  public func evaluationMemory(importanceSamples: Int, rowsPerBatch: Int? = nil)
    -> VAEMemoryEstimate
  {
    let rows = rowsPerBatch ?? evaluationRowsPerBatch
    return VAEMemoryEstimate(
      job: "evaluating with \(importanceSamples) importance samples",
      parameterBytes: product(parameterCount, 4),
      batchBytes: product(activationsPerImage, max(importanceSamples, rows), 2, 4),
      parameterFlags: [], batchFlags: ["--importance-samples"])
  }

  /// The most samples the importance-sampled evaluation decodes in one batch: 20,000 for the
  /// MLP (large products, 190 MB of activations), fewer where one sample's activations are
  /// larger, so that a batch's activations stay near 2²⁶ floats (256 MB): about 1,300 for the
  /// conv networks on 28 × 28 images (the K = 1000 samples of one image), where 20,000 took
  /// 5.4 GB.
  public var evaluationRowsPerBatch: Int {
    Self.rows(budget: 1 << 26, perRow: activationsPerImage, atMost: 20_000)
  }

  /// The images of one batch of the test-set ELBO: 500 for the MLP, fewer where an image's
  /// activations are larger, so that a batch's activations stay near 2²⁴ floats (64 MB): 321
  /// for the conv networks on 28 × 28 images (500 made them the largest tensors of a
  /// training run).
  public var evaluationBatchSize: Int {
    Self.rows(budget: 1 << 24, perRow: activationsPerImage, atMost: 500)
  }

  /// The rows of `perRow` floats that fit in `budget` floats, between 1 and `atMost`.
  static func rows(budget: Int, perRow: Int?, atMost: Int) -> Int {
    Swift.max(1, Swift.min(atMost, budget / Swift.max(1, perRow ?? Int.max)))
  }
}
