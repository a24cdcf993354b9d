import Inference
import PosteriorDBModels
import TensorCore
import TestSupport
import Testing
import _Differentiation

/// A model's log joint at two points A and B of its parameters (every scalar in declaration
/// order, constrained), and the Stan program's log density there as computed independently
/// with numpy and scipy by `reference_log_joints.py` (which prints this table; A is the
/// reference mean, B half a reference sd away in every scalar).
struct LogJointCase: Sendable, CustomTestStringConvertible {
  var posterior: String
  var a: [Double]
  var b: [Double]
  var logJointA: Double
  var logJointB: Double

  init(_ posterior: String, a: [Double], b: [Double], logJointA: Double, logJointB: Double) {
    self.posterior = posterior
    self.a = a
    self.b = b
    self.logJointA = logJointA
    self.logJointB = logJointB
  }

  var testDescription: String { posterior }
}

/// From `python3 Tests/PosteriorDBTests/reference_log_joints.py`.
let logJointCases: [LogJointCase] = [
  LogJointCase(
    "arma-arma11",
    a: [0.006914863512241365, 0.9570128885868465, -0.03369602184710003, 0.1664816224339929],
    b: [0.012634058458101411, 0.9455811918562587, -0.06365710859881432, 0.17071986490048327],
    logJointA: 68.77638440796754, logJointB: 68.1116909011455),
  LogJointCase(
    "earnings-earn_height",
    a: [-61285.224320158675, 1261.7952499550986, 18887.35453714117],
    b: [-56451.510229768806, 1189.7025997048572, 19080.176057872424],
    logJointA: -13425.6996338008, logJointB: -13425.99775586653),
  LogJointCase(
    "earnings-logearn_interaction_z",
    a: [
      9.525499640979175, 0.06481153122207547, 0.4202344457046318, 0.02975355601376678,
      0.8818507204096612,
    ],
    b: [
      9.547963594543237, 0.0399620725261355, 0.45687518867187665, -0.0059372859770322126,
      0.8908204090126012,
    ],
    logJointA: -1538.6549973735491, logJointB: -1540.2421984009065),
  LogJointCase(
    "garch-garch11",
    a: [5.050017946600395, 1.4707597380389827, 0.5672842828138721, 0.6771756477615429],
    b: [4.9880055475278375, 1.7566538629858357, 0.5037324046848026, 0.716164717222416],
    logJointA: -447.9859663147345, logJointB: -449.6723299277492),
  LogJointCase(
    "gp_pois_regr-gp_regr",
    a: [6.874348177825814, 2.4423998398757036, 1.828731065727969],
    b: [6.241501906412044, 2.833296627887652, 2.081226510015429],
    logJointA: -31.043535957003055, logJointB: -31.67183557222698),
  LogJointCase(
    "kidiq-kidscore_interaction",
    a: [
      -11.358649625555547, 51.03276379981094, 0.9674125882075132, -0.4815862491798439,
      17.98108892998491,
    ],
    b: [
      -4.515026469770999, 43.40902116073855, 1.0412147075986877, -0.5622207660050688,
      18.288091633318505,
    ],
    logJointA: -1873.5809455417518, logJointB: -1900.7904067052857),
  LogJointCase(
    "kidiq-kidscore_momiq",
    a: [25.916531571936176, 0.6086284370903341, 18.27584838142448],
    b: [28.900683814426056, 0.5791389580586082, 18.587840510399456],
    logJointA: -1881.6700098900933, logJointB: -1882.0009274323386),
  LogJointCase(
    "kilpisjarvi_mod-kilpisjarvi",
    a: [-60.71228082222952, 0.017583626016715856, 1.1316669286484449],
    b: [-45.7306962608614, 0.013821707381752868, 1.185573796239001],
    logJointA: -96.89486709780876, logJointB: -97.32653211762872),
  LogJointCase(
    "low_dim_gauss_mix-low_dim_gauss_mix",
    a: [
      -2.7335144745179534, 5.603346360183679, 1.0280738831763863, 1.0238215386157976,
      0.6215493443580639,
    ],
    b: [
      -2.712493024035005, 5.555024610838125, 1.0437918256932877, 1.0035805638924165,
      0.6292894689209456,
    ],
    logJointA: -2104.7108484840237, logJointB: -2105.297284611149),
  LogJointCase(
    "mesquite-logmesquite_logvas",
    a: [
      5.351524881108438, 0.37589195824580185, 0.3974394798865086, -0.37489457478605215,
      0.3893634065146745, 0.11003919074715332, -0.5847138925890867, 0.34075741708973717,
    ],
    b: [
      5.440204230198471, 0.23091693457728402, 0.5488571209101658, -0.4950816332850444,
      0.5538977098589262, 0.046956884064742105, -0.5181107027816778, 0.32059083457694637,
    ],
    logJointA: -10.981536038626874, logJointB: -14.264617164882507),
  LogJointCase(
    "nes1972-nes",
    a: [
      1.7743526148940936, 0.48394643260017467, -1.106525194879595, -0.1884406111257591,
      -0.04833936259750942, 0.5154255342824152, 0.2972183005285577, -0.005595098557552328,
      0.16072681650729265, 1.8822543255177946,
    ],
    b: [
      1.9810687731995662, 0.4629564211276259, -1.0095622853488144, -0.2596083001544483,
      0.02140961852464953, 0.4229407049352643, 0.32737362736935566, -0.057303938973845586,
      0.18707392808465306, 1.863805700934143,
    ],
    logJointA: -2722.847823546287, logJointB: -2740.839196036029),
  LogJointCase(
    "sblri-blr",
    a: [
      0.9994661362377141, 1.0002285924268348, 1.0004226112650143, 1.0011475293644703,
      1.0015625409025783, 0.9626325270460467,
    ],
    b: [
      0.9999531268581678, 0.9996518219775753, 1.000901652629993, 1.000617491832916,
      1.0020863201158858, 0.9270431746222344,
    ],
    logJointA: -153.85177456335842, logJointB: -154.3235173720664),
]

@Suite struct PosteriorDBModelTests {
  @Test func everyPosteriorHasACase() {
    #expect(Set(logJointCases.map(\.posterior)) == Set(posteriorNames))
  }

  /// Every model reads its data, and its draws (parameters and derived quantities) have a
  /// column for every scalar of the reference posterior.
  @Test(arguments: posteriorNames)
  func namesMatchTheReference(posterior: String) throws {
    let model = try loadModel(posterior)
    let reference = try ReferencePosterior(posterior: posterior, root: requirePosteriorDBRoot())
    let point = try #require(logJointCases.first { $0.posterior == posterior }).a
    let values = try parameterValues(model, at: [point])
    let names =
      model.parameters.flatMap(\.elementNames)
      + model.derivedQuantities(values).flatMap(\.elementNames)
    for name in reference.names {
      #expect(names.contains(name), "\(posterior): no output named \(name) in \(names)")
    }
  }

  /// log p(B) − log p(A) equals the Stan program's, so the model has the program's priors,
  /// likelihood and transformed data up to a constant; both points are evaluated as two draws
  /// of one call.
  @Test(arguments: logJointCases)
  func logJointDifferenceMatchesStan(_ reference: LogJointCase) throws {
    let model = try loadModel(reference.posterior)
    let values = model.logJoint(try parameterValues(model, at: [reference.a, reference.b]))
    #expect(values.shape == [2])
    let difference = values.scalars[1] - values.scalars[0]
    let expected = reference.logJointB - reference.logJointA
    let tolerance = 1e-10 * (Swift.abs(reference.logJointA) + Swift.abs(reference.logJointB))
    assertClose(
      difference, expected, relativeTolerance: 0, absoluteTolerance: tolerance,
      reference.posterior)
  }

  /// The gradient of log p̃(ζ) (log joint and bijectors' Jacobians) at B agrees with central
  /// finite differences.
  @Test(arguments: logJointCases)
  func gradientMatchesFiniteDifferences(_ reference: LogJointCase) throws {
    let model = try loadModel(reference.posterior)
    try checkGradient(model, at: reference.b)
  }

  func checkGradient(_ model: some ProbabilisticModel, at point: [Double]) throws {
    let objective = try VariationalObjective(model)
    let zeta = try unconstrainedPoint(model, at: point)
    for comparison in compareGradients(
      of: { objective.logDensity(unconstrained: $0[0]) }, at: [zeta])
    {
      #expect(comparison.relativeError < 1e-6, "\(comparison)")
    }
  }
}
