import RealModule
import TensorCore
import _Differentiation

/// An elementwise nonlinearity, chosen by name in configurations (`"relu"`, `"tanh"`, …).
///
/// Layers such as ``Dense`` apply their activation in the same pass as the bias (see
/// ``fusedBiasActivation(_:bias:activation:)``); on its own, an activation is a
/// differentiable function:
/// ```swift
/// let hidden = Activation.softplus(matmul(x, w))
/// ```
public enum Activation: String, Codable, CaseIterable, Sendable {
  /// f(x) = x.
  case identity
  /// f(x) = max(x, 0); the derivative at 0 is taken to be 0.
  case relu
  /// f(x) = x for x > 0, 0.01·x otherwise (PyTorch's default negative slope).
  case leakyRelu
  /// f(x) = σ(x) = 1 / (1 + e^{−x}).
  case sigmoid
  /// f(x) = tanh x.
  case tanh
  /// f(x) = log(1 + eˣ), computed as max(x, 0) + log1p(e^{−|x|}).
  case softplus

  /// The slope of ``leakyRelu`` for negative inputs, 0.01 as in PyTorch.
  public static let leakyReluSlope = 0.01

  /// The activation applied elementwise to `x`.
  @inlinable
  @differentiable(reverse)
  public func callAsFunction<Scalar: TensorScalar>(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
    switch self {
    case .identity: return x
    case .relu: return TensorCore.relu(x)
    case .leakyRelu: return NeuralNetworks.leakyRelu(x, slope: Scalar(Activation.leakyReluSlope))
    case .sigmoid: return TensorCore.sigmoid(x)
    case .tanh: return TensorCore.tanh(x)
    case .softplus: return TensorCore.softplus(x)
    }
  }
}

extension Activation {
  /// f(z) for one scalar, the forward rule of the fused kernels.
  @inlinable
  @inline(__always)
  func value<Scalar: TensorScalar>(_ z: Scalar) -> Scalar {
    switch self {
    case .identity: return z
    case .relu: return z > 0 ? z : 0
    case .leakyRelu: return z > 0 ? z : Scalar(Activation.leakyReluSlope) * z
    case .sigmoid: return Scalar.sigmoid(z)
    case .tanh: return Scalar.tanh(z)
    case .softplus: return Scalar.softplus(z)
    }
  }

  /// f′(z) written in terms of the output y = f(z), so that a pullback needs only y:
  /// ```
  /// identity 1,  relu [y > 0],  leakyRelu [y > 0] + 0.01·[y ≤ 0],  sigmoid y(1 − y),
  /// tanh 1 − y²,  softplus σ(z) = 1 − e^{−y} (computed as −expm1(−y))
  /// ```
  @inlinable
  @inline(__always)
  func derivative<Scalar: TensorScalar>(fromOutput y: Scalar) -> Scalar {
    switch self {
    case .identity: return 1
    case .relu: return y > 0 ? 1 : 0
    case .leakyRelu: return y > 0 ? 1 : Scalar(Activation.leakyReluSlope)
    case .sigmoid: return y * (1 - y)
    case .tanh: return 1 - y * y
    case .softplus: return -Scalar.expMinusOne(-y)
    }
  }
}
