import Foundation
import Primitives
import TestSupport
import Testing

@Test(.timeLimit(.minutes(1)), .logsOnFailure) func monotonicClockMovesForwardWithTheContinuousClock() async throws {
    let start = MonotonicClock.nanoseconds()
    let reference = ContinuousClock.now
    try await Task.sleep(for: .milliseconds(20))
    let elapsed = MonotonicClock.nanoseconds() - start
    #expect(elapsed >= 20_000_000)
    // Both count the same time: the monotonic clock did not run ahead of the reference.
    let referenceElapsed = ContinuousClock.now - reference
    #expect(Double(elapsed) / 1e9 <= referenceElapsed.seconds + 0.001)
}
