import Distributions
import RealModule
import TensorCore
import _Differentiation

/// Bayesian neural network regression: a one-hidden-layer tanh network whose weights have
/// Normal(0, s²) priors, with Gaussian noise of scale σ (Neal 1996, "Bayesian learning for
/// neural networks"; as variational inference: Blundell et al. 2015, "Weight uncertainty in
/// neural networks"):
/// ```
/// W₁ ∈ ℝ^{D×H}, b₁ ∈ ℝ^H, w₂ ∈ ℝ^H, b₂ ∈ ℝ,   every weight ~ N(0, s²)
/// f(x) = w₂ᵀ tanh(W₁ᵀx + b₁) + b₂
/// yₙ | x, W ~ N(f(xₙ), σ²),   σ ~ HalfNormal(1) (or fixed)
/// ```
/// Parameters `hidden_weights` [D, H], `hidden_biases` [H], `output_weights` [H],
/// `output_bias` and, unless σ is fixed, `sigma`. A ``MinibatchModel``: fit it with a
/// mean-field family and ``FitOptions/batchSize`` for stochastic variational inference, then
/// read the predictive distribution off draws with ``predictions(_:at:)``.
///
/// A mean-field q fits the data well and gives calibrated predictive intervals where there is
/// data, but like every mean-field BNN it barely widens them between clusters of data (Foong,
/// Li, Hernández-Lobato & Turner 2019, "'In-between' uncertainty in Bayesian neural networks").
///
/// The network is evaluated for all L draws at once without a loop over draws: the
/// pre-activations Σ_d x_nd W₁[l, d, h] are built from D broadcast products of shape [L, N, H],
/// so it suits the few inputs of a regression (D up to a few dozen).
public struct BayesianNeuralNetworkRegression: MinibatchModel {
  /// x, [N, D].
  public let inputs: Tensor<Double>
  /// y, [N].
  public let targets: Tensor<Double>
  /// H, the number of hidden units.
  public let hiddenUnits: Int
  /// s, the prior standard deviation of every weight and bias.
  public let priorStandardDeviation: Double
  /// σ when it is fixed; nil infers it with a HalfNormal(1) prior.
  public let noiseStandardDeviation: Double?

  /// The model of inputs x ([N, D]) and targets y ([N]).
  ///
  /// - Throws: ``InferenceError/invalidData(_:)`` for mismatched shapes, no rows, a non-finite
  ///   value, or a non-positive size or scale.
  public init(
    inputs: Tensor<Double>, targets: Tensor<Double>, hiddenUnits: Int = 20,
    priorStandardDeviation: Double = 1, noiseStandardDeviation: Double? = nil
  ) throws(InferenceError) {
    guard inputs.rank == 2, targets.rank == 1, inputs.shape[0] == targets.shape[0],
      inputs.shape[0] > 0
    else {
      throw .invalidData(
        "inputs \(inputs.shape) and targets \(targets.shape) must be [N, D] and [N], N ≥ 1")
    }
    guard hiddenUnits >= 1 else {
      throw .invalidData("hiddenUnits is \(hiddenUnits); it must be at least 1")
    }
    for (name, value) in [
      ("prior standard deviation", priorStandardDeviation),
      ("noise standard deviation", noiseStandardDeviation ?? 1),
    ] where !(value > 0 && value.isFinite) {
      throw .invalidData("the \(name) is \(value); it must be positive and finite")
    }
    if let index = inputs.scalars.firstIndex(where: { !$0.isFinite }) {
      let width = inputs.shape[1]
      throw .invalidData(
        "row \(index / width + 1), input \(index % width + 1): non-finite value "
          + "\(inputs.scalars[index])")
    }
    if let row = targets.scalars.firstIndex(where: { !$0.isFinite }) {
      throw .invalidData("row \(row + 1), target: non-finite value \(targets.scalars[row])")
    }
    self.inputs = inputs
    self.targets = targets
    self.hiddenUnits = hiddenUnits
    self.priorStandardDeviation = priorStandardDeviation
    self.noiseStandardDeviation = noiseStandardDeviation
  }

  /// N, the number of data rows that minibatches are drawn from.
  public var rowCount: Int { targets.shape[0] }

  /// The parameters, with their shapes and constraints.
  public var parameters: [ParameterDeclaration] {
    let weights = [
      ParameterDeclaration("hidden_weights", shape: [inputs.shape[1], hiddenUnits]),
      ParameterDeclaration("hidden_biases", shape: [hiddenUnits]),
      ParameterDeclaration("output_weights", shape: [hiddenUnits]),
      ParameterDeclaration("output_bias"),
    ]
    guard noiseStandardDeviation == nil else { return weights }
    return weights + [ParameterDeclaration("sigma", constraint: .positive)]
  }

  /// The number of network weights and biases, D·H + 2H + 1.
  var weightCount: Int { inputs.shape[1] * hiddenUnits + 2 * hiddenUnits + 1 }

  /// log p(θ) for each draw: [L].
  @differentiable(reverse)
  public func logPrior(_ parameters: ParameterValues) -> Tensor<Double> {
    let s = priorStandardDeviation
    var squares = parameters[0].squared().sum(squeezingAxes: [1])
    for index in 1..<withoutDerivative(at: 4) {
      squares = squares + parameters[index].squared().sum(squeezingAxes: [1])
    }
    let constant = withoutDerivative(
      at: Double(weightCount) * (Double.log(s) + Double.log(2 * Double.pi) / 2))
    var result = squares * (-0.5 / (s * s)) - constant
    if noiseStandardDeviation == nil {
      let prior = HalfNormal(scale: Tensor(1.0)).logProbability(of: parameters[4])
      result = result + prior.sum(squeezingAxes: [1])
    }
    return result
  }

  /// log p(y | θ) summed over the data rows `rows`, for each draw: [L].
  @differentiable(reverse, wrt: parameters)
  public func logLikelihood(_ parameters: ParameterValues, rows: [Int]) -> Tensor<Double> {
    let x = withoutDerivative(at: inputs.gathering(rows: rows))
    let y = withoutDerivative(at: targets.gathering(rows: rows))
    let mean = network(parameters, x)
    let count = withoutDerivative(at: Double(rows.count))
    guard let fixed = noiseStandardDeviation else {
      let sigma = parameters[4]  // [L, 1]
      return (y - mean).squared().sum(squeezingAxes: [1]) * (-0.5)
        / sigma.squared().squeezingShape(at: [1])
        - count * (log(sigma).squeezingShape(at: [1]) + Double.log(2 * Double.pi) / 2)
    }
    return (y - mean).squared().sum(squeezingAxes: [1]) * (-0.5 / (fixed * fixed))
      - count * (Double.log(fixed) + Double.log(2 * Double.pi) / 2)
  }

  /// f(x) for each draw: [L, N] for inputs x of shape [N, D].
  @differentiable(reverse, wrt: parameters)
  func network(_ parameters: ParameterValues, _ x: Tensor<Double>) -> Tensor<Double> {
    let draws = withoutDerivative(at: parameters.drawCount)
    let (rows, width, units) = withoutDerivative(at: (x.shape[0], x.shape[1], hiddenUnits))
    let columns = withoutDerivative(
      at: x.split(sizes: Array(repeating: 1, count: width), alongAxis: 1))
    let weights = parameters[0].split(
      sizes: withoutDerivative(at: Array(repeating: units, count: width)), alongAxis: 1)
    var preActivation = parameters[1].reshaped(to: [draws, 1, units])
    for d in 0..<width {
      let column = withoutDerivative(at: columns[d].reshaped(to: [1, rows, 1]))
      preActivation = preActivation + weights[d].reshaped(to: [draws, 1, units]) * column
    }
    let hidden = tanh(preActivation)
    let output = (hidden * parameters[2].reshaped(to: [draws, 1, units])).sum(squeezingAxes: [2])
    return output + parameters[3]
  }

  /// The network's output f(x) under each draw of `draws`, [L, N] for inputs x of shape
  /// [N, D]: its mean over draws is the predictive mean, and adding σ² to its variance gives the
  /// predictive variance.
  public func predictions(_ draws: PosteriorDraws, at x: Tensor<Double>) -> Tensor<Double> {
    userPrecondition(
      x.rank == 2 && x.shape[1] == inputs.shape[1],
      "predictions(_:at:): inputs \(x.shape) need \(inputs.shape[1]) columns")
    let layout = try! ParameterLayout(parameters)
    var tensors: [Tensor<Double>] = []
    for declaration in parameters {
      let columns = declaration.elementNames.map { draws.column(named: $0)! }
      tensors.append(
        Tensor(shape: [draws.count, columns.count]) { values in
          for (j, column) in columns.enumerated() {
            for l in 0..<draws.count { values[l * columns.count + j] = column[l] }
          }
        })
    }
    return network(ParameterValues(tensors: tensors, layout: layout), x)
  }

  /// The predictive mean and standard deviation of y at inputs x ([N, D]) from posterior
  /// draws: the mean of f(x) over draws, and √(Var f(x) + E σ²) (σ² the fixed noise variance
  /// when σ is not inferred), both [N].
  public func predictiveSummary(_ draws: PosteriorDraws, at x: Tensor<Double>) -> (
    mean: Tensor<Double>, standardDeviation: Tensor<Double>
  ) {
    let f = predictions(draws, at: x)
    let noiseVariance: Double
    if let noiseStandardDeviation {
      noiseVariance = noiseStandardDeviation * noiseStandardDeviation
    } else {
      let sigma = draws.column(named: "sigma")!
      noiseVariance = sigma.map { $0 * $0 }.reduce(0, +) / Double(sigma.count)
    }
    let mean = f.mean(alongAxes: [0])
    let variance = (f - mean).squared().mean(alongAxes: [0]) + noiseVariance
    return (mean.reshaped(to: [x.shape[0]]), sqrt(variance).reshaped(to: [x.shape[0]]))
  }
}
