import AllocationCounting
import Foundation
import TensorCore
import Testing
import _Differentiation

@testable import Inference

/// ADVI's steps for a ``ClosedFormGradientModel`` (logistic regression here, on every row or
/// on minibatches) differentiate nothing and write over buffers kept between steps. They must
/// give the same bits as the differentiated steps, allocate nothing once the buffers have
/// their shapes (mean-field, and full-rank with at most 4 draws), and the model's gradient
/// must be the gradient of its log joint.
@Suite struct StepAllocationTests {
  /// Logistic regression on 300 rows of 5 standard-normal features with an intercept.
  static func model() throws -> LogisticRegression {
    var generator = Xoshiro256StarStar(seed: 11)
    let features = Tensor<Double>(randomNormal: [300, 5], using: &generator).scalars
    let targets: [Double] = (0..<300).map { (row: Int) -> Double in
      Double((7 * row + row / 3) % 2)
    }
    return try LogisticRegression(
      data: RegressionData(
        features: features, featureNames: ["a", "b", "c", "d", "e"], targets: targets),
      priorStandardDeviation: 2)
  }

  /// Engines on the same objective: the first with the model's gradient, the second
  /// differentiating its log joint (an objective built from the log joint alone).
  static func engines<Family: VariationalFamily>(
    _ family: Family, samples: Int
  ) throws -> (VariationalInference<Family>, VariationalInference<Family>) {
    let objective = try VariationalObjective(model())
    #expect(objective.logDensityAndGradient != nil)
    let differentiatedObjective = VariationalObjective(
      layout: objective.layout, logJoint: objective.logJoint)
    #expect(differentiatedObjective.logDensityAndGradient == nil)
    func engine(_ objective: VariationalObjective) -> VariationalInference<Family> {
      VariationalInference(
        objective: objective, family: family, optimizer: .adam(learningRate: 0.05),
        gradientSamples: samples, seed: 3)
    }
    return (engine(objective), engine(differentiatedObjective))
  }

  static let start = Tensor<Double>([0.2, -0.1, 0.3, 0, 0.1, -0.2])

  /// The engines above on minibatches of 50 of the 300 rows: the second through a model that
  /// only forwards the log prior and log likelihood (so its steps differentiate them).
  static func minibatchEngines<Family: VariationalFamily>(
    _ family: Family, samples: Int
  ) throws -> (VariationalInference<Family>, VariationalInference<Family>) {
    var (closedForm, differentiated) = try engines(family, samples: samples)
    let model = try model()
    closedForm.useMinibatches(of: model, batchSize: 50)
    differentiated.useMinibatches(of: DifferentiatedMinibatches(model: model), batchSize: 50)
    #expect(closedForm.takesClosedFormSteps && !differentiated.takesClosedFormSteps)
    return (closedForm, differentiated)
  }

  @Test(arguments: [1, 3, 6, 10])
  func stepsEqualTheDifferentiatedSteps(samples: Int) throws {
    func check<Family: VariationalFamily>(_ family: Family) throws {
      for minibatches in [false, true] {
        var (closedForm, differentiated) =
          minibatches
          ? try Self.minibatchEngines(family, samples: samples)
          : try Self.engines(family, samples: samples)
        #expect(closedForm.takesClosedFormSteps)
        // 60 steps: ten epochs of minibatches.
        for step in 0..<60 {
          let (a, b) = (closedForm.step(), differentiated.step())
          #expect(
            a == b,
            "step \(step) with \(samples) draws of \(Family.self), minibatches: \(minibatches)")
        }
        var moved = false
        for path in family.parameterKeyPaths {
          let (x, y) = (closedForm.family[keyPath: path], differentiated.family[keyPath: path])
          #expect(x.scalars == y.scalars, "\(Family.self) with \(samples) draws")
          moved = moved || x.scalars != family[keyPath: path].scalars
        }
        #expect(moved, "the steps did not move \(Family.self)")
      }
    }
    try check(MeanFieldGaussian(mean: Self.start))
    try check(FullRankGaussian(mean: Self.start))
    // No buffers of its own: the default requirements assign new tensors.
    var generator = Xoshiro256StarStar(seed: 5)
    try check(
      LowRankGaussian(
        mean: Self.start, factor: Tensor(randomNormal: [6, 2], using: &generator) * 0.1,
        logDiagonal: Tensor(zeros: [6])))
  }

  /// Counted only where the test target can interpose `malloc` (glibc); elsewhere the count
  /// is −1.
  @Test(.enabled(if: variational_allocation_count() >= 0), arguments: [1, 4])
  func warmStepsAllocateNothing(samples: Int) throws {
    func allocationsPerStep<Family: VariationalFamily>(
      _ engine: inout VariationalInference<Family>
    ) -> Double {
      for _ in 0..<5 { engine.step() }
      variational_reset_allocation_count()
      for _ in 0..<200 { engine.step() }
      return Double(variational_allocation_count()) / 200
    }
    var (meanField, differentiatedMeanField) = try Self.engines(
      MeanFieldGaussian(mean: Self.start), samples: samples)
    var (fullRank, _) = try Self.engines(FullRankGaussian(mean: Self.start), samples: samples)
    // 200 steps on minibatches of 50 rows: 33 new permutations, shuffled in place.
    var (minibatches, _) = try Self.minibatchEngines(
      MeanFieldGaussian(mean: Self.start), samples: samples)
    #expect(allocationsPerStep(&meanField) == 0)
    #expect(allocationsPerStep(&fullRank) == 0)
    #expect(allocationsPerStep(&minibatches) == 0)
    // The counter counts: differentiating the log joint allocates at every step.
    #expect(allocationsPerStep(&differentiatedMeanField) >= 5)
  }

  /// ∇β log p(x, β) of each draw against central differences of the log joint, whose
  /// truncation error is O(h²|f‴|) and rounding error O(ε|f|/h): with h = 10⁻⁵ and |f| ~ 10²,
  /// about 10⁻⁸ of the gradient's scale.
  @Test func gradientIsTheLogJointsGradient() throws {
    let model = try Self.model()
    var generator = Xoshiro256StarStar(seed: 8)
    for draws in [1, 3, 9] {
      let coefficients = Tensor<Double>(randomNormal: [draws, 6], using: &generator) * 0.7
      var values = Tensor<Double>(zeros: [draws])
      var gradients = Tensor<Double>(zeros: [draws, 6])
      model.logJointAndGradient(coefficients, values: &values, gradients: &gradients)
      let layout = try ParameterLayout(model.parameters)
      func logJoint(_ beta: [Double]) -> [Double] {
        let values = ParameterValues(
          tensors: [Tensor(shape: [draws, 6], scalars: beta)], layout: layout)
        return model.logJoint(values).scalars
      }
      let beta = coefficients.scalars
      let expectedValues = logJoint(beta)
      for l in 0..<draws {
        let error = Swift.abs(values.scalars[l] - expectedValues[l])
        #expect(error < 1e-9 * Swift.abs(expectedValues[l]))
      }
      let h = 1e-5
      for j in 0..<beta.count {
        var plus = beta
        var minus = beta
        plus[j] += h
        minus[j] -= h
        let l = j / 6
        let difference = (logJoint(plus)[l] - logJoint(minus)[l]) / (2 * h)
        let got = gradients.scalars[j]
        #expect(
          Swift.abs(got - difference) < 1e-6 * (1 + Swift.abs(difference)),
          "\(draws) draws, coefficient \(j): \(got) vs \(difference)")
      }
    }
  }

  /// A model with a constrained parameter is differentiated as before: its gradient would be
  /// in the constrained space, without the bijector and its Jacobian.
  @Test func constrainedModelsAreDifferentiated() throws {
    #expect(try VariationalObjective(BetaBinomial()).logDensityAndGradient == nil)
    #expect(try VariationalObjective(Self.model()).logDensityAndGradient != nil)
  }
}

/// The Beta–Binomial example with its gradient in the constrained space (p), which the
/// objective must not use: its parameter lives on (0, 1).
extension BetaBinomial: ClosedFormGradientModel {
  func logJointAndGradient(
    _ draws: Tensor<Double>, values: inout Tensor<Double>, gradients: inout Tensor<Double>
  ) {
    let p = draws.scalars
    values = Tensor(p.map { 7 * Foundation.log($0) + 13 * Foundation.log(1 - $0) })
    gradients = Tensor(shape: draws.shape, scalars: p.map { 7 / $0 - 13 / (1 - $0) })
  }
}

/// Logistic regression's log prior and log likelihood behind a plain ``MinibatchModel``, whose
/// minibatch steps differentiate them.
struct DifferentiatedMinibatches: MinibatchModel {
  let model: LogisticRegression
  var rowCount: Int { model.rowCount }
  var parameters: [ParameterDeclaration] { model.parameters }

  @differentiable(reverse)
  func logPrior(_ parameters: ParameterValues) -> Tensor<Double> { model.logPrior(parameters) }

  @differentiable(reverse, wrt: parameters)
  func logLikelihood(_ parameters: ParameterValues, rows: [Int]) -> Tensor<Double> {
    model.logLikelihood(parameters, rows: rows)
  }
}
