import Testing
@testable import MsgFlo

@Suite("AMQPBackoff")
struct AMQPBackoffTests {
    @Test(arguments: [
        // failures, random unit, expected milliseconds (initial 1 s, cap 30 s, jitter 20 %)
        (0, 0.5, 1000),
        (1, 0.5, 2000),
        (2, 0.5, 4000),
        (4, 0.5, 16000),
        (5, 0.5, 30000),
        (50, 0.5, 30000),
        (0, 0.0, 800),
        (0, 1.0, 1200),
        (3, 0.0, 6400),
        (10, 1.0, 30000),
        (10, 0.0, 24000),
    ])
    func growsExponentiallyWithJitterAndCap(_ failures: Int, _ unit: Double, _ millis: Int64) {
        let backoff = AMQPBackoff(initial: .seconds(1), maximum: .seconds(30), jitter: 0.2)
        #expect(backoff.delay(afterFailures: failures, unit: unit) == .milliseconds(millis))
    }

    @Test(arguments: [
        (Duration.seconds(2), "2 s"), (.milliseconds(1500), "1.5 s"), (.milliseconds(12_400), "12 s"),
        (.milliseconds(1960), "2 s"), (.milliseconds(200), "0.2 s"), (.milliseconds(9960), "10 s"),
    ])
    func formatsDelaysForLogLines(_ delay: Duration, _ text: String) {
        #expect(AMQPConnectionThread.format(delay) == text)
    }
}

/// A restarted broker is found again within seconds, not half a minute.
@Test func defaultBackoffRetriesWithinFiveSeconds() {
    let backoff = AMQPBackoff()
    #expect(backoff.delay(afterFailures: 100, unit: 1.0) <= .seconds(5))
    #expect(backoff.delay(afterFailures: 1, unit: 0.5) <= .seconds(1))
}
