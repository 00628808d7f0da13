import TestSupport
import Testing

@testable import Primitives

@Suite("Backoff", .logsOnFailure)
struct BackoffTests {
    @Test(arguments: [
        // failures, random unit, expected milliseconds (initial 1 s, cap 30 s, jitter 20 %)
        (0, 0.5, 1000),
        (1, 0.5, 2000),
        (2, 0.5, 4000),
        (4, 0.5, 16000),
        (5, 0.5, 30000),
        (50, 0.5, 30000),
        (Int.max, 0.5, 30000),
        (-3, 0.5, 1000),
        (0, 0.0, 800),
        (0, 1.0, 1200),
        (0, -7.0, 800),
        (0, 7.0, 1200),
        (3, 0.0, 6400),
        (10, 1.0, 30000),
        (10, 0.0, 24000),
    ])
    func growsExponentiallyWithJitterAndCap(_ failures: Int, _ unit: Double, _ millis: Int64) {
        let backoff = Backoff(initial: .seconds(1), maximum: .seconds(30), jitter: 0.2)
        #expect(backoff.delay(afterFailures: failures, unit: unit) == .milliseconds(millis))
    }

    /// The settings its users pick: Postgres reconnects (100 ms .. 5 s),
    /// database start-up (500 ms .. 10 s), guv restarts (500 ms .. 30 s, no jitter).
    @Test(arguments: [
        (Backoff(initial: .milliseconds(100), maximum: .seconds(5)), 0, Int64(100)),
        (Backoff(initial: .milliseconds(100), maximum: .seconds(5)), 5, 3200),
        (Backoff(initial: .milliseconds(100), maximum: .seconds(5)), 6, 5000),
        (Backoff(initial: .milliseconds(500), maximum: .seconds(10)), 4, 8000),
        (Backoff(initial: .milliseconds(500), maximum: .seconds(10)), 5, 10000),
        (Backoff(initial: .milliseconds(500), maximum: .seconds(30), jitter: 0), 5, 16000),
        (Backoff(initial: .milliseconds(500), maximum: .seconds(30), jitter: 0), 6, 30000),
    ])
    func withoutJitterTheDelayIsExact(_ backoff: Backoff, _ failures: Int, _ millis: Int64) {
        #expect(backoff.delay(afterFailures: failures, unit: 0.5) == .milliseconds(millis))
    }

    @Test func randomJitterStaysWithinItsBand() {
        let backoff = Backoff(initial: .seconds(1), maximum: .seconds(30), jitter: 0.2)
        for _ in 0..<200 {
            let delay = backoff.delay(afterFailures: 1)
            #expect(delay >= .milliseconds(1600) && delay <= .milliseconds(2400))
        }
    }
}

/// A restarted broker is found again within seconds, not half a minute.
@Test(.logsOnFailure) func defaultBackoffRetriesWithinFiveSeconds() {
    let backoff = Backoff()
    #expect(backoff.delay(afterFailures: 100, unit: 1.0) <= .seconds(5))
    #expect(backoff.delay(afterFailures: 1, unit: 0.5) <= .seconds(1))
}
