import Foundation
import Primitives

/// Remembers, per message, how often it failed transiently and since when, so
/// a requeued message's retry budget survives its round trip through the broker.
///
/// A requeued message carries nothing that says it is the same one (AMQP only
/// marks it `redelivered`, MQTT sends it as new), so it is recognised by queue
/// and body: identical messages share one budget. Entries go once the message
/// is settled for good, after `expiry`, and the oldest beyond `capacity`, so a
/// message another instance finished does not stay here.
final class RetryLedger: Sendable {
    struct Key: Hashable {
        var queue: String
        var size: Int
        var digest: Int

        init(queue: String, body: Data) {
            var hasher = Hasher()
            hasher.combine(body)
            self.queue = queue
            self.size = body.count
            self.digest = hasher.finalize()
        }
    }

    struct Entry {
        var failures: Int
        var firstFailure: ContinuousClock.Instant
        var lastFailure: ContinuousClock.Instant
    }

    private let entries = LockedState([Key: Entry]())
    private let capacity: Int
    private let expiry: Duration

    init(capacity: Int = 10_000, expiry: Duration) {
        self.capacity = max(1, capacity)
        self.expiry = expiry
    }

    /// Records one more transient failure; returns the message's failures so far and its first failure.
    func recordFailure(_ key: Key, now: ContinuousClock.Instant = .now) -> Entry {
        entries.withLock { entries in
            if let entry = entries[key], now - entry.lastFailure < expiry {
                entries[key]?.failures += 1
                entries[key]?.lastFailure = now
                return entries[key] ?? entry
            }
            if entries.count >= capacity {
                entries = entries.filter { now - $0.value.lastFailure < expiry }
                if entries.count >= capacity, let oldest = entries.min(by: { $0.value.lastFailure < $1.value.lastFailure }) {
                    entries.removeValue(forKey: oldest.key)
                }
            }
            let entry = Entry(failures: 1, firstFailure: now, lastFailure: now)
            entries[key] = entry
            return entry
        }
    }

    /// The message was settled for good (acked or rejected): forget it.
    /// `key` is only computed (the body hashed) when something failed before.
    func forget(_ key: @autoclosure () -> Key) {
        entries.withLock { entries in
            guard !entries.isEmpty else { return }
            entries.removeValue(forKey: key())
        }
    }

    var count: Int { entries.withLock { $0.count } }
}
