import TensorCore

// Group 3: standard-normal generation, the reparameterisation noise of every VAE minibatch.

/// The bar for standard-normal generation: well under 1 µs per number.
let normalAcceptanceSeconds = 1e-6

/// Runs group 3: nanoseconds per number for `Tensor<Float>(randomNormal: [128, 20], using:)`
/// with ``Xoshiro256StarStar`` (allocation included), and for refilling a reused buffer with
/// `fillStandardNormal(using:)` (generation alone); median over samples.
func runRandomBenchmarks(budget: Budget, generator: inout Xoshiro256StarStar) {
  let shape = [128, 20]
  let count = shape.elementCount
  printSection("3. Standard-normal generation, Float [128, 20] = \(count) numbers")
  let table = TextTable(columns: [
    .init("method", 48, .left), .init("per tensor", 10), .init("per number", 10),
  ])
  table.printHeader()

  let tensor = measure(budget) {
    blackHole(Tensor<Float>(randomNormal: shape, using: &generator))
  }
  table.printRow([
    "Tensor(randomNormal: [128, 20], using: &xoshiro)", formattedDuration(tensor.seconds),
    formattedDuration(tensor.seconds / Double(count)),
  ])

  let buffer = allocateAligned(Float.self, count: count)
  defer { deallocateAligned(buffer) }
  let fill = measure(budget) { buffer.fillStandardNormal(using: &generator) }
  table.printRow([
    "reused buffer .fillStandardNormal(using:)", formattedDuration(fill.seconds),
    formattedDuration(fill.seconds / Double(count)),
  ])

  let perNumber = tensor.seconds / Double(count)
  print("")
  print(
    "acceptance (Tensor(randomNormal:) well under \(formattedDuration(normalAcceptanceSeconds)) "
      + "per number): \(perNumber < normalAcceptanceSeconds ? "PASS" : "FAIL") at "
      + "\(formattedDuration(perNumber)) "
      + "(\(formatted(normalAcceptanceSeconds / perNumber, decimals: 0))× under)")
}
