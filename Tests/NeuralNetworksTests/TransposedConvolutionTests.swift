import NeuralNetworks
import TensorCore
import TestSupport
import Testing
import _Differentiation

/// transposedConv2D against hand-computed numbers and its adjoint relation with conv2D (its
/// finite differences are in ``ConvolutionTests``).
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
  @Test(arguments: ConvolutionCase.transposedConvolutions)
  func isTheAdjointOfConvolution(_ c: ConvolutionCase) {
    let operands: [Tensor<Double>] = c.randomOperands(seeds: (1, 2, 3))
    let (y, w) = (operands[0], operands[1])
    let transposed = c(y, weight: w, bias: Tensor(zeros: [c.outputChannels]))
    #expect(transposed.shape == [c.batch, c.outputChannels, c.outputHeight, c.outputWidth])
    let x: Tensor<Double> = randomTensor(transposed.shape, seed: 3)
    let convolved = conv2D(
      x, weight: w, bias: Tensor(zeros: [c.inputChannels]), stride: c.stride, padding: c.padding)
    #expect(convolved.shape == y.shape)
    assertClose(
      (convolved * y).sum().scalarized(), (x * transposed).sum().scalarized(),
      relativeTolerance: 1e-12)
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
