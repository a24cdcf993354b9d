import CKernels
import Foundation
import TensorCore
import Testing

/// Tensor storage comes from a per-thread cache of freed blocks of the same size.
@Suite struct BufferCacheTests {
  /// A freed block is handed out again for the same size, and only for the same size.
  @Test func freedBlocksAreReusedBySize() {
    let first = variational_buffer_allocate(4552)!
    variational_buffer_deallocate(first, 4552)
    let other = variational_buffer_allocate(4560)!
    let again = variational_buffer_allocate(4552)!
    #expect(again == first)
    #expect(other != first)
    #expect(Int(bitPattern: again) % 64 == 0)
    variational_buffer_deallocate(other, 4560)
    variational_buffer_deallocate(again, 4552)
  }

  /// Live tensors never share storage: tensors of a few sizes, freed and reallocated in a
  /// shuffled order (more than the cache's 32 slots), each keep their own values.
  @Test func liveTensorsKeepTheirValues() {
    var generator = Xoshiro256StarStar(seed: 3)
    var live: [Tensor<Double>] = []
    for round in 0..<200 {
      let size = [1, 31, 569, 4096][round % 4]
      live.append(Tensor(repeating: Double(round), shape: [size]))
      if live.count > 40 {
        let index = Int(generator.next() % UInt64(live.count))
        live.remove(at: index)
      }
    }
    for tensor in live {
      let value = tensor.scalars[0]
      #expect(tensor.scalars.allSatisfy { $0 == value })
    }
    #expect(Set(live.map { $0.scalars[0] }).count == live.count)
  }

  /// Threads that allocate and exit free their caches without disturbing others.
  @Test func threadsCanExit() {
    let group = DispatchGroup()
    for index in 0..<4 {
      group.enter()
      let thread = Thread {
        var tensors: [Tensor<Float>] = []
        for size in 1...50 { tensors.append(Tensor(repeating: Float(index), shape: [size * 10])) }
        tensors.removeAll()
        for size in 1...50 { tensors.append(Tensor(repeating: 1, shape: [size * 10])) }
        group.leave()
      }
      thread.start()
    }
    #expect(group.wait(timeout: .now() + 10) == .success)
  }
}
