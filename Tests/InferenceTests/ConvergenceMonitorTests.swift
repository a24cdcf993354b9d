import Inference
import Testing

@Suite struct ConvergenceMonitorTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var elbos: [Double]
    var windowSize: Int
    var tolerance: Double
    /// The 1-based evaluation at which the rule fires, or nil.
    var firesAt: Int?
    var testDescription: String { "\(elbos) window \(windowSize)" }
  }

  static let cases: [Case] = [
    // Δ = 1 (from 0), 1, 0.002, 0: the median of the last three is 0.002 at evaluation 4.
    Case(elbos: [-100, -50, -49.9, -49.9], windowSize: 3, tolerance: 0.01, firesAt: 4),
    // The mean fires once the initial 1 has left a window of 2.
    Case(elbos: [-10, -10.01, -10.02, -10.03], windowSize: 2, tolerance: 0.01, firesAt: 3),
    // Steady 5% changes never converge at a 1% tolerance.
    Case(elbos: [-100, -95, -90.25, -85.74, -81.45], windowSize: 3, tolerance: 0.01, firesAt: nil),
    // A NaN ELBO counts as an infinite change, and so does the change after it.
    Case(elbos: [-10, .nan, -10, -10, -10], windowSize: 3, tolerance: 0.01, firesAt: 5),
  ]

  @Test(arguments: cases)
  func firesWhereStanWould(_ testCase: Case) {
    var monitor = ConvergenceMonitor(tolerance: testCase.tolerance, windowSize: testCase.windowSize)
    var fired: Int?
    for (index, elbo) in testCase.elbos.enumerated() where fired == nil {
      if monitor.record(elbo: elbo).converged { fired = index + 1 }
    }
    #expect(fired == testCase.firesAt)
  }

  @Test func statistics() {
    var monitor = ConvergenceMonitor(tolerance: 0.01, windowSize: 3)
    let first = monitor.record(elbo: -100)
    #expect(first.relativeChange == 1)
    let second = monitor.record(elbo: -50)
    #expect(second.relativeChange == 1)
    let third = monitor.record(elbo: -40)
    #expect(third.relativeChange == 0.25)
    #expect(third.meanRelativeChange == 0.75)
    #expect(third.medianRelativeChange == 1)
    let fourth = monitor.record(elbo: -40)
    #expect(monitor.relativeChanges == [1, 0.25, 0])
    #expect(fourth.medianRelativeChange == 0.25)
  }

  /// Stan's circular-buffer size max(0.1 · maxIterations / evalEvery, 2).
  @Test func defaultWindow() {
    #expect(ConvergenceMonitor.defaultWindowSize(maxIterations: 10_000, evalEvery: 100) == 10)
    #expect(ConvergenceMonitor.defaultWindowSize(maxIterations: 1000, evalEvery: 100) == 2)
    #expect(ConvergenceMonitor.defaultWindowSize(maxIterations: 100_000, evalEvery: 50) == 200)
  }
}
