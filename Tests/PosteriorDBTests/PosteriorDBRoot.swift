import Foundation
import Inference
import PosteriorDBModels
import TensorCore

/// The posteriordb folder the tests read: `$POSTERIORDB_ROOT`, else `shared/posteriordb`
/// beside the checkout (as CI lays it out: the package root is two levels above this file).
let posteriorDBRoot: String =
  ProcessInfo.processInfo.environment["POSTERIORDB_ROOT"]
  ?? URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  .appendingPathComponent("../shared/posteriordb").standardized.path

/// The posteriordb folder is not there.
struct MissingPosteriorDB: Error, CustomStringConvertible {
  var description: String {
    "the posteriordb tests need the reference posteriors in \(posteriorDBRoot), which does not "
      + "exist: check out `shared` beside this clone (shared/posteriordb), or set "
      + "POSTERIORDB_ROOT to the folder that holds arma-arma11/, sblri-blr/, …"
  }
}

/// The posteriordb folder, or a ``MissingPosteriorDB`` error that fails the test with a
/// clear message.
func requirePosteriorDBRoot() throws -> String {
  var isDirectory: ObjCBool = false
  guard FileManager.default.fileExists(atPath: posteriorDBRoot, isDirectory: &isDirectory),
    isDirectory.boolValue
  else { throw MissingPosteriorDB() }
  return posteriorDBRoot
}

/// The model of posteriordb's posterior `name`, with its data.
func loadModel(_ name: String) throws -> any PosteriorDBModel {
  let root = try requirePosteriorDBRoot()
  guard let type = posteriorDBModel(named: name) else {
    throw MissingModel(name: name)
  }
  return try type.load(fromRoot: root)
}

/// No model in `posteriorDBModels` has that name.
struct MissingModel: Error, CustomStringConvertible {
  var name: String
  var description: String { "no model for the posterior \(name) in posteriorDBModels" }
}

/// The names of every posterior with a model.
let posteriorNames = posteriorDBModels.map { $0.posteriorName }

/// The constrained values of `model`'s parameters at the given points, one draw per point;
/// each point lists every parameter's scalars in declaration order.
func parameterValues(
  _ model: some ProbabilisticModel, at points: [[Double]]
) throws -> ParameterValues {
  let layout = try ParameterLayout(model.parameters)
  var tensors: [Tensor<Double>] = []
  var offset = 0
  for declaration in layout.declarations {
    let size = declaration.size
    let scalars = points.flatMap { $0[offset..<(offset + size)] }
    tensors.append(Tensor(shape: [points.count, size], scalars: scalars))
    offset += size
  }
  precondition(
    points.allSatisfy { $0.count == offset },
    "parameterValues: points of \(points.map(\.count)) scalars for \(offset) parameters")
  return ParameterValues(tensors: tensors, layout: layout)
}

/// The unconstrained point ζ ([1, D]) of a constrained point given as for
/// ``parameterValues(_:at:)``.
func unconstrainedPoint(
  _ model: some ProbabilisticModel, at point: [Double]
) throws -> Tensor<Double> {
  let layout = try ParameterLayout(model.parameters)
  var scalars: [Double] = []
  var offset = 0
  for declaration in layout.declarations {
    let size = declaration.size
    let values = Tensor(shape: [1, size], scalars: Array(point[offset..<(offset + size)]))
    scalars += declaration.constraint.unconstrain(values).scalars
    offset += size
  }
  return Tensor(shape: [1, scalars.count], scalars: scalars)
}
