import Inference
import Optimizers
import RealModule
import TensorCore
import TestSupport
import Testing

@Suite struct OptimizerTests {
  /// Two steps of Stan's sequence by hand: s₁ = g₁², ρ₁ = η / (1 + √s₁);
  /// s₂ = 0.1 g₂² + 0.9 s₁, ρ₂ = η · 2^(−1/2) / (1 + √s₂).
  @Test func adaptiveStepSizeFollowsStan() {
    var family = MeanFieldGaussian(mean: tensor([1, -2]), logStandardDeviation: tensor([0, 0.5]))
    var optimizer = AdaptiveStepSize(for: family, learningRate: 0.3)
    let g1 = MeanFieldGaussian.TangentVector(
      mean: tensor([2, -0.5]), logStandardDeviation: tensor([0.1, 4]))
    let g2 = MeanFieldGaussian.TangentVector(
      mean: tensor([-1, 3]), logStandardDeviation: tensor([0.2, -1]))
    var expectedMean = [1.0, -2]
    var expectedOmega = [0.0, 0.5]
    var sMean = [0.0, 0]
    var sOmega = [0.0, 0]
    for (step, g) in [g1, g2].enumerated() {
      let i = Double(step + 1)
      let decay = 0.3 * Double.pow(i, -0.5 + 1e-16)
      for k in 0..<2 {
        let gm = g.mean.scalars[k]
        let go = g.logStandardDeviation.scalars[k]
        sMean[k] = step == 0 ? gm * gm : 0.1 * gm * gm + 0.9 * sMean[k]
        sOmega[k] = step == 0 ? go * go : 0.1 * go * go + 0.9 * sOmega[k]
        expectedMean[k] -= decay / (1 + sMean[k].squareRoot()) * gm
        expectedOmega[k] -= decay / (1 + sOmega[k].squareRoot()) * go
      }
      optimizer.update(&family, along: g)
      assertClose(family.mean, tensor(expectedMean), relativeTolerance: 1e-14, "step \(i)")
      assertClose(family.logStandardDeviation, tensor(expectedOmega), relativeTolerance: 1e-14)
    }
    #expect(optimizer.step == 2)
  }

  /// The adaptation phase tries the candidates in order and picks the best; with only absurd
  /// candidates it fails with advice.
  @Test func stepSizeAdaptation() throws {
    let objective = try VariationalObjective(NormalNormal())
    let engine = VariationalInference(
      objective: objective, family: MeanFieldGaussian(mean: tensor([0])),
      optimizer: .adaptiveStepSize(learningRate: 1), seed: 4)
    let outcome = try StepSizeAdaptation().run(from: engine)
    #expect([100, 10, 1, 0.1, 0.01].contains(outcome.learningRate))
    #expect(!outcome.trials.isEmpty)
    let best = outcome.trials.map(\.elbo).max()!
    #expect(outcome.trials.first { $0.learningRate == outcome.learningRate }!.elbo == best)
    #expect(best > outcome.initialELBO)

    let message = inferenceErrorMessage {
      _ = try StepSizeAdaptation(candidates: [1e12], iterations: 20).run(from: engine)
    }
    expectMentions(message, ["no step size improved", "adaptationCandidates"])
  }

  /// Every optimiser reaches the Normal–Normal posterior N(2.5, 0.5) (with sticking the
  /// landing, whose gradient vanishes there, so that no optimiser is judged by its jitter).
  @Test(arguments: [
    OptimizerChoice.adam(learningRate: 0.05), .sgd(learningRate: 0.005, momentum: 0.9),
    .adaptiveStepSize(learningRate: nil), .adaptiveStepSize(learningRate: 0.5),
  ])
  func everyOptimizerConverges(_ optimizer: OptimizerChoice) throws {
    let result = try fit(
      NormalNormal(),
      options: FitOptions(seed: 2, algorithm: .stochastic, maxIterations: 3000, tolerance: 0, optimizer: optimizer,
        estimator: .stickingTheLanding))
    assertClose(result.unconstrainedMean!.scalars[0], 2.5, absoluteTolerance: 0.01, "\(optimizer)")
    assertClose(
      result.unconstrainedCovariance!.scalars[0], 0.5, absoluteTolerance: 0.01, "\(optimizer)")
  }

  /// A learning-rate schedule is applied to Adam step by step.
  @Test func scheduleChangesTheLearningRate() throws {
    let objective = try VariationalObjective(NormalNormal())
    var engine = VariationalInference(
      objective: objective, family: MeanFieldGaussian(mean: tensor([0])),
      optimizer: .adam(learningRate: 1), seed: 1)
    engine.learningRateSchedule = .exponentialDecay(learningRate: 0.1, factor: 0.5)
    engine.step()
    engine.step()
    assertClose(engine.learningRate, 0.05, relativeTolerance: 1e-15)
  }

  /// An optimiser of your own: an `Adam` passed as one takes the same steps, to the bit, as
  /// the built-in choice; a plain gradient-descent type of the test's gets its learning rate
  /// from the schedule and moves the family.
  @Test func anOptimizerOfYourOwn() throws {
    let objective = try VariationalObjective(NormalNormal())
    let family = MeanFieldGaussian(mean: tensor([0]))
    var builtIn = VariationalInference(
      objective: objective, family: family, optimizer: .adam(learningRate: 0.05), seed: 3)
    var own = VariationalInference(
      objective: objective, family: family,
      optimizer: Adam(for: family, learningRate: 0.05, beta2: 0.99), seed: 3)
    for _ in 0..<50 {
      #expect(own.step() == builtIn.step())
    }
    #expect(own.family.mean.scalars == builtIn.family.mean.scalars)
    #expect(own.family.logStandardDeviation.scalars == builtIn.family.logStandardDeviation.scalars)

    var descent = VariationalInference(
      objective: objective, family: family, optimizer: GradientDescent<MeanFieldGaussian>(),
      seed: 3)
    descent.learningRateSchedule = .exponentialDecay(learningRate: 0.1, factor: 0.5)
    descent.step()
    descent.step()
    assertClose(descent.learningRate, 0.05, relativeTolerance: 1e-15)
    #expect(descent.family.mean.scalars != family.mean.scalars)
  }
}

/// θ ← θ − η g, the smallest optimiser a user could write.
private struct GradientDescent<Model: ParameterGroup>: Optimizer {
  var learningRate = 0.1

  mutating func update(_ model: inout Model, along gradient: Model.TangentVector) {
    let rate = Model.Scalar(learningRate)
    model.updateParameters(along: gradient) { _, parameter, g in parameter = parameter - rate * g }
  }
}
