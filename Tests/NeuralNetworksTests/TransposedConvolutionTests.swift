import NeuralNetworks
import TensorCore
import TestSupport
import Testing
import _Differentiation

/// One row of the transposed-convolution table.
struct TransposedConvolutionCase: CustomStringConvertible, Sendable {
  var batch = 2
  var inputChannels = 3
  var outputChannels = 2
  var height = 3
  var width = 4
  var kernelSize = 3
  var stride = 1
  var padding = 0
  var outputPadding = 0

  /// PyTorch's `nn.ConvTranspose2d` output size: (in − 1)s − 2p + k + outputPadding.
  var outputHeight: Int { (height - 1) * stride - 2 * padding + kernelSize + outputPadding }
  var outputWidth: Int { (width - 1) * stride - 2 * padding + kernelSize + outputPadding }

  var inputShape: [Int] { [batch, inputChannels, height, width] }
  var weightShape: [Int] { [inputChannels, outputChannels, kernelSize, kernelSize] }

  var description: String {
    "\(batch)×\(inputChannels)×\(height)×\(width) → \(outputChannels), k\(kernelSize) "
      + "s\(stride) p\(padding) op\(outputPadding)"
  }

  static let all: [TransposedConvolutionCase] = [
    TransposedConvolutionCase(),
    TransposedConvolutionCase(kernelSize: 4, stride: 2, padding: 1),
    TransposedConvolutionCase(stride: 2, padding: 1, outputPadding: 1),
    TransposedConvolutionCase(
      batch: 1, inputChannels: 1, outputChannels: 1, kernelSize: 2,
      stride: 3),
    TransposedConvolutionCase(
      height: 2, width: 2, kernelSize: 5, stride: 2, padding: 2,
      outputPadding: 1),
  ]
}

/// transposedConv2D against hand-computed numbers, its adjoint relation with conv2D, and
/// finite differences.
@Suite struct TransposedConvolutionTests {
  /// Each input pixel stamps the kernel (here all ones) into the output, s apart:
  /// ```
  /// x = 1 2     stride 2:  1 1 2 2     stride 1:  1  3 2
  ///     3 4                1 1 2 2                4 10 6
  ///                        3 3 4 4                3  7 4
  ///                        3 3 4 4
  /// ```
  @Test func tinyTransposedConvolutionByHand() {
    let x = Tensor<Double>(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
    let w = Tensor<Double>(ones: [1, 1, 2, 2])
    let b = Tensor<Double>([0])
    #expect(
      transposedConv2D(x, weight: w, bias: b, stride: 2)
        == Tensor(shape: [1, 1, 4, 4], scalars: [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]))
    #expect(
      transposedConv2D(x, weight: w, bias: b + 1)
        == Tensor(shape: [1, 1, 3, 3], scalars: [2, 4, 3, 5, 11, 7, 4, 8, 5]))
    // Padding 1 crops the 4×4 stride-2 output to its centre 2×2.
    #expect(
      transposedConv2D(x, weight: w, bias: b, stride: 2, padding: 1)
        == Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4]))
  }

  /// ⟨conv(x; W), y⟩ = ⟨x, convᵀ(y; W)⟩ with zero biases and the same W, stride and padding:
  /// the transposed convolution is the adjoint of the convolution.
  @Test(arguments: TransposedConvolutionCase.all)
  func isTheAdjointOfConvolution(_ c: TransposedConvolutionCase) {
    let y: Tensor<Double> = randomTensor(c.inputShape, seed: 1)
    let w: Tensor<Double> = randomTensor(c.weightShape, seed: 2)
    let transposed = transposedConv2D(
      y, weight: w, bias: Tensor(zeros: [c.outputChannels]), stride: c.stride,
      padding: c.padding, outputPadding: c.outputPadding)
    #expect(transposed.shape == [c.batch, c.outputChannels, c.outputHeight, c.outputWidth])
    let x: Tensor<Double> = randomTensor(transposed.shape, seed: 3)
    let convolved = conv2D(
      x, weight: w, bias: Tensor(zeros: [c.inputChannels]), stride: c.stride, padding: c.padding)
    #expect(convolved.shape == y.shape)
    assertClose(
      (convolved * y).sum().scalarized(), (x * transposed).sum().scalarized(),
      relativeTolerance: 1e-12)
  }

  @Test(arguments: TransposedConvolutionCase.all)
  func gradientInDouble(_ c: TransposedConvolutionCase) {
    let inputs: [Tensor<Double>] = [
      randomTensor(c.inputShape, seed: 4), randomTensor(c.weightShape, seed: 5),
      randomTensor([c.outputChannels], seed: 6),
    ]
    checkGradients(
      of: {
        transposedConv2D(
          $0[0], weight: $0[1], bias: $0[2], stride: c.stride, padding: c.padding,
          outputPadding: c.outputPadding)
      }, at: inputs, tolerance: 1e-6, c.description)
  }

  @Test(arguments: TransposedConvolutionCase.all)
  func gradientInFloat(_ c: TransposedConvolutionCase) {
    let inputs: [Tensor<Float>] = [
      randomTensor(c.inputShape, seed: 4), randomTensor(c.weightShape, seed: 5),
      randomTensor([c.outputChannels], seed: 6),
    ]
    checkGradients(
      of: {
        transposedConv2D(
          $0[0], weight: $0[1], bias: $0[2], stride: c.stride, padding: c.padding,
          outputPadding: c.outputPadding)
      }, at: inputs, tolerance: 1e-2, c.description)
  }

  @Test func layerGradientWithActivation() {
    var generator = Xoshiro256StarStar(seed: 7)
    let layer = ConvTranspose2D<Double>(
      inputChannels: 3, outputChannels: 2, kernelSize: 4, stride: 2, padding: 1,
      activation: .sigmoid, using: &generator)
    checkParameterGradients(of: layer, at: randomTensor([2, 3, 3, 3], seed: 8), tolerance: 1e-6)
  }

  /// The decoder shapes of a convolutional VAE on 28×28 images, and PyTorch's quirk of taking
  /// fanIn from the weight's second axis: bound 1/√(outputChannels · k²).
  @Test func layerOutputSizeAndInitialisation() {
    var generator = Xoshiro256StarStar(seed: 9)
    let layer = ConvTranspose2D<Float>(
      inputChannels: 64, outputChannels: 32, kernelSize: 4, stride: 2, padding: 1,
      using: &generator)
    #expect(layer.outputSize(height: 7, width: 7) == (14, 14))
    #expect(layer(Tensor(zeros: [2, 64, 7, 7])).shape == [2, 32, 14, 14])
    let bound = 1 / Float(32 * 16).squareRoot()
    #expect(layer.weight.scalars.allSatisfy { Swift.abs($0) <= bound })
    #expect(layer.weight.scalars.map { Swift.abs($0) }.max()! > 0.99 * bound)
    let odd = ConvTranspose2D<Float>(
      inputChannels: 1, outputChannels: 1, kernelSize: 3, stride: 2, padding: 1,
      outputPadding: 1, using: &generator)
    #expect(odd.outputSize(height: 7, width: 4) == (14, 8))
  }
}
