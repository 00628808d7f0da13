import Foundation

/// Lets at most `limit` messages through in any one-second window and counts
/// the rest, so a hot edge (1,000 msg/s) is shown to a client as a sample
/// instead of flooding its WebSocket.
///
/// A sliding window, not fixed one-second buckets: fixed buckets let 2 x limit
/// through across a bucket boundary. It remembers the times of the last
/// `limit` messages let through; a message passes when fewer than `limit`
/// passed in the second before it. Pure: the clock is an argument.
///
/// Skipped messages are reported at most once a second (`skipReport`), in the
/// runtime as a `network:output` line, because `network:data` payloads may
/// carry no extra keys.
public struct EdgeSampler: Sendable, Hashable {
    public let limit: Int
    /// Times of the messages let through, oldest at `head` once the ring is full.
    private var passed: [Date] = []
    private var head = 0
    /// Messages skipped since the last report.
    public private(set) var skipped = 0
    private var lastReport: Date?

    public init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Whether the message seen at `now` goes to the client; counts it as skipped if not.
    public mutating func admit(at now: Date) -> Bool {
        if passed.count < limit {
            passed.append(now)
            return true
        }
        guard now.timeIntervalSince(passed[head]) >= 1 else {
            skipped += 1
            return false
        }
        passed[head] = now
        head = (head + 1) % limit
        return true
    }

    /// The count of skipped messages, when there are some and the last report is
    /// at least a second old (or there was none); the count restarts from zero.
    public mutating func skipReport(at now: Date) -> Int? {
        guard skipped > 0 else { return nil }
        if let lastReport, now.timeIntervalSince(lastReport) < 1 { return nil }
        defer {
            skipped = 0
            lastReport = now
        }
        return skipped
    }
}
