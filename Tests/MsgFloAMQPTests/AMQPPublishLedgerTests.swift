import MsgFlo
import Primitives
import TestSupport
import Testing

@testable import MsgFloAMQP

@Suite("AMQPPublishLedger", .logsOnFailure)
struct AMQPPublishLedgerTests {
    typealias Ledger = AMQPPublishLedger<String, Int>
    let start = ContinuousClock.now

    func ledger(_ count: Int, sent: Int) -> Ledger {
        var ledger = Ledger()
        for i in 1...count { ledger.enqueue("m\(i)", token: i, deadline: start + .seconds(i)) }
        for _ in 0..<sent { _ = ledger.sendNext() }
        return ledger
    }

    @Test func sendsInOrderWithIncreasingTags() {
        var ledger = ledger(3, sent: 0)
        #expect(ledger.sendNext()! == (1, "m1"))
        #expect(ledger.sendNext()! == (2, "m2"))
        #expect(ledger.sendNext()! == (3, "m3"))
        #expect(ledger.sendNext() == nil)
    }

    @Test(arguments: [
        // acked tag, multiple, settled tokens, tokens still in flight
        (UInt64(2), false, [2], [1, 3, 4]),
        (UInt64(3), true, [1, 2, 3], [4]),
        (UInt64(4), true, [1, 2, 3, 4], []),
        (UInt64(9), false, [], [1, 2, 3, 4]),
        (UInt64(1), true, [1], [2, 3, 4]),
    ])
    func settlesByTagAndMultiple(_ tag: UInt64, _ multiple: Bool, _ settled: [Int], _ remaining: [Int]) {
        var ledger = ledger(4, sent: 4)
        #expect(ledger.settle(tag: tag, multiple: multiple) == settled)
        #expect(ledger.inFlight.map(\.entry.token) == remaining)
    }

    @Test func reopenedChannelResendsUnconfirmedFirstWithFreshTags() {
        var ledger = ledger(5, sent: 3)
        _ = ledger.settle(tag: 1, multiple: false)
        ledger.channelReopened()
        #expect(ledger.inFlight.isEmpty)
        #expect(ledger.queued.map(\.token) == [2, 3, 4, 5])
        #expect(ledger.sendNext()! == (1, "m2"))
        #expect(ledger.settle(tag: 1, multiple: true) == [2])
    }

    @Test func expiresQueuedAndInFlightPastDeadline() {
        var ledger = ledger(4, sent: 2)
        #expect(ledger.nextDeadline == start + .seconds(1))
        #expect(ledger.expire(now: start + .seconds(3)) == [3, 1, 2])
        #expect(ledger.queued.map(\.token) == [4])
        #expect(ledger.nextDeadline == start + .seconds(4))
    }

    @Test func drainReturnsEverythingOnce() {
        var ledger = ledger(3, sent: 1)
        #expect(ledger.drain().sorted() == [1, 2, 3])
        #expect(ledger.isEmpty)
        #expect(ledger.drain().isEmpty)
    }

    @Test func manyPublishesDequeueInOrder() {
        var ledger = Ledger()
        for i in 1...5000 { ledger.enqueue("m\(i)", token: i, deadline: start + .seconds(60)) }
        var tokens: [Int] = []
        while let (tag, _) = ledger.sendNext() { tokens += ledger.settle(tag: tag, multiple: false) }
        #expect(tokens == Array(1...5000))
    }
}
