import Foundation
import TensorCore
import Testing
import _Differentiation

@testable import Inference

/// The checks of a model made before fitting (``VariationalObjective/checkLogJoint(at:)`` and
/// ``VariationalObjective/checkDerivedQuantities(_:at:)``) and the names they suggest.
@Suite struct ModelCheckTests {
  /// Declarations `mu`, `sigma` (positive) and `theta` [4].
  static let declarations = [
    ParameterDeclaration("mu"), ParameterDeclaration("sigma", constraint: .positive),
    ParameterDeclaration("theta", shape: [4]),
  ]

  /// The objective of a model with ``declarations`` and the log joint `logJoint`.
  static func objective(
    _ logJoint: @escaping @differentiable(reverse) (ParameterValues) -> Tensor<Double>
  ) throws -> VariationalObjective {
    try VariationalObjective(ClosureModel(parameters: declarations, logJoint: logJoint))
  }

  /// The origin of the unconstrained space of ``declarations``.
  static let origin = [Double](repeating: 0, count: 6)

  /// A misspelling is matched to the declared name within one edit in three characters,
  /// ignoring case; a name far from every declared one gets no suggestion.
  @Test(
    arguments: [
      ("sigm", "sigma"), ("Sigma", "sigma"), ("thetas", "theta"), ("tehta", "theta"), ("m", "mu"),
      ("beta", nil), ("tau", nil), ("sigma_scale", nil),
    ] as [(String, String?)])
  func nearestNames(_ name: String, _ nearest: String?) throws {
    let layout = try ParameterLayout(Self.declarations)
    #expect(layout.nearestName(to: name) == nearest)
  }

  @Test(arguments: [
    ("", "", 0), ("abc", "", 3), ("", "ab", 2), ("kitten", "sitting", 3), ("sigm", "sigma", 1),
    ("tehta", "theta", 1), ("ca", "abc", 3), ("flaw", "lawn", 2),
  ])
  func editDistances(_ a: String, _ b: String, _ distance: Int) {
    #expect(editDistance(Array(a), Array(b)) == distance)
    #expect(editDistance(Array(b), Array(a)) == distance)
  }

  /// Every unknown name is reported at once, in the order asked for, without a suggestion.
  @Test func severalUnknownNamesAreListed() throws {
    let objective = try Self.objective { p in
      (p["mu"] + p["beta"] + p["gamma"] + p["beta"]).sum(squeezingAxes: [1])
    }
    let message = inferenceErrorMessage { try objective.checkLogJoint(at: Self.origin) }
    expectMentions(
      message,
      [
        "invalid model: the log joint asked for parameters \"beta\", \"gamma\", which are not "
          + "declared; the model declares \"mu\", \"sigma\", \"theta\""
      ])
    #expect(message?.contains("did you mean") == false)
  }

  /// A log joint that reads only declared names and returns [L] passes, and is evaluated with
  /// three draws of each parameter at the given point.
  @Test func aCorrectLogJointPasses() throws {
    nonisolated(unsafe) var shapes: [[Int]] = []
    let objective = try Self.objective { p in
      shapes = withoutDerivative(at: [p["mu"].shape, p["sigma"].shape, p["theta"].shape])
      return (p["mu"] + p["sigma"] + p["theta"]).sum(squeezingAxes: [1])
    }
    try objective.checkLogJoint(at: Self.origin)
    #expect(shapes == [[3, 1], [3, 1], [3, 4]])
  }

  /// Shapes that are not one value per draw are refused with advice for each kind.
  @Test func wrongShapesAreDescribed() {
    let cases: [([Int], [String])] = [
      ([], ["a scalar (shape [])", "sums over the draws", ".sum(squeezingAxes: [1])"]),
      ([3, 1], ["shape [3, 1]", ".squeezingShape(at: [1])"]),
      ([3, 4, 2], ["shape [3, 4, 2]", ".sum(squeezingAxes: [1, 2])"]),
      ([4], ["shape [4] for 3 draws", "must return shape [3]"]),
    ]
    for (shape, fragments) in cases {
      expectMentions(VariationalObjective.describeWrongShape(shape, draws: 3), fragments)
    }
  }

  /// Derived quantities are checked like the log joint: unknown names, and one row per draw.
  @Test func derivedQuantitiesAreChecked() throws {
    let objective = try Self.objective { p in p["mu"].sum(squeezingAxes: [1]) }
    expectMentions(
      inferenceErrorMessage {
        try objective.checkDerivedQuantities(
          { p in [DerivedQuantity("variance", values: p["sigm"].squared())] }, at: Self.origin)
      },
      [
        "invalid model: the derived quantities asked for parameter \"sigm\"",
        "did you mean \"sigma\"?",
      ])
    expectMentions(
      inferenceErrorMessage {
        try objective.checkDerivedQuantities(
          { p in [DerivedQuantity("total", values: p["theta"].sum(alongAxes: [0]))] },
          at: Self.origin)
      }, ["\"total.1\", \"total.2\", \"total.3\", …", "shape [1, 4] for 3 draws", "[3, 4]"])
    try objective.checkDerivedQuantities(
      { p in [DerivedQuantity("theta_scaled", values: p["sigma"] * p["theta"])] },
      at: Self.origin)
  }

  /// Outside a check, an unknown name stops the program with the declared names and the
  /// suggestion.
  @Test func unknownNameOutsideACheckStopsWithTheNames() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      let layout = try! ParameterLayout(ModelCheckTests.declarations)
      let values = layout.constrain(Tensor(zeros: [2, 6]))
      _ = values["Sigma"]
    }
    guard let result else { return }
    let standardError = String(decoding: result.standardErrorContent, as: UTF8.self)
    #expect(
      standardError.contains(
        "ParameterValues: no parameter \"Sigma\"; the model declares \"mu\", \"sigma\", "
          + "\"theta\" (did you mean \"sigma\"?)"), "\(standardError)")
  }

  /// A check that fails inside the log joint during the check says so.
  @Test func failuresInTheCheckedLogJointSaySo() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      let objective = try! VariationalObjective(
        ClosureModel(parameters: [ParameterDeclaration("w", shape: [2])]) { p in
          p["w"].reshaped(to: [5]).sum(alongAxes: [0])
        })
      try? objective.checkLogJoint(at: [0, 0])
    }
    guard let result else { return }
    let standardError = String(decoding: result.standardErrorContent, as: UTF8.self)
    for fragment in [
      "reshaped(to:): cannot reshape [3, 2] (6 scalars) to [5]",
      "This happened in the log joint of the model, evaluated before fitting on 3 draws",
    ] {
      #expect(standardError.contains(fragment), "\(standardError)")
    }
  }
}
