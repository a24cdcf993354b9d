import Inference
import TensorCore
import TestSupport
import Testing

@Suite struct LayoutTests {
  @Test func namesSizesAndOffsets() throws {
    let layout = try ParameterLayout([
      ParameterDeclaration("mu"),
      ParameterDeclaration("weights", shape: [2, 3]),
      ParameterDeclaration("mix", shape: [3], constraint: .simplex),
      ParameterDeclaration("sigma", constraint: .positive),
    ])
    #expect(layout.dimension == 1 + 6 + 2 + 1)
    #expect(layout.offsets == [0, 1, 7, 9])
    #expect(layout.unconstrainedSizes == [1, 6, 2, 1])
    #expect(!layout.isIdentity)
    #expect(
      layout.elementNames
        == [
          "mu", "weights.1.1", "weights.1.2", "weights.1.3", "weights.2.1", "weights.2.2",
          "weights.2.3", "mix.1", "mix.2", "mix.3", "sigma",
        ])
    #expect(layout.position(of: "sigma") == 3 && layout.position(of: "tau") == nil)
  }

  /// Draws are split by parameter and mapped through each bijector; lookup by name and by
  /// position agree.
  @Test func constrainSplitsAndMaps() throws {
    let layout = try ParameterLayout([
      ParameterDeclaration("a", shape: [2]), ParameterDeclaration("s", constraint: .positive),
    ])
    let values = layout.constrain(tensor([1, 2, 0, 3, 4, -1], shape: [2, 3]))
    #expect(values.drawCount == 2)
    #expect(values["a"] == tensor([1, 2, 3, 4], shape: [2, 2]))
    #expect(values[1] == values["s"])
    assertClose(values["s"], tensor([1, Double.exp(-1)], shape: [2, 1]), relativeTolerance: 1e-15)
    assertClose(
      layout.logAbsDeterminant(tensor([1, 2, 0, 3, 4, -1], shape: [2, 3])), tensor([0, -1]))
  }

  /// Initial values in the constrained space land at the right unconstrained coordinates.
  @Test func initialValuesAreUnconstrained() throws {
    let model = ClosureModel(
      parameters: [
        ParameterDeclaration("a"), ParameterDeclaration("s", constraint: .positive),
        ParameterDeclaration("p", shape: [3], constraint: .simplex),
      ]
    ) { p in
      (-p["a"].squared() - p["s"] + log(p["p"]).sum(alongAxes: [1])).sum(squeezingAxes: [1])
    }
    let result = try fit(
      model,
      options: FitOptions(algorithm: .stochastic, maxIterations: 1, initialization: .values(["s": [2], "p": [0.25, 0.25, 0.5]])))
    #expect(result.iterations == 1)
    let uniform = try fit(
      model, options: FitOptions(algorithm: .stochastic, maxIterations: 1, initialization: .uniform(radius: 2)))
    #expect(uniform.iterations == 1)
  }

  /// A closure model works like a struct model.
  @Test func closureModel() throws {
    let model = ClosureModel(parameters: [ParameterDeclaration("z")]) { p in
      let z = p["z"]
      return (-0.5 * z.squared() - 0.5 * (5 - z).squared()).sum(squeezingAxes: [1])
    }
    let result = try fit(
      model, options: FitOptions(seed: 1, algorithm: .stochastic, tolerance: 0.001, estimator: .stickingTheLanding))
    assertClose(result.unconstrainedMean!.scalars[0], 2.5, absoluteTolerance: 0.01)
  }
}
