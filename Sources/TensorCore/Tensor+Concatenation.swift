import _Differentiation

extension Tensor {
  /// The sizes of the blocks that concatenation along `axis` interleaves: `outer` blocks, each
  /// `shape[axis] × inner` contiguous scalars.
  @inlinable
  static func _blocks(_ shape: [Int], axis: Int) -> (outer: Int, inner: Int) {
    (shape[..<axis].reduce(1, *), shape[(axis + 1)...].reduce(1, *))
  }

  /// Joins tensors along `axis`; all other axes must agree.
  @inlinable
  @differentiable(reverse)
  public init(concatenating tensors: [Tensor], alongAxis axis: Int = 0) {
    userPrecondition(!tensors.isEmpty, "Tensor(concatenating:): needs at least one tensor")
    let first = tensors[0].shape
    let axis = axis < 0 ? axis + first.count : axis
    userPrecondition(
      axis >= 0 && axis < first.count,
      "Tensor(concatenating:alongAxis:): axis \(axis) is out of range for shape \(first)")
    var total = 0
    for tensor in tensors {
      var expected = first
      expected[axis] = tensor.shape.count == first.count ? tensor.shape[axis] : -1
      userPrecondition(
        tensor.shape == expected,
        "Tensor(concatenating:alongAxis: \(axis)): shapes \(tensors.map(\.shape)) differ "
          + "outside the axis")
      total += tensor.shape[axis]
    }
    var shape = first
    shape[axis] = total
    self.init(uninitializedShape: shape)
    let (outer, inner) = Tensor._blocks(shape, axis: axis)
    let rowSize = total * inner
    var column = 0
    for tensor in tensors {
      let width = tensor.shape[axis] * inner
      for o in 0..<outer {
        (buffer.base + o * rowSize + column).update(
          from: tensor.buffer.base + o * width, count: width)
      }
      column += width
    }
  }

  @inlinable
  @derivative(of: init(concatenating:alongAxis:))
  static func _vjpConcatenating(_ tensors: [Tensor], alongAxis axis: Int) -> (
    value: Tensor, pullback: (Tensor) -> Array<Tensor>.TangentVector
  ) {
    let y = Tensor(concatenating: tensors, alongAxis: axis)
    let sizes = tensors.map { $0.shape[axis < 0 ? axis + $0.rank : axis] }
    return (
      y,
      { g in
        .init(g._unbroadcast(to: y.shape).split(sizes: sizes, alongAxis: axis))
      }
    )
  }

  /// Splits along `axis` into consecutive pieces of the given sizes (which must add up to the
  /// axis' size).
  @inlinable
  @differentiable(reverse)
  public func split(sizes: [Int], alongAxis axis: Int = 0) -> [Tensor] {
    let axis = _normalizedAxes([axis], "split(sizes:alongAxis:)")[0]
    userPrecondition(
      sizes.allSatisfy { $0 >= 0 } && sizes.reduce(0, +) == shape[axis],
      "split(sizes:alongAxis:): sizes \(sizes) do not add up to axis \(axis) of shape \(shape)")
    let (outer, inner) = Tensor._blocks(shape, axis: axis)
    let rowSize = shape[axis] * inner
    var column = 0
    var pieces: [Tensor] = []
    for size in sizes {
      var pieceShape = shape
      pieceShape[axis] = size
      let piece = Tensor(uninitializedShape: pieceShape)
      let width = size * inner
      for o in 0..<outer {
        (piece.buffer.base + o * width).update(
          from: buffer.base + o * rowSize + column, count: width)
      }
      column += width
      pieces.append(piece)
    }
    return pieces
  }

  @inlinable
  @derivative(of: split)
  func _vjpSplit(sizes: [Int], alongAxis axis: Int) -> (
    value: [Tensor], pullback: (Array<Tensor>.TangentVector) -> Tensor
  ) {
    let pieces = split(sizes: sizes, alongAxis: axis)
    let shapes = pieces.map(\.shape)
    return (
      pieces,
      { g in
        // Pieces that did not influence the result may come back as rank-0 zeros, or the
        // whole array as an empty zero.
        let gradients = shapes.indices.map { i in
          i < g.base.count ? g.base[i]._unbroadcast(to: shapes[i]) : Tensor(zeros: shapes[i])
        }
        return Tensor(concatenating: gradients, alongAxis: axis)
      }
    )
  }
}
