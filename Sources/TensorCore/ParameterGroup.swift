import _Differentiation

/// A differentiable model that lists the key paths to its parameter tensors, and to the
/// matching tensors of its gradient: how an optimiser (module Optimizers) reaches every parameter.
///
/// Swift has no key-path iteration, so each model lists its own tensors, once for the model
/// and once for its `TangentVector`, **in the same order**: the optimiser pairs the *i*-th
/// parameter with the *i*-th gradient tensor. For a struct with synthesised `Differentiable`
/// conformance the tangent has the same stored property names, so the two lists read alike:
/// ```swift
/// struct Line: Differentiable {
///   var slope: Tensor<Double>
///   var intercept: Tensor<Double>
/// }
///
/// extension Line: ParameterGroup {
///   var parameterKeyPaths: [WritableKeyPath<Line, Tensor<Double>>] { [\.slope, \.intercept] }
///   var tangentKeyPaths: [WritableKeyPath<TangentVector, Tensor<Double>>] {
///     [\.slope, \.intercept]
///   }
/// }
/// ```
/// Members that are themselves parameter groups, and arrays of them, are listed through
/// `parameterKeyPaths(of:)` and `tangentKeyPaths(of:_:)`, which prefix the member's own lists:
/// ```swift
/// var parameterKeyPaths: [WritableKeyPath<VAE, Tensor<Float>>] {
///   parameterKeyPaths(of: \.encoder) + parameterKeyPaths(of: \.layers)
/// }
/// var tangentKeyPaths: [WritableKeyPath<TangentVector, Tensor<Float>>] {
///   tangentKeyPaths(of: \.encoder, \.encoder) + tangentKeyPaths(of: \.layers, \.layers)
/// }
/// ```
/// The lists are properties of the instance, so they can depend on how many layers an array
/// holds. (The synthesised `TangentVector` cannot be extended in Swift 6.3 — "non-nominal type
/// cannot be extended" — which is why the model lists its tangent's key paths itself.)
///
/// A tensor missing from the lists is silently never trained, and Swift cannot derive one
/// list from the other, so the tests check each shipped model's lists against its stored
/// tensors, found by reflection: each listed once, the k-th tangent key path the gradient of
/// the k-th parameter, and a direct ``updateParameters(along:_:)`` in the same order.
public protocol ParameterGroup: Differentiable {
  /// The scalar type of the parameter tensors: `Float` for networks, `Double` for variational
  /// inference.
  associatedtype Scalar: TensorScalar

  /// The key paths to every parameter tensor, in a fixed order.
  var parameterKeyPaths: [WritableKeyPath<Self, Tensor<Scalar>>] { get }

  /// The key paths to the gradient of every parameter tensor, in the order of
  /// ``parameterKeyPaths``.
  var tangentKeyPaths: [WritableKeyPath<TangentVector, Tensor<Scalar>>] { get }

  /// Calls `body` once per parameter, in the order of ``parameterKeyPaths``, with its index,
  /// the parameter (to change in place) and its tensor in `gradient`. The default goes through
  /// the key paths; a type with a few stored parameters can pass them directly, which saves
  /// the key-path lookups (four per parameter and step, as costly as the update itself at the
  /// sizes of variational inference).
  mutating func updateParameters(
    along gradient: TangentVector,
    _ body: (_ index: Int, _ parameter: inout Tensor<Scalar>, _ gradient: Tensor<Scalar>) -> Void)

  /// Whether every scalar of `gradient` is finite; the default reads its tensors through
  /// ``tangentKeyPaths``.
  func isFinite(_ gradient: TangentVector) -> Bool
}

extension ParameterGroup {
  /// Calls `body` with each tensor of ``parameterKeyPaths`` in turn (its index, the tensor to
  /// update in place, and its gradient from `gradient`).
  @inlinable
  public mutating func updateParameters(
    along gradient: TangentVector,
    _ body: (_ index: Int, _ parameter: inout Tensor<Scalar>, _ gradient: Tensor<Scalar>) -> Void
  ) {
    let modelPaths = parameterKeyPaths
    let gradientPaths = tangentKeyPaths
    userPrecondition(
      modelPaths.count == gradientPaths.count,
      "\(Self.self) lists \(modelPaths.count) parameter key paths but \(gradientPaths.count) "
        + "tangent key paths")
    let placeholder = Tensor<Scalar>.zero
    for k in modelPaths.indices {
      let g = gradient[keyPath: gradientPaths[k]]
      modifyInPlace(&self, at: modelPaths[k], placeholder: placeholder) { body(k, &$0, g) }
    }
  }

  /// Whether every scalar of `gradient` is finite.
  @inlinable
  public func isFinite(_ gradient: TangentVector) -> Bool {
    tangentKeyPaths.allSatisfy { path in
      gradient[keyPath: path].isFinite
    }
  }
}

extension ParameterGroup {
  /// The parameter key paths of the member at `member`, prefixed with `member`:
  /// `\VAE.encoder` and `\Dense.weight` give `\VAE.encoder.weight`.
  @inlinable
  public func parameterKeyPaths<Member: ParameterGroup>(
    of member: WritableKeyPath<Self, Member>
  ) -> [WritableKeyPath<Self, Tensor<Scalar>>] where Member.Scalar == Scalar {
    self[keyPath: member].parameterKeyPaths.map { member.appending(path: $0) }
  }

  /// The parameter key paths of every element of the array at `members`, element by element:
  /// `\MLP.layers` gives `\MLP.layers[0].weight`, `\MLP.layers[0].bias`, `\MLP.layers[1].weight`…
  @inlinable
  public func parameterKeyPaths<Member: ParameterGroup>(
    of members: WritableKeyPath<Self, [Member]>
  ) -> [WritableKeyPath<Self, Tensor<Scalar>>] where Member.Scalar == Scalar {
    var result: [WritableKeyPath<Self, Tensor<Scalar>>] = []
    let elements = self[keyPath: members]
    for index in elements.indices {
      let element = members.appending(path: \[Member].[index])
      for path in elements[index].parameterKeyPaths { result.append(element.appending(path: path)) }
    }
    return result
  }

  /// The tangent key paths of the member at `member`, whose gradient is at `tangent` in the
  /// gradient: `tangentKeyPaths(of: \.encoder, \.encoder)`.
  @inlinable
  public func tangentKeyPaths<Member: ParameterGroup>(
    of member: WritableKeyPath<Self, Member>,
    _ tangent: WritableKeyPath<TangentVector, Member.TangentVector>
  ) -> [WritableKeyPath<TangentVector, Tensor<Scalar>>] where Member.Scalar == Scalar {
    self[keyPath: member].tangentKeyPaths.map { tangent.appending(path: $0) }
  }

  /// The tangent key paths of every element of the array at `members`, whose gradient is the
  /// `Array.DifferentiableView` at `tangent`: `\TangentVector.layers.base[0].weight`, …
  ///
  /// An array that did not take part in the loss may get an empty gradient (the tangent's
  /// `zero`); its key paths then point past the end.
  @inlinable
  public func tangentKeyPaths<Member: ParameterGroup>(
    of members: WritableKeyPath<Self, [Member]>,
    _ tangent: WritableKeyPath<TangentVector, [Member].TangentVector>
  ) -> [WritableKeyPath<TangentVector, Tensor<Scalar>>] where Member.Scalar == Scalar {
    var result: [WritableKeyPath<TangentVector, Tensor<Scalar>>] = []
    let elements = self[keyPath: members]
    let base = tangent.appending(path: \[Member].TangentVector.base)
    for index in elements.indices {
      let element = base.appending(path: \[Member.TangentVector].[index])
      for path in elements[index].tangentKeyPaths { result.append(element.appending(path: path)) }
    }
    return result
  }

  /// The parameter tensors, in the order of ``parameterKeyPaths``.
  @inlinable
  public var parameters: [Tensor<Scalar>] {
    parameterKeyPaths.map { self[keyPath: $0] }
  }

  /// The tensors of `gradient`, in the order of ``tangentKeyPaths``.
  @inlinable
  public func tensors(of gradient: TangentVector) -> [Tensor<Scalar>] {
    tangentKeyPaths.map { gradient[keyPath: $0] }
  }
}

/// Updates the parameters of `member`, a part of a larger group, through its own
/// `updateParameters(along:_:)`, numbering them on from `first` in the larger group's order;
/// returns the number after its last. A group built of members passes its tensors this way
/// instead of through key paths, which are rebuilt on every call (for a VAE, key-path
/// construction alone was 2% of a training step):
/// ```swift
/// mutating func updateParameters(along gradient: TangentVector, _ body: …) {
///   let next = updateParameters(of: &encoder, along: gradient.encoder, numberingFrom: 0, body)
///   _ = updateParameters(of: &decoder, along: gradient.decoder, numberingFrom: next, body)
/// }
/// ```
@inlinable
public func updateParameters<Member: ParameterGroup>(
  of member: inout Member, along gradient: Member.TangentVector, numberingFrom first: Int,
  _ body: (
    _ index: Int, _ parameter: inout Tensor<Member.Scalar>, _ gradient: Tensor<Member.Scalar>
  ) -> Void
) -> Int {
  var count = 0
  member.updateParameters(along: gradient) { index, parameter, gradient in
    body(first + index, &parameter, gradient)
    count += 1
  }
  return first + count
}

/// ``updateParameters(of:along:numberingFrom:_:)`` for each element of an array of members in
/// turn (`MLP.layers`). An element whose gradient is missing (an array that took no part in
/// the loss has an empty gradient) gets its tangent's zero.
@inlinable
public func updateParameters<Member: ParameterGroup>(
  of members: inout [Member], along gradient: [Member].TangentVector, numberingFrom first: Int,
  _ body: (
    _ index: Int, _ parameter: inout Tensor<Member.Scalar>, _ gradient: Tensor<Member.Scalar>
  ) -> Void
) -> Int {
  var next = first
  for index in members.indices {
    let tangent = index < gradient.base.count ? gradient.base[index] : .zero
    next = updateParameters(of: &members[index], along: tangent, numberingFrom: next, body)
  }
  return next
}

/// Calls `body` with the tensor at `path` in `root` while `root` does not hold it, so that the
/// tensor's storage is uniquely referenced and `withUnsafeMutableBufferPointer` updates it in
/// place.
///
/// Writing through a key path with an array subscript (`\MLP.layers[0].weight`) copies the
/// element out and back, so `root[keyPath: path].withUnsafeMutableBufferPointer` would find the
/// storage shared and copy it. Here the tensor is moved out, `placeholder` (keep one around to
/// avoid allocating) stands in for it, and the tensor is moved back after `body` returns.
@inlinable
public func modifyInPlace<Root, Scalar: TensorScalar, Result>(
  _ root: inout Root, at path: WritableKeyPath<Root, Tensor<Scalar>>,
  placeholder: Tensor<Scalar> = .zero, _ body: (inout Tensor<Scalar>) throws -> Result
) rethrows -> Result {
  var tensor = root[keyPath: path]
  root[keyPath: path] = placeholder
  defer { root[keyPath: path] = tensor }
  return try body(&tensor)
}
