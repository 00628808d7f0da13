import Foundation
import MsgFloRuntime
import TestSupport
import Testing

@Suite(.logsOnFailure) struct EdgeSamplerTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var limit: Int
        /// Arrival times in seconds.
        var arrivals: [TimeInterval]
        var admitted: [Bool]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "under the limit: all through", limit: 3, arrivals: [0, 0.1, 0.2], admitted: [true, true, true]),
        Case(name: "a burst: the first N", limit: 2, arrivals: [0, 0.01, 0.02, 0.03], admitted: [true, true, false, false]),
        Case(
            name: "a second later the window has room again", limit: 2, arrivals: [0, 0.5, 0.9, 1.0, 1.2, 1.5],
            admitted: [true, true, false, true, false, true]),
        Case(
            name: "sliding, not fixed buckets: no 2N across a boundary", limit: 2, arrivals: [0.8, 0.9, 1.0, 1.1, 1.8, 1.9],
            admitted: [true, true, false, false, true, true]),
        Case(name: "a limit below one is one", limit: 0, arrivals: [0, 0.5, 1.0], admitted: [true, false, true]),
        Case(name: "a clock that goes back skips rather than traps", limit: 1, arrivals: [10, 5, 11], admitted: [true, false, true]),
    ]

    @Test(arguments: cases)
    func atMostNPerSecond(_ testCase: Case) {
        var sampler = EdgeSampler(limit: testCase.limit)
        let t0 = Date(timeIntervalSince1970: 0)
        let admitted = testCase.arrivals.map { sampler.admit(at: t0.addingTimeInterval($0)) }
        #expect(admitted == testCase.admitted)
        #expect(sampler.skipped == admitted.filter { !$0 }.count)
    }

    @Test func skipsAreReportedAtMostOnceASecond() {
        let t0 = Date(timeIntervalSince1970: 0)
        var sampler = EdgeSampler(limit: 1)
        #expect(sampler.skipReport(at: t0) == nil)
        for i in 0..<10 { _ = sampler.admit(at: t0.addingTimeInterval(Double(i) * 0.01)) }
        #expect(sampler.skipReport(at: t0.addingTimeInterval(0.1)) == 9)
        _ = sampler.admit(at: t0.addingTimeInterval(0.2))
        #expect(sampler.skipReport(at: t0.addingTimeInterval(0.5)) == nil, "reported less than a second ago")
        #expect(sampler.skipReport(at: t0.addingTimeInterval(1.1)) == 1)
        #expect(sampler.skipReport(at: t0.addingTimeInterval(5)) == nil, "nothing skipped since")
    }
}
