import _Differentiation

/// An n-dimensional array of floating-point scalars, stored row-major, with value semantics.
///
/// `Tensor` is the numeric workhorse of Variational. It is `Differentiable`: functions written
/// with its operations can be differentiated with Swift's `gradient(at:of:)` and
/// `valueWithPullback(at:of:)`. Every primitive operation registers a hand-written
/// vector–Jacobian product (VJP) right below its definition.
///
/// Elementwise operations follow NumPy's broadcasting rules: shapes are aligned at their last
/// axis, and an axis of size 1 (or a missing leading axis) is repeated to match the other
/// operand. Gradients flowing back through a broadcast are summed over the repeated axes.
///
/// A tensor of rank 0 (shape `[]`) holds one scalar. `Tensor.zero`, the additive identity that
/// automatic differentiation uses, is such a scalar and broadcasts against any shape.
///
/// Copies share storage until one of them is mutated (copy-on-write).
@frozen
public struct Tensor<Scalar: TensorScalar> {
  /// The size of each axis, outermost first.
  @noDerivative public let shape: [Int]
  @noDerivative @usableFromInline var buffer: TensorBuffer<Scalar>

  @inlinable
  init(shape: [Int], buffer: TensorBuffer<Scalar>) {
    self.shape = shape
    self.buffer = buffer
  }

  /// A tensor of the given shape whose scalars are left uninitialised; the caller must write
  /// every element before reading any.
  @inlinable
  init(uninitializedShape shape: [Int]) {
    self.init(shape: shape, buffer: TensorBuffer(uninitializedCount: shape.elementCount))
  }

  /// A tensor of the given shape whose scalars `body` writes, all of them, into the buffer it
  /// receives (uninitialised memory, as `Array(unsafeUninitializedCapacity:initializingWith:)`
  /// gives): for kernels that overwrite their whole output, without filling it with zeros first.
  @inlinable
  public init(
    unsafeUninitializedShape shape: [Int],
    initializingWith body: (UnsafeMutableBufferPointer<Scalar>) -> Void
  ) {
    self.init(uninitializedShape: shape)
    withUnsafeMutableBufferPointer { body($0) }
  }

  /// Creates a tensor of the given shape from scalars in row-major order.
  ///
  /// - Precondition: `scalars.count` equals the product of `shape`.
  @inlinable
  public init(shape: [Int], scalars: [Scalar]) {
    userPrecondition(
      shape.allSatisfy { $0 >= 0 }, "Tensor(shape:scalars:): negative axis size in \(shape)")
    userPrecondition(
      scalars.count == shape.elementCount,
      "Tensor(shape:scalars:): shape \(shape) needs \(shape.elementCount) scalars, "
        + "got \(scalars.count)")
    self.init(uninitializedShape: shape)
    scalars.withUnsafeBufferPointer { source in
      buffer.base.update(from: source.baseAddress!, count: source.count)
    }
  }

  /// Creates a tensor of the given shape whose scalars `body` writes, in row-major order,
  /// into uninitialised storage: the way to fill a tensor from another buffer without an
  /// intermediate array. `body` must write every element.
  @inlinable
  public init(
    shape: [Int], initializingWith body: (UnsafeMutableBufferPointer<Scalar>) throws -> Void
  ) rethrows {
    userPrecondition(
      shape.allSatisfy { $0 >= 0 }, "Tensor(shape:initializingWith:): negative axis in \(shape)")
    self.init(uninitializedShape: shape)
    try body(UnsafeMutableBufferPointer(start: buffer.base, count: buffer.count))
  }

  /// Creates a vector (rank 1) from the given scalars.
  @inlinable
  public init(_ scalars: [Scalar]) {
    self.init(shape: [scalars.count], scalars: scalars)
  }

  /// Creates a rank-0 tensor holding one scalar.
  @inlinable
  @differentiable(reverse)
  public init(_ scalar: Scalar) {
    self.init(shape: [], buffer: TensorBuffer(repeating: scalar, count: 1))
  }

  @inlinable
  @derivative(of: init(_:))
  static func _vjpInit(_ scalar: Scalar) -> (
    value: Tensor, pullback: (Tensor) -> Scalar
  ) {
    (Tensor(scalar), { $0.sum().scalarized() })
  }

  /// Creates a tensor of the given shape with every scalar equal to `value`.
  @inlinable
  public init(repeating value: Scalar, shape: [Int]) {
    userPrecondition(
      shape.allSatisfy { $0 >= 0 }, "Tensor(repeating:shape:): negative axis size in \(shape)")
    self.init(shape: shape, buffer: TensorBuffer(repeating: value, count: shape.elementCount))
  }

  /// A tensor of zeros of the given shape.
  @inlinable
  public init(zeros shape: [Int]) { self.init(repeating: 0, shape: shape) }

  /// A tensor of ones of the given shape.
  @inlinable
  public init(ones shape: [Int]) { self.init(repeating: 1, shape: shape) }

  /// Converts the scalars of a tensor of another floating-point type, rounding to nearest.
  @inlinable
  public init<Other: TensorScalar>(_ other: Tensor<Other>) {
    self.init(uninitializedShape: other.shape)
    let source = other.buffer.base
    let target = buffer.base
    for i in 0..<other.scalarCount { target[i] = Scalar(source[i]) }
  }

  /// The number of axes.
  @inlinable @noDerivative public var rank: Int { shape.count }

  /// The number of scalars: the product of the shape.
  @inlinable @noDerivative public var scalarCount: Int { buffer.count }

  /// Whether no scalar is infinite or NaN.
  @inlinable @noDerivative public var isFinite: Bool {
    if Scalar.self == Double.self {
      // A branch-free test of the exponent bits (all ones for ±∞ and NaN) that vectorises.
      let bits = UnsafeRawPointer(buffer.base).assumingMemoryBound(to: UInt64.self)
      let exponent: UInt64 = 0x7ff0_0000_0000_0000
      var infiniteOrNaN: UInt64 = 0
      for i in 0..<buffer.count { infiniteOrNaN |= (bits[i] & exponent) == exponent ? 1 : 0 }
      return infiniteOrNaN == 0
    }
    return UnsafeBufferPointer(start: buffer.base, count: buffer.count).allSatisfy { $0.isFinite }
  }

  /// The scalars in row-major order.
  @inlinable public var scalars: [Scalar] {
    Array(UnsafeBufferPointer(start: buffer.base, count: buffer.count))
  }

  /// The one scalar of a tensor that holds exactly one (any rank, e.g. `[]` or `[1, 1]`).
  @inlinable
  @differentiable(reverse)
  public func scalarized() -> Scalar {
    userPrecondition(
      scalarCount == 1, "scalarized(): tensor of shape \(shape) holds \(scalarCount) scalars, not 1"
    )
    return buffer.base[0]
  }

  @inlinable
  @derivative(of: scalarized)
  func _vjpScalarized() -> (value: Scalar, pullback: (Scalar) -> Tensor) {
    let shape = self.shape
    return (scalarized(), { Tensor(repeating: $0, shape: shape) })
  }

  /// The scalar at a multi-dimensional index (one entry per axis).
  @inlinable
  public subscript(index: Int...) -> Scalar {
    get { buffer.base[offset(of: index)] }
    set {
      let position = offset(of: index)
      withUnsafeMutableBufferPointer { $0[position] = newValue }
    }
  }

  @inlinable
  func offset(of index: [Int]) -> Int {
    userPrecondition(
      index.count == rank, "subscript: index \(index) for a tensor of shape \(shape)")
    var result = 0
    for axis in 0..<rank {
      userPrecondition(
        index[axis] >= 0 && index[axis] < shape[axis],
        "subscript: index \(index) is out of bounds for shape \(shape)")
      result = result * shape[axis] + index[axis]
    }
    return result
  }

  /// Calls `body` with the scalars in row-major order.
  @inlinable
  public func withUnsafeBufferPointer<Result>(
    _ body: (UnsafeBufferPointer<Scalar>) throws -> Result
  ) rethrows -> Result {
    try body(UnsafeBufferPointer(start: buffer.base, count: buffer.count))
  }

  /// Calls `body` with mutable access to the scalars, copying the storage first if it is shared.
  @inlinable
  public mutating func withUnsafeMutableBufferPointer<Result>(
    _ body: (UnsafeMutableBufferPointer<Scalar>) throws -> Result
  ) rethrows -> Result {
    if !isKnownUniquelyReferenced(&buffer) { buffer = buffer.copy() }
    return try body(UnsafeMutableBufferPointer(start: buffer.base, count: buffer.count))
  }
}

extension Sequence where Element == Int {
  /// The number of scalars in a tensor of this shape.
  @inlinable
  public var elementCount: Int { reduce(1, *) }
}

extension Tensor: Equatable {
  /// Two tensors are equal when their shapes and all their scalars are equal.
  @inlinable
  public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
    guard lhs.shape == rhs.shape else { return false }
    if lhs.buffer === rhs.buffer { return lhs.scalars.allSatisfy { $0 == $0 } }
    for i in 0..<lhs.scalarCount where lhs.buffer.base[i] != rhs.buffer.base[i] { return false }
    return true
  }
}

extension Tensor: CustomStringConvertible {
  /// The shape and, for small tensors, the scalars.
  public var description: String {
    let shown = scalars.prefix(16).map { "\($0)" }.joined(separator: ", ")
    let more = scalarCount > 16 ? ", …" : ""
    return "Tensor\(shape)(\(shown)\(more))"
  }
}

extension Tensor: @unchecked Sendable {}
