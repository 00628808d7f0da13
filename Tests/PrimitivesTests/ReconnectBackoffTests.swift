import Primitives
import Testing

@Suite struct ReconnectBackoffTests {
    enum Event: Sendable, CustomStringConvertible {
        case attemptFailed
        case lost(after: Duration)
        var description: String {
            switch self {
            case .attemptFailed: "attempt failed"
            case .lost(let after): "lost after \(after)"
            }
        }
    }

    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var events: [Event]
        /// Delays, no jitter (unit 0.5), initial 0.5 s, maximum 5 s.
        var delays: [Duration]
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(
            name: "failed attempts grow", events: [.attemptFailed, .attemptFailed, .attemptFailed],
            delays: [.milliseconds(500), .seconds(1), .seconds(2)]),
        Row(
            name: "a connection dropped at once keeps growing the delay",
            events: [
                .lost(after: .milliseconds(100)), .lost(after: .milliseconds(100)), .lost(after: .seconds(9)), .lost(after: .seconds(1)),
                .lost(after: .seconds(1)),
            ],
            delays: [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(5)]),
        Row(
            name: "a stable connection resets and reconnects at once",
            events: [.attemptFailed, .attemptFailed, .lost(after: .seconds(10)), .attemptFailed],
            delays: [.milliseconds(500), .seconds(1), .zero, .milliseconds(500)]),
        Row(
            name: "failures before a short connection still count",
            events: [.attemptFailed, .attemptFailed, .lost(after: .seconds(2))],
            delays: [.milliseconds(500), .seconds(1), .seconds(2)]),
    ]

    @Test(arguments: rows)
    func delays(_ row: Row) {
        var state = ReconnectBackoff(backoff: Backoff(initial: .milliseconds(500), maximum: .seconds(5), jitter: 0.2))
        let delays = row.events.map { event -> Duration in
            switch event {
            case .attemptFailed: state.attemptFailed(unit: 0.5)
            case .lost(let after): state.connectionLost(after: after, unit: 0.5)
            }
        }
        #expect(delays == row.delays)
    }
}
