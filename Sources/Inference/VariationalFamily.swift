import Optimizers
import RealModule
import TensorCore
import _Differentiation

/// A family of distributions q(ζ; λ) over the unconstrained space ℝᴰ whose draws are a
/// differentiable function of the variational parameters λ and of parameter-free noise,
/// ζ = g(ε; λ): the reparameterisation that ADVI's gradients rely on (Kucukelbir et al. 2017,
/// section 2.5; Kingma & Welling 2014).
///
/// Draws are batched as rows: noise of shape `[L, noiseDimension]` (independent standard
/// normal scalars) maps to draws of shape `[L, D]`. The variational parameters are the
/// tensors listed by `ParameterGroup`, which is how optimisers update them.
public protocol VariationalFamily: ParameterGroup where Scalar == Double {
  /// D, the dimension of the space q lives on.
  var dimension: Int { get }

  /// The number of standard normal scalars each draw needs.
  var noiseDimension: Int { get }

  /// ζ = g(ε; λ) for each row ε of `noise` ([L, noiseDimension]), as [L, D].
  ///
  /// Differentiable in λ only: the noise is data. (Declaring it differentiable in the noise
  /// too makes callers that need λ alone go through a parameter-subset thunk, which Swift 6.3.1
  /// miscompiles in non-WMO builds: it calls the forward-mode witness and traps.)
  @differentiable(reverse, wrt: self)
  func reparameterizedSample(noise: Tensor<Double>) -> Tensor<Double>

  /// log q(ζ; λ) for each row ζ of `draws` ([L, D]), as [L].
  @differentiable(reverse)
  func logDensity(of draws: Tensor<Double>) -> Tensor<Double>

  /// The entropy H[q] = −E_q[log q(ζ; λ)] in closed form, rank 0.
  @differentiable(reverse)
  func entropy() -> Tensor<Double>

  /// The gradient with respect to λ of −ELBO with the closed-form entropy,
  /// ```
  /// −ELBO(λ) ≈ −(1/L) Σₗ log p̃(g(εₗ; λ)) − H[q(λ)],
  /// ```
  /// given the noise ε ([L, noiseDimension]), the draws ζₗ = g(εₗ; λ) ([L, D]) and the
  /// gradients ∇ζ log p̃ there (`logDensityGradients`, [L, D]):
  /// the chain rule through the reparameterisation taken by hand, as Stan's ADVI does
  /// (`normal_meanfield::calc_grad`), so that a step differentiates only the model. The
  /// default implementation differentiates ``reparameterizedSample(noise:)`` and
  /// ``entropy()``.
  func negativeELBOGradient(
    noise: Tensor<Double>, draws: Tensor<Double>, logDensityGradients: Tensor<Double>
  ) -> TangentVector

  /// ``reparameterizedSample(noise:)`` written over `draws`, which a step keeps from one step
  /// to the next: a family that implements it (with ``entropyValue`` and
  /// ``negativeELBOGradient(noise:draws:logDensityGradients:into:)``) takes steps that
  /// allocate nothing for a ``ClosedFormGradientModel``. By default it assigns a new tensor.
  func reparameterizedSample(noise: Tensor<Double>, into draws: inout Tensor<Double>)

  /// ``negativeELBOGradient(noise:draws:logDensityGradients:)`` written over `gradient`
  /// (whose tensors may have any shape at first). By default it assigns a new tangent vector.
  func negativeELBOGradient(
    noise: Tensor<Double>, draws: Tensor<Double>, logDensityGradients: Tensor<Double>,
    into gradient: inout TangentVector)

  /// H[q], the value of ``entropy()`` as a number (by default, through ``entropy()``).
  var entropyValue: Double { get }

  /// log q(g(ε; λ)) for each row ε of `noise` ([L, noiseDimension]), as [L]: the density of
  /// q's own draws, computed from the noise where the family can. For a Gaussian
  /// ζ = μ + Lε it is exactly −½‖ε‖² − Σᵢ log Lᵢᵢ − (D/2) log 2π, with no solve against L,
  /// which stays accurate when L is nearly singular. By default
  /// ``logDensity(of:)`` of ``reparameterizedSample(noise:)``.
  func logDensityOfSample(noise: Tensor<Double>) -> Tensor<Double>
}

extension VariationalFamily {
  /// The gradient of the negative ELBO with respect to q's parameters, from the draws of
  /// `noise` (`draws`, [L, D]) and the gradients of log p̃ at them
  /// (`logDensityGradients`, [L, D]): the reparameterisation gradient of the mean
  /// log density, minus the gradient of the closed-form entropy.
  public func negativeELBOGradient(
    noise: Tensor<Double>, draws: Tensor<Double>, logDensityGradients: Tensor<Double>
  ) -> TangentVector {
    let samplePullback = pullback(at: self) { $0.reparameterizedSample(noise: noise) }
    let entropyGradient = pullback(at: self) { $0.entropy() }(Tensor(1))
    return samplePullback(logDensityGradients * (-1 / Double(noise.shape[0]))) - entropyGradient
  }

  /// ``reparameterizedSample(noise:)`` written into `draws`, whose buffer a family may reuse.
  public func reparameterizedSample(noise: Tensor<Double>, into draws: inout Tensor<Double>) {
    draws = reparameterizedSample(noise: noise)
  }

  /// The gradient of the negative ELBO with respect to q's parameters, as
  /// ``negativeELBOGradient(noise:draws:logDensityGradients:)``, written into `gradient`,
  /// whose buffers a family may reuse.
  public func negativeELBOGradient(
    noise: Tensor<Double>, draws: Tensor<Double>, logDensityGradients: Tensor<Double>,
    into gradient: inout TangentVector
  ) {
    gradient = negativeELBOGradient(
      noise: noise, draws: draws, logDensityGradients: logDensityGradients)
  }

  /// ``entropy()`` as a number.
  public var entropyValue: Double { entropy().scalarized() }

  /// ``logDensity(of:)`` of the draws of `noise`; the Gaussian families compute it exactly from
  /// the noise instead.
  public func logDensityOfSample(noise: Tensor<Double>) -> Tensor<Double> {
    logDensity(of: reparameterizedSample(noise: noise))
  }

  /// Checks that `noise` holds rows of `noiseDimension` scalars.
  func checkNoiseShape(_ noise: Tensor<Double>) {
    userPrecondition(
      noise.rank == 2 && noise.shape[1] == noiseDimension,
      "\(Self.self): noise \(noise.shape) needs shape [L, \(noiseDimension)]")
  }
}

/// Gives `buffer` the shape [rows, columns], allocating only when it has another: for the
/// buffers a step keeps and overwrites.
func prepareBuffer(_ buffer: inout Tensor<Double>, rows: Int, columns: Int) {
  if buffer.rank != 2 || buffer.shape[0] != rows || buffer.shape[1] != columns {
    buffer = Tensor(zeros: [rows, columns])
  }
}

/// Gives `buffer` the shape [count], allocating only when it has another.
func prepareBuffer(_ buffer: inout Tensor<Double>, count: Int) {
  if buffer.rank != 1 || buffer.shape[0] != count { buffer = Tensor(zeros: [count]) }
}

/// Gives `buffer` the shape of `other`, allocating only when it has another.
func prepareBuffer(_ buffer: inout Tensor<Double>, shapedLike other: Tensor<Double>) {
  if buffer.shape != other.shape { buffer = Tensor(zeros: other.shape) }
}

/// A Gaussian variational family: q = N(μ, Σ), so the mean and covariance can be read off.
public protocol GaussianFamily: VariationalFamily {
  /// μ, [D].
  var mean: Tensor<Double> { get }

  /// Σ, [D, D].
  func covariance() -> Tensor<Double>

  /// √Σᵢᵢ, [D], without forming Σ.
  func marginalStandardDeviations() -> Tensor<Double>
}

/// Σᵢ ωᵢ + (D/2)(1 + log 2π), the entropy of a Gaussian whose scale matrix has log-diagonal ω
/// ([D]) and determinant ∏ᵢ e^{ωᵢ}, summed in the order of the families' `entropy()`.
func gaussianEntropyValue(logScales omega: Tensor<Double>) -> Double {
  omega.withUnsafeBufferPointer { omega in
    var total = 0.0
    for w in omega { total += w }
    return total + gaussianEntropyConstant(dimension: omega.count)
  }
}

/// −½‖εₗ‖² − Σᵢ ωᵢ − (D/2) log 2π for each row εₗ of `noise`: the log density of a
/// Gaussian's draw μ + Lεₗ whose scale matrix L is triangular with log-diagonal ω.
func gaussianLogDensityOfSample(noise: Tensor<Double>, logScales omega: Tensor<Double>)
  -> Tensor<Double>
{
  let d = noise.shape[1]
  var logDeterminant = 0.0
  for w in omega.scalars { logDeterminant += w }
  let constant = logDeterminant + gaussianLogNormalizer(dimension: d)
  let scalars = noise.scalars
  return Tensor(
    (0..<noise.shape[0]).map { r in
      var squares = 0.0
      for i in 0..<d { squares += scalars[r * d + i] * scalars[r * d + i] }
      return -0.5 * squares - constant
    })
}

/// (D/2)(1 + log 2π), the part of a D-dimensional Gaussian's entropy that does not depend on Σ.
@inlinable
func gaussianEntropyConstant(dimension: Int) -> Double {
  Double(dimension) * (1 + Double.log(2 * Double.pi)) / 2
}

/// (D/2) log 2π, the normalising constant of a D-dimensional Gaussian density in log space.
@inlinable
func gaussianLogNormalizer(dimension: Int) -> Double {
  Double(dimension) * Double.log(2 * Double.pi) / 2
}
