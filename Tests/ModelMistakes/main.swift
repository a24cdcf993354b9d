// `model-mistakes MISTAKE`: fits a small model that makes one mistake a model author (or a user
// handing it data) can make, and reports what the library says about it. Built by
// `swift build -c release`; `ReleaseExitTests` runs it and checks that the message survives
// the optimised build (where a `precondition`'s message is dropped and only the trap is left).
//
// A mistake refused by a thrown error exits with status 1 after printing `error: <message>` to
// standard error; one caught by a check that stops the program prints its message there
// before the trap. A fit that goes through prints `fitted without complaint` and exits with 0.
import Datasets
import Distributions
import Foundation
import Inference
import TensorCore
import _Differentiation

/// Five observations of a Normal(μ, σ) variable.
let observations = Tensor<Double>([1.2, 0.4, 2.1, 1.7, 0.9])

/// μ ~ N(0, 10²), σ ~ HalfNormal(5), xₙ ~ N(μ, σ²): the log density of each observation for
/// each draw, [L, 5], and the log prior, [L, 1]; σ is looked up as `sigmaName`.
@differentiable(reverse)
func normalModelTerms(_ p: ParameterValues, sigmaName: String) -> (
  likelihood: Tensor<Double>, prior: Tensor<Double>
) {
  let mu = p["mu"]
  let sigma = p[sigmaName]
  let prior =
    Normal(mean: Tensor(0.0), standardDeviation: Tensor(10.0)).logProbability(of: mu)
    + HalfNormal(scale: Tensor(5.0)).logProbability(of: sigma)
  let likelihood = Normal(mean: mu, standardDeviation: sigma).logProbability(of: observations)
  return (likelihood, prior)
}

/// The declarations of the Normal model.
let normalParameters = [
  ParameterDeclaration("mu"), ParameterDeclaration("sigma", constraint: .positive),
]

/// The Normal model with `logJoint` as its log joint.
func normalModel(
  _ logJoint: @escaping @differentiable(reverse) (ParameterValues) -> Tensor<Double>
) -> ClosureModel {
  ClosureModel(parameters: normalParameters, logJoint: logJoint)
}

/// The Normal model whose derived quantity reads σ under a misspelled name.
struct MisspelledDerivedQuantity: ProbabilisticModel {
  var parameters: [ParameterDeclaration] { normalParameters }

  @differentiable(reverse)
  func logJoint(_ p: ParameterValues) -> Tensor<Double> {
    let terms = normalModelTerms(p, sigmaName: "sigma")
    return (terms.likelihood.sum(alongAxes: [1]) + terms.prior).squeezingShape(at: [1])
  }

  func derivedQuantities(_ p: ParameterValues) -> [DerivedQuantity] {
    [DerivedQuantity("variance", values: p["sigma_"].squared())]
  }
}

/// The Normal model with a derived quantity of two names for one column.
struct MismatchedDerivedNames: ProbabilisticModel {
  var parameters: [ParameterDeclaration] { normalParameters }

  @differentiable(reverse)
  func logJoint(_ p: ParameterValues) -> Tensor<Double> {
    let terms = normalModelTerms(p, sigmaName: "sigma")
    return (terms.likelihood.sum(alongAxes: [1]) + terms.prior).squeezingShape(at: [1])
  }

  func derivedQuantities(_ p: ParameterValues) -> [DerivedQuantity] {
    [DerivedQuantity(elementNames: ["variance", "precision"], values: p["sigma"].squared())]
  }
}

/// Fits `model` and draws from the fit, as a user would.
func fitAndDraw(_ model: some ProbabilisticModel) throws {
  _ = try fit(model).draws(count: 100).summary()
}

/// Writes `text` to a fresh file in the temporary directory and returns its path.
func temporaryFile(named name: String, contents text: String) -> String {
  let path = NSTemporaryDirectory() + "model-mistakes-\(getpid())-" + name
  _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
  return path
}

/// Each mistake, and the fit that shows it.
let mistakes: [(name: String, summary: String, run: () throws -> Void)] = [
  (
    "misspelled-name", "the log joint reads p[\"sigm\"]; the model declares \"sigma\"",
    {
      try fitAndDraw(
        normalModel { p in
          let terms = normalModelTerms(p, sigmaName: "sigm")
          return (terms.likelihood.sum(alongAxes: [1]) + terms.prior).squeezingShape(at: [1])
        })
    }
  ),
  (
    "wrong-shape-LN", "the log joint returns [L, 5]: the likelihood is not summed over the data",
    {
      try fitAndDraw(
        normalModel { p in
          let terms = normalModelTerms(p, sigmaName: "sigma")
          return terms.likelihood + terms.prior
        })
    }
  ),
  (
    "wrong-shape-L1", "the log joint returns [L, 1]: summed with sum(alongAxes: [1])",
    {
      try fitAndDraw(
        normalModel { p in
          let terms = normalModelTerms(p, sigmaName: "sigma")
          return terms.likelihood.sum(alongAxes: [1]) + terms.prior
        })
    }
  ),
  (
    "scalar", "the log joint returns a scalar: summed over the draws too",
    {
      try fitAndDraw(
        normalModel { p in
          let terms = normalModelTerms(p, sigmaName: "sigma")
          return terms.likelihood.sum() + terms.prior.sum()
        })
    }
  ),
  (
    "nan-data", "a regression CSV file with nan in row 2 of column \"y\"",
    {
      let path = temporaryFile(named: "nan.csv", contents: "x,y\n1,2.5\n2,nan\n3,4.5\n")
      defer { try? FileManager.default.removeItem(atPath: path) }
      let data = try RegressionData(table: CSVTable(contentsOf: path), target: "y")
      try fitAndDraw(LinearRegression(data: data))
    }
  ),
  (
    "nan-features", "regression data from arrays with inf in row 3 of feature \"x\"",
    {
      let data = try RegressionData(
        features: [1, 2, .infinity, 4], featureNames: ["x"], targets: [2, 3, 4, 5])
      try fitAndDraw(LinearRegression(data: data))
    }
  ),
  (
    "matmul-shapes", "the log joint multiplies [L, 2] draws by a [3, 2] design untransposed",
    {
      let design = Tensor<Double>(shape: [3, 2], scalars: [1, 0, 1, 1, 1, 2])
      let model = ClosureModel(parameters: [ParameterDeclaration("beta", shape: [2])]) { p in
        -matmul(p["beta"], design).squared().sum(squeezingAxes: [1])
      }
      try fitAndDraw(model)
    }
  ),
  (
    "misspelled-name-in-matmul",
    "the log joint multiplies p[\"weights\"] (declared \"w\") by a [3, 2] design",
    {
      let design = Tensor<Double>(shape: [3, 2], scalars: [1, 0, 1, 1, 1, 2])
      let model = ClosureModel(
        parameters: [ParameterDeclaration("w", shape: [3]), ParameterDeclaration("b")]
      ) { p in
        -(matmul(p["weights"], design) + p["b"]).squared().sum(squeezingAxes: [1])
      }
      try fitAndDraw(model)
    }
  ),
  (
    "misspelled-derived-name", "derivedQuantities reads p[\"sigma_\"] after the fit",
    { try fitAndDraw(MisspelledDerivedQuantity()) }
  ),
  (
    "derived-quantity-names", "a derived quantity with two names for one column",
    { try fitAndDraw(MismatchedDerivedNames()) }
  ),
  (
    "csv-column-index", "reads column 5 of a CSV table of 2 columns by index",
    {
      let path = temporaryFile(named: "two.csv", contents: "x,y\n1,2.5\n2,3.5\n")
      _ = try CSVTable(contentsOf: path).column(at: 5)
    }
  ),
]

let arguments = CommandLine.arguments.dropFirst()
guard arguments.count == 1, let mistake = mistakes.first(where: { $0.name == arguments.first })
else {
  let list = mistakes.map { "  \($0.name): \($0.summary)" }.joined(separator: "\n")
  FileHandle.standardError.write(Data("usage: model-mistakes MISTAKE, one of\n\(list)\n".utf8))
  exit(64)
}
do {
  try mistake.run()
  print("fitted without complaint")
} catch {
  FileHandle.standardError.write(Data("error: \(error)\n".utf8))
  exit(1)
}
