import TensorCore
import Testing
import _Differentiation

/// Records a test issue at the caller for every way `model`'s parameter listing can disagree
/// with the model, so that no tensor is silently left untrained:
///
/// 1. every stored tensor of the model, found by reflection (`Mirror`, through members,
///    arrays and their elements), is named by exactly one of `parameterKeyPaths`;
/// 2. every stored tensor of `gradient` is named by exactly one of `tangentKeyPaths`, the two
///    lists have the same length, and the k-th tangent key path reaches the gradient of the
///    k-th parameter (the tangent's stored property of the same name);
/// 3. `updateParameters(along:_:)` passes the *k*-th parameter with the *k*-th gradient tensor,
///    for k = 0, 1, … in order, and what it writes lands in the *k*-th parameter;
/// 4. `isFinite(_:)` sees a NaN in any one of the gradient's tensors;
/// 5. `names`, when given (checkpoint names), has one distinct name per parameter, and each
///    name fits the stored tensor it is listed with: the same last component (`bias`, and
///    `log_scale` for `logScale`), and its numeric components (`encoder.0.weight`) in the
///    tensor's path in order (`encoder.layers.0.weight`).
///
/// Each listed tensor is first filled with its own marker value (1000.25 + k in the model,
/// 2000.25 + k in the gradient), so reflection can tell which entry of a list reaches which
/// stored tensor. `gradient` must have the model's structure (a gradient of a loss that uses
/// every layer: an array member's `zero` tangent is empty). Stored tensors that are not
/// parameters by design are passed in `exempt` by their reflected path (`"cache.values"`).
public func checkParameterListing<Model: ParameterGroup>(
  _ model: Model, gradient: Model.TangentVector, names: [String]? = nil,
  exempt: Set<String> = [], sourceLocation: SourceLocation = #_sourceLocation
) {
  let paths = model.parameterKeyPaths
  let tangentPaths = model.tangentKeyPaths
  guard paths.count == tangentPaths.count else {
    let message =
      "\(Model.self) lists \(paths.count) parameters but \(tangentPaths.count) gradients"
    Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
    return
  }
  var marked = model
  var markedGradient = gradient
  for k in paths.indices {
    let shape = model[keyPath: paths[k]].shape
    marked[keyPath: paths[k]] = Tensor(repeating: parameterMarker(k), shape: shape)
    markedGradient[keyPath: tangentPaths[k]] = Tensor(repeating: gradientMarker(k), shape: shape)
  }
  let parameterAt = checkMarkers(
    of: marked, count: paths.count, marker: parameterMarker as (Int) -> Model.Scalar,
    what: "\(Model.self)", exempt: exempt, sourceLocation: sourceLocation)
  let gradientAt = checkMarkers(
    of: markedGradient, count: paths.count, marker: gradientMarker as (Int) -> Model.Scalar,
    what: "\(Model.self).TangentVector", exempt: exempt, sourceLocation: sourceLocation)
  // The synthesised tangent has the model's stored property names: the k-th gradient tensor
  // must be the gradient of the k-th parameter, not of another one of its shape.
  if parameterAt != gradientAt {
    let message =
      "the k-th tangent key path is not the gradient of the k-th parameter: parameters at "
      + "\(parameterAt.sorted { $0.value < $1.value }), gradients at "
      + "\(gradientAt.sorted { $0.value < $1.value })"
    Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
  }
  checkDirectUpdate(marked, markedGradient, sourceLocation: sourceLocation)
  for k in tangentPaths.indices where markedGradient[keyPath: tangentPaths[k]].scalarCount > 0 {
    var poisoned = markedGradient
    var scalars = poisoned[keyPath: tangentPaths[k]].scalars
    scalars[scalars.count - 1] = .nan
    let shape = poisoned[keyPath: tangentPaths[k]].shape
    poisoned[keyPath: tangentPaths[k]] = Tensor(shape: shape, scalars: scalars)
    #expect(
      !model.isFinite(poisoned), "isFinite misses a NaN in gradient tensor \(k)",
      sourceLocation: sourceLocation)
  }
  if let names {
    #expect(names.count == paths.count, "\(names.count) names", sourceLocation: sourceLocation)
    #expect(Set(names).count == names.count, "repeated names", sourceLocation: sourceLocation)
    for (path, k) in parameterAt where k < names.count {
      #expect(
        name(names[k], fits: path), "name \(k), \(names[k]), is listed with the tensor at \(path)",
        sourceLocation: sourceLocation)
    }
  }
}

/// Whether a checkpoint name fits a reflected path: the same last component once camel case
/// is written in snake case, and the name's numeric components among the path's, in order.
private func name(_ name: String, fits path: String) -> Bool {
  func snakeCase(_ word: Substring) -> String {
    word.reduce(into: "") { result, character in
      if character.isUppercase { result += "_" + character.lowercased() } else {
        result.append(character)
      }
    }
  }
  let nameParts = name.split(separator: ".")
  let pathParts = path.split(separator: ".").map(snakeCase)
  guard let last = nameParts.last, String(last) == pathParts.last else { return false }
  var remaining = pathParts[...]
  for number in nameParts where number.allSatisfy(\.isNumber) {
    guard let found = remaining.firstIndex(of: String(number)) else { return false }
    remaining = remaining[(found + 1)...]
  }
  return true
}

/// Checks that `updateParameters(along:_:)` numbers the parameters 0, 1, … and pairs the
/// parameter marked k with the gradient marked k, and that a value written to the k-th
/// parameter is found at `parameterKeyPaths[k]` afterwards (`3000.25 + k`).
private func checkDirectUpdate<Model: ParameterGroup>(
  _ marked: Model, _ markedGradient: Model.TangentVector, sourceLocation: SourceLocation
) {
  var updated = marked
  var visited: [Int] = []
  updated.updateParameters(along: markedGradient) { index, parameter, gradient in
    visited.append(index)
    #expect(
      parameter.scalars.allSatisfy { $0 == parameterMarker(index) },
      "updateParameters passes another tensor as parameter \(index)",
      sourceLocation: sourceLocation)
    #expect(
      gradient.scalars.allSatisfy { $0 == gradientMarker(index) },
      "updateParameters passes another gradient with parameter \(index)",
      sourceLocation: sourceLocation)
    parameter = Tensor(repeating: writtenMarker(index), shape: parameter.shape)
  }
  let paths = marked.parameterKeyPaths
  #expect(
    visited == Array(paths.indices), "updateParameters visits \(visited)",
    sourceLocation: sourceLocation)
  for (k, path) in paths.enumerated() {
    #expect(
      updated[keyPath: path].scalars.allSatisfy { $0 == writtenMarker(k) },
      "the update of parameter \(k) does not land at its key path",
      sourceLocation: sourceLocation)
  }
}

/// The value every scalar of the k-th parameter, gradient tensor, or updated parameter holds
/// in the check: exactly representable in `Float` for k < 4000, and unlike any initial value.
private func parameterMarker<Scalar: TensorScalar>(_ k: Int) -> Scalar {
  Scalar(1000.25 + Double(k))
}
private func gradientMarker<Scalar: TensorScalar>(_ k: Int) -> Scalar {
  Scalar(2000.25 + Double(k))
}
private func writtenMarker<Scalar: TensorScalar>(_ k: Int) -> Scalar {
  Scalar(3000.25 + Double(k))
}

/// Finds every stored tensor of `value` by reflection and checks that each holds one marker
/// of 0..<count throughout, and that each marker is held by exactly one tensor; returns the
/// marker of each tensor by its reflected path.
private func checkMarkers<Scalar: TensorScalar>(
  of value: Any, count: Int, marker: (Int) -> Scalar, what: String, exempt: Set<String>,
  sourceLocation: SourceLocation
) -> [String: Int] {
  var holders = [[String]](repeating: [], count: count)
  var unlisted: [String] = []
  var markers: [String: Int] = [:]
  forEachStoredTensor(in: value, path: "") { path, tensor in
    if exempt.contains(path) { return }
    guard let tensor = tensor as? Tensor<Scalar>, let first = tensor.scalars.first,
      let k = (0..<count).first(where: { marker($0) == first }),
      tensor.scalars.allSatisfy({ $0 == first })
    else {
      // An empty tensor carries no marker; it holds nothing to train.
      if let tensor = tensor as? Tensor<Scalar>, tensor.scalarCount == 0 { return }
      unlisted.append(path)
      return
    }
    holders[k].append(path)
    markers[path] = k
  }
  #expect(
    unlisted.isEmpty, "\(what) has tensors no key path lists: \(unlisted)",
    sourceLocation: sourceLocation)
  for (k, paths) in holders.enumerated() where paths.count != 1 {
    let message =
      "\(what): key path \(k) reaches \(paths.count) stored tensors \(paths) (a repeated "
      + "or shadowed entry)"
    Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
  }
  return markers
}

/// Calls `body` with the reflected path and value of every stored `Tensor` in `value`, going
/// through structs, enums, tuples, optionals and collections but not into classes (a tensor's
/// storage) or into the tensors themselves.
private func forEachStoredTensor(in value: Any, path: String, _ body: (String, Any) -> Void) {
  if String(describing: type(of: value)).hasPrefix("Tensor<") {
    body(path, value)
    return
  }
  let mirror = Mirror(reflecting: value)
  if mirror.displayStyle == .class { return }
  for (index, child) in mirror.children.enumerated() {
    let label = child.label ?? String(index)
    // An array's tangent (`Array.DifferentiableView`) wraps the elements in `_base`; leaving
    // it out gives a gradient tensor the path of its parameter.
    let childPath = label == "_base" ? path : path.isEmpty ? label : path + "." + label
    forEachStoredTensor(in: child.value, path: childPath, body)
  }
}
