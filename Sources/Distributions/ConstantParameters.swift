import TensorCore
import _Differentiation

// Constant parameters as plain scalars. Wherever a distribution takes a parameter tensor, it
// also takes a scalar, which becomes a rank-0 tensor and broadcasts against every batch shape:
//
//   Normal(mean: 0, standardDeviation: 10).logProbability(of: mu)     // a prior
//   Normal(mean: mu, standardDeviation: 2.0)                          // a tensor and a constant
//   Gamma(concentration: 25, rate: 4), HalfCauchy(scale: 2.5), Beta(alpha: 1, beta: 1)
//
// The scalar type is the tensors' (`Double` for inference), and integer literals work as well
// as decimal ones. Each initialiser is the tensor one with `Tensor(scalar)` in place of the
// constants, so log densities and their gradients with respect to the tensor parameters are
// the same, and the scalars themselves are differentiable too.

extension Normal {
  /// N(μ, σ²) with constant σ.
  @inlinable
  @differentiable(reverse)
  public init(mean: Tensor<Scalar>, standardDeviation: Scalar) {
    self.init(mean: mean, standardDeviation: Tensor(standardDeviation))
  }

  /// N(μ, σ²) with constant μ.
  @inlinable
  @differentiable(reverse)
  public init(mean: Scalar, standardDeviation: Tensor<Scalar>) {
    self.init(mean: Tensor(mean), standardDeviation: standardDeviation)
  }

  /// N(μ, σ²) with all parameters constant.
  @inlinable
  @differentiable(reverse)
  public init(mean: Scalar, standardDeviation: Scalar) {
    self.init(mean: Tensor(mean), standardDeviation: Tensor(standardDeviation))
  }
}

extension HalfNormal {
  /// HalfNormal(σ) with a constant parameter.
  @inlinable
  @differentiable(reverse)
  public init(scale: Scalar) {
    self.init(scale: Tensor(scale))
  }
}

extension LogNormal {
  /// LogNormal(μ, σ) with constant σ.
  @inlinable
  @differentiable(reverse)
  public init(location: Tensor<Scalar>, scale: Scalar) {
    self.init(location: location, scale: Tensor(scale))
  }

  /// LogNormal(μ, σ) with constant μ.
  @inlinable
  @differentiable(reverse)
  public init(location: Scalar, scale: Tensor<Scalar>) {
    self.init(location: Tensor(location), scale: scale)
  }

  /// LogNormal(μ, σ) with all parameters constant.
  @inlinable
  @differentiable(reverse)
  public init(location: Scalar, scale: Scalar) {
    self.init(location: Tensor(location), scale: Tensor(scale))
  }
}

extension Cauchy {
  /// Cauchy(x₀, γ) with constant γ.
  @inlinable
  @differentiable(reverse)
  public init(location: Tensor<Scalar>, scale: Scalar) {
    self.init(location: location, scale: Tensor(scale))
  }

  /// Cauchy(x₀, γ) with constant x₀.
  @inlinable
  @differentiable(reverse)
  public init(location: Scalar, scale: Tensor<Scalar>) {
    self.init(location: Tensor(location), scale: scale)
  }

  /// Cauchy(x₀, γ) with all parameters constant.
  @inlinable
  @differentiable(reverse)
  public init(location: Scalar, scale: Scalar) {
    self.init(location: Tensor(location), scale: Tensor(scale))
  }
}

extension HalfCauchy {
  /// HalfCauchy(γ) with a constant parameter.
  @inlinable
  @differentiable(reverse)
  public init(scale: Scalar) {
    self.init(scale: Tensor(scale))
  }
}

extension StudentT {
  /// StudentT(ν, μ, σ) with constant σ.
  @inlinable
  @differentiable(reverse)
  public init(degreesOfFreedom: Tensor<Scalar>, location: Tensor<Scalar>, scale: Scalar) {
    self.init(degreesOfFreedom: degreesOfFreedom, location: location, scale: Tensor(scale))
  }

  /// StudentT(ν, μ, σ) with constant μ.
  @inlinable
  @differentiable(reverse)
  public init(degreesOfFreedom: Tensor<Scalar>, location: Scalar, scale: Tensor<Scalar>) {
    self.init(degreesOfFreedom: degreesOfFreedom, location: Tensor(location), scale: scale)
  }

  /// StudentT(ν, μ, σ) with constant μ and σ.
  @inlinable
  @differentiable(reverse)
  public init(degreesOfFreedom: Tensor<Scalar>, location: Scalar, scale: Scalar) {
    self.init(degreesOfFreedom: degreesOfFreedom, location: Tensor(location), scale: Tensor(scale))
  }

  /// StudentT(ν, μ, σ) with constant ν.
  @inlinable
  @differentiable(reverse)
  public init(degreesOfFreedom: Scalar, location: Tensor<Scalar>, scale: Tensor<Scalar>) {
    self.init(degreesOfFreedom: Tensor(degreesOfFreedom), location: location, scale: scale)
  }

  /// StudentT(ν, μ, σ) with constant ν and σ.
  @inlinable
  @differentiable(reverse)
  public init(degreesOfFreedom: Scalar, location: Tensor<Scalar>, scale: Scalar) {
    self.init(degreesOfFreedom: Tensor(degreesOfFreedom), location: location, scale: Tensor(scale))
  }

  /// StudentT(ν, μ, σ) with constant ν and μ.
  @inlinable
  @differentiable(reverse)
  public init(degreesOfFreedom: Scalar, location: Scalar, scale: Tensor<Scalar>) {
    self.init(degreesOfFreedom: Tensor(degreesOfFreedom), location: Tensor(location), scale: scale)
  }

  /// StudentT(ν, μ, σ) with all parameters constant.
  @inlinable
  @differentiable(reverse)
  public init(degreesOfFreedom: Scalar, location: Scalar, scale: Scalar) {
    self.init(
      degreesOfFreedom: Tensor(degreesOfFreedom), location: Tensor(location), scale: Tensor(scale))
  }
}

extension Exponential {
  /// Exponential(λ) with a constant parameter.
  @inlinable
  @differentiable(reverse)
  public init(rate: Scalar) {
    self.init(rate: Tensor(rate))
  }
}

extension Gamma {
  /// Gamma(α, β) with constant β.
  @inlinable
  @differentiable(reverse)
  public init(concentration: Tensor<Scalar>, rate: Scalar) {
    self.init(concentration: concentration, rate: Tensor(rate))
  }

  /// Gamma(α, β) with constant α.
  @inlinable
  @differentiable(reverse)
  public init(concentration: Scalar, rate: Tensor<Scalar>) {
    self.init(concentration: Tensor(concentration), rate: rate)
  }

  /// Gamma(α, β) with all parameters constant.
  @inlinable
  @differentiable(reverse)
  public init(concentration: Scalar, rate: Scalar) {
    self.init(concentration: Tensor(concentration), rate: Tensor(rate))
  }
}

extension InverseGamma {
  /// InverseGamma(α, β) with constant β.
  @inlinable
  @differentiable(reverse)
  public init(concentration: Tensor<Scalar>, scale: Scalar) {
    self.init(concentration: concentration, scale: Tensor(scale))
  }

  /// InverseGamma(α, β) with constant α.
  @inlinable
  @differentiable(reverse)
  public init(concentration: Scalar, scale: Tensor<Scalar>) {
    self.init(concentration: Tensor(concentration), scale: scale)
  }

  /// InverseGamma(α, β) with all parameters constant.
  @inlinable
  @differentiable(reverse)
  public init(concentration: Scalar, scale: Scalar) {
    self.init(concentration: Tensor(concentration), scale: Tensor(scale))
  }
}

extension Beta {
  /// Beta(α, β) with constant β.
  @inlinable
  @differentiable(reverse)
  public init(alpha: Tensor<Scalar>, beta: Scalar) {
    self.init(alpha: alpha, beta: Tensor(beta))
  }

  /// Beta(α, β) with constant α.
  @inlinable
  @differentiable(reverse)
  public init(alpha: Scalar, beta: Tensor<Scalar>) {
    self.init(alpha: Tensor(alpha), beta: beta)
  }

  /// Beta(α, β) with all parameters constant.
  @inlinable
  @differentiable(reverse)
  public init(alpha: Scalar, beta: Scalar) {
    self.init(alpha: Tensor(alpha), beta: Tensor(beta))
  }
}

extension Uniform {
  /// Uniform(low, high) with constant high.
  @inlinable
  @differentiable(reverse)
  public init(low: Tensor<Scalar>, high: Scalar) {
    self.init(low: low, high: Tensor(high))
  }

  /// Uniform(low, high) with constant low.
  @inlinable
  @differentiable(reverse)
  public init(low: Scalar, high: Tensor<Scalar>) {
    self.init(low: Tensor(low), high: high)
  }

  /// Uniform(low, high) with all parameters constant.
  @inlinable
  @differentiable(reverse)
  public init(low: Scalar, high: Scalar) {
    self.init(low: Tensor(low), high: Tensor(high))
  }
}

extension Bernoulli {
  /// Bernoulli(σ(l)) with a constant parameter.
  @inlinable
  @differentiable(reverse)
  public init(logits: Scalar) {
    self.init(logits: Tensor(logits))
  }

  /// Bernoulli(p) with a constant parameter.
  @inlinable
  @differentiable(reverse)
  public init(probabilities: Scalar) {
    self.init(probabilities: Tensor(probabilities))
  }
}

extension Binomial {
  /// Binomial(n, σ(l)) with constant l.
  @inlinable
  @differentiable(reverse, wrt: logits)
  public init(count: Tensor<Scalar>, logits: Scalar) {
    self.init(count: count, logits: Tensor(logits))
  }

  /// Binomial(n, σ(l)) with constant n.
  @inlinable
  @differentiable(reverse, wrt: logits)
  public init(count: Scalar, logits: Tensor<Scalar>) {
    self.init(count: Tensor(count), logits: logits)
  }

  /// Binomial(n, σ(l)) with all parameters constant.
  @inlinable
  @differentiable(reverse, wrt: logits)
  public init(count: Scalar, logits: Scalar) {
    self.init(count: Tensor(count), logits: Tensor(logits))
  }

  /// Binomial(n, p) with constant p.
  @inlinable
  @differentiable(reverse, wrt: probabilities)
  public init(count: Tensor<Scalar>, probabilities: Scalar) {
    self.init(count: count, probabilities: Tensor(probabilities))
  }

  /// Binomial(n, p) with constant n.
  @inlinable
  @differentiable(reverse, wrt: probabilities)
  public init(count: Scalar, probabilities: Tensor<Scalar>) {
    self.init(count: Tensor(count), probabilities: probabilities)
  }

  /// Binomial(n, p) with all parameters constant.
  @inlinable
  @differentiable(reverse, wrt: probabilities)
  public init(count: Scalar, probabilities: Scalar) {
    self.init(count: Tensor(count), probabilities: Tensor(probabilities))
  }
}

extension Poisson {
  /// Poisson(eᵃ) with a constant parameter.
  @inlinable
  @differentiable(reverse)
  public init(logRate: Scalar) {
    self.init(logRate: Tensor(logRate))
  }

  /// Poisson(λ) with a constant parameter.
  @inlinable
  @differentiable(reverse)
  public init(rate: Scalar) {
    self.init(rate: Tensor(rate))
  }
}

extension MultivariateNormal {
  /// N(μ, L·Lᵀ) with the same constant μ in every coordinate (`mean: 0` for a centred
  /// distribution), of dimension d given by the factor `[d, d]`.
  @inlinable
  @differentiable(reverse)
  public init(mean: Scalar, scaleTril: Tensor<Scalar>) {
    let d = withoutDerivative(at: scaleTril.shape.last ?? 0)
    self.init(mean: Tensor(mean).broadcasted(to: [d]), scaleTril: scaleTril)
  }

  /// N(μ, Σ) with the same constant μ in every coordinate, factoring Σ `[d, d]` by Cholesky
  /// decomposition.
  @inlinable
  @differentiable(reverse)
  public init(mean: Scalar, covariance: Tensor<Scalar>) {
    let d = withoutDerivative(at: covariance.shape.last ?? 0)
    self.init(mean: Tensor(mean).broadcasted(to: [d]), covariance: covariance)
  }
}
