/// Some documents of a ``DocumentTermMatrix`` with their columns renumbered `0..<columnCount`
/// in order of first appearance, so that a minibatch's table of exp(E[log β]) has a row only
/// for the words it has (Hoffman et al. 2013 note that an online step touches only those).
struct LocalDocuments {
  /// Where each document's entries start (relative to this batch), then the entry count.
  var rowStarts: [Int]
  /// The local column of each entry.
  var columns: [Int32]
  /// The count of each entry.
  var counts: [Double]
  /// The vocabulary index of each local column.
  var terms: [Int32]

  /// The number of documents.
  var documentCount: Int { rowStarts.count - 1 }
  /// The number of distinct words.
  var columnCount: Int { terms.count }

  /// The documents `rows` of `matrix`, renumbered when `renumber` is set, else with their
  /// vocabulary indices as columns (then `terms` lists the whole vocabulary).
  /// `marks` is scratch space of `matrix.termCount` entries, all −1 on entry and on return.
  init(matrix: DocumentTermMatrix, rows: Range<Int>, renumber: Bool, marks: inout [Int32]) {
    let first = matrix.rowStarts[rows.lowerBound]
    let end = matrix.rowStarts[rows.upperBound]
    rowStarts = matrix.rowStarts[rows.lowerBound...rows.upperBound].map { $0 - first }
    counts = Array(matrix.counts[first..<end])
    if !renumber {
      columns = Array(matrix.termIndices[first..<end])
      terms = (0..<Int32(matrix.termCount)).map { $0 }
      return
    }
    columns = []
    columns.reserveCapacity(end - first)
    terms = []
    for entry in first..<end {
      let term = Int(matrix.termIndices[entry])
      if marks[term] < 0 {
        marks[term] = Int32(terms.count)
        terms.append(Int32(term))
      }
      columns.append(marks[term])
    }
    for term in terms { marks[Int(term)] = -1 }
  }
}
