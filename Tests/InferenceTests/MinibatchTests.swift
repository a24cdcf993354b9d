import Inference
import TensorCore
import TestSupport
import Testing

@Suite struct MinibatchTests {
  /// Over one epoch of batches, the scaled minibatch log joints average to the full log joint
  /// (the estimator is unbiased, and exact when averaged over a partition of the rows).
  @Test func scaledBatchesAverageToTheFullLogJoint() throws {
    let problem = ConjugateLinearRegression(rows: 60, dimension: 3)
    let model = try problem.model()
    let layout = try ParameterLayout(model.parameters)
    let values = ParameterValues(
      tensors: [tensor([0.4, -0.1, 0.9, 1, 0, -1], shape: [2, 3])], layout: layout)
    let full = model.logJoint(values)
    let order = (0..<60).map { ($0 * 7) % 60 }
    var total = Tensor<Double>(zeros: [2])
    for start in stride(from: 0, to: 60, by: 15) {
      let rows = Array(order[start..<(start + 15)])
      total = total + (model.logPrior(values) + 4 * model.logLikelihood(values, rows: rows))
    }
    assertClose(total / 4, full, relativeTolerance: 1e-12)
  }

  /// Stochastic VI on batches of 50 of the 500 rows reaches the exact posterior mean within a
  /// few posterior standard deviations, and nearly the best mean-field KL.
  @Test func stochasticVariationalInference() throws {
    let problem = ConjugateLinearRegression()
    let result = try fit(
      try problem.model(), family: .meanField,
      options: FitOptions(seed: 2, algorithm: .stochastic, maxIterations: 3000, tolerance: 0, batchSize: 50))
    let mean = try #require(result.unconstrainedMean).scalars
    let exact = problem.posteriorMean.scalars
    let precision = problem.precision.scalars
    for j in 0..<5 {
      let sd = 1 / precision[j * 5 + j].squareRoot()
      print("SVI coefficient \(j): \(mean[j]) vs \(exact[j]) (conditional sd \(sd))")
      #expect(Swift.abs(mean[j] - exact[j]) < 0.2, "coefficient \(j)")
    }
    let kl = problem.klDivergence(
      mean: result.unconstrainedMean!, covariance: result.unconstrainedCovariance!)
    print("SVI mean-field KL \(kl) (best \(problem.bestMeanFieldKL))")
    #expect(kl < problem.bestMeanFieldKL + 0.1)
  }
}

/// Minibatch ADVI shared among processes (played by threads): the same fit as one process, up
/// to the reordered sums of the likelihood over a batch's rows.
@Suite struct SharedMinibatchTests {
  @Test func twoProcessesFitWhatOneFits() throws {
    let problem = ConjugateLinearRegression(rows: 120, dimension: 3)
    let model = try problem.model()
    let options = FitOptions(
      seed: 4, algorithm: .stochastic, maxIterations: 400, tolerance: 0, batchSize: 30)
    let single = try fit(model, family: .fullRank, options: options)
    let processes = ThreadedProcesses(size: 2)
    let shared = processes.run { group in
      let fitted = try! fit(model, family: .fullRank, options: options, processes: group)
      return (fitted.unconstrainedMean!.scalars, fitted.elbo.value, fitted.iterations)
    }
    let mean = try #require(single.unconstrainedMean).scalars
    for (processMean, elbo, iterations) in shared {
      #expect(iterations == single.iterations)
      assertClose(Tensor(processMean), Tensor(mean), relativeTolerance: 1e-10)
      #expect(Swift.abs(elbo - single.elbo.value) <= 1e-9 * Swift.abs(elbo))
    }
    // Fewer rows per step than processes is refused.
    let crowded = ThreadedProcesses(size: 3).run { group in
      do {
        _ = try fit(
          model, options: FitOptions(algorithm: .stochastic, batchSize: 2), processes: group)
        return ""
      } catch { return "\(error)" }
    }
    #expect(crowded.allSatisfy { $0.contains("3 processes share 2 rows per step") }, "\(crowded)")
  }
}
