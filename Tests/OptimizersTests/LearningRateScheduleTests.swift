import Foundation
import Optimizers
import TestSupport
import Testing

/// The schedules give the values of their documented formulas.
@Suite struct LearningRateScheduleTests {
  @Test func constant() {
    let schedule = LearningRateSchedule.constant(learningRate: 0.01)
    #expect([0, 1, 1000].map(schedule.learningRate(at:)) == [0.01, 0.01, 0.01])
  }

  @Test func stepDecay() {
    let schedule = LearningRateSchedule.stepDecay(learningRate: 1, factor: 0.5, stepsPerDecay: 3)
    #expect([0, 2, 3, 5, 6, 9].map(schedule.learningRate(at:)) == [1, 1, 0.5, 0.5, 0.25, 0.125])
  }

  @Test func exponentialDecay() {
    let schedule = LearningRateSchedule.exponentialDecay(learningRate: 2, factor: 0.9)
    #expect(schedule.learningRate(at: 0) == 2)
    assertClose(schedule.learningRate(at: 1), 1.8, relativeTolerance: 1e-15)
    assertClose(schedule.learningRate(at: 3), 2 * 0.729, relativeTolerance: 1e-15)
  }

  @Test func cosine() {
    let schedule = LearningRateSchedule.cosine(learningRate: 1, minimum: 0.1, totalSteps: 100)
    #expect(schedule.learningRate(at: 0) == 1)
    assertClose(schedule.learningRate(at: 50), 0.55, relativeTolerance: 1e-15)
    // t = T/4: 0.1 + 0.9 (1 + cos(π/4)) / 2.
    assertClose(schedule.learningRate(at: 25), 0.1 + 0.45 * (1 + 0.5.squareRoot()))
    assertClose(schedule.learningRate(at: 100), 0.1, relativeTolerance: 1e-15)
    #expect(schedule.learningRate(at: 150) == 0.1)
  }

  @Test func robbinsMonro() {
    let schedule = LearningRateSchedule.robbinsMonro(learningRate: 0.1, epsilon: 0)
    #expect(schedule.learningRate(at: 0) == 0.1)
    assertClose(schedule.learningRate(at: 3), 0.05, relativeTolerance: 1e-15)
    assertClose(schedule.learningRate(at: 99), 0.01, relativeTolerance: 1e-15)
    let stan = LearningRateSchedule.robbinsMonro(learningRate: 1)
    assertClose(stan.learningRate(at: 15), 0.25, relativeTolerance: 1e-14)
  }

  @Test func roundTripsThroughJSON() throws {
    let schedules: [LearningRateSchedule] = [
      .constant(learningRate: 0.5),
      .stepDecay(learningRate: 1, factor: 0.1, stepsPerDecay: 10),
      .exponentialDecay(learningRate: 1, factor: 0.99),
      .cosine(learningRate: 1e-3, minimum: 0, totalSteps: 1000),
      .robbinsMonro(learningRate: 0.1, epsilon: 1e-16),
    ]
    let data = try JSONEncoder().encode(schedules)
    #expect(try JSONDecoder().decode([LearningRateSchedule].self, from: data) == schedules)
  }
}
