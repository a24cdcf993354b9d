import Foundation

extension LatentDirichletAllocation {
  /// The evidence lower bound on log p(documents) that scikit-learn's
  /// `LatentDirichletAllocation.perplexity` uses (`_approx_bound`), at γ from the local step
  /// started at 1:
  /// ```
  /// ELBO = Σ_d Σ_w n_dw log Σ_k exp(E[log θ_dk] + E[log β_kw])
  ///      + Σ_d ( Σ_k [(α − γ_dk) E[log θ_dk] + log Γ(γ_dk) − log Γ(α)]
  ///              + log Γ(Kα) − log Γ(Σ_k γ_dk) )
  ///      + Σ_k ( Σ_w [(η − λ_kw) E[log β_kw] + log Γ(λ_kw) − log Γ(η)]
  ///              + log Γ(Vη) − log Γ(Σ_w λ_kw) )
  /// ```
  /// The first line is E_q[log p(w | θ, β)] with the optimal φ (the log-sum-exp is the maximum
  /// over φ); the second is −KL(q(θ_d) ‖ p(θ_d)) summed over documents; the third is
  /// −KL(q(β) ‖ p(β)), counted once, not scaled to the documents, as scikit-learn does.
  public func evidenceLowerBound(of documents: DocumentTermMatrix) -> Double {
    let gamma = documentTopicConcentrations(of: documents)
    return evidenceLowerBound(of: documents, documentTopicConcentrations: gamma)
  }

  /// The bound of ``evidenceLowerBound(of:)`` at the given γ (documents × K).
  public func evidenceLowerBound(
    of documents: DocumentTermMatrix, documentTopicConcentrations gamma: [Double]
  ) -> Double {
    let topics = topicCount
    let words = vocabulary.count
    let logBeta = expectedLogTopicWordTable(exponentiated: false)
    var score = 0.0
    var logTheta = [Double](repeating: 0, count: topics)
    var terms = [Double](repeating: 0, count: topics)
    let alpha = documentTopicPrior
    for document in 0..<documents.documentCount {
      let row = document * topics
      gamma.withUnsafeBufferPointer { gamma in
        logTheta.withUnsafeMutableBufferPointer { logTheta in
          DirichletExpectation.logarithmic(
            gamma.baseAddress! + row, count: topics, into: logTheta.baseAddress!)
        }
      }
      for entry in documents.rowStarts[document]..<documents.rowStarts[document + 1] {
        let w = Int(documents.termIndices[entry])
        var largest = -Double.infinity
        for k in 0..<topics {
          terms[k] = logTheta[k] + logBeta[w * topics + k]
          largest = max(largest, terms[k])
        }
        var sum = 0.0
        for k in 0..<topics { sum += Foundation.exp(terms[k] - largest) }
        score += documents.counts[entry] * (largest + Foundation.log(sum))
      }
      var total = 0.0
      for k in 0..<topics {
        let g = gamma[row + k]
        total += g
        score +=
          (alpha - g) * logTheta[k] + DirichletExpectation.logGamma(g)
          - DirichletExpectation.logGamma(alpha)
      }
      score +=
        DirichletExpectation.logGamma(Double(topics) * alpha)
        - DirichletExpectation.logGamma(total)
    }
    let eta = topicWordPrior
    for k in 0..<topics {
      var total = 0.0
      for w in 0..<words {
        let lambda = topicWordConcentrations[k * words + w]
        total += lambda
        score +=
          (eta - lambda) * logBeta[w * topics + k] + DirichletExpectation.logGamma(lambda)
          - DirichletExpectation.logGamma(eta)
      }
      score +=
        DirichletExpectation.logGamma(Double(words) * eta)
        - DirichletExpectation.logGamma(total)
    }
    return score
  }

  /// The per-word perplexity of `documents`, exp(−ELBO / N) with N their number of words and
  /// the ELBO of ``evidenceLowerBound(of:)``: scikit-learn's `perplexity(X)`. Lower is better;
  /// a model that knew nothing would score about V.
  public func perplexity(of documents: DocumentTermMatrix) -> Double {
    Foundation.exp(-evidenceLowerBound(of: documents) / documents.wordCount)
  }
}
