import NeuralNetworks
import TensorCore
import TestSupport
import Testing
import _Differentiation

/// One row of the convolution tables: the shapes and settings of a convolution, or of a
/// transposed convolution (whose weight is `[in, out, k, k]` and whose output grows).
struct ConvolutionCase: CustomStringConvertible, Sendable {
  var transposed = false
  var batch = 2
  var inputChannels = 2
  var outputChannels = 3
  var height = 5
  var width = 6
  var kernelSize = 3
  var stride = 1
  var padding = 0
  var outputPadding = 0

  /// PyTorch's output sizes: `nn.Conv2d` (in + 2p − k) / s + 1, rounded down;
  /// `nn.ConvTranspose2d` (in − 1)s − 2p + k + outputPadding.
  var outputHeight: Int { outputSize(height) }
  var outputWidth: Int { outputSize(width) }

  private func outputSize(_ size: Int) -> Int {
    transposed
      ? (size - 1) * stride - 2 * padding + kernelSize + outputPadding
      : (size + 2 * padding - kernelSize) / stride + 1
  }

  var inputShape: [Int] { [batch, inputChannels, height, width] }
  var weightShape: [Int] {
    transposed
      ? [inputChannels, outputChannels, kernelSize, kernelSize]
      : [outputChannels, inputChannels, kernelSize, kernelSize]
  }

  /// An input, weight and bias of this case's shapes, each drawn with its own seed.
  func randomOperands<Scalar: TensorScalar>(seeds: (UInt64, UInt64, UInt64)) -> [Tensor<Scalar>] {
    [
      randomTensor(inputShape, seed: seeds.0), randomTensor(weightShape, seed: seeds.1),
      randomTensor([outputChannels], seed: seeds.2),
    ]
  }

  /// The operation of this case on input, weight and bias.
  func callAsFunction<Scalar: TensorScalar>(
    _ x: Tensor<Scalar>, weight: Tensor<Scalar>, bias: Tensor<Scalar>
  ) -> Tensor<Scalar> {
    transposed
      ? transposedConv2D(
        x, weight: weight, bias: bias, stride: stride, padding: padding,
        outputPadding: outputPadding)
      : conv2D(x, weight: weight, bias: bias, stride: stride, padding: padding)
  }

  var description: String {
    "\(transposed ? "transposed " : "")\(batch)×\(inputChannels)×\(height)×\(width) → "
      + "\(outputChannels), k\(kernelSize) s\(stride) p\(padding)"
      + (transposed ? " op\(outputPadding)" : "")
  }

  static let convolutions: [ConvolutionCase] = [
    ConvolutionCase(),
    ConvolutionCase(stride: 2, padding: 1),
    ConvolutionCase(kernelSize: 4, stride: 2, padding: 1),
    ConvolutionCase(batch: 1, inputChannels: 1, outputChannels: 1, height: 4, width: 4),
    ConvolutionCase(batch: 3, height: 7, width: 5, kernelSize: 2, stride: 3, padding: 2),
    ConvolutionCase(
      inputChannels: 3, outputChannels: 2, height: 3, width: 3, kernelSize: 3,
      padding: 1),
  ]

  static let transposedConvolutions: [ConvolutionCase] = [
    ConvolutionCase(transposed: true, inputChannels: 3, outputChannels: 2, height: 3, width: 4),
    ConvolutionCase(
      transposed: true, inputChannels: 3, outputChannels: 2, height: 3, width: 4, kernelSize: 4,
      stride: 2, padding: 1),
    ConvolutionCase(
      transposed: true, inputChannels: 3, outputChannels: 2, height: 3, width: 4, stride: 2,
      padding: 1, outputPadding: 1),
    ConvolutionCase(
      transposed: true, batch: 1, inputChannels: 1, outputChannels: 1, height: 3, width: 4,
      kernelSize: 2, stride: 3),
    ConvolutionCase(
      transposed: true, inputChannels: 3, outputChannels: 2, height: 2, width: 2, kernelSize: 5,
      stride: 2, padding: 2, outputPadding: 1),
  ]
}

/// The convolution written directly from its definition, as a reference:
/// y[n, o, v, u] = b[o] + Σ_{c,i,j} w[o, c, i, j] · x[n, c, v·s − p + i, u·s − p + j].
func referenceConvolution(
  _ x: Tensor<Double>, _ w: Tensor<Double>, _ b: Tensor<Double>, stride s: Int, padding p: Int
) -> Tensor<Double> {
  let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
  let (o, k) = (w.shape[0], w.shape[2])
  let (oh, ow) = ((h + 2 * p - k) / s + 1, (wd + 2 * p - k) / s + 1)
  var y = Tensor<Double>(zeros: [n, o, oh, ow])
  for image in 0..<n {
    for out in 0..<o {
      for v in 0..<oh {
        for u in 0..<ow {
          var total = b[out]
          for channel in 0..<c {
            for i in 0..<k {
              for j in 0..<k {
                let (row, column) = (v * s - p + i, u * s - p + j)
                guard row >= 0, row < h, column >= 0, column < wd else { continue }
                total += w[out, channel, i, j] * x[image, channel, row, column]
              }
            }
          }
          y[image, out, v, u] = total
        }
      }
    }
  }
  return y
}

/// conv2D against hand-computed numbers, a reference implementation and finite differences.
@Suite struct ConvolutionTests {
  @Test(arguments: ConvolutionCase.convolutions)
  func matchesTheDefinitionAndPyTorchsOutputSize(_ c: ConvolutionCase) {
    let operands: [Tensor<Double>] = c.randomOperands(seeds: (1, 2, 3))
    let (x, w, b) = (operands[0], operands[1], operands[2])
    let y = c(x, weight: w, bias: b)
    #expect(y.shape == [c.batch, c.outputChannels, c.outputHeight, c.outputWidth])
    assertClose(
      y, referenceConvolution(x, w, b, stride: c.stride, padding: c.padding),
      relativeTolerance: 1e-12, absoluteTolerance: 1e-12)
  }

  /// A 3×3 image and a 2×2 kernel, by hand:
  /// ```
  /// x = 1 2 3    w = 1 2    b = 0.5
  ///     4 5 6        3 4
  ///     7 8 9
  /// ```
  /// Stride 1, no padding: y[0,0] = 1·1 + 2·2 + 3·4 + 4·5 + 0.5 = 37.5, and so on.
  /// Stride 2, padding 1: the kernel's corners see y = (4·1, 3·2 + 4·3, 2·4 + 4·7, 77) + 0.5.
  @Test func tinyConvolutionByHand() {
    let x = Tensor<Double>(shape: [1, 1, 3, 3], scalars: [1, 2, 3, 4, 5, 6, 7, 8, 9])
    let w = Tensor<Double>(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
    let b = Tensor<Double>([0.5])
    #expect(
      conv2D(x, weight: w, bias: b)
        == Tensor(shape: [1, 1, 2, 2], scalars: [37.5, 47.5, 67.5, 77.5]))
    #expect(
      conv2D(x, weight: w, bias: b, stride: 2, padding: 1)
        == Tensor(shape: [1, 1, 2, 2], scalars: [4.5, 18.5, 36.5, 77.5]))
  }

  /// Finite differences of both operations, in Double (tolerance 10⁻⁶) and Float (10⁻²).
  @Test(arguments: ConvolutionCase.convolutions + ConvolutionCase.transposedConvolutions)
  func gradients(_ c: ConvolutionCase) {
    checkCaseGradients(c, scalar: Double.self, tolerance: 1e-6)
    checkCaseGradients(c, scalar: Float.self, tolerance: 1e-2)
  }

  /// Both layers' parameter gradients, and the convolution's input gradient, with an
  /// activation after the product, against finite differences.
  @Test func layerGradientsWithActivation() {
    var generator = Xoshiro256StarStar(seed: 7)
    let convolution = Conv2D<Double>(
      inputChannels: 2, outputChannels: 3, kernelSize: 3, stride: 2, padding: 1,
      activation: .tanh, using: &generator)
    checkParameterGradients(
      of: convolution, at: randomTensor([2, 2, 5, 5], seed: 8), tolerance: 1e-6)
    checkGradients(
      of: { convolution($0[0]) }, at: [randomTensor([2, 2, 5, 5], seed: 9)], tolerance: 1e-6)
    var transposedGenerator = Xoshiro256StarStar(seed: 7)
    let transposed = ConvTranspose2D<Double>(
      inputChannels: 3, outputChannels: 2, kernelSize: 4, stride: 2, padding: 1,
      activation: .sigmoid, using: &transposedGenerator)
    checkParameterGradients(
      of: transposed, at: randomTensor([2, 3, 3, 3], seed: 8), tolerance: 1e-6)
  }

  @Test func layerOutputSizeAndInitialisation() {
    var generator = Xoshiro256StarStar(seed: 10)
    let layer = Conv2D<Float>(
      inputChannels: 1, outputChannels: 32, kernelSize: 4, stride: 2, padding: 1,
      using: &generator)
    // fanIn = 1 · 4 · 4, bound 1/4.
    #expect(layer.weight.scalars.allSatisfy { Swift.abs($0) <= 0.25 })
    #expect(layer.weight.scalars.map { Swift.abs($0) }.max()! > 0.24)
    #expect(layer.bias.scalars.allSatisfy { Swift.abs($0) <= 0.25 })
    #expect(layer.outputSize(height: 28, width: 28) == (14, 14))
    #expect(layer(Tensor(zeros: [3, 1, 28, 28])).shape == [3, 32, 14, 14])
  }
}

/// The gradients of case `c`'s operation with respect to input, weight and bias against
/// central differences, at inputs drawn with seeds 4, 5 and 6.
func checkCaseGradients<Scalar: TensorScalar>(
  _ c: ConvolutionCase, scalar: Scalar.Type, tolerance: Scalar
) {
  checkGradients(
    of: { c($0[0], weight: $0[1], bias: $0[2]) }, at: c.randomOperands(seeds: (4, 5, 6)),
    tolerance: tolerance, c.description)
}
