import Datasets
import Distributions
import Foundation
import Inference
import TensorCore
import Testing
import _Differentiation

@Suite struct BadInputTests {
  /// log(σ − 1) is −∞ at the initial σ = 1, and its gradient infinite: the error names σ.
  @Test func infiniteLogJointNamesTheParameter() {
    let model = ClosureModel(
      parameters: [
        ParameterDeclaration("mu"), ParameterDeclaration("sigma", constraint: .positive),
      ]
    ) { p in
      (-p["mu"].squared() + log(p["sigma"] - 1)).sum(squeezingAxes: [1])
    }
    let message = inferenceErrorMessage { _ = try fit(model) }
    expectMentions(message, ["-inf", "\"sigma\"", "positive", "initialization"])
    #expect(message?.contains("\"mu\"") == false)
    do {
      _ = try fit(model)
    } catch {
      #expect(error == .nonFiniteInitialDensity(parameters: ["sigma"], message: error.description))
    }
  }

  /// A half-normal prior on a parameter declared real, started at −1: the log joint is −∞
  /// with a finite gradient, and moving that parameter alone fixes it.
  @Test func supportMismatchIsFoundByMovingOneParameter() {
    let model = ClosureModel(
      parameters: [ParameterDeclaration("a"), ParameterDeclaration("scale")]
    ) { p in
      (HalfNormal(scale: Tensor(1.0)).logProbability(of: p["scale"]) - p["a"].squared())
        .sum(squeezingAxes: [1])
    }
    let message = inferenceErrorMessage {
      _ = try fit(model, options: FitOptions(initialization: .values(["scale": [-1]])))
    }
    expectMentions(message, ["\"scale\"", "value -1.0"])
    #expect(message?.contains("\"a\"") == false)
  }

  /// NaN data poison the log joint whatever the parameters: no parameter is blamed, and the
  /// message points at the data.
  @Test func nanDataIsReportedAsSuch() {
    let data = Tensor<Double>([1, .nan, 3])
    let model = ClosureModel(parameters: [ParameterDeclaration("m")]) { p in
      (p["m"] - data).squared().sum(squeezingAxes: [1]) * -0.5
    }
    let message = inferenceErrorMessage { _ = try fit(model) }
    expectMentions(message, ["nan", "no single parameter", "data"])
  }

  /// A NaN gradient with a finite value (√ at 0) is reported as a gradient problem.
  @Test func nonFiniteGradientNamesTheParameter() {
    let model = ClosureModel(parameters: [ParameterDeclaration("w")]) { p in
      -sqrt(p["w"].squared()).sum(squeezingAxes: [1])
    }
    let message = inferenceErrorMessage { _ = try fit(model) }
    expectMentions(message, ["gradient", "\"w\""])
  }

  /// Declarations that cannot work are refused before anything runs.
  @Test(arguments: [
    ([ParameterDeclaration("x"), ParameterDeclaration("x")], "declared twice"),
    ([ParameterDeclaration("")], "empty name"),
    ([ParameterDeclaration("p", shape: [1], constraint: .simplex)], "simplex needs a shape"),
    ([ParameterDeclaration("p", constraint: .interval(lower: 2, upper: 1))], "lower < upper"),
    ([ParameterDeclaration("b", shape: [0])], "every axis must be positive"),
    ([ParameterDeclaration("b", shape: [2], elementNames: ["one"])], "element names"),
    (
      [
        ParameterDeclaration("a", elementNames: ["n"]),
        ParameterDeclaration("b", elementNames: ["n"]),
      ], "used twice"
    ),
    ([], "no parameters"),
  ])
  func invalidDeclarations(_ declarations: [ParameterDeclaration], _ fragment: String) {
    let model = ClosureModel(parameters: declarations) { _ in Tensor(zeros: [1]) }
    expectMentions(inferenceErrorMessage { _ = try fit(model) }, ["invalid model", fragment])
  }

  /// μ, σ and five observations of N(μ, σ²); the log joint reads σ as `sigmaName` and is
  /// finished by `finish` from the [L, 5] log likelihood and the [L, 1] log prior.
  static func normalModel(
    sigmaName: String = "sigma",
    finish: @escaping @differentiable(reverse) (Tensor<Double>, Tensor<Double>) -> Tensor<Double>
  ) -> ClosureModel {
    let data = Tensor<Double>([1.2, 0.4, 2.1, 1.7, 0.9])
    return ClosureModel(
      parameters: [
        ParameterDeclaration("mu"), ParameterDeclaration("sigma", constraint: .positive),
      ]
    ) { p in
      let mu = p["mu"]
      let sigma = p[sigmaName]
      let prior = -0.5 * mu.squared() - sigma
      return finish(Normal(mean: mu, standardDeviation: sigma).logProbability(of: data), prior)
    }
  }

  /// A misspelled parameter name is refused before fitting, with the name, the declared names
  /// and the nearest of them.
  @Test func misspelledParameterNameIsRefused() {
    let model = Self.normalModel(sigmaName: "sigm") { likelihood, prior in
      (likelihood.sum(alongAxes: [1]) + prior).squeezingShape(at: [1])
    }
    let message = inferenceErrorMessage { _ = try fit(model) }
    expectMentions(
      message,
      ["invalid model", "\"sigm\"", "declares \"mu\", \"sigma\"", "did you mean \"sigma\"?"])
  }

  /// A misspelled name whose stand-in values make the log joint stop before the check can
  /// throw still gets its message: the stand-in's [L, 1] meets a [3, 2] design in a matrix
  /// product, and the product's message is followed by the unknown name.
  @Test func misspelledNameIsReportedWhenItsStandInBreaksAnOperation() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      let design = Tensor<Double>(zeros: [3, 2])
      let model = ClosureModel(
        parameters: [ParameterDeclaration("w", shape: [2]), ParameterDeclaration("b")]
      ) { p in
        (matmul(p["weights"], design) + p["b"]).sum(squeezingAxes: [1])
      }
      _ = try? fit(model)
    }
    guard let result else { return }
    let standardError = String(decoding: result.standardErrorContent, as: UTF8.self)
    for fragment in ["matmul", "\"weights\"", "declares \"w\", \"b\""] {
      #expect(standardError.contains(fragment), "\(standardError)")
    }
  }

  /// A log joint that does not return one value per draw is refused before fitting, with the
  /// shape it returned for three draws and the one expected.
  @Test(arguments: [
    ("[L, 5]", "shape [3, 5]"), ("[L, 1]", "shape [3, 1]"), ("scalar", "a scalar (shape [])"),
  ])
  func logJointOfTheWrongShapeIsRefused(_ mistake: String, _ returned: String) {
    let finish: @differentiable(reverse) (Tensor<Double>, Tensor<Double>) -> Tensor<Double>
    switch mistake {
    case "[L, 5]": finish = { likelihood, prior in likelihood + prior }
    case "[L, 1]": finish = { likelihood, prior in likelihood.sum(alongAxes: [1]) + prior }
    default: finish = { likelihood, prior in likelihood.sum() + prior.sum() }
    }
    let model = Self.normalModel(finish: finish)
    expectMentions(
      inferenceErrorMessage { _ = try fit(model) },
      ["invalid model", returned, "for 3 draws", "shape [3]"])
    expectMentions(
      inferenceErrorMessage { _ = try fit(model, family: .fullRank) }, ["invalid model", returned])
  }

  /// Bad options name the option.
  @Test func invalidOptions() throws {
    let cases: [(FitOptions, String)] = [
      (FitOptions(maxIterations: 0), "maxIterations"),
      (FitOptions(gradientSamples: 0), "gradientSamples"),
      (FitOptions(tolerance: -1), "tolerance"),
      (FitOptions(optimizer: .adam(learningRate: 0)), "learning rate"),
      (FitOptions(optimizer: .sgd(learningRate: 0.1, momentum: 1)), "momentum"),
      (FitOptions(averaging: .lastIterations(0)), "averaging"),
      (FitOptions(initialScale: 0), "initialScale"),
      (FitOptions(batchSize: 10), "MinibatchModel"),
    ]
    for (options, fragment) in cases {
      expectMentions(
        inferenceErrorMessage { _ = try fit(NormalNormal(), options: options) }, [fragment])
    }
    expectMentions(
      inferenceErrorMessage { _ = try fit(NormalNormal(), family: .lowRank(rank: 2)) }, ["rank"])
  }

  /// Initial values must name parameters, have their size and lie in their support.
  @Test func invalidInitialValues() {
    let model = EightSchools()
    let cases: [([String: [Double]], String)] = [
      (["sigma": [1]], "no parameter \"sigma\""),
      (["theta_tilde": [1, 2]], "8 scalars"),
      (["tau": [-1]], "outside its support"),
    ]
    for (values, fragment) in cases {
      expectMentions(
        inferenceErrorMessage {
          _ = try fit(model, options: FitOptions(initialization: .values(values)))
        }, [fragment])
    }
  }

  /// An optimiser that blows up stops the fit with advice instead of returning NaN.
  @Test func divergenceStopsWithAdvice() {
    let message = inferenceErrorMessage {
      _ = try fit(
        NormalNormal(),
        options: FitOptions(algorithm: .stochastic, optimizer: .sgd(learningRate: 1e200, momentum: 0)))
    }
    expectMentions(
      message, ["not finite", "smaller learningRate (--learning-rate", "1e+200", "(--seed)"])
  }

  /// Regression data from CSV: bad targets and cells are refused with the file, line and
  /// column named.
  @Test func regressionDataErrorsNameTheLocation() throws {
    let path = "/data/study.csv"
    let table = try CSVTable(parsing: "age,dose,outcome\n30,1.5,1\n41,2.0,2\n", path: path)
    let data = try RegressionData(table: table, target: "outcome")
    #expect(data.coefficientNames == ["intercept", "age", "dose"])
    expectMentions(
      inferenceErrorMessage { _ = try LogisticRegression(data: data) },
      [path, "line 3", "column 3", "\"outcome\"", "0s and 1s", "2.0"])
    expectMentions(
      inferenceErrorMessage { _ = try RegressionData(table: table, target: "response") },
      [path, "response", "available columns"])
    let withNaN = try CSVTable(parsing: "x,y\n1,0\nnan,1\n", path: path)
    expectMentions(
      inferenceErrorMessage { _ = try RegressionData(table: withNaN, target: "y") },
      [path, "line 3", "column 1", "\"x\"", "non-finite"])
    let clash = try CSVTable(parsing: "intercept,y\n1,0\n", path: path)
    expectMentions(
      inferenceErrorMessage { _ = try RegressionData(table: clash, target: "y") }, ["rename"])
    expectMentions(
      inferenceErrorMessage {
        _ = try RegressionData(features: [1, 2, 3], featureNames: ["a", "b"], targets: [0, 1])
      }, ["feature values"])
    expectMentions(
      inferenceErrorMessage {
        _ = try LinearRegression(data: data, noiseStandardDeviation: -1)
      }, ["noise standard deviation"])
  }

  /// A column whose xᵀx overflows (a 1e300) is refused by name before a fit fails on it far
  /// from the cause; a large value whose square is finite is kept.
  @Test func overflowingColumnsAreRefusedByName() throws {
    let path = "/data/scale.csv"
    let huge = try CSVTable(parsing: "x,z,y\n1,2,0.5\n3,1e300,1.5\n", path: path)
    expectMentions(
      inferenceErrorMessage { _ = try RegressionData(table: huge, target: "y") },
      [path, "column 2 (\"z\")", "line 3", "1e+300", "xᵀx", "rescale"])
    expectMentions(
      inferenceErrorMessage {
        _ = try RegressionData(features: [1, -1e200], featureNames: ["w"], targets: [0, 1])
      }, ["feature \"w\"", "-1e+200", "data row 2"])
    expectMentions(
      inferenceErrorMessage {
        _ = try RegressionData(features: [1, 2], featureNames: ["w"], targets: [0, 1e155])
      }, ["the target", "1e+155"])
    let large = try CSVTable(parsing: "x,y\n1e100,0.5\n3,1.5\n", path: path)
    #expect(throws: Never.self) { try RegressionData(table: large, target: "y") }
  }

  /// The stochastic fit's warning when it runs out of iterations names the options and flags.
  @Test func nonConvergenceWarningNamesOptionsAndFlags() throws {
    let fitted = try fit(
      NormalNormal(),
      options: FitOptions(algorithm: .stochastic, maxIterations: 200, tolerance: 1e-12))
    let warning = try #require(fitted.warnings.first { $0.contains("did not converge") })
    expectMentions(warning, ["maxIterations (--max-iterations)", "tolerance (--tolerance)"])
  }
}
