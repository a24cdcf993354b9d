import TensorCore

/// The local (per-document) step of mean-field LDA: for fixed topics, coordinate ascent on each
/// document's variational Dirichlet γ_d, with the per-word topic responsibilities φ kept
/// implicit (Blei, Ng & Jordan 2003, fig. 6; the form of Hoffman et al. 2013, alg. 2):
/// ```
/// φ_dwk ∝ exp(E[log θ_dk]) exp(E[log β_kw])
/// γ_dk  ← α + exp(E[log θ_dk]) Σ_w n_dw exp(E[log β_kw]) / Σ_j exp(E[log θ_dj]) exp(E[log β_jw])
/// ```
/// until the mean absolute change of γ_d is below `tolerance` or after `maximumIterations`
/// (scikit-learn's `max_doc_update_iter` = 100 and `mean_change_tol` = 10⁻³).
///
/// The documents are processed in rounds: one sparse pass over every unconverged document,
/// then E[log θ] of all of them in one loop over a contiguous array (the digammas in bulk).
/// The documents are shared between the calling thread and TensorCore's helper thread
/// (`forEachChunk`); each document's numbers depend only on its own data, so the result is the
/// same on one thread or two.
struct LDALocalStep {
  /// K.
  let topicCount: Int
  /// α, the symmetric Dirichlet prior on each document's topic proportions.
  let documentTopicPrior: Double
  /// The most coordinate-ascent updates per document.
  let maximumIterations: Int
  /// Stop a document once the mean absolute change of its γ is below this.
  let tolerance: Double

  /// A small number added to each word's normaliser (scikit-learn's `EPS`), so that a word all
  /// topics give probability 0 does not divide by zero.
  static let normaliserFloor = 1e-100

  /// One update of one document's γ from its exp(E[log θ]); returns the mean absolute change.
  ///
  /// - Parameters:
  ///   - table: exp(E[log β]) by local column, `topicCount` values per column.
  ///   - scratch: `topicCount` values of workspace.
  @inline(__always)
  func update(
    entries: Range<Int>, columns: UnsafePointer<Int32>, counts: UnsafePointer<Double>,
    table: UnsafePointer<Double>, expectedTheta: UnsafePointer<Double>,
    gamma: UnsafeMutablePointer<Double>, scratch: UnsafeMutablePointer<Double>
  ) -> Double {
    let topics = topicCount
    scratch.update(repeating: 0, count: topics)
    for entry in entries {
      let row = table + Int(columns[entry]) &* topics
      let scale = counts[entry] / (Self.dot(expectedTheta, row, topics) + Self.normaliserFloor)
      for k in 0..<topics { scratch[k] += scale * row[k] }
    }
    var change = 0.0
    for k in 0..<topics {
      let updated = documentTopicPrior + expectedTheta[k] * scratch[k]
      change += abs(updated - gamma[k])
      gamma[k] = updated
    }
    return change / Double(topics)
  }

  /// Σ_k a_k b_k over `count` values, in four interleaved partial sums (a fixed order, so the
  /// same bits on any thread), which lets the loop run without a long dependency chain.
  @inline(__always)
  static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ count: Int) -> Double {
    var s0 = 0.0
    var s1 = 0.0
    var s2 = 0.0
    var s3 = 0.0
    var k = 0
    while k + 4 <= count {
      s0 += a[k] * b[k]
      s1 += a[k + 1] * b[k + 1]
      s2 += a[k + 2] * b[k + 2]
      s3 += a[k + 3] * b[k + 3]
      k += 4
    }
    while k < count {
      s0 += a[k] * b[k]
      k += 1
    }
    return (s0 + s1) + (s2 + s3)
  }

  /// Runs the local step on all of `documents` from the starting `gamma` (documents × K,
  /// overwritten with the result); `expectedTheta` receives exp(E[log θ]) of the result.
  /// Returns the total number of document updates.
  @discardableResult
  func run(
    _ documents: LocalDocuments, table: [Double], gamma: inout [Double],
    expectedTheta: inout [Double]
  ) -> Int {
    let count = documents.documentCount
    let topics = topicCount
    precondition(gamma.count == count * topics && table.count >= documents.columnCount * topics)
    if expectedTheta.count != gamma.count {
      expectedTheta = [Double](repeating: 0, count: gamma.count)
    }
    var updates = [Int](repeating: 0, count: count)
    documents.rowStarts.withUnsafeBufferPointer { rowStarts in
      documents.columns.withUnsafeBufferPointer { columns in
        documents.counts.withUnsafeBufferPointer { counts in
          table.withUnsafeBufferPointer { table in
            gamma.withUnsafeMutableBufferPointer { gamma in
              expectedTheta.withUnsafeMutableBufferPointer { expectedTheta in
                updates.withUnsafeMutableBufferPointer { updates in
                  let gamma = _UncheckedPointer(gamma.baseAddress!)
                  let expectedTheta = _UncheckedPointer(expectedTheta.baseAddress!)
                  let updates = _UncheckedPointer(updates.baseAddress!)
                  forEachChunk(of: count, minimumChunk: 16) { range in
                    runRounds(
                      range, rowStarts: rowStarts.baseAddress!, columns: columns.baseAddress!,
                      counts: counts.baseAddress!, table: table.baseAddress!,
                      gamma: gamma.pointer, expectedTheta: expectedTheta.pointer,
                      updates: updates.pointer)
                  }
                }
              }
            }
          }
        }
      }
    }
    return updates.reduce(0, +)
  }

  /// The rounds of updates of the documents `range`.
  func runRounds(
    _ range: Range<Int>, rowStarts: UnsafePointer<Int>, columns: UnsafePointer<Int32>,
    counts: UnsafePointer<Double>, table: UnsafePointer<Double>,
    gamma: UnsafeMutablePointer<Double>, expectedTheta: UnsafeMutablePointer<Double>,
    updates: UnsafeMutablePointer<Int>
  ) {
    let topics = topicCount
    for document in range {
      DirichletExpectation.exponentiated(
        gamma + document * topics, count: topics, into: expectedTheta + document * topics)
    }
    var active = Array(range)
    withUnsafeTemporaryAllocation(of: Double.self, capacity: topics) { scratch in
      var iteration = 0
      while !active.isEmpty && iteration < maximumIterations {
        iteration += 1
        var kept = 0
        // The sparse passes, then the bulk expectations and the convergence test.
        var changes: [Double] = []
        changes.reserveCapacity(active.count)
        for document in active {
          changes.append(
            update(
              entries: rowStarts[document]..<rowStarts[document + 1], columns: columns,
              counts: counts, table: table, expectedTheta: expectedTheta + document * topics,
              gamma: gamma + document * topics, scratch: scratch.baseAddress!))
        }
        for index in 0..<active.count {
          let document = active[index]
          DirichletExpectation.exponentiated(
            gamma + document * topics, count: topics, into: expectedTheta + document * topics)
          updates[document] += 1
          if changes[index] >= tolerance {
            active[kept] = document
            kept += 1
          }
        }
        active.removeLast(active.count - kept)
      }
    }
  }

  /// The topic–word sufficient statistics of `documents` at their converged
  /// exp(E[log θ]) (documents × K), by local column (columns × K):
  /// ```
  /// s_wk = exp(E[log β_kw]) Σ_d n_dw exp(E[log θ_dk]) / Σ_j exp(E[log θ_dj]) exp(E[log β_jw])
  /// ```
  /// = Σ_d n_dw φ_dwk, computed in document order on the calling thread.
  func sufficientStatistics(
    _ documents: LocalDocuments, table: [Double], expectedTheta: [Double]
  ) -> [Double] {
    let topics = topicCount
    var statistics = [Double](repeating: 0, count: documents.columnCount * topics)
    documents.columns.withUnsafeBufferPointer { columns in
      documents.counts.withUnsafeBufferPointer { counts in
        table.withUnsafeBufferPointer { table in
          expectedTheta.withUnsafeBufferPointer { expectedTheta in
            statistics.withUnsafeMutableBufferPointer { statistics in
              let table = table.baseAddress!
              let statistics = statistics.baseAddress!
              for document in 0..<documents.documentCount {
                let theta = expectedTheta.baseAddress! + document * topics
                for entry in documents.rowStarts[document]..<documents.rowStarts[document + 1] {
                  let column = Int(columns[entry]) * topics
                  let row = table + column
                  let scale = counts[entry] / (Self.dot(theta, row, topics) + Self.normaliserFloor)
                  let target = statistics + column
                  for k in 0..<topics { target[k] += scale * theta[k] }
                }
              }
              for index in 0..<documents.columnCount * topics { statistics[index] *= table[index] }
            }
          }
        }
      }
    }
    return statistics
  }
}

/// A pointer handed to the helper thread, which writes only its own documents' rows.
struct _UncheckedPointer<Pointee>: @unchecked Sendable {
  let pointer: UnsafeMutablePointer<Pointee>
  init(_ pointer: UnsafeMutablePointer<Pointee>) { self.pointer = pointer }
}
