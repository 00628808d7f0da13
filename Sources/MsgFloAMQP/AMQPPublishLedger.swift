import MsgFlo

/// The I/O-free bookkeeping of confirmed publishing.
///
/// Publishes are pipelined: many are on the wire at once, each waiting for the
/// broker's `basic.ack` (possibly `multiple`) by delivery tag. When the
/// connection dies the unconfirmed ones go back to the front of the queue, in
/// order, and are sent again on the next connection (at-least-once). Each
/// publish has a deadline after which it fails instead. `Token` is whatever
/// the owner resumes when a publish settles (a continuation in production).
struct AMQPPublishLedger<Message, Token> {
    struct Entry {
        var message: Message
        var token: Token
        var deadline: ContinuousClock.Instant
    }

    /// Waiting to be sent, oldest first, starting at `head` (amortised O(1) dequeue).
    private var queuedStorage: [Entry] = []
    private var head = 0
    var queued: ArraySlice<Entry> { queuedStorage[head...] }
    /// Sent on the current channel and not yet confirmed, by delivery tag (ascending).
    private(set) var inFlight: [(tag: UInt64, entry: Entry)] = []
    private var nextTag: UInt64 = 1

    var isEmpty: Bool { queued.isEmpty && inFlight.isEmpty }

    mutating func enqueue(_ message: Message, token: Token, deadline: ContinuousClock.Instant) {
        queuedStorage.append(Entry(message: message, token: token, deadline: deadline))
    }

    /// Takes the next message to put on the wire, recording its delivery tag.
    /// Call `unsend()` if the write failed before the broker could see it.
    mutating func sendNext() -> (tag: UInt64, message: Message)? {
        guard head < queuedStorage.count else { return nil }
        let entry = queuedStorage[head]
        head += 1
        if head > 1024, head * 2 > queuedStorage.count {
            queuedStorage.removeFirst(head)
            head = 0
        }
        let tag = nextTag
        nextTag += 1
        inFlight.append((tag, entry))
        return (tag, entry.message)
    }

    /// A confirm-mode channel was (re)opened: tags restart at 1 and everything
    /// unconfirmed is sent again, in its original order.
    mutating func channelReopened() {
        queuedStorage = inFlight.map(\.entry) + queued
        head = 0
        inFlight = []
        nextTag = 1
    }

    /// `basic.ack` / `basic.nack`: the tokens settled by it. In-flight tags
    /// ascend, so both forms are a binary search, not a scan.
    mutating func settle(tag: UInt64, multiple: Bool) -> [Token] {
        settleEntries(tag: tag, multiple: multiple).map(\.token)
    }

    /// As `settle`, with the messages (ascending tags): a `basic.return` is
    /// paired with the publish it names.
    mutating func settleEntries(tag: UInt64, multiple: Bool) -> [Entry] {
        var low = 0
        var high = inFlight.count
        while low < high {
            let middle = (low + high) / 2
            if inFlight[middle].tag < tag { low = middle + 1 } else { high = middle }
        }
        let hit = low < inFlight.count && inFlight[low].tag == tag
        if multiple {
            let end = hit ? low + 1 : low
            let settled = inFlight[..<end].map(\.entry)
            inFlight.removeFirst(end)
            return settled
        }
        guard hit else { return [] }
        return [inFlight.remove(at: low).entry]
    }

    /// Removes and returns every publish whose deadline has passed.
    mutating func expire(now: ContinuousClock.Instant) -> [Token] {
        var expired: [Token] = []
        queuedStorage = Array(queued)
        head = 0
        queuedStorage.removeAll { entry in
            if entry.deadline <= now {
                expired.append(entry.token)
                return true
            }
            return false
        }
        inFlight.removeAll { item in
            if item.entry.deadline <= now {
                expired.append(item.entry.token)
                return true
            }
            return false
        }
        return expired
    }

    /// Removes everything (shutdown), returning the tokens to fail.
    mutating func drain() -> [Token] {
        defer {
            queuedStorage = []
            head = 0
            inFlight = []
        }
        return inFlight.map(\.entry.token) + queued.map(\.token)
    }

    /// The earliest deadline of any unsettled publish (entries keep enqueue
    /// order, so it is the first of either list).
    var nextDeadline: ContinuousClock.Instant? {
        [queued.first?.deadline, inFlight.first?.entry.deadline].compactMap { $0 }.min()
    }
}
