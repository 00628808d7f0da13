import Foundation
import TestSupport
import Testing

@testable import MsgFlo

/// Which failures are retried, and for how long: pure decisions, in tables.
@Suite("Retry budget and failure classification", .logsOnFailure)
struct RetryBudgetTests {
    struct Classified: Sendable, CustomTestStringConvertible {
        var name: String
        var error: any Error & Sendable
        var cancelled = false
        var kind: FailureKind
        var code: String?
        var testDescription: String { name }
    }

    static let classified: [Classified] = [
        Classified(
            name: "publish timeout", error: TransportError(.publishTimeout, "t"), kind: .transient(delay: .seconds(1)), code: "publish_timeout"),
        Classified(
            name: "nacked publish", error: TransportError(.publishRejected, "n"), kind: .transient(delay: .seconds(1)), code: "publish_rejected"),
        Classified(
            name: "broker gone", error: TransportError(.connectionFailed, "c"), kind: .transient(delay: .seconds(1)), code: "connection_failed"),
        Classified(name: "transport closed", error: TransportError(.closed, "c"), kind: .transient(delay: .seconds(1)), code: "closed"),
        Classified(name: "message too large", error: TransportError(.messageTooLarge, "m"), kind: .permanent, code: "message_too_large"),
        Classified(name: "unroutable", error: TransportError(.unroutable, "u"), kind: .permanent, code: "unroutable"),
        Classified(name: "access refused", error: TransportError(.accessRefused, "a"), kind: .permanent, code: "access_refused"),
        Classified(name: "missing exchange", error: TransportError(.notFound, "n"), kind: .permanent, code: "not_found"),
        Classified(
            name: "explicit retry", error: RetryLater(HandlerFailure(description: "db down"), retryDelay: .seconds(2)),
            kind: .transient(delay: .seconds(2)), code: nil),
        Classified(
            name: "retry wrapping a transport error", error: RetryLater(TransportError(.messageTooLarge, "m")),
            kind: .transient(delay: .seconds(1)), code: "message_too_large"),
        Classified(name: "handler error", error: HandlerFailure(description: "bad image"), kind: .permanent, code: nil),
        Classified(name: "unknown outport", error: ParticipantError.unknownOutport("x", available: []), kind: .permanent, code: nil),
        Classified(name: "cancelled by shutdown", error: CancellationError(), cancelled: true, kind: .interrupted, code: nil),
        Classified(name: "cancellation not by us", error: CancellationError(), cancelled: false, kind: .permanent, code: nil),
    ]

    @Test(arguments: classified)
    func classifiesFailures(_ row: Classified) {
        #expect(FailureKind(row.error, cancelled: row.cancelled) == row.kind)
        #expect(FailureKind.code(of: row.error) == row.code)
    }

    struct Decided: Sendable, CustomTestStringConvertible {
        var failures: Int
        var elapsed: Duration
        var suggested: Duration
        var expected: RetryBudget.Decision
        var testDescription: String { "failure \(failures) after \(elapsed)" }
    }

    /// maxRetries 3, window 60 s, delays from the suggestion doubling to 10 s (unit 0.5: no jitter).
    static let decided: [Decided] = [
        Decided(failures: 1, elapsed: .zero, suggested: .seconds(1), expected: .retry(after: .seconds(1))),
        Decided(failures: 2, elapsed: .seconds(1), suggested: .seconds(1), expected: .retry(after: .seconds(2))),
        Decided(failures: 3, elapsed: .seconds(3), suggested: .seconds(1), expected: .retry(after: .seconds(4))),
        Decided(failures: 4, elapsed: .seconds(7), suggested: .seconds(1), expected: .giveUp(failures: 4, elapsed: .seconds(7))),
        Decided(failures: 3, elapsed: .seconds(3), suggested: .seconds(8), expected: .retry(after: .seconds(10))),
        Decided(failures: 1, elapsed: .zero, suggested: .seconds(30), expected: .retry(after: .seconds(30))),
        Decided(failures: 2, elapsed: .seconds(60), suggested: .seconds(1), expected: .giveUp(failures: 2, elapsed: .seconds(60))),
        Decided(failures: 1, elapsed: .zero, suggested: .milliseconds(10), expected: .retry(after: .milliseconds(10))),
    ]

    @Test(arguments: decided)
    func decidesWithinTheBudget(_ row: Decided) {
        let budget = RetryBudget(maxRetries: 3, window: .seconds(60), maximumDelay: .seconds(10))
        #expect(budget.decide(failures: row.failures, elapsed: row.elapsed, suggestedDelay: row.suggested, unit: 0.5) == row.expected)
    }

    @Test func noRetriesGivesUpOnTheFirstFailure() {
        #expect(
            RetryBudget(maxRetries: 0).decide(failures: 1, elapsed: .zero, suggestedDelay: .seconds(1), unit: 0.5)
                == .giveUp(failures: 1, elapsed: .zero))
    }

    @Test func theLedgerCountsPerMessageUntilForgotten() {
        let ledger = RetryLedger(capacity: 2, expiry: .seconds(60))
        let start = ContinuousClock.now
        let a = RetryLedger.Key(queue: "q", body: Data("a".utf8))
        let b = RetryLedger.Key(queue: "q", body: Data("b".utf8))
        #expect(ledger.recordFailure(a, now: start).failures == 1)
        #expect(ledger.recordFailure(a, now: start + .seconds(1)).failures == 2)
        #expect(ledger.recordFailure(a, now: start + .seconds(2)).firstFailure == start)
        #expect(ledger.recordFailure(b, now: start + .milliseconds(2500)).failures == 1)
        // Same body on another queue is another message.
        #expect(ledger.recordFailure(RetryLedger.Key(queue: "other", body: Data("a".utf8)), now: start + .seconds(3)).failures == 1)
        #expect(ledger.count == 2, "capacity 2: the least recently failed entry went")
        ledger.forget(a)
        #expect(ledger.recordFailure(a, now: start + .seconds(4)).failures == 1)
        // An entry not seen for longer than the expiry starts over.
        #expect(ledger.recordFailure(a, now: start + .seconds(100)).failures == 1)
    }

    @Test(arguments: [
        (TransportError.Code.connectionFailed, true), (.notConnected, true), (.closed, true), (.publishTimeout, true),
        (.publishRejected, true), (.resourceLocked, true), (.brokerUnavailable, true),
        (.authenticationFailed, false), (.unroutable, false), (.messageTooLarge, false), (.accessRefused, false),
        (.preconditionFailed, false), (.notFound, false), (.protocolError, false), (.invalidName, false),
        (.unsupportedURL, false),
    ])
    func transportErrorCodesSayWhetherToRetry(code: TransportError.Code, transient: Bool) {
        #expect(code.isTransient == transient)
        #expect(TransportError(code, "x").isTransient == transient)
    }
}
