import TensorCore

extension Tensor {
  /// A tensor of independent draws uniform on (−1/√fanIn, 1/√fanIn): PyTorch's default
  /// initialisation of `nn.Linear`, `nn.Conv2d` and `nn.ConvTranspose2d`, weights and biases
  /// alike.
  ///
  /// PyTorch initialises weights with `kaiming_uniform_(w, a=√5)`, whose bound is
  /// ```
  /// gain · √(3 / fanIn),   gain = √(2 / (1 + a²)) = √(1/3),
  /// ```
  /// that is 1/√fanIn, and biases uniformly with the same bound (He, Zhang, Ren and Sun,
  /// "Delving deep into rectifiers", ICCV 2015, for the Kaiming family).
  ///
  /// - Parameters:
  ///   - shape: the shape of the tensor.
  ///   - fanIn: the number of inputs that feed one output (for a convolution,
  ///     channels × kernel height × kernel width); must be positive.
  ///   - generator: the source of randomness.
  @inlinable
  public init(
    fanInUniform shape: [Int], fanIn: Int, using generator: inout some RandomNumberGenerator
  ) {
    userPrecondition(fanIn > 0, "Tensor(fanInUniform:fanIn:): fanIn \(fanIn) must be > 0")
    let bound = 1 / Scalar(fanIn).squareRoot()
    self.init(randomUniform: shape, in: -bound..<bound, using: &generator)
  }
}
