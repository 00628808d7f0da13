import Foundation
import TestSupport
import Testing

@testable import ImageResize

@Suite("Worker time meter", .logsOnFailure)
struct WorkerTimeMeterTests {
    /// (seconds after start, handlers starting (+1) or ending (-1)), then the
    /// totals at `end`: a waiting third handler on a 2-slot worker is not busy time.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var slots: Int
        var events: [(Double, Int)]
        var end: Double
        var busy: Double
        var testDescription: String { name }
    }

    @Test(arguments: [
        Case(name: "idle", slots: 2, events: [], end: 10, busy: 0),
        Case(name: "one handler for 4 s", slots: 2, events: [(1, 1), (5, -1)], end: 10, busy: 4),
        Case(name: "two overlapping", slots: 2, events: [(0, 1), (2, 1), (4, -1), (6, -1)], end: 10, busy: 8),
        Case(name: "a third waits for a slot", slots: 2, events: [(0, 1), (0, 1), (0, 1), (3, -1), (6, -1), (6, -1)], end: 10, busy: 12),
        Case(name: "still running at the end", slots: 1, events: [(8, 1)], end: 10, busy: 2),
        Case(name: "more ends than starts", slots: 1, events: [(1, -1), (2, 1), (3, -1)], end: 4, busy: 1),
    ])
    func totals(_ example: Case) {
        let start = ContinuousClock.now
        let at = { (seconds: Double) in start + .milliseconds(Int64(seconds * 1000)) }
        let meter = WorkerTimeMeter(slots: example.slots, now: start)
        for (time, delta) in example.events { meter.change(by: delta, now: at(time)) }
        let (alive, busy) = meter.totals(now: at(example.end))
        #expect(abs(alive - example.end) < 1e-6)
        #expect(abs(busy - example.busy) < 1e-6)
    }
}
